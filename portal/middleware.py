"""Two-factor authentication is required of the administering office: an office reviewer or a site admin
must have an authenticator app, and this very session must have passed it. Without an app the person is sent
to set one up; with one but a session that never asked for its code, to enter a code first."""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from catalog.roles import is_office

# What a person who has not yet passed the second factor may still reach: signing out, the set-up of the
# authenticator and the code itself (with allauth's password re-authentication on the way), the language.
EXEMPT_URL_NAMES = {
    "account_logout",
    "account_login",
    "account_reauthenticate",
    "mfa_activate_totp",
    "mfa_reauthenticate",
    "mfa_authenticate",
    "mfa_index",
    "set_language",
}


def passed_second_factor(request) -> bool:
    """Whether this session signed in, or re-authenticated, with an authenticator (allauth keeps a record of
    every method used in the session, for the person it belongs to)."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class OfficeTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not is_office(user):
            return None
        if getattr(request.resolver_match, "url_name", None) in EXEMPT_URL_NAMES:
            return None
        if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            messages.warning(
                request,
                _(
                    "The administering office's accounts must use two-factor authentication. Set up an "
                    "authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        if passed_second_factor(request):
            return None
        messages.warning(request, _("Enter the code from your authenticator app to continue."))
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
