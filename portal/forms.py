"""allauth's sign-up with the person's organizing unit, chosen or founded as on matching's join page."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.models import StaffInvitation
from matching.forms.units import UnitChoiceForm
from matching.models import ExpertReview
from matching.services.units import ask_for_confirmation


class SignupForm(UnitChoiceForm):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): the person's organizing unit. People
    invited by email as institution staff or as experts may leave it empty."""

    field_order = ["email", "password1", "password2", "unit", "new_unit"]

    def unit_is_optional(self, cleaned: dict) -> bool:
        email = cleaned.get("email")
        if not email:
            return False
        return (
            StaffInvitation.objects.open().filter(email__iexact=email).exists()
            or ExpertReview.objects.open().filter(email__iexact=email).exists()
        )

    def signup(self, request, user) -> None:
        """Called by allauth once the user exists (before the email is verified). Colleagues are asked to
        confirm a joining member once the email is verified (portal.signals), or at once for an invited
        person whose address the invitation link proved."""
        try:
            membership = self.join(user)
        except ValidationError:
            # Only a person who belongs to a unit already is refused, which a new account never does; the
            # sign-up itself must not fail over it.
            messages.warning(request, _("Your organizing unit could not be recorded; choose it again."))
            return
        if membership is not None and membership.confirmed_at is None:
            if get_adapter(request).is_email_verified(request, user.email):
                ask_for_confirmation(membership)
