"""The office's admission and exit of institutions: the history of its decisions and the quality watch."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from catalog.choices import InstitutionStatus
from catalog.fields import acted_by, evaluation_years
from catalog.models.institutions import Institution
from catalog.quality import RATING_SCALE


class StatusChange(models.Model):
    """One decision of the office on an institution's admission: from what, to what, why, by whom, when.
    The history is kept for the office; the reason is also emailed to the institution's staff."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=InstitutionStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=InstitutionStatus.choices)
    reason = models.TextField(_("reason"))
    changed_by = acted_by(_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            # The office's history of one institution, newest first.
            models.Index(fields=["institution", "-changed_at"], name="status_change_history_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.institution.external_id}: {self.from_status} → {self.to_status}"


@register_setting(icon="warning")
class QualityWatch(BaseGenericSetting):
    """Where the office draws the line: institutions whose recent mean rating falls below the threshold
    are listed for its attention (admission and exit by quality)."""

    threshold = models.FloatField(
        _("threshold"),
        default=3.5,
        validators=RATING_SCALE,
        help_text=_("Mean overall rating (1–5) below which an institution is listed."),
    )
    recent_years = evaluation_years(_("recent years"))

    class Meta:
        verbose_name = _("quality watch")
