"""The office's admission and exit of institutions: a list with a status filter and search, each with a form
to admit, suspend or withdraw with a written reason, the history of these decisions, and the institutions
whose recent quality falls below the threshold the office sets."""

from __future__ import annotations

import copy
import datetime

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from catalog.choices import InstitutionStatus
from catalog.models import Institution, QualityWatch, StatusChange
from catalog.quality import institutions_below, watch_rows
from catalog.roles import office_required
from catalog.services import change_institution_status

PAGE_SIZE = 25
WATCH_PAGE_SIZE = 50
HISTORY_SHOWN = 3


class InstitutionStatusFilter(django_filters.FilterSet):
    """The office sees every institution, whatever its status: filter by status, search by name or text."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=InstitutionStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="search")

    class Meta:
        model = Institution
        fields = ["status"]

    def search(self, queryset, name, value):
        return queryset.search(value)


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("New status"), choices=InstitutionStatus.choices)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The institution's staff receive it by email; the office keeps it."),
        error_messages={"required": gettext_lazy("Write the reason for this decision.")},
    )

    def __init__(self, *args, institution: Institution, **kwargs):
        # One form per institution on the list: ids stay unique, names stay simple.
        kwargs.setdefault("auto_id", f"id_%s_{institution.pk}")
        kwargs.setdefault("initial", {"to_status": _suggested(institution)})
        super().__init__(*args, **kwargs)
        self.institution = institution


def _suggested(institution: Institution) -> str:
    return InstitutionStatus.SUSPENDED if institution.is_admitted else InstitutionStatus.ACTIVE


def _with_history(queryset):
    return queryset.select_related("country").prefetch_related(
        Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by"))
    )


@office_required
def institutions(request: HttpRequest) -> HttpResponse:
    """Every institution with its status, a form to change it and its latest decisions."""
    found = InstitutionStatusFilter(
        request.GET, queryset=_with_history(Institution.objects.order_by("title"))
    )
    page = Paginator(found.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "institution": institution,
            "form": StatusChangeForm(institution=institution),
            "history": list(institution.status_changes.all())[:HISTORY_SHOWN],
        }
        for institution in page
    ]
    return render(
        request,
        "catalog/office_institutions.html",
        {"filter": found, "page_obj": page, "rows": rows, "query": request.GET.urlencode()},
    )


@office_required
@require_http_methods(["GET", "POST"])
def institution_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One institution: change its status with a reason, and its whole history."""
    institution = get_object_or_404(_with_history(Institution.objects.all()), pk=pk)
    form = StatusChangeForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            change = change_institution_status(
                institution, form.cleaned_data["to_status"], form.cleaned_data["reason"], request.user
            )
        except ValidationError as error:
            field = "reason" if getattr(error, "code", None) == "reason" else None
            form.add_error(field, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(status)s. Its staff have been told why by email.")
                % {"name": institution.name, "status": change.get_to_status_display()},
            )
            back = reverse("office-institutions")
            query = request.GET.urlencode()
            return redirect(f"{back}?{query}" if query else back)
    return render(
        request,
        "catalog/office_institution_status.html",
        {
            "institution": institution,
            "form": form,
            "history": institution.status_changes.all(),
            "query": request.GET.urlencode(),
        },
    )


class QualityWatchForm(forms.ModelForm):
    class Meta:
        model = QualityWatch
        fields = ["threshold", "recent_years"]


@office_required
@require_http_methods(["GET", "POST"])
def quality_watch(request: HttpRequest) -> HttpResponse:
    """Institutions whose recent mean rating is below the threshold the office sets here."""
    setting = QualityWatch.load(request_or_site=request)
    # Validating writes the input into the form's instance: the form gets a copy, so a refused input never
    # reaches the list below (a window of 2026 years would start before year 1).
    form = QualityWatchForm(request.POST or None, instance=copy.copy(setting))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The threshold is saved."))
        return redirect("office-quality")
    since = timezone.localdate() - datetime.timedelta(days=round(365.25 * setting.recent_years))
    # Paginated: at catalogue scale hundreds fall below; each page reads the names of its own rows only.
    page = Paginator(institutions_below(setting.threshold, since), WATCH_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = watch_rows(page.object_list)
    return render(
        request,
        "catalog/office_quality.html",
        {"form": form, "below": page.object_list, "page_obj": page, "since": since, "setting": setting},
    )
