"""The quantified review score (量化审批) the office reads beside each project of a plan: five lines, each a
value from 0 to 1 with the reason in words, weighted by the office's settings into a score out of 100.
The score informs a reviewer and never decides."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import CountryStrength
from catalog.quality import public_mean
from matching.choices import Side
from matching.models import DemandCategory, GroupEvaluation, OrganizingUnit, UnitOutcome
from matching.models.planning import PlanningSettings, Project
from matching.rules import ERROR, WARNING
from matching.services import planning

SMALL_GROUP = 5
LONG_TERM_DAYS = 90
STRONG_FIELD = 0.5  # a destination's strength in a field from which it counts as strong
NO_RECORD = 0.5  # a unit or institution without history is neither rewarded nor punished
OUTCOMES_FOR_FULL_MARKS = 3
MATCHES_READ = 50


@dataclass
class Line:
    code: str
    label: str
    value: float
    weight: int
    detail: str

    @property
    def points(self) -> float:
        return round(self.value * self.weight, 1)


@dataclass
class Score:
    lines: list[Line]

    @property
    def total(self) -> float:
        weights = sum(line.weight for line in self.lines)
        return (
            round(100 * sum(line.value * line.weight for line in self.lines) / weights, 1) if weights else 0.0
        )


def rules_line(findings) -> tuple[float, str]:
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = sum(1 for f in findings if f.severity == WARNING)
    value = 0.0 if errors else 0.5 if warnings else 1.0
    return value, _("%(errors)d error(s), %(warnings)d warning(s)") % {"errors": errors, "warnings": warnings}


def institution_line(institutions) -> tuple[float, str]:
    """The weakest planned institution counts: suspended or withdrawn is 0, its mean rating out of 5, or
    NO_RECORD before its first evaluation."""
    if not institutions:
        return 0.0, _("No institution planned")
    values, parts = [], []
    for institution in institutions:
        if not institution.is_admitted:
            values.append(0.0)
            parts.append(
                _("%(name)s: %(status)s")
                % {"name": institution.name, "status": institution.get_status_display()}
            )
            continue
        record = institution.quality_record()
        if record.mean is None:
            values.append(NO_RECORD)
            parts.append(_("%(name)s: no evaluations yet") % {"name": institution.name})
        else:
            values.append(record.mean / 5)
            parts.append(
                _("%(name)s: mean %(mean).1f of 5 from %(count)d evaluation(s)")
                % {"name": institution.name, "mean": record.mean, "count": record.count}
            )
    return min(values), "; ".join(parts)


def match_value(project: Project) -> float | None:
    """The ranking's score of the first planned institution for the project, None when it is not ranked."""
    from search.ranking import rank

    institution = project.institutions.first()
    if institution is None:
        return None
    record = planning.planned_record(planning.project_values(project), project.demand, project.unit)
    for match in rank(record, top=MATCHES_READ):
        if match.institution_id == institution.pk:
            return match.score
    return None


def match_line(score: float | None) -> tuple[float, str]:
    if score is None:
        return 0.0, _("The planned institution is not among the best matches for the project")
    return min(1.0, max(0.0, score)), _("Match score %(score).2f") % {"score": score}


@dataclass
class UnitRecord:
    """A unit's past: approved projects and how many were carried out, the mean rating its groups received,
    outcomes published, summaries due and how many came on time."""

    approved: int = 0
    executed: int = 0
    group_mean: float | None = None
    outcomes: int = 0
    summaries_due: int = 0
    summaries_on_time: int = 0


def unit_record(unit: OrganizingUnit, before_year: int, today: datetime.date | None = None) -> UnitRecord:
    today = today or timezone.localdate()
    settings = PlanningSettings.current()
    past = Project.objects.filter(
        planning.approved_projects(), unit=unit, plan_year__lt=before_year
    ).distinct()
    record = UnitRecord(approved=past.count(), executed=past.filter(returned_on__isnull=False).count())
    ratings = GroupEvaluation.objects.filter(
        group__inquiry__demand__organizing_unit=unit, side=Side.INSTITUTION
    )
    overalls = list(ratings.values_list("evaluation__overall", flat=True))
    record.group_mean = public_mean(overalls) if overalls else None
    record.outcomes = UnitOutcome.objects.filter(unit=unit, outcome__live=True).count()
    for project in past.filter(returned_on__isnull=False):
        if project.summary_due(settings.summary_days) < today or project.summary_filed_at:
            record.summaries_due += 1
            record.summaries_on_time += bool(planning.summary_on_time(project, settings.summary_days))
    return record


def unit_line(record: UnitRecord) -> tuple[float, str]:
    parts, values = [], []
    if record.approved:
        values.append(record.executed / record.approved)
        parts.append(_("executed %(executed)d of %(approved)d approved") % vars(record))
    if record.group_mean is not None:
        values.append(record.group_mean / 5)
        parts.append(_("groups rated %(mean).1f of 5") % {"mean": record.group_mean})
    if record.outcomes or values:
        values.append(min(record.outcomes, OUTCOMES_FOR_FULL_MARKS) / OUTCOMES_FOR_FULL_MARKS)
        parts.append(_("%(count)d outcome(s) published") % {"count": record.outcomes})
    if record.summaries_due:
        values.append(record.summaries_on_time / record.summaries_due)
        parts.append(
            _("%(on_time)d of %(due)d summaries on time")
            % {"on_time": record.summaries_on_time, "due": record.summaries_due}
        )
    if not values:
        return NO_RECORD, _("No record yet")
    return sum(values) / len(values), "; ".join(parts)


def favoured_kinds(project: Project) -> list[str]:
    kinds = []
    if project.headcount < SMALL_GROUP and project.category == DemandCategory.PROFESSIONAL:
        kinds.append(_("small professional group"))
    if project.days >= LONG_TERM_DAYS:
        kinds.append(_("mid/long-term"))
    destinations = list(project.destinations.all())
    fields = list(project.fields.all()) or (list(project.demand.fields.all()) if project.demand else [])
    strong = CountryStrength.objects.filter(
        country__in=destinations, field__in=fields, weight__gte=STRONG_FIELD
    ).values_list("country", flat=True)
    if (
        destinations
        and not any(c.hotspot for c in destinations)
        and set(strong) >= {c.pk for c in destinations}
    ):
        kinds.append(_("non-hotspot destinations strong in its fields"))
    return kinds


def favoured_line(kinds: list[str]) -> tuple[float, str]:
    return len(kinds) / 3, ", ".join(kinds) or _("None of the favoured kinds")


def review_score(project: Project, *, match: float | None = None, with_match: bool = True) -> Score:
    """The project's score line by line; `match` saves the ranking when the caller has it."""
    settings = PlanningSettings.current()
    if with_match and match is None:
        match = match_value(project)
    findings = planning.project_findings(project)
    record = unit_record(project.unit, project.plan_year)
    entries = [
        ("rules", _("Policy rules and entry criteria"), rules_line(findings), settings.weight_rules),
        ("institution", _("Planned institution's status and quality record"),
         institution_line(list(project.institutions.all())), settings.weight_institution),
        ("match", _("Match of the institution for the project"), match_line(match), settings.weight_match),
        ("unit", _("The unit's record"), unit_line(record), settings.weight_unit),
        ("favoured", _("Favoured kinds"), favoured_line(favoured_kinds(project)), settings.weight_favoured),
    ]  # fmt: skip
    return Score(
        [Line(code, label, value, weight, detail) for code, label, (value, detail), weight in entries]
    )
