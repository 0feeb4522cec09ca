"""Filters of the demand board."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Country, Field
from matching.models import Demand, DemandCategory


class DemandFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    field = django_filters.ModelMultipleChoiceFilter(
        field_name="fields__code",
        queryset=Field.objects.all(),
        to_field_name="code",
        label=_("Field"),
        distinct=True,
    )
    destination = django_filters.ModelMultipleChoiceFilter(
        field_name="destinations__code",
        queryset=Country.objects.all(),
        to_field_name="code",
        label=_("Destination"),
        distinct=True,
    )
    category = django_filters.ChoiceFilter(choices=DemandCategory.choices, label=_("Category"))
    days_min = django_filters.NumberFilter(field_name="days", lookup_expr="gte", label=_("At least days"))
    days_max = django_filters.NumberFilter(field_name="days", lookup_expr="lte", label=_("At most days"))

    class Meta:
        model = Demand
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        from catalog.text import query_terms

        for term in query_terms(value):
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(topic__icontains=term)
                | Q(content__icontains=term)
                | Q(organizing_unit__name__icontains=term)
            )
        return queryset
