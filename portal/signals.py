"""Side effects of account events: colleagues hear of a person waiting to join their unit once that person's
email is verified; setting up an authenticator counts as passing it in this session."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import email_confirmed
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from matching.models import UnitMembership
from matching.services.units import ask_for_confirmation


@receiver(email_confirmed)
def ask_colleagues_once_verified(sender, request, email_address, **kwargs) -> None:
    """The second half of sign-up (portal.forms.SignupForm.signup): a person who asked to join a unit waits
    for colleagues only once their address is proved."""
    membership = UnitMembership.objects.filter(user=email_address.user, confirmed_at__isnull=True).first()
    if membership is not None:
        ask_for_confirmation(membership)


@receiver(authenticator_added)
def record_second_factor_on_set_up(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up an authenticator app proves its code in this session, as entering one at sign-in does, so
    the office's two-factor check (portal.middleware) lets the person on without asking again at once."""
    if request is not None:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
