"""The organizing unit a person chooses or founds: asked at sign-up (portal.forms.SignupForm) and later by a
signed-in person without one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import OrganizingUnit
from matching.services.units import join_unit


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
        return join_unit(user, unit=unit, new_unit_name=new_unit)
