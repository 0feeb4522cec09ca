"""Training outcomes (培训成果) submitted by an organizing unit: a form, optionally prefilled from an agreed
inquiry, that creates a draft Outcome page in the showcase and sends it to the office's moderation workflow;
and the unit's list of what it submitted, with each one's state."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Country, Field, Institution, Outcome, OutcomeIndexPage
from matching.models import Inquiry, InquiryStatus, OrganizingUnit, member_unit
from matching.services import negotiation as services


class OutcomeForm(forms.Form):
    """What a unit reports after a training, in both languages."""

    title_zh = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=255)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=255)
    summary_zh = forms.CharField(label=gettext_lazy("Summary (Chinese)"), widget=forms.Textarea)
    summary_en = forms.CharField(label=gettext_lazy("Summary (English)"), widget=forms.Textarea)
    economic_benefit = forms.CharField(
        label=gettext_lazy("Economic benefit"), widget=forms.Textarea(attrs={"rows": 4})
    )
    social_benefit = forms.CharField(
        label=gettext_lazy("Social benefit"), widget=forms.Textarea(attrs={"rows": 4})
    )
    fields = forms.ModelMultipleChoiceField(label=gettext_lazy("Fields"), queryset=Field.objects.all())
    country = forms.ModelChoiceField(label=gettext_lazy("Country"), queryset=Country.objects.all())
    institutions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Institutions"), queryset=Institution.objects.active(), required=False
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1978, max_value=2100)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(
                _("An outcome is reported after the training; the year is in the future.")
            )
        return year


def prefill(inquiry: Inquiry) -> dict:
    """Initial values from an agreed inquiry: its institution, the demand's fields, the institution's country
    and the year the agreed programme starts."""
    proposal = inquiry.proposals.order_by("-created_at", "-pk").first()
    return {
        "institutions": [inquiry.institution.pk],
        "fields": list(inquiry.demand.fields.values_list("pk", flat=True)),
        "country": inquiry.institution.country_id,
        "year": proposal.start_date.year if proposal else timezone.localdate().year,
    }


@transaction.atomic
def submit_outcome(unit: OrganizingUnit, data: dict, *, by) -> Outcome:
    """Creates the outcome as a draft page under the showcase, with a revision, and starts the showcase's
    moderation workflow, so it goes live only when an office reviewer approves it."""
    index = OutcomeIndexPage.objects.get()
    outcome = Outcome(
        external_id=f"oc-{uuid.uuid4().hex[:12]}",
        title_zh=data["title_zh"],
        title_en=data["title_en"],
        summary_zh=data["summary_zh"],
        summary_en=data["summary_en"],
        economic_benefit=data["economic_benefit"],
        social_benefit=data["social_benefit"],
        country=data["country"],
        year=data["year"],
        organizing_unit=unit.name,
        live=False,
        has_unpublished_changes=True,
        owner=by,
    )
    outcome.fields.set(data["fields"])
    outcome.institutions.set(data["institutions"])
    index.add_child(instance=outcome)
    outcome.save_revision(user=by, log_action=True)
    workflow = outcome.get_workflow()
    if workflow is None:
        raise RuntimeError("The outcome showcase has no moderation workflow (portal migration 0004).")
    workflow.start(outcome, by)
    return outcome


def outcome_state(outcome: Outcome) -> tuple[str, str]:
    """A code and a label for where an outcome stands."""
    if outcome.live:
        return "published", _("Published")
    if outcome.workflow_in_progress:
        return "in_review", _("In review by the office")
    latest = outcome.workflow_states.order_by("-created_at").first()
    if latest is not None and latest.status == latest.STATUS_NEEDS_CHANGES:
        return "needs_changes", _("Changes requested")
    return "draft", _("Draft")


def _unit(request: HttpRequest) -> OrganizingUnit:
    unit = member_unit(request.user)
    if unit is None:
        raise PermissionDenied
    return unit


@login_required
def outcome_submit(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    inquiry = None
    if pk := request.GET.get("inquiry", ""):
        inquiry = (
            services.visible_inquiries(request.user)
            .filter(pk=pk if pk.isdigit() else 0, status=InquiryStatus.AGREED, demand__organizing_unit=unit)
            .first()
        )
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        if form.is_valid():
            submit_outcome(unit, form.cleaned_data, by=request.user)
            messages.success(request, _("Your outcome was sent to the office for review."))
            return redirect("matching:outcome-list")
    else:
        form = OutcomeForm(initial=prefill(inquiry) if inquiry else None)
    return render(
        request,
        "matching/outcome_form.html",
        {"form": form, "inquiry": inquiry},
        status=400 if form.is_bound else 200,
    )


@login_required
def outcome_list(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    outcomes = Outcome.objects.filter(organizing_unit=unit.name).order_by("-pk")
    rows = [(outcome, *outcome_state(outcome)) for outcome in outcomes]
    return render(request, "matching/outcome_list.html", {"unit": unit, "rows": rows})
