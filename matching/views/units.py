"""Organizing-unit membership on the site: a signed-in person without a unit founds one or asks to join one,
and a confirmed colleague or the office confirms or declines a person who asked (from their dashboard)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching.forms.units import UnitChoiceForm
from matching.models import UnitMembership
from matching.services import units


@login_required
def join_unit(request: HttpRequest) -> HttpResponse:
    """For a signed-in person without an organizing unit: found one or ask to join one."""
    if UnitMembership.objects.filter(user=request.user).exists():
        messages.info(request, _("You already belong to an organizing unit."))
        return redirect("dashboard")
    form = UnitChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = form.join(request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if membership.confirmed_at is None:
                units.ask_for_confirmation(membership)
                messages.success(
                    request,
                    _("You asked to join %(unit)s. A member of the unit or the office will confirm you.")
                    % {"unit": membership.unit},
                )
            else:
                messages.success(request, _("You founded %(unit)s.") % {"unit": membership.unit})
            return redirect("dashboard")
    return render(request, "matching/unit_join.html", {"form": form})


@require_POST
@login_required
def confirm_member(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("%(person)s is now a confirmed member of %(unit)s.")
    return _decide(request, pk, units.confirm_membership, messages.success, done)


@require_POST
@login_required
def decline_member(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("You declined the request of %(person)s to join %(unit)s.")
    return _decide(request, pk, units.decline_membership, messages.info, done)


def _decide(request: HttpRequest, pk: int, decision, say, done: str) -> HttpResponse:
    """A decision on a person who asked to join, said on the dashboard it returns to."""
    membership = _membership_for(request, pk)
    decision(membership, by=request.user)
    say(request, done % {"person": membership.user.email, "unit": membership.unit})
    return redirect("dashboard")


def _membership_for(request: HttpRequest, pk: int) -> UnitMembership:
    """A waiting membership the person may decide on; others are not found, those of the unit a colleague
    may not decide on are forbidden."""
    membership = get_object_or_404(
        UnitMembership.objects.select_related("user", "unit"), pk=pk, confirmed_at__isnull=True
    )
    if not units.can_confirm(request.user, membership):
        raise PermissionDenied
    return membership
