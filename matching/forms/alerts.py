"""Forms of saved searches and alerts, and of contacting an institution from its page or a course's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.forms.negotiation import MESSAGE_MAX_LENGTH
from matching.models import Alert, Demand
from matching.models.alerts import HIGHEST_THRESHOLD
from search.ranking import DEMAND_DAYS_MAX

# A group is normally at most 25 people (the demand form says so); a short request allows a little more.
LARGEST_GROUP = 200


class AlertForm(forms.ModelForm):
    """Name, email frequency and lowest score of an alert; `paused` when it is edited."""

    threshold = forms.FloatField(
        label=_("Lowest score"),
        min_value=0,
        max_value=HIGHEST_THRESHOLD,
        help_text=_("Only results scoring at least this are told (a good match scores 5 to 10, at most 20)."),
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )

    class Meta:
        model = Alert
        fields = ["name", "frequency", "threshold", "paused"]
        labels = {"frequency": _("Email"), "paused": _("Paused (no new results are recorded)")}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Give the alert a name.")
        if not editing:
            del self.fields["paused"]


class ListingContactForm(forms.Form):
    """Contacting an institution from its page: one of the unit's demands, or a short new request."""

    demand = forms.ModelChoiceField(
        label=_("About which demand?"),
        queryset=Demand.objects.none(),
        to_field_name="external_id",
        required=False,
        empty_label=_("— a new short request (written below) —"),
    )
    title = forms.CharField(
        label=_("Training you need"),
        max_length=255,
        required=False,
        help_text=_("Only for a new request, when no demand is chosen."),
    )
    days = forms.IntegerField(label=_("Days abroad"), min_value=1, max_value=DEMAND_DAYS_MAX, required=False)
    group_size = forms.IntegerField(
        label=_("Group size"), min_value=1, max_value=LARGEST_GROUP, required=False
    )
    text = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write a message.")},
    )

    def __init__(self, *args, demands=None, **kwargs):
        super().__init__(*args, **kwargs)
        if demands is not None:
            self.fields["demand"].queryset = demands

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("demand") and not self.errors.get("demand"):
            required = _("Needed for a new request.")
            for name in ("title", "days", "group_size"):
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, required)
        return cleaned
