"""allauth adapters: where people land after signing in, and the office's two-factor authentication, which
an office reviewer may not switch off."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.urls import reverse

from catalog.models import StaffInvitation
from catalog.roles import is_office
from catalog.views.staff import PENDING_INVITATION


def pending_invitation_url(request) -> str | None:
    token = request.session.get(PENDING_INVITATION)
    if token and StaffInvitation.objects.open().filter(token=token).exists():
        return reverse("staff-invitation-accept", args=[token])
    return None


class AccountAdapter(DefaultAccountAdapter):
    """Sends a person back to the invitation they opened before signing in or up; otherwise to their
    dashboard (LOGIN_REDIRECT_URL)."""

    def get_login_redirect_url(self, request) -> str:
        return pending_invitation_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        return pending_invitation_url(request) or super().get_signup_redirect_url(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Office reviewers and site admins keep their authenticator app (portal.middleware requires it)."""
        if authenticator.type == Authenticator.Type.TOTP and is_office(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
