"""The quantified review score, line by line at each line's boundaries: rule findings, the planned
institution's status and record, the match, the unit's record and the favoured kinds; and the weights the
office sets."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from matching.models import PlanningSettings, Project
from matching.review_score import (
    NO_RECORD,
    Line,
    Score,
    UnitRecord,
    favoured_kinds,
    favoured_line,
    institution_line,
    match_line,
    review_score,
    rules_line,
    unit_line,
    unit_record,
)
from matching.rules import ERROR, INFO, WARNING, Finding
from tests.factories import make_country, make_evaluation
from tests.matching import test_planning

pytestmark = pytest.mark.django_db


def finding(severity: str) -> Finding:
    return Finding("rule", severity, "", "", "", "key")


def test_rules_line_is_full_without_findings_half_with_a_warning_and_nothing_with_an_error():
    assert rules_line([])[0] == 1.0
    assert rules_line([finding(INFO)])[0] == 1.0
    assert rules_line([finding(WARNING)])[0] == 0.5
    assert rules_line([finding(WARNING), finding(ERROR)])[0] == 0.0
    with translation.override("en"):
        assert "1 error(s), 1 warning(s)" in rules_line([finding(WARNING), finding(ERROR)])[1]


def test_institution_line_reads_status_and_mean_and_the_weakest_counts(small_catalogue):
    tum, wur, lapsed = small_catalogue["tum"], small_catalogue["wur"], small_catalogue["lapsed"]
    assert institution_line([])[0] == 0.0
    assert institution_line([tum])[0] == pytest.approx(4.25 / 5)
    assert institution_line([wur])[0] == NO_RECORD
    assert institution_line([lapsed])[0] == 0.0
    assert institution_line([tum, wur])[0] == NO_RECORD
    make_evaluation("ev-low", wur, 1.0)
    assert institution_line([wur])[0] == pytest.approx(0.2)


def test_match_line_is_the_score_clipped_to_one_or_nothing_unranked():
    assert match_line(None)[0] == 0.0
    assert match_line(0.0)[0] == 0.0
    assert match_line(0.42)[0] == 0.42
    assert match_line(1.7)[0] == 1.0


def test_unit_line_averages_what_the_unit_has_a_record_of():
    assert unit_line(UnitRecord()) == (NO_RECORD, unit_line(UnitRecord())[1])
    assert unit_line(UnitRecord(approved=4, executed=3))[0] == pytest.approx((0.75 + 0) / 2)
    assert unit_line(UnitRecord(outcomes=3))[0] == 1.0
    assert unit_line(UnitRecord(outcomes=5))[0] == 1.0
    full = UnitRecord(
        approved=2, executed=2, group_mean=5.0, outcomes=3, summaries_due=2, summaries_on_time=2
    )
    assert unit_line(full)[0] == 1.0
    late = UnitRecord(
        approved=2, executed=2, group_mean=5.0, outcomes=3, summaries_due=2, summaries_on_time=1
    )
    assert unit_line(late)[0] == pytest.approx(3.5 / 4)


def project(small_catalogue, **values) -> Project:
    terms = {"headcount": 4, "days": 90, "category": "professional"} | values
    unit = __import__("matching.models", fromlist=["OrganizingUnit"]).OrganizingUnit.objects.get_or_create(
        name="U"
    )[0]
    item = Project.objects.create(
        unit=unit, title="P", plan_year=2030, cities=1, content="c", funding_source="own",
        classification="none", **terms,
    )  # fmt: skip
    item.fields.set([small_catalogue["fields"]["manufacturing"]])
    item.destinations.set([small_catalogue["countries"]["DE"]])
    return item


def test_favoured_kinds_at_their_boundaries(small_catalogue):
    assert len(favoured_kinds(project(small_catalogue))) == 3
    assert len(favoured_kinds(project(small_catalogue, headcount=5))) == 2
    assert len(favoured_kinds(project(small_catalogue, days=89))) == 2
    assert len(favoured_kinds(project(small_catalogue, category="management"))) == 2
    hot = make_country("US", "United States", hotspot=True)
    hotspot = project(small_catalogue)
    hotspot.destinations.add(hot)
    assert len(favoured_kinds(hotspot)) == 2
    weak = project(small_catalogue)
    weak.destinations.set([small_catalogue["countries"]["NL"]])  # strong in agriculture, not manufacturing
    assert len(favoured_kinds(weak)) == 2
    assert favoured_line([])[0] == 0.0


def test_the_total_weighs_each_line_by_the_offices_weights():
    score = Score([Line("a", "A", 1.0, 30, ""), Line("b", "B", 0.5, 10, ""), Line("c", "C", 0.0, 0, "")])
    assert score.total == pytest.approx(100 * 35 / 40)
    assert Score([Line("a", "A", 1.0, 0, "")]).total == 0.0
    assert Line("a", "A", 0.5, 15, "").points == 7.5


def test_a_projects_score_has_five_explained_lines(small_catalogue):
    item = project(small_catalogue)
    item.institutions.set([small_catalogue["tum"]])
    settings = PlanningSettings.current()
    settings.weight_match = 0
    settings.save()
    score = review_score(item, match=0.5)
    assert [line.code for line in score.lines] == ["rules", "institution", "match", "unit", "favoured"]
    assert all(line.detail for line in score.lines)
    assert score.lines[2].weight == 0


def test_the_unit_record_counts_summaries_on_time(small_catalogue):
    item = project(small_catalogue)
    Project.objects.filter(pk=item.pk).update(returned_on=timezone.localdate() - datetime.timedelta(days=40))
    # Not approved in a filed plan: no record.
    assert unit_record(item.unit, 2031).approved == 0


people, plan = test_planning.people, test_planning.plan


def test_the_unit_record_counts_a_summary_on_its_due_date_as_on_time_and_a_day_later_as_late(people, plan):
    test_planning.approved_plan(people, plan)
    first, second = (item.project for item in plan.items.order_by("pk"))
    today = timezone.localdate()
    returned = today - datetime.timedelta(days=40)

    def filed(days: int) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(returned + datetime.timedelta(days=days), datetime.time(12))
        )

    Project.objects.filter(pk=first.pk).update(returned_on=returned, summary_filed_at=filed(30))
    Project.objects.filter(pk=second.pk).update(returned_on=returned, summary_filed_at=filed(31))
    record = unit_record(first.unit, test_planning.NEXT_YEAR + 1)
    assert (record.approved, record.executed, record.summaries_due, record.summaries_on_time) == (2, 2, 2, 1)
    # Back 30 days ago without a summary: today is the last day, not due yet; 31 days ago it is late.
    Project.objects.filter(pk=second.pk).update(
        returned_on=today - datetime.timedelta(days=30), summary_filed_at=None
    )
    record = unit_record(first.unit, test_planning.NEXT_YEAR + 1)
    assert (record.summaries_due, record.summaries_on_time) == (1, 1)
    Project.objects.filter(pk=second.pk).update(returned_on=today - datetime.timedelta(days=31))
    record = unit_record(first.unit, test_planning.NEXT_YEAR + 1)
    assert (record.summaries_due, record.summaries_on_time) == (2, 1)
    # Only earlier plan years make the record: the year under review is not the unit's past.
    assert unit_record(first.unit, test_planning.NEXT_YEAR).approved == 0
