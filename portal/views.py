"""The portal's own pages: each role's dashboard, and the admin's sign-in handed to allauth."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from portal.dashboards import dashboard_for


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
