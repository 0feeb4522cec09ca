"""The quality loop's catalogue side: the criteria of the two-way evaluation, an institution's public quality
record, and the value the ranking reads of the same evaluations."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# What each side rates from 1 to 5 after a training, with the labels every form and page shows. The group
# rates the institution on these; they are the dimensions of the institution's quality record.
INSTITUTION_CRITERIA = {
    "curriculum": _("Curriculum"),
    "teaching": _("Teaching"),
    "organisation": _("Organisation"),
    "logistics": _("Logistics"),
    "usefulness": _("Usefulness"),
}
# The institution rates the group on these (they rate a unit, so no quality record shows them).
GROUP_CRITERIA = {
    "attendance": _("Attendance"),
    "preparation": _("Preparation"),
    "engagement": _("Engagement"),
}

# The public record and the ranking read the same evaluations (`counted_evaluations()`) but not the same
# number. The record shows what units said, each evaluation alike, so a reader can check it: the plain mean.
# The ranking must not let one 5.0 beat forty 4.6s, nor ten-year-old evaluations weigh like last year's: it
# adds PRIOR_WEIGHT evaluations' worth of the catalogue mean, and an evaluation loses half its weight every
# HALF_LIFE_YEARS.
# The evaluation scale: every rating lies on it, and so does every setting a mean rating is compared with.
RATING_SCALE = [MinValueValidator(1), MaxValueValidator(5)]

PRIOR_WEIGHT = 5.0
HALF_LIFE_YEARS = 4.0
# The catalogue mean while no evaluation counts yet.
DEFAULT_MEAN = 4.0


def public_mean(overalls: Collection[float]) -> float | None:
    """The mean people read (the quality record and its dimensions and years, a match's reasons): the plain
    mean of the scores, None when there are none. SQL computes the same with `Avg` over the evaluations
    `counted_evaluations()` selects (the directory, the statistics, the quality watch)."""
    return sum(overalls) / len(overalls) if overalls else None


# Below the 0.005 that separates two shown means, above the error of a float sum: the record (Python's
# sum), the statistics and the quality watch (SQL's AVG, summing in another order) may hold a mean of
# 2.475 as 2.4749999999999996 or as 2.4750000000000001, and must all show 2.48.
SHOWN_MEAN_NUDGE = 1e-9


def shown_mean(mean: float | None) -> float | None:
    """A mean as the record, the statistics and the quality watch show it: two decimals, a half rounded up
    whichever way the sum's last bits fell."""
    return round(mean + SHOWN_MEAN_NUDGE, 2) if mean is not None else None


def ranking_mean(
    ratings: Iterable[tuple[float, datetime.date]], catalogue_mean: float, today: datetime.date
) -> float:
    """The mean the ranking reads, from (overall, date) pairs: recent evaluations weigh more, and few
    evaluations stay near the catalogue mean (which an unrated institution gets)."""
    weighted_sum, weight_total = PRIOR_WEIGHT * catalogue_mean, PRIOR_WEIGHT
    for overall, date in ratings:
        age_years = max(0.0, (today - date).days / 365.25)
        weight = 0.5 ** (age_years / HALF_LIFE_YEARS)
        weighted_sum += weight * overall
        weight_total += weight
    return weighted_sum / weight_total


def label_mean(overalls: Collection[float], prior_mean: float) -> float | None:
    """The quality label's mean: the period's plain mean with PRIOR_WEIGHT evaluations' worth of the
    catalogue mean added, so that a few 5.0s do not earn the label that forty 4.6s earn. SQL computes the
    same in `InstitutionQuerySet.with_quality_label()` (through `label_mean_expression`)."""
    if not overalls:
        return None
    return (sum(overalls) + PRIOR_WEIGHT * prior_mean) / (len(overalls) + PRIOR_WEIGHT)


def label_mean_expression(total, count, prior_mean):
    """`label_mean` as an SQL expression of the period's sum and number of overall ratings; `prior_mean` a
    number or an SQL expression (`catalogue_mean_expression()`)."""
    from django.db.models import FloatField, Value
    from django.db.models.functions import Cast

    prior = Value(float(PRIOR_WEIGHT), output_field=FloatField()) * prior_mean
    return (Cast(total, FloatField()) + prior) / (Cast(count, FloatField()) + Value(PRIOR_WEIGHT))


# A room above the catalogue that keeps complaints (matching's reports) registers here which institutions
# have one the label must wait for: a function of the rule giving a Q over institutions. The catalogue
# cannot import that room; without one registered, no complaint withholds the label.
LABEL_BLOCKERS: list = []


def register_label_blocker(blocker):
    LABEL_BLOCKERS.append(blocker)
    return blocker


def catalogue_mean() -> float:
    """The mean of every counted evaluation, toward which the ranking pulls each institution's."""
    from django.db.models import Avg

    from catalog.models import Evaluation

    mean = Evaluation.objects.counted().aggregate(m=Avg("overall"))["m"]
    return mean if mean is not None else DEFAULT_MEAN


def catalogue_mean_expression():
    """`catalogue_mean()` as a subquery of the query that reads it: computed (once) only when that query
    runs, so a page whose list comes from the cache does not average every evaluation to build it."""
    from django.db.models import Avg, FloatField, Subquery, Value
    from django.db.models.functions import Coalesce

    from catalog.models import Evaluation

    # values() over a constant: no GROUP BY, one row averaging every counted evaluation.
    mean = Evaluation.objects.counted().order_by().values(all=Value(1)).annotate(m=Avg("overall")).values("m")
    return Coalesce(Subquery(mean), Value(DEFAULT_MEAN), output_field=FloatField())


CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 320, 120, 24


@dataclass
class YearPoint:
    year: int
    mean: float
    count: int
    x: float = 0.0
    y: float = 0.0


@dataclass
class QualityRecord:
    count: int = 0
    mean: float | None = None
    dimensions: list[dict] = field(default_factory=list)
    years: list[YearPoint] = field(default_factory=list)

    @property
    def chart_points(self) -> str:
        """The yearly means as an SVG polyline (1 to 5 on the vertical axis)."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.years)

    @property
    def chart_size(self) -> dict:
        return {
            "width": CHART_WIDTH,
            "height": CHART_HEIGHT,
            "pad": CHART_PAD,
            "bottom": CHART_HEIGHT - CHART_PAD,
            "right": CHART_WIDTH - CHART_PAD,
            "y5": _y(5.0),
            "y3": _y(3.0),
            "y1": _y(1.0),
        }


def _y(mean: float) -> float:
    return CHART_HEIGHT - CHART_PAD - (mean - 1) / 4 * (CHART_HEIGHT - 2 * CHART_PAD)


def quality_record(evaluations) -> QualityRecord:
    """Build the record from (overall, scores, date) rows of unit-to-institution evaluations."""
    rows = list(evaluations)
    if not rows:
        return QualityRecord()
    by_dimension: dict[str, list[float]] = defaultdict(list)
    by_year: dict[int, list[float]] = defaultdict(list)
    for overall, scores, date in rows:
        by_year[date.year].append(overall)
        for name, score in (scores or {}).items():
            if name in INSTITUTION_CRITERIA:
                by_dimension[name].append(score)
    record = QualityRecord(
        count=len(rows),
        mean=shown_mean(public_mean([r[0] for r in rows])),
        dimensions=[
            {
                "name": name,
                "label": label,
                "mean": shown_mean(public_mean(v)),
                "count": len(v),
                "width": round(100 * sum(v) / len(v) / 5, 1),
            }
            for name, label in INSTITUTION_CRITERIA.items()
            if (v := by_dimension.get(name))
        ],
        years=[YearPoint(year, shown_mean(public_mean(v)), len(v)) for year, v in sorted(by_year.items())],
    )
    span = max(1, len(record.years) - 1)
    for index, point in enumerate(record.years):
        point.x = (
            CHART_PAD + index * (CHART_WIDTH - 2 * CHART_PAD) / span
            if len(record.years) > 1
            else CHART_WIDTH / 2
        )
        point.y = _y(point.mean)
    return record


def institutions_below(threshold: float, since) -> list[dict]:
    """Institutions whose mean overall rating by organizing units since `since` is below `threshold`,
    worst first: each institution's id with that mean and how many evaluations it rests on. One grouped
    query over the recent part of `evaluation_recent_idx`; the names are read for the rows shown
    (`watch_rows`)."""
    from django.db.models import Avg, Count

    from catalog.models import Evaluation

    rows = (
        Evaluation.objects.counted()
        # Bounded on both sides, so that SQLite's planner reads the index from `since` on rather than
        # every evaluation in institution order (one-sided, it guesses a quarter of them match).
        .filter(date__range=(since, datetime.date.max))
        .values("institution")
        .annotate(mean=Avg("overall"), count=Count("id"))
        .filter(mean__lt=threshold)
        .order_by("mean", "institution")
    )
    return [
        {"institution_id": row["institution"], "mean": shown_mean(row["mean"]), "count": row["count"]}
        for row in rows
    ]


def watch_rows(below: list[dict]) -> list[dict]:
    """`institutions_below` rows with their institutions (and countries) for the page that shows them."""
    from catalog.models import Institution

    pages = Institution.objects.select_related("country").in_bulk([row["institution_id"] for row in below])
    return [{**row, "institution": pages[row["institution_id"]]} for row in below]
