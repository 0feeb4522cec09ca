"""The embedded engine's index, kept in the database: one profile row per institution, and a version
that tells every process when to reload what it holds in memory; and the synonyms the catalogue suggests
for the field taxonomy, waiting for the office."""

from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from catalog.fields import acted_by


class InstitutionProfile(models.Model):
    """What matching knows of an institution: specialty weights (given, from its courses, or detected
    in its texts), the words of its texts with their counts, and its quality value. Rebuilt whenever
    its sources change."""

    institution = models.OneToOneField(
        "catalog.Institution", primary_key=True, on_delete=models.CASCADE, related_name="search_profile"
    )
    specialties = models.JSONField(default=dict)
    specialty_sources = models.JSONField(default=dict)
    # word → how often it occurs in the institution's texts, and how many words they hold (for BM25).
    token_counts = models.JSONField(default=dict)
    length = models.PositiveIntegerField(default=0)
    quality = models.FloatField(default=0.0)
    # The public record's tally of its counted evaluations (plain mean and count), written with every change
    # of them: the office's statistics read it rather than grouping every evaluation again.
    rating_mean = models.FloatField(null=True)
    rating_count = models.PositiveIntegerField(default=0)
    # The index version of the change that wrote this row. Versions are handed out under the counter's
    # row lock, so they follow commit order and a process can fetch just what changed since its copy.
    index_version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Named under the app's former label, matchsearch: no table moved (docs/architecture.md).
        db_table = "matchsearch_institutionprofile"
        indexes = [
            # The embedded engine's patch: profiles changed since the version it holds.
            models.Index(fields=["index_version"], name="profile_version_idx"),
            # The office's statistics read each rated institution's tally from these indexes alone (a
            # profile row carries its words: reading 10,000 of them took 90 ms): the best-rated first,
            # and the tallies by institution to add up by country.
            models.Index(
                fields=["-rating_mean", "-rating_count", "institution"],
                condition=models.Q(rating_count__gt=0),
                name="profile_best_rated_idx",
            ),
            models.Index(
                fields=["institution", "rating_count", "rating_mean"],
                condition=models.Q(rating_count__gt=0),
                name="profile_tally_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"profile of institution {self.institution_id}"


# The row `IndexVersion.read_once()` read, while its block runs.
_held_row: ContextVar[tuple[int, str, str] | None] = ContextVar("index_version_row", default=None)


class IndexVersion(models.Model):
    """A single counter, bumped by every change that affects rankings, with a random stamp per bump: a
    number can come back (a rolled-back change, a flushed database), a stamp cannot, so a process
    holding a copy of the index compares both. The taxonomy stamp moves only when fields, countries or
    their strengths change, so what is loaded from them outlives the far more frequent institution saves."""

    version = models.PositiveBigIntegerField(default=0)
    stamp = models.CharField(max_length=32, blank=True)
    taxonomy_stamp = models.CharField(max_length=32, blank=True)

    class Meta:
        # Named under the app's former label, matchsearch: no table moved (docs/architecture.md).
        db_table = "matchsearch_indexversion"

    def __str__(self) -> str:
        return f"index version {self.version}"

    @classmethod
    def current(cls) -> int:
        return cls.state()[0]

    @classmethod
    def state(cls) -> tuple[int, str]:
        if (held := _held_row.get()) is not None:
            return held[:2]
        row = cls.objects.filter(pk=1).values_list("version", "stamp").first()
        return row or (0, "")

    @classmethod
    def taxonomy_state(cls) -> str:
        if (held := _held_row.get()) is not None:
            return held[2]
        return cls.objects.filter(pk=1).values_list("taxonomy_stamp", flat=True).first() or ""

    @classmethod
    @contextlib.contextmanager
    def read_once(cls):
        """Within the block, `state()` and `taxonomy_state()` answer from one reading of the row: a ranking
        asks both several times (its index, the taxonomy, the countries' words, the reasons' names), and
        reads them all as of one moment. For blocks that change neither."""
        if _held_row.get() is not None:
            yield
            return
        row = cls.objects.filter(pk=1).values_list("version", "stamp", "taxonomy_stamp").first()
        token = _held_row.set(row or (0, "", ""))
        try:
            yield
        finally:
            _held_row.reset(token)

    @classmethod
    def bump(cls, *, taxonomy: bool = False) -> int:
        """Move the version on (and the taxonomy stamp, for a change of fields or countries) and return
        it; the row stays locked until the transaction ends."""
        stamp = uuid.uuid4().hex
        changes = {"version": F("version") + 1, "stamp": stamp}
        if taxonomy:
            changes["taxonomy_stamp"] = stamp
        if not cls.objects.filter(pk=1).update(**changes):
            cls.objects.get_or_create(pk=1, defaults={"version": 1, "stamp": stamp, "taxonomy_stamp": stamp})
        return cls.objects.filter(pk=1).values_list("version", flat=True).get()


class IndexOutbox(models.Model):
    """Institutions whose Elasticsearch document is out of date: a durable queue in the database. A row
    stays until a task has written the document, so nothing is lost while the server is down."""

    institution_id = models.BigIntegerField(unique=True)
    enqueued_at = models.DateTimeField(auto_now=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When writing this entry last failed: while that is recent, a retry is waiting and the tasks queued by
    # later saves leave the server alone (search/tasks.py).
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Named under the app's former label, matchsearch: no table moved (docs/architecture.md).
        db_table = "matchsearch_indexoutbox"
        indexes = [
            # The worker takes the oldest entries first.
            models.Index(fields=["enqueued_at"], name="outbox_oldest_idx"),
        ]

    def __str__(self) -> str:
        return f"reindex institution {self.institution_id}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class SuggestionLanguage(models.TextChoices):
    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")


class SynonymSuggestion(models.Model):
    """A word the catalogue suggests as a synonym of a field: institutions that state the field use it
    (or a word it translates) far more than the others. It changes nothing until the office accepts it;
    accepting adds it to the field's synonyms (search/synonyms.py: accept)."""

    field = models.ForeignKey(
        "catalog.Field",
        verbose_name=_("field"),
        on_delete=models.CASCADE,
        related_name="synonym_suggestions",
    )
    term = models.CharField(_("term"), max_length=120)
    language = models.CharField(_("language"), max_length=8, choices=SuggestionLanguage.choices)
    # The words of the institutions' texts this term translates, when it is a translation (lexicon).
    translates = models.CharField(_("translation of"), max_length=255, blank=True)
    # Dunning's log-likelihood ratio of the term and the field occurring together: 10.8 is p < 0.001.
    score = models.FloatField(_("score"))
    # Institutions that state the field and use the term; and how many use it at all.
    evidence = models.PositiveIntegerField(_("institutions with the field using it"))
    users = models.PositiveIntegerField(_("institutions using it"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    decided_by = acted_by(_("decided by"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        # Named under the app's former label, matchsearch: no table moved (docs/architecture.md).
        db_table = "matchsearch_synonymsuggestion"
        ordering = ["-score"]
        verbose_name = _("synonym suggestion")
        verbose_name_plural = _("synonym suggestions")
        constraints = [models.UniqueConstraint(fields=["field", "term"], name="unique_suggestion")]
        indexes = [
            # The office's list: pending suggestions, strongest first.
            models.Index(fields=["status", "-score"], name="suggestion_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.field_id}"
