"""Two-factor authentication is required of the administering office: an office reviewer or a site admin
without an authenticator app is sent to set one up before any other page."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from catalog.roles import is_office

# allauth's own pages (sign-out, email, password, two-factor set-up and re-authentication) stay reachable.
EXEMPT_URL_PREFIXES = ("account_", "mfa_")
EXEMPT_URL_NAMES = {"set_language"}


class OfficeTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not is_office(user):
            return None
        name = getattr(request.resolver_match, "url_name", None) or ""
        if name.startswith(EXEMPT_URL_PREFIXES) or name in EXEMPT_URL_NAMES:
            return None
        if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            return None
        messages.warning(
            request,
            _(
                "The administering office's accounts must use two-factor authentication. Set up an "
                "authenticator app to continue."
            ),
        )
        return redirect("mfa_activate_totp")
