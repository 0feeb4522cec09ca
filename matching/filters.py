"""Filters of the demand board: text search and facets with counts over what the reader may see."""

from __future__ import annotations

import django_filters
from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from catalog.filters import FacetedFilterSet, country_facet, field_facet
from catalog.roles import is_office
from matching.models import Demand, DemandCategory, DemandStatus, member_unit

# Days abroad in the ranges the rules care about: under the 10- and 14-day minimums, short-term, and
# mid/long-term (90 days or more). Each is (value, label, lowest, highest).
DAYS_RANGES = [
    ("1-13", _("Under 14 days"), 1, 13),
    ("14-30", _("14 to 30 days"), 14, 30),
    ("31-89", _("31 to 89 days"), 31, 89),
    ("90-", _("90 days or more (mid/long-term)"), 90, None),
]


def _days_range():
    """The days range of each demand, as an annotation the facet counts and filters by."""
    whens = []
    for value, _label, low, high in DAYS_RANGES:
        condition = Q(days__gte=low) if high is None else Q(days__gte=low, days__lte=high)
        whens.append(When(condition, then=Value(value)))
    return Case(*whens, default=Value(""), output_field=CharField())


class DemandFilter(FacetedFilterSet):
    """Search and facets. The queryset given is already what the reader may see (`visible_to`), so no
    count includes a demand they may not; the status facet is offered only to those who see more than
    published demands (members of a unit, the office)."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    field = field_facet("fields__code")
    destination = country_facet("destinations__code", label=_("Destination"))
    category = django_filters.MultipleChoiceFilter(choices=DemandCategory.choices, label=_("Category"))
    days = django_filters.MultipleChoiceFilter(
        field_name="days_range",
        choices=[(value, label) for value, label, _low, _high in DAYS_RANGES],
        label=_("Days abroad"),
    )
    status = django_filters.MultipleChoiceFilter(choices=DemandStatus.choices, label=_("Status"))
    days_min = django_filters.NumberFilter(field_name="days", lookup_expr="gte", label=_("At least days"))
    days_max = django_filters.NumberFilter(field_name="days", lookup_expr="lte", label=_("At most days"))

    facets = ("field", "destination", "category", "days", "status")
    facet_lookups = {
        "field": "fields__code",
        "destination": "destinations__code",
        "category": "category",
        "days": "days_range",
        "status": "status",
    }

    class Meta:
        model = Demand
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        if queryset is not None:
            queryset = queryset.annotate(days_range=_days_range())
        # Always bound (an empty board is "no filter"), so the facets can count.
        super().__init__(data if data is not None else {}, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        if not (is_office(user) or member_unit(user) is not None):
            del self.filters["status"]
            self.facets = tuple(name for name in self.facets if name != "status")

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

    def facet_options(self) -> list[dict]:
        facets = super().facet_options()
        for facet in facets:
            if facet["name"] in ORDERED_FACETS:
                # Ranges and statuses read in their own order, not by count.
                order = [value for value, _label in self.facet_choices(facet["name"])]
                facet["options"].sort(key=lambda option: order.index(option["value"]))
        return facets


ORDERED_FACETS = ("days", "status")
