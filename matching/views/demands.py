"""Editing demands: create, edit, check against the policy rules (a page and a JSON endpoint for the form's
script), publish and withdraw. Only confirmed members of the demand's organizing unit change a demand; a
demand the person may see but not change is 403, one they may not see is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from matching.choices import DemandStatus
from matching.forms.demands import DemandForm, shown_finding
from matching.models import Demand, OrganizingUnit, member_unit
from matching.rules import ERROR, check
from matching.services.demands import (
    Blockers,
    EditConflict,
    PublishingRefused,
    blockers,
    publish_demand,
    save_demand,
    withdraw_demand,
)
from matching.views.steps import run_step


def editable_demand(user, external_id: str) -> Demand:
    """The demand if this person may change it; 404 when they may not see it, 403 when they only see it."""
    demand = get_object_or_404(Demand.objects.visible_to(user), external_id=external_id)
    if not Demand.objects.editable_by(user).filter(pk=demand.pk).exists():
        raise PermissionDenied
    return demand


def own_unit(user) -> OrganizingUnit:
    unit = member_unit(user)
    if unit is None:
        raise PermissionDenied
    return unit


@login_required
def demand_create(request: HttpRequest) -> HttpResponse:
    unit = own_unit(request.user)
    return _edit(request, unit, Demand(organizing_unit=unit))


@login_required
def demand_edit(request: HttpRequest, external_id: str) -> HttpResponse:
    demand = editable_demand(request.user, external_id)
    return _edit(request, own_unit(request.user), demand)


def _edit(request: HttpRequest, unit: OrganizingUnit, demand: Demand) -> HttpResponse:
    """The form: "check" shows the findings, "save" keeps a draft (and re-checks a published demand),
    "publish" saves and then publishes when the rules allow it."""
    creating = demand.pk is None
    form = DemandForm(request.POST or None, instance=demand, unit=unit)
    findings = None
    refusal = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        valid = form.is_valid()
        findings = form.findings()
        if valid and action in ("save", "publish"):
            try:
                demand = save_demand(
                    form.unsaved_demand(),
                    unit=unit,
                    by=request.user,
                    relations=form.relations(),
                    # A form posted without its version (not one of this site's pages) is not checked.
                    opened_version=None if creating else form.cleaned_data["version"] or None,
                )
            except PublishingRefused as refused:
                # A published demand stays as it was; the person sees why, with their input kept.
                refusal, findings = refused, refused.findings
            except EditConflict as conflict:
                # Someone saved the demand after this form was opened: nothing is overwritten, the person's
                # input stays in the form, and saving it again (after a look) replaces the newer version.
                form.add_error(
                    None,
                    _(
                        "Someone else saved this demand after you opened this form. Nothing was saved: "
                        "your changes are kept below. Open the demand in a new tab to see the other "
                        "changes, then save again to replace them with yours."
                    ),
                )
                form.refresh_version(conflict.version)
            else:
                if action == "publish":
                    return _publish(request, demand)
                messages.success(request, _("The demand was saved."))
                return redirect("matching:demand-detail", external_id=demand.external_id)
        elif valid is False and action in ("save", "publish"):
            messages.error(request, _("Please correct the marked fields."))
    elif not creating:
        findings = check(demand.as_record())
    sections, general = form.layout(findings)
    blocked = blockers(findings or [], form.justifications() if form.is_bound else demand.justifications)
    return render(
        request,
        "matching/demand_form.html",
        {
            "form": form,
            "demand": None if creating else demand,
            "unit": unit,
            "sections": sections,
            "general_findings": general,
            "checked": findings is not None,
            "blocked": blocked,
            "refusal": refusal,
            "counts": _counts(findings or []),
            "verdict": verdict(blocked, form.is_bound and bool(form.errors)),
        },
    )


def verdict(blocked: Blockers, form_errors: bool = False) -> str:
    """What stands between the demand and publishing, in a sentence."""
    if form_errors:
        return _("Correct the marked fields first.")
    parts = []
    if blocked.errors:
        count = len(blocked.errors)
        parts.append(
            ngettext("%(count)d error blocks publishing.", "%(count)d errors block publishing.", count)
            % {"count": count}
        )
    if blocked.unjustified:
        count = len({finding.rule for finding in blocked.unjustified})
        parts.append(
            ngettext(
                "%(count)d warning needs a written justification.",
                "%(count)d warnings need a written justification.",
                count,
            )
            % {"count": count}
        )
    return " ".join(parts) or _("No errors, every warning justified: the demand can be published.")


def _counts(findings) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def _publish(request: HttpRequest, demand: Demand) -> HttpResponse:
    def not_yet(refused: PublishingRefused) -> HttpResponse:
        # The refusal names rules, not sentences: the form shows each finding beside its field.
        messages.error(
            request,
            _(
                "The demand is saved as a draft but cannot be published yet: fix the errors and justify the "
                "warnings shown beside the fields."
            ),
        )
        return redirect("matching:demand-edit", external_id=demand.external_id)

    return run_step(
        request,
        lambda: publish_demand(demand, request.user),
        refused=PublishingRefused,
        back=not_yet,
        done=_("The demand is published."),
        then=redirect("matching:demand-detail", external_id=demand.external_id),
    )


@login_required
@require_POST
def demand_publish(request: HttpRequest, external_id: str) -> HttpResponse:
    return _publish(request, editable_demand(request.user, external_id))


@login_required
@require_POST
def demand_withdraw(request: HttpRequest, external_id: str) -> HttpResponse:
    demand = editable_demand(request.user, external_id)
    if demand.status == DemandStatus.PUBLISHED:
        withdraw_demand(demand, request.user)
        messages.success(
            request, _("The demand is withdrawn from the board. You can edit and publish it again.")
        )
    return redirect("matching:demand-detail", external_id=demand.external_id)


@require_POST
def demand_check(request: HttpRequest) -> JsonResponse:
    """The findings on the form as typed (the form's script posts it as the person edits): each with its
    rule, severity, the record key it concerns and the message in the reader's language."""
    unit = member_unit(request.user)
    if unit is None:
        return JsonResponse(
            {"error": _("Only confirmed members of an organizing unit can edit demands.")}, status=403
        )
    demand = Demand(organizing_unit=unit)
    if external_id := request.GET.get("demand"):
        demand = editable_demand(request.user, external_id)
    form = DemandForm(request.POST, instance=demand, unit=unit)
    form.is_valid()
    findings = form.findings()
    blocked = blockers(findings, form.justifications())
    return JsonResponse(
        {
            "ok": not any(finding.severity == ERROR for finding in findings),
            "publishable": not blocked and not form.errors,
            "findings": [shown_finding(finding) for finding in findings],
            "needs_justification": sorted({finding.rule for finding in blocked.unjustified}),
            "errors": {name: [str(error) for error in errors] for name, errors in form.errors.items()},
            "counts": _counts(findings),
            "verdict": verdict(blocked, bool(form.errors)),
        }
    )
