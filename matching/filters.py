"""Filters of the demand board: text search and facets with counts over what the reader may see."""

from __future__ import annotations

from collections.abc import Iterable

import django_filters
from django.db.models import Case, CharField, Count, Max, Q, Value, When
from django.utils.translation import gettext_lazy as _

from catalog.filters import TEXT_SEARCH, FacetedFilterSet, TextSearchMixin, country_facet, field_facet
from catalog.roles import is_office
from matching.choices import DemandStatus
from matching.models import Demand, DemandCategory, member_unit
from search.text_search import Document, TextCollection, keys

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


def demand_documents() -> Iterable[Document]:
    """Every demand's texts (its unit's name among them) and fields; who may see which is decided by the
    queryset a search is applied to (Demand.objects.visible_to), never by the index."""
    fields: dict[int, list[str]] = {}
    for pk, code in Demand.fields.through.objects.values_list("demand_id", "field__code"):
        fields.setdefault(pk, []).append(code)
    rows = Demand.objects.values_list(
        "pk", "title", "topic", "content", "title_en", "summary_en", "organizing_unit__name"
    )
    for pk, *texts in rows.iterator(chunk_size=2000):
        yield Document(pk, tuple(texts), tuple(sorted(fields.get(pk, ()))))


def demands_stamp() -> str:
    """Moves with every saved, added or deleted demand."""
    state = Demand.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    return f"{state['count']}:{state['last']}"


demand_texts = TextCollection("demands", demand_documents, demands_stamp)
TEXT_SEARCH["demands"] = lambda text: keys(demand_texts.search(text))


class DemandFilter(TextSearchMixin, FacetedFilterSet):
    """Search and facets. The queryset given is already what the reader may see (`visible_to`), so no
    count includes a demand they may not; the status facet is offered only to those who see more than
    published demands (members of a unit, the office)."""

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

    text_kind = "demands"

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

    @property
    def qs(self):
        return self.relevance_order(super().qs)

    def facet_options(self) -> list[dict]:
        facets = super().facet_options()
        for facet in facets:
            if facet["name"] in ORDERED_FACETS:
                # Ranges and statuses read in their own order, not by count.
                order = [value for value, _label in self.facet_choices(facet["name"])]
                facet["options"].sort(key=lambda option: order.index(option["value"]))
        return facets


ORDERED_FACETS = ("days", "status")
