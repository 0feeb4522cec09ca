"""The office's statistics: each table computed by one aggregate query (by country, two index reads), its
labels (field and country names, status labels, column headers) in the reader's language, ready for a chart,
a page table and a download."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, Value
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.choices import InstitutionStatus
from catalog.models import Country, Field, Institution
from catalog.quality import shown_mean
from catalog.text import pick_language
from matching.choices import DemandStatus, InquiryStatus
from matching.models import Inquiry, InquiryEvent
from search.models import InstitutionProfile

# Evaluations of institutions are the ones units give them (`counted_evaluations`); the other direction
# rates units. Their means are the public record's plain means, not the ranking's (catalog.quality).


@dataclass
class Table:
    """One statistics table: a name for URLs and file names, headers and rows, and how to chart it."""

    name: str
    title: str | Promise
    description: str | Promise
    columns: list[str | Promise]
    rows: list[list]
    chart_type: str = "bar"
    # Indexes of the columns drawn as data sets; the first column always gives the labels.
    series: list[int] = field(default_factory=lambda: [1])
    y_max: float | None = None

    @property
    def script_id(self) -> str:
        return f"chart-{self.name}"

    @property
    def headers(self) -> list[str]:
        return [str(column) for column in self.columns]

    @property
    def cells(self) -> list[list[tuple[object, bool]]]:
        """The rows for the page: each value with whether it is a number (aligned right)."""
        return [[(value, isinstance(value, int | float)) for value in row] for row in self.rows]

    def chart(self) -> dict:
        """What statistics.js needs to draw the chart (a json_script block)."""
        return {
            "type": self.chart_type,
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": str(self.columns[i]), "data": [row[i] for row in self.rows]} for i in self.series
            ],
            "yMax": self.y_max,
        }


def _published_demands_per(model) -> list[list]:
    """[name in the reader's language, published demands] for each field or country that has any."""
    counted = (
        model.objects.annotate(n=Count("demands", filter=Q(demands__status=DemandStatus.PUBLISHED)))
        .filter(n__gt=0)
        .order_by("-n", "code")
        .values_list("name_zh", "name_en", "n")
    )
    return [[pick_language(zh, en), n] for zh, en, n in counted]


def demands_by_field() -> Table:
    return Table(
        name="demands-by-field",
        title=_("Demands by field"),
        description=_("Published training demands per field; a demand in two fields counts in both."),
        columns=[pgettext_lazy("subject", "Field"), _("Published demands")],
        rows=_published_demands_per(Field),
    )


def demands_by_destination() -> Table:
    return Table(
        name="demands-by-destination",
        title=_("Demands by destination"),
        description=_("Published training demands per destination country; a demand may name several."),
        columns=[_("Country"), _("Published demands")],
        rows=_published_demands_per(Country),
    )


def negotiations_by_month() -> Table:
    # One query: the threads opened per month and the threads agreed per month, as a UNION ALL.
    opened = (
        Inquiry.objects.order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(opened=Count("id"), agreed=Value(0, output_field=IntegerField()))
    )
    agreed = (
        InquiryEvent.objects.order_by()
        .filter(to_status=InquiryStatus.AGREED)
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(opened=Value(0, output_field=IntegerField()), agreed=Count("inquiry", distinct=True))
    )
    months: dict[str, list[int]] = {}
    for row in opened.union(agreed, all=True):
        counts = months.setdefault(f"{row['month']:%Y-%m}", [0, 0])
        counts[0] += row["opened"]
        counts[1] += row["agreed"]
    return Table(
        name="negotiations-by-month",
        title=_("Negotiations and agreements over time"),
        description=_("Inquiry threads opened each month, and threads that reached an agreement that month."),
        columns=[_("Month"), _("Negotiations opened"), _("Agreements")],
        rows=[[month, *counts] for month, counts in sorted(months.items())],
        chart_type="line",
        series=[1, 2],
    )


# Evaluations by institution and by country read the tally each institution's profile keeps of its counted
# evaluations (search.profiles writes it in the transaction of every change of them): a few thousand index
# entries, where grouping 100,000 evaluations took most of a second. The page shows the best-rated
# institutions; the download lists every one.
BEST_RATED_SHOWN = 20


def evaluations_by_institution(limit: int | None = None) -> Table:
    tallies = (
        InstitutionProfile.objects.filter(rating_count__gt=0)
        .order_by("-rating_mean", "-rating_count", "institution__external_id")
        .values_list(
            "institution__name_zh",
            "institution__name_en",
            "institution__country__name_zh",
            "institution__country__name_en",
            "rating_count",
            "rating_mean",
        )
    )
    if limit is not None:
        tallies = tallies[:limit]
    return Table(
        name="evaluations-by-institution",
        title=_("Evaluations by institution"),
        description=(
            _(
                "Evaluations organizing units gave each institution, and their mean overall score (1–5): "
                "the best-rated here, every institution in the download."
            )
            if limit is not None
            else _("Evaluations organizing units gave each institution, and their mean overall score (1–5).")
        ),
        columns=[_("Institution"), _("Country"), _("Evaluations"), _("Mean overall score")],
        rows=[
            [pick_language(zh, en), pick_language(czh, cen), n, shown_mean(mean)]
            for zh, en, czh, cen, n, mean in tallies
        ],
        series=[3],
        y_max=5,
    )


def evaluations_by_country() -> Table:
    # The institutions' tallies added up by country, each read from an index alone and joined here: in one
    # query SQLite reads every institution's or profile row to join them (their texts make that 90 ms).
    country_of = dict(
        Country.objects.order_by().filter(institutions__isnull=False).values_list("institutions", "pk")
    )
    sums: dict[int, list] = {}
    for institution, n, mean in (
        InstitutionProfile.objects.filter(rating_count__gt=0)
        .order_by()
        .values_list("institution", "rating_count", "rating_mean")
    ):
        tally = sums.setdefault(country_of[institution], [0, 0.0])
        tally[0] += n
        tally[1] += mean * n
    countries = Country.objects.in_bulk(list(sums))
    rows = sorted(
        ([countries[pk], n, total / n] for pk, (n, total) in sums.items()),
        key=lambda row: (-row[2], -row[1], row[0].code),
    )
    return Table(
        name="evaluations-by-country",
        title=_("Evaluations by country"),
        description=_("Evaluations of the institutions of each country, and their mean overall score (1–5)."),
        columns=[_("Country"), _("Evaluations"), _("Mean overall score")],
        rows=[
            [pick_language(country.name_zh, country.name_en), n, shown_mean(mean)]
            for country, n, mean in rows
        ],
        series=[2],
        y_max=5,
    )


def institutions_by_status() -> Table:
    counts = dict(
        Institution.objects.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    rows = [[str(status.label), counts.get(status.value, 0)] for status in InstitutionStatus]
    return Table(
        name="institutions-by-status",
        title=_("Institutions by status"),
        description=_("Institutions in the catalogue: admitted, suspended and withdrawn."),
        columns=[_("Status"), _("Institutions")],
        rows=rows if any(n for _label, n in rows) else [],
        chart_type="doughnut",
    )


TABLES: dict[str, Callable[[], Table]] = {
    "demands-by-field": demands_by_field,
    "demands-by-destination": demands_by_destination,
    "negotiations-by-month": negotiations_by_month,
    "evaluations-by-institution": evaluations_by_institution,
    "evaluations-by-country": evaluations_by_country,
    "institutions-by-status": institutions_by_status,
}


def all_tables() -> list[Table]:
    """Every table, in full (the downloads), in the page's order."""
    return [compute() for compute in TABLES.values()]


def page_tables() -> list[Table]:
    """The tables as the statistics page shows them: the best-rated institutions only."""
    return [
        evaluations_by_institution(BEST_RATED_SHOWN) if name == "evaluations-by-institution" else compute()
        for name, compute in TABLES.items()
    ]
