"""Training outcomes (培训成果) submitted by an organizing unit: a form, optionally prefilled from an agreed
inquiry, that creates a draft Outcome page in the showcase and sends it to the office's moderation workflow;
the same form to revise it when the office asks for changes; and the unit's list of what it submitted, with
each one's state and the office's comment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalog.models import Outcome
from catalog.numbers import object_id
from matching.choices import InquiryStatus
from matching.forms.outcomes import OutcomeForm
from matching.models import Inquiry, UnitOutcome, member_unit_or_403
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


def _outcome_form(
    request: HttpRequest,
    *,
    initial: Callable[[], dict | None],
    send: Callable[[dict], object],
    sent: str,
    context: dict,
    outcome: Outcome | None = None,
) -> HttpResponse:
    """The outcome form, for a new outcome or a revision of `outcome`: posted and valid, `send` gives its
    values to the office; posted and invalid, it is shown again with the files already uploaded kept;
    otherwise it starts from `initial()`."""
    if request.method == "POST":
        form = OutcomeForm(request.POST, request.FILES, uploader=request.user, outcome=outcome)
        if form.is_valid():
            send(form.cleaned_data)
            messages.success(request, sent)
            return redirect("matching:outcome-list")
        form = form.keeping_uploads()
    else:
        form = OutcomeForm(initial=initial(), uploader=request.user, outcome=outcome)
    context = {"form": form, **context}
    return render(request, "matching/outcome_form.html", context, status=400 if form.is_bound else 200)


@login_required
def outcome_submit(request: HttpRequest) -> HttpResponse:
    unit = member_unit_or_403(request.user)
    inquiry = None
    # The inquiry the form is prefilled from; a value that is no id is ignored like an unknown one.
    if pk := object_id(request.GET.get("inquiry")):
        inquiry = (
            Inquiry.objects.visible_to(request.user)
            .filter(pk=pk, status=InquiryStatus.AGREED, demand__organizing_unit=unit)
            .first()
        )
    return _outcome_form(
        request,
        initial=lambda: prefill(inquiry) if inquiry else None,
        send=lambda values: submit_outcome(unit, values, by=request.user),
        sent=_("Your outcome was sent to the office for review."),
        context={"inquiry": inquiry},
    )


@login_required
def outcome_revise(request: HttpRequest, external_id: str) -> HttpResponse:
    """The unit corrects its outcome after the office asked for changes, or revises a published one."""
    unit = member_unit_or_403(request.user)
    outcome = get_object_or_404(UnitOutcome.objects.of(unit), external_id=external_id)
    if not can_revise(outcome):
        messages.info(
            request, _("The office is reviewing this outcome; it can be changed once it has decided.")
        )
        return redirect("matching:outcome-list")
    return _outcome_form(
        request,
        initial=lambda: OutcomeForm.initial_from(outcome),
        send=lambda values: revise_outcome(outcome, values, by=request.user),
        sent=_("Your revision was sent to the office for review."),
        context={"outcome": outcome, "comment": office_comment(outcome)},
        outcome=outcome,
    )


@login_required
def outcome_list(request: HttpRequest) -> HttpResponse:
    unit = member_unit_or_403(request.user)
    outcomes = UnitOutcome.objects.of(unit).order_by("-pk")
    page = Paginator(outcomes, OUTCOMES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [outcome_row(outcome) for outcome in page.object_list]
    return render(request, "matching/outcome_list.html", {"unit": unit, "rows": rows, "page_obj": page})
