"""Reports of listings, the typed verbs: a signed-in person reports an institution, a course, an outcome or
a demand they may see; the office dismisses or upholds the report with a note, recorded with who and when,
and the reporter is told in the site and by email."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Course, Institution, Outcome
from matching.choices import ReportKind, ReportStatus
from matching.models import Demand, Report
from matching.services.notify import notify

TITLE_SHOWN = 60


class ReportRefused(Exception):
    """A decision the rules do not allow (a report already handled); the message says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def reportable(kind: str, user) -> QuerySet | None:
    """The listings of a kind a person may report: the ones they may see. None for an unknown kind."""
    if kind == ReportKind.INSTITUTION:
        return Institution.objects.live()
    if kind == ReportKind.COURSE:
        return Course.objects.live()
    if kind == ReportKind.OUTCOME:
        return Outcome.objects.live()
    if kind == ReportKind.DEMAND:
        return Demand.objects.visible_to(user)
    return None


def listing_url(kind: str, target) -> str:
    """The page of a listing of any kind (a demand's page is the board's, the others are Wagtail pages)."""
    if kind == ReportKind.DEMAND:
        return reverse("matching:demand-detail", args=[target.external_id])
    return target.url or ""


def target_url(report: Report) -> str:
    return listing_url(report.kind, report.target)


def target_name(target) -> str:
    return str(getattr(target, "name", None) or getattr(target, "title", "") or target)


def file_report(user, kind: str, target, *, reason: str, text: str) -> Report:
    """Records a person's report on a listing for the office's queue."""
    return Report.objects.create(reporter=user, kind=kind, reason=reason, text=text.strip(), **{kind: target})


def handle_report(report: Report, *, by, upheld: bool, resolution: str) -> Report:
    """The office's decision on an open report, with its note; the reporter is told. A report is decided
    once: two reviewers acting at the same moment cannot both decide it."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if not locked.is_open:
            raise ReportRefused(_("This report has already been handled."))
        locked.status = ReportStatus.UPHELD if upheld else ReportStatus.DISMISSED
        locked.resolution = resolution.strip()
        locked.handled_by = by
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "resolution", "handled_by", "handled_at"])
        if locked.reporter is not None and locked.reporter.is_active:
            name = target_name(locked.target)
            name = name if len(name) <= TITLE_SHOWN else f"{name[: TITLE_SHOWN - 1]}…"
            verdict_zh = "已采纳" if upheld else "未予采纳"
            verdict_en = "upheld" if upheld else "dismissed"
            notify(
                locked.reporter,
                text_zh=f"您对「{name}」的举报{verdict_zh}：{locked.resolution}"[:255],
                text_en=f"Your report on “{name}” was {verdict_en}: {locked.resolution}"[:255],
                url=reverse("matching:my-reports"),
            )
    return locked
