"""Filters of the public catalogue lists: the directory's facets, the course library and the showcase.
Their text search is the portal's one text search, which the search room registers in TEXT_SEARCH."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.choices import InstitutionKind
from catalog.models import Country, Course, Field, Institution, Outcome
from catalog.places import language_name
from catalog.text import reader_is_chinese

# kind ("institutions", "courses", "outcomes") → text → the pks found, best first, or None when the text
# holds nothing to search for. Filled in by the search room when it loads (search/text_search.py: register).
TEXT_SEARCH: dict[str, Callable[[str], list[int] | None]] = {}


def by_relevance(queryset, found: list[int]):
    """`queryset` in the order the text search found its rows, best first."""
    if not found:
        return queryset
    order = Case(
        *(When(pk=pk, then=Value(position)) for position, pk in enumerate(found)),
        output_field=IntegerField(),
    )
    return queryset.annotate(relevance=order).order_by("relevance")


class TextSearchMixin(django_filters.FilterSet):
    """A `q` filter that keeps what the text search finds (`text_kind` names the collection) and, when no
    other order is chosen, lists it best first."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))

    text_kind = ""
    found: list[int] | None = None
    searched: str | None = None

    def filter_text(self, queryset, name, value):
        if value != self.searched:  # the facets' counts filter again by the same text
            self.found = TEXT_SEARCH[self.text_kind](value)
            self.searched = value
        if self.found is None:
            return queryset
        return queryset.filter(pk__in=self.found)

    def relevance_order(self, queryset):
        return by_relevance(queryset, self.found) if self.found else queryset


class FacetedFilterSet(django_filters.FilterSet):
    """A filter set that can count, for each choice of a facet, how many results it would give. `facets`
    names the filters shown as facets, in order; each counts by the lookup it filters on (its field_name)."""

    facets: tuple[str, ...] = ()

    def facet_queryset(self, facet: str):
        """The results filtered by every facet except `facet`, so its counts show the alternatives."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != facet:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facet_counts(self) -> dict[str, dict[str, int]]:
        self.form.is_valid()
        counts: dict[str, dict[str, int]] = {}
        for facet in self.facets:
            lookup = self.filters[facet].field_name
            rows = self.facet_queryset(facet).order_by().values(lookup).annotate(n=Count("pk", distinct=True))
            counts[facet] = {str(row[lookup]): row["n"] for row in rows if row[lookup] is not None}
        return counts

    def facet_options(self) -> list[dict]:
        """Each facet with its choices, their counts and whether they are selected, for the template."""
        counts = self.facet_counts()
        selected = {
            name: {
                str(v)
                for v in (self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)])
                if v
            }
            for name in self.facets
        }
        facets = []
        for name in self.facets:
            options = [
                {
                    "value": value,
                    "label": label,
                    "count": counts[name].get(value, 0),
                    "selected": value in selected[name],
                }
                for value, label in self.facet_choices(name)
            ]
            options = [o for o in options if o["count"] or o["selected"]]
            options.sort(key=lambda o: (-o["count"], str(o["label"])))
            facets.append({"name": name, "label": self.filters[name].label, "options": options})
        return facets

    def facet_choices(self, name: str) -> list[tuple[str, str]]:
        definition = self.filters[name]
        if isinstance(definition, django_filters.ModelMultipleChoiceFilter):
            key = definition.extra.get("to_field_name", "code")
            return [(getattr(obj, key), obj.name) for obj in definition.queryset]
        if isinstance(definition, django_filters.BooleanFilter):
            return [("True", definition.label)]
        if hasattr(definition, "extra") and definition.extra.get("choices"):
            choices = definition.extra["choices"]
            return [(str(value), label) for value, label in (choices() if callable(choices) else choices)]
        return [(value, value) for value in self.facet_counts_values(name)]

    def facet_counts_values(self, name: str) -> list[str]:
        lookup = self.filters[name].field_name
        values = self.queryset.order_by().values_list(lookup, flat=True).distinct()
        return sorted(str(v) for v in values if v not in (None, ""))


def field_facet(path: str, label=None) -> django_filters.ModelMultipleChoiceFilter:
    """A facet of taxonomy fields, chosen by code; `path` leads from the listed model to a field's code."""
    return django_filters.ModelMultipleChoiceFilter(
        field_name=path,
        queryset=Field.objects.all(),
        to_field_name="code",
        label=label or pgettext_lazy("subject", "Field"),
        distinct=True,
    )


