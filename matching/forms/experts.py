"""Forms of the expert pool: the office's entry for an expert and the filters of the pool's lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Field
from matching.choices import ExpertStatus
from matching.models import Expert


class ExpertForm(forms.ModelForm):
    """The office adds an expert or edits one: every part but the account the expert signed from."""

    # Chosen by code, as every list of fields of the portal is.
    fields = forms.ModelMultipleChoiceField(
        label=_("Fields of expertise"),
        queryset=Field.objects.order_by("priority", "code"),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Expert
        fields = ["name", "email", "affiliation", "title", "fields", "status"]
        help_texts = {"title": _("e.g. Professor, Research Fellow")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        taken = Expert.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This address is in the pool already."))
        return email


class ExpertFilter(django_filters.FilterSet):
    """The pool by field (with its neighbours in the taxonomy), by status, and by name or affiliation."""

    q = django_filters.CharFilter(method="filter_text", label=_("Name, affiliation or email"))
    field = django_filters.ModelChoiceFilter(
        queryset=Field.objects.order_by("priority", "code"),
        to_field_name="code",
        method="filter_field",
        label=_("Field of expertise"),
    )
    status = django_filters.ChoiceFilter(choices=ExpertStatus.choices, label=_("Status"))

    class Meta:
        model = Expert
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(affiliation__icontains=value) | Q(email__icontains=value)
        )

    def filter_field(self, queryset, name, value):
        return queryset.in_field(value)
