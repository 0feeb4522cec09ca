"""Training outcomes (培训成果) submitted by an organizing unit: a form, optionally prefilled from an agreed
inquiry, that creates a draft Outcome page in the showcase and sends it to the office's moderation workflow;
and the unit's list of what it submitted, with each one's state."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog.models import Outcome
from matching.models import InquiryStatus, OrganizingUnit, member_unit
from matching.outcome_forms import OutcomeForm
from matching.services import negotiation as services
from matching.services.outcomes import prefill, submit_outcome


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
def outcome_list(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    outcomes = Outcome.objects.filter(organizing_unit=unit.name).order_by("-pk")
    rows = [(outcome, *outcome_state(outcome)) for outcome in outcomes]
    return render(request, "matching/outcome_list.html", {"unit": unit, "rows": rows})
