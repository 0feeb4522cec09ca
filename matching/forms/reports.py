"""Forms of reports on listings: the report, the office's decision and the filter of its queue."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from matching.choices import ReportKind, ReportReason, ReportStatus

REPORT_TEXT_MAX_LENGTH = 2000


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )
    text = forms.CharField(
        label=_("Details"),
        max_length=REPORT_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you saw, and where; the office reads this."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == ReportReason.OTHER and not cleaned.get("text", "").strip():
            self.add_error("text", _("Say what is wrong."))
        return cleaned


class HandleReportForm(forms.Form):
    """The office's decision on a report."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("uphold", _("Uphold")), ("dismiss", _("Dismiss"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose uphold or dismiss.")},
    )
    resolution = forms.CharField(
        label=_("Note for the reporter and the institution"),
        max_length=REPORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what was decided and why.")},
    )


class ReportFilter(django_filters.FilterSet):
    """The office's queue: by status (open first), kind and reason."""

    status = django_filters.ChoiceFilter(
        choices=ReportStatus.choices, label=_("Status"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("About"), empty_label=_("All"))
    reason = django_filters.ChoiceFilter(
        choices=ReportReason.choices, label=_("Reason"), empty_label=_("All")
    )
