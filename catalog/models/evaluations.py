"""Evaluations after a training (双向评估): the rows the quality record and the ranking read."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import EvaluationDirection
from catalog.models.institutions import Institution
from catalog.quality import RATING_SCALE
from catalog.querysets import EvaluationQuerySet


class Evaluation(models.Model):
    """One side's evaluation after a training (双向评估); unit-to-institution ones make the quality record."""

    external_id = models.SlugField(_("external id"), max_length=100, unique=True)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="evaluations"
    )
    direction = models.CharField(_("direction"), max_length=30, choices=EvaluationDirection.choices)
    date = models.DateField(_("date"))
    overall = models.FloatField(_("overall"), validators=RATING_SCALE)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    group_size = models.PositiveIntegerField(_("group size"), null=True, blank=True)
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # A two-way evaluation stays sealed, read by nobody else and counted nowhere, until the other side has
    # answered or until this day, when the evaluation window closes (matching.services.training unseals it).
    sealed_until = models.DateField(_("sealed until"), null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "external_id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [
            # The quality summary and the quality signal: one institution's evaluations of one direction.
            models.Index(fields=["institution", "direction", "date"], name="evaluation_quality_idx"),
            # The office's quality watch: the counted evaluations since a date, read from the index alone
            # (mean and count per institution over the recent years, not over every evaluation). The
            # statistics' all-time figures read the profiles' tallies (matching.statistics).
            models.Index(
                fields=["direction", "date", "institution", "overall"],
                condition=models.Q(sealed_until__isnull=True),
                name="evaluation_recent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.institution_id}, {self.overall})"