def country_facet(path: str, label=None) -> django_filters.ModelMultipleChoiceFilter:
    """A facet of countries, chosen by code; `path` leads from the listed model to a country's code."""
    return django_filters.ModelMultipleChoiceFilter(
        field_name=path,
        queryset=Country.objects.all(),
        to_field_name="code",
        label=label or _("Country"),
        distinct=True,
    )


class InstitutionFilter(TextSearchMixin, FacetedFilterSet):
    country = country_facet("country__code")
    field = field_facet("specialties__field__code")
    kind = django_filters.MultipleChoiceFilter(choices=InstitutionKind.choices, label=_("Kind"))
    cooperating = django_filters.BooleanFilter(
        label=_("Cooperating institutions only"), method="filter_cooperating"
    )
    # The queryset carries `quality_label` (InstitutionQuerySet.with_quality_label), as the directory's does.
    label = django_filters.BooleanFilter(
        field_name="quality_label", label=_("Quality label holders only"), method="filter_label"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        choices=[
            ("name", _("Name")),
            ("-rating", _("Rating")),
            ("-evaluations", _("Most evaluated")),
            ("country", _("Country")),
        ],
        method="sort_results",
    )

    facets = ("country", "field", "kind", "cooperating", "label")

    text_kind = "institutions"

    class Meta:
        model = Institution
        fields: list[str] = []

    def filter_cooperating(self, queryset, name, value):
        return queryset.filter(cooperating=True) if value else queryset

    def filter_label(self, queryset, name, value):
        return queryset.filter(quality_label=True) if value else queryset

    def sort_results(self, queryset, name, value):
        return self.sorted(queryset, value[0] if value else "name")

    @staticmethod
    def sorted(queryset, key: str):
        # Names sort in the reader's language: the Chinese name where there is one, on the Chinese site.
        by_name = "title"
        if reader_is_chinese():
            queryset = queryset.annotate(local_name=Coalesce(NullIf("name_zh", Value("")), "title"))
            by_name = "local_name"
        orderings = {
            "name": [by_name],
            "-rating": [F("rating_mean").desc(nulls_last=True), by_name],
            "-evaluations": ["-rating_count", by_name],
            "country": ["country__code", by_name],
        }
        return queryset.order_by(*orderings.get(key, [by_name]))

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            queryset = self.relevance_order(self.sorted(queryset, "name"))
        return queryset


class CourseFilter(TextSearchMixin, FacetedFilterSet):
    field = field_facet("fields__code")
    country = country_facet("provider__country__code")
    language = django_filters.CharFilter(label=_("Teaching language"))

    facets = ("field", "country", "language")

    text_kind = "courses"

    class Meta:
        model = Course
        fields: list[str] = []

    def facet_choices(self, name: str) -> list[tuple[str, str]]:
        # The courses' language codes, each named in the reader's language: "de" reads 德语 or German.
        if name == "language":
            return [(code, language_name(code)) for code in self.facet_counts_values(name)]
        return super().facet_choices(name)

    @property
    def qs(self):
        return self.relevance_order(super().qs.order_by("title"))


def showcase_units() -> list[tuple[str, str]]:
    """The organizing units named by published outcomes."""
    names = Outcome.objects.public().exclude(organizing_unit="").values_list("organizing_unit", flat=True)
    return [(name, name) for name in sorted(set(names))]


class OutcomeFilter(TextSearchMixin, FacetedFilterSet):
    field = field_facet("fields__code")
    country = country_facet("country__code")
    institution = django_filters.ModelMultipleChoiceFilter(
        field_name="institutions__external_id",
        queryset=Institution.objects.public(),
        to_field_name="external_id",
        label=_("Institution"),
        distinct=True,
    )
    unit = django_filters.MultipleChoiceFilter(
        field_name="organizing_unit", choices=showcase_units, label=_("Organizing unit")
    )
    year = django_filters.NumberFilter(label=_("Year"))

    facets = ("field", "country", "institution", "unit", "year")

    text_kind = "outcomes"

    class Meta:
        model = Outcome
        fields: list[str] = []

    @property
    def qs(self):
        return self.relevance_order(super().qs.order_by("-year", "title"))
