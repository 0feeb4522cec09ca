"""Training outcomes (培训成果) submitted by an organizing unit: a form, optionally prefilled from an agreed
inquiry, that creates a draft Outcome page in the showcase and sends it to the office's moderation workflow;
the same form to revise it when the office asks for changes; and the unit's list of what it submitted, with
each one's state and the office's comment."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalog.models import Outcome
from catalog.numbers import object_id
from matching.forms.outcomes import OutcomeForm
from matching.models import Inquiry, InquiryStatus, OrganizingUnit, UnitOutcome, member_unit
from matching.services.outcomes import (
    can_revise,
    office_comment,
    prefill,
    revise_outcome,
    submit_outcome,
)

OUTCOMES_PER_PAGE = 20


@dataclass
class OutcomeRow:
    """One of the unit's outcomes in its list: where it stands, what the office said, what the unit can do."""

    outcome: Outcome
    state: str
    label: str
    comment: str
    revisable: bool


def outcome_row(outcome: Outcome) -> OutcomeRow:
    state = outcome.current_workflow_state
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        code, label = "needs_changes", _("Changes requested")
    elif state is not None:
        code = "in_review"
        label = _("Published; the revision is in review") if outcome.live else _("In review by the office")
    elif outcome.live:
        code, label = "published", _("Published")
    else:
        code, label = "draft", _("Draft")
    return OutcomeRow(outcome, code, label, office_comment(outcome), can_revise(outcome))


def _unit(request: HttpRequest) -> OrganizingUnit:
    unit = member_unit(request.user)
    if unit is None:
        raise PermissionDenied
    return unit


@login_required
def outcome_submit(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    inquiry = None
    # The inquiry the form is prefilled from; a value that is no id is ignored like an unknown one.
    if pk := object_id(request.GET.get("inquiry")):
        inquiry = (
            Inquiry.objects.visible_to(request.user)
            .filter(pk=pk, status=InquiryStatus.AGREED, demand__organizing_unit=unit)
            .first()
        )
    if request.method == "POST":
        form = OutcomeForm(request.POST, request.FILES, uploader=request.user)
        if form.is_valid():
            submit_outcome(unit, form.cleaned_data, by=request.user)
            messages.success(request, _("Your outcome was sent to the office for review."))
            return redirect("matching:outcome-list")
        form = form.keeping_uploads()
    else:
        form = OutcomeForm(initial=prefill(inquiry) if inquiry else None, uploader=request.user)
    return render(
        request,
        "matching/outcome_form.html",
        {"form": form, "inquiry": inquiry},
        status=400 if form.is_bound else 200,
    )


@login_required
def outcome_revise(request: HttpRequest, external_id: str) -> HttpResponse:
    """The unit corrects its outcome after the office asked for changes, or revises a published one."""
    unit = _unit(request)
    outcome = get_object_or_404(UnitOutcome.objects.of(unit), external_id=external_id)
    if not can_revise(outcome):
        messages.info(
            request, _("The office is reviewing this outcome; it can be changed once it has decided.")
        )
        return redirect("matching:outcome-list")
    if request.method == "POST":
        form = OutcomeForm(request.POST, request.FILES, uploader=request.user, outcome=outcome)
        if form.is_valid():
            revise_outcome(outcome, form.cleaned_data, by=request.user)
            messages.success(request, _("Your revision was sent to the office for review."))
            return redirect("matching:outcome-list")
        form = form.keeping_uploads()
    else:
        form = OutcomeForm(initial=OutcomeForm.initial_from(outcome), uploader=request.user, outcome=outcome)
    context = {"form": form, "outcome": outcome, "comment": office_comment(outcome)}
    return render(request, "matching/outcome_form.html", context, status=400 if form.is_bound else 200)


@login_required
def outcome_list(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    outcomes = UnitOutcome.objects.of(unit).order_by("-pk")
    page = Paginator(outcomes, OUTCOMES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [outcome_row(outcome) for outcome in page.object_list]
    return render(request, "matching/outcome_list.html", {"unit": unit, "rows": rows, "page_obj": page})
