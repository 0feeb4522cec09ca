"""The portal's account forms: the organizing unit asked for at sign-up, and later by a person without one."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.models import StaffInvitation
from matching.models import ExpertReview, OrganizingUnit
from portal import services


class UnitChoiceForm(forms.Form):
    """Choose an existing organizing unit or name a new one (exactly one of the two)."""

    unit = forms.ModelChoiceField(
        label=_("Choose an existing unit"),
        queryset=OrganizingUnit.objects.order_by("name"),
        required=False,
        empty_label=_("— choose a unit —"),
        help_text=_("A member of the unit or the administering office confirms you before you act for it."),
    )
    new_unit = forms.CharField(
        label=_("…or name a new organizing unit"),
        max_length=255,
        required=False,
        help_text=_(
            "If your unit is not in the list yet: you found it and act for it at once. If it is, naming it "
            "asks to join it, as choosing it does."
        ),
    )

    # Whether a person may leave both empty (people invited as institution staff or experts).
    unit_optional = False

    def clean(self):
        cleaned = super().clean()
        unit, new_unit = cleaned.get("unit"), (cleaned.get("new_unit") or "").strip()
        if unit is not None and new_unit:
            self.add_error("new_unit", _("Choose a unit from the list or name a new one, not both."))
        elif unit is None and not new_unit and not self.unit_is_optional(cleaned):
            self.add_error("unit", _("Choose your organizing unit or name a new one."))
        cleaned["new_unit"] = new_unit
        return cleaned

    def unit_is_optional(self, cleaned: dict) -> bool:
        return self.unit_optional

    def join(self, user):
        """Found or join the unit chosen; None when the person chose none."""
        unit, new_unit = self.cleaned_data.get("unit"), self.cleaned_data.get("new_unit")
        if unit is None and not new_unit:
            return None
        return services.join_unit(user, unit=unit, new_unit_name=new_unit)


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
                services.ask_for_confirmation(membership)
