"""Forms of the matching room: the "find institutions" search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Country, Field
from matching.models import DemandCategory


class FindInstitutionsForm(forms.Form):
    """A demand typed or pasted in Chinese or English, with what the person wants to pin down."""

    text = forms.CharField(
        label=_("Describe the training you need"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": _(
                    "e.g. 集成电路先进封装工艺与可靠性培训, or: offshore wind turbine maintenance"
                ),
            }
        ),
    )
    fields = forms.ModelMultipleChoiceField(
        label=_("Fields"),
        queryset=Field.objects.order_by("priority", "code"),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    destinations = forms.ModelMultipleChoiceField(
        label=_("Destinations"),
        queryset=Country.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    destinations_only = forms.BooleanField(label=_("Only these destinations"), required=False)
    days = forms.IntegerField(label=_("Days abroad"), min_value=1, max_value=730, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *DemandCategory.choices], required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text", "").strip() and not cleaned.get("fields"):
            raise forms.ValidationError(_("Describe the training or choose at least one field."))
        if cleaned.get("destinations_only") and not cleaned.get("destinations"):
            self.add_error("destinations", _("Choose the destinations the training must go to."))
        return cleaned

    def as_demand(self) -> dict:
        """The search as a demand record of the exchange format."""
        data = self.cleaned_data
        return {
            "type": "demand",
            "title": data["text"].strip(),
            "fields": [field.code for field in data["fields"]],
            "destinations": [country.code for country in data["destinations"]],
            "destinations_only": data["destinations_only"],
            "days": data["days"],
            "category": data["category"] or "professional",
        }
