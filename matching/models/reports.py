"""Reports of listings: anyone signed in may tell the office that an institution, a course, an outcome or a
demand is wrong, misbehaves or is a travel agency or intermediary (红顶中介) posing as an institution; the
office dismisses or upholds each with a note, and the reporter is told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from catalog.fields import acted_by
from catalog.models import Course, Institution, Outcome
from catalog.models.base import NewestFirst
from catalog.quality import register_label_blocker
from matching.choices import ReportKind, ReportReason, ReportStatus
from matching.models.demands import Demand


class ReportQuerySet(models.QuerySet):
    def handled(self) -> ReportQuerySet:
        return self.exclude(status=ReportStatus.OPEN)

    def about_institution(self, institution: Institution) -> ReportQuerySet:
        """Reports on the institution, its courses and the outcomes that name it."""
        return self.filter(
            Q(institution=institution)
            | Q(course__provider=institution)
            | Q(outcome__institutions=institution)
        ).distinct()


def _one_target(kind: str) -> Q:
    targets = {"institution", "course", "outcome", "demand"}
    return Q(
        kind=kind, **{f"{kind}__isnull": False}, **{f"{other}__isnull": True for other in targets - {kind}}
    )


class Report(NewestFirst):
    """One person's report on one listing, and what the office decided (who, when, why)."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    kind = models.CharField(_("about"), max_length=20, choices=ReportKind.choices)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    text = models.TextField(_("what is wrong"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    resolution = models.TextField(_("the office's note"), blank=True)
    handled_by = acted_by(blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    # NewestFirst's field, with the name the office's queue shows.
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta(NewestFirst.Meta):
        constraints = [
            models.CheckConstraint(
                condition=_one_target("institution")
                | _one_target("course")
                | _one_target("outcome")
                | _one_target("demand"),
                name="report_one_target",
            )
        ]
        indexes = [
            # The office's queue: reports by status, newest first.
            models.Index(fields=["status", "-created_at"], name="report_queue_idx"),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"

    @property
    def target(self):
        return getattr(self, self.kind)

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN


@register_label_blocker
def reported_institutions(rule) -> Q:
    """The quality label waits for an institution with a report upheld against it or one of its courses
    (and, if the office's rule says so, one still waiting for the office)."""
    statuses = [ReportStatus.UPHELD, *([ReportStatus.OPEN] if rule.open_reports_count else [])]
    reports = Report.objects.filter(
        Q(institution=OuterRef("pk")) | Q(course__provider=OuterRef("pk")), status__in=statuses
    )
    return Q(Exists(reports))
