"""The portal's own account pages: each role's dashboard, joining an organizing unit, and confirming the
colleagues who asked to join."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching.models import UnitMembership
from portal import services
from portal.dashboards import dashboard_for
from portal.forms import UnitChoiceForm


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """Wagtail's own sign-in form would take a password alone, past the office's second factor and allauth's
    rate limits; every sign-in goes through allauth instead, and a password posted here is never read."""
    target = reverse("account_login")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs this person now, by role."""
    return render(request, "portal/dashboard.html", {"board": dashboard_for(request.user)})


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
                services.ask_for_confirmation(membership)
                messages.success(
                    request,
                    _("You asked to join %(unit)s. A member of the unit or the office will confirm you.")
                    % {"unit": membership.unit},
                )
            else:
                messages.success(request, _("You founded %(unit)s.") % {"unit": membership.unit})
            return redirect("dashboard")
    return render(request, "portal/unit_join.html", {"form": form})


@require_POST
@login_required
def confirm_member(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for(request, pk)
    services.confirm_membership(membership, by=request.user)
    messages.success(
        request,
        _("%(person)s is now a confirmed member of %(unit)s.")
        % {"person": membership.user.email, "unit": membership.unit},
    )
    return redirect("dashboard")


@require_POST
@login_required
def decline_member(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for(request, pk)
    services.decline_membership(membership, by=request.user)
    messages.info(
        request,
        _("You declined the request of %(person)s to join %(unit)s.")
        % {"person": membership.user.email, "unit": membership.unit},
    )
    return redirect("dashboard")


def _membership_for(request: HttpRequest, pk: int) -> UnitMembership:
    """A waiting membership the person may decide on; others are not found, those of the unit a colleague
    may not decide on are forbidden."""
    membership = get_object_or_404(
        UnitMembership.objects.select_related("user", "unit"), pk=pk, confirmed_at__isnull=True
    )
    if not services.can_confirm(request.user, membership):
        raise PermissionDenied
    return membership
