"""Forms and the list filter of online negotiation: a message, a programme proposal, a status button."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.forms import DateInput
from matching.choices import InquiryStatus
from matching.models import Inquiry, Proposal
from matching.services.negotiation import MANUAL_MOVES

MESSAGE_MAX_LENGTH = 5000

# Trainings are planned a few years ahead: a later date is a slip of the keyboard, and the calendar's last
# days (9999-12-31) leave no room for the arithmetic done on a training's dates.
LATEST_PLANNED_DATE = datetime.date(2100, 12, 31)


class PlannedDateField(forms.DateField):
    """A date of a planned programme or training group, refused after LATEST_PLANNED_DATE."""

    widget = DateInput
    default_validators = [
        MaxValueValidator(LATEST_PLANNED_DATE, message=_("Enter a date no later than %(limit_value)s."))
    ]

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "max": LATEST_PLANNED_DATE.isoformat()}


CURRENCIES = [
    ("EUR", _("EUR – euro")),
    ("USD", _("USD – US dollar")),
    ("GBP", _("GBP – pound sterling")),
    ("CHF", _("CHF – Swiss franc")),
    ("JPY", _("JPY – Japanese yen")),
    ("AUD", _("AUD – Australian dollar")),
    ("CAD", _("CAD – Canadian dollar")),
    ("SGD", _("SGD – Singapore dollar")),
    ("HKD", _("HKD – Hong Kong dollar")),
    ("SEK", _("SEK – Swedish krona")),
    ("DKK", _("DKK – Danish krone")),
    ("NOK", _("NOK – Norwegian krone")),
    ("KRW", _("KRW – Korean won")),
    ("RUB", _("RUB – Russian rouble")),
    ("CNY", _("CNY – renminbi")),
]

TEACHING_LANGUAGES = [
    ("zh", _("Chinese")),
    ("en", _("English")),
    ("en+zh", _("English with Chinese interpreting")),
    ("de", _("German")),
    ("fr", _("French")),
    ("ja", _("Japanese")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("other+zh", _("Another language with Chinese interpreting")),
]


def teaching_language_label(code: str) -> str:
    return str(dict(TEACHING_LANGUAGES).get(code, code))


def message_field(label, *, rows: int = 4, placeholder=None) -> forms.CharField:
    """The text of a message in a thread, with its limit and the error when it is left empty."""
    attrs = {"rows": rows, **({"placeholder": placeholder} if placeholder else {})}
    return forms.CharField(
        label=label,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs=attrs),
        error_messages={"required": _("Write a message.")},
    )


class MessageForm(forms.Form):
    """A message in a thread (also the first message when contacting an institution)."""

    text = message_field(_("Message"))


class ContactForm(MessageForm):
    """The first message to an institution about a demand."""

    text = message_field(
        _("Your message to the institution"),
        placeholder=_("Introduce your group and what you would like to know: programme, dates, costs."),
    )


class InterestForm(MessageForm):
    """Institution staff expressing interest in a demand (reverse matching)."""

    text = message_field(
        _("Your message to the organizing unit"),
        rows=3,
        placeholder=_("Say what your institution could offer for this training."),
    )


class ProposalForm(forms.ModelForm):
    """A programme proposal: outline, dates, cities, price per person with its currency, language."""

    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="EUR")
    language = forms.ChoiceField(label=_("Teaching language"), choices=TEACHING_LANGUAGES, initial="en")

    class Meta:
        model = Proposal
        fields = ["outline", "start_date", "end_date", "cities", "price_per_person", "currency", "language"]
        labels = {
            "outline": _("Programme outline"),
            "start_date": pgettext_lazy("date range", "From"),
            "end_date": pgettext_lazy("date range", "To"),
            "cities": pgettext_lazy("proposal", "Cities"),
            "price_per_person": _("Price per person"),
        }
        help_texts = {"cities": _("e.g. Munich, Stuttgart")}
        field_classes = {"start_date": PlannedDateField, "end_date": PlannedDateField}
        widgets = {
            "outline": forms.Textarea(attrs={"rows": 5}),
            "price_per_person": forms.NumberInput(attrs={"min": "0.01", "step": "0.01"}),
        }

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start < timezone.localdate():
            raise forms.ValidationError(_("The programme cannot start in the past."))
        return start

    def clean_price_per_person(self):
        price = self.cleaned_data["price_per_person"]
        if price is not None and price <= 0:
            raise forms.ValidationError(_("The price per person must be more than zero."))
        return price

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The programme must end after it starts."))
        return cleaned


class StatusForm(forms.Form):
    """A status button: agreed (合作意向) or declined."""

    to = forms.ChoiceField(choices=[(status, InquiryStatus(status).label) for status in MANUAL_MOVES])


class InquiryFilter(django_filters.FilterSet):
    """The list of a person's inquiries by status."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=InquiryStatus.choices, empty_label=_("All")
    )

    class Meta:
        model = Inquiry
        fields = ["status"]
