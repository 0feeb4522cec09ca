"""Training groups (培训团组): what an agreed inquiry becomes once the unit sends people abroad — the group,
its training log, the two evaluation links handed out as QR codes and the evaluations they gave."""

from __future__ import annotations

import datetime

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.fields import acted_by
from catalog.models import Evaluation, new_token
from matching.choices import Side
from matching.models.negotiation import Inquiry, readable_threads

# How long after the group's end date the evaluations stay sealed if one side never answers.
EVALUATION_WINDOW = datetime.timedelta(days=30)


class TrainingGroupQuerySet(models.QuerySet):
    def visible_to(self, user) -> TrainingGroupQuerySet:
        """The groups a person may read: those of the threads they read (their unit's, their
        institution's; every group for the office)."""
        readable = readable_threads(user, "inquiry__")
        groups = self.select_related("inquiry__demand__organizing_unit", "inquiry__institution")
        return groups if readable is None else groups.filter(readable)

    def abroad_on(self, day: datetime.date) -> TrainingGroupQuerySet:
        """Groups abroad that day (its first to its last day of training), each with its log's last entry
        as `last_date`, `last_place` and `last_content`: the office's "groups abroad now"."""
        last = LogEntry.objects.filter(group=models.OuterRef("pk")).order_by("-date", "-created_at", "-pk")
        return (
            self.filter(start_date__lte=day, end_date__gte=day)
            .select_related("inquiry__demand__organizing_unit", "inquiry__institution__country")
            .annotate(
                last_date=models.Subquery(last.values("date")[:1]),
                last_place=models.Subquery(last.values("place")[:1]),
                last_content=models.Subquery(last.values("content")[:1]),
            )
            .order_by("end_date", "pk")
        )


class TrainingGroup(models.Model):
    """The group a unit sends on an agreed inquiry, with a token per evaluating side: `unit_token` lets the
    group rate the institution, `institution_token` lets the institution rate the group."""

    inquiry = models.OneToOneField(Inquiry, on_delete=models.CASCADE, related_name="training_group")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    cities = models.CharField(pgettext_lazy("proposal", "cities"), max_length=255)
    participants = models.PositiveIntegerField(_("participants"), validators=[MinValueValidator(1)])
    leader_name = models.CharField(_("group leader"), max_length=120)
    created_by = acted_by()
    unit_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    institution_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    unit_submitted_at = models.DateTimeField(null=True, blank=True)
    institution_submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("training group")
        verbose_name_plural = _("training groups")

    def __str__(self) -> str:
        return f"{self.inquiry} ({self.start_date:%Y-%m-%d})"

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def sealed_until(self) -> datetime.date:
        """The last day the evaluations stay sealed if one side never answers."""
        # A group ending near date.max would overflow; its window simply lasts to the end of the calendar.
        return self.end_date + min(EVALUATION_WINDOW, datetime.date.max - self.end_date)

    def is_sealed(self, today: datetime.date | None = None) -> bool:
        """Neither side sees the other's evaluation until both have submitted or the window has closed."""
        if self.unit_submitted_at and self.institution_submitted_at:
            return False
        return (today or timezone.localdate()) <= self.sealed_until()


class LogEntry(models.Model):
    """One day's line in a group's training log (培训日志)."""

    group = models.ForeignKey(TrainingGroup, on_delete=models.CASCADE, related_name="log_entries")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255)
    content = models.TextField(_("content"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0)])
    notes = models.TextField(_("notes"), blank=True)
    author = acted_by()
    side = models.CharField(max_length=20, choices=Side.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "created_at", "pk"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.place}"


class GroupEvaluation(models.Model):
    """One side's evaluation of a training group: the catalogue evaluation it became, tied to its group."""

    group = models.ForeignKey(TrainingGroup, on_delete=models.CASCADE, related_name="evaluations")
    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="group_evaluation")
    side = models.CharField(max_length=20, choices=Side.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "side"], name="one_evaluation_per_side")]
        verbose_name = _("group evaluation")
        verbose_name_plural = _("group evaluations")

    def __str__(self) -> str:
        return f"{self.group_id} {self.side}: {self.evaluation_id}"
