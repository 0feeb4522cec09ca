"""The policy rules: every rule code at its boundaries, firing and not firing, on one valid demand changed
one key at a time."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from catalog.exchange import Source, import_catalog
from matching.exchange import DemandType, read_demand
from matching.models import Demand
from matching.rules import RULES, Finding, check
from search.demand import MISSING, DemandRecord
from tests.factories import make_country, make_field, make_institution

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

ABSENT = object()  # an override that leaves the key out of the record
LONG_TERM = {"days": 90, "backbone_plan": False}


@pytest.fixture
def catalogue():
    """Japan (Asian), Germany, the United States (a hotspot); a plain and a central-only field; a
    cooperating, a non-cooperating, a suspended and a withdrawn institution."""
    manufacturing = make_field("intelligent-manufacturing", "Intelligent manufacturing", "智能制造")
    make_field("legislation", "Legislation", "立法", central_only=True)
    make_country("JP", "Japan", "日本", region="asia", asian_or_neighbouring=True)
    germany = make_country("DE", "Germany", "德国", region="europe", strengths=[(manufacturing, 1.0)])
    make_country("US", "United States", "美国", region="north_america", hotspot=True)
    make_institution(
        "de-tum", "Technical University of Munich", germany, name_zh="慕尼黑工业大学", cooperating=True
    )
    make_institution("de-rwth", "RWTH Aachen University", germany, name_zh="亚琛工业大学")
    make_institution("de-lapsed", "Lapsed Training GmbH", germany, status="suspended", cooperating=True)
    make_institution("de-gone", "Gone Seminars GmbH", germany, status="withdrawn", cooperating=True)


def valid_demand(**overrides) -> dict:
    """A short-term professional demand that passes every rule; each override changes one key."""
    record = {
        "type": "demand",
        "external_id": "dm-test-001",
        "title": "智能制造与工业4.0培训",
        "topic": "数字化工厂与工业机器人",
        "fields": ["intelligent-manufacturing"],
        "destinations": ["DE"],
        "days": 21,
        "group_size": 12,
        "cities": 2,
        "category": "professional",
        "organizing_unit": "江苏省科学技术厅",
        "organizer_level": "provincial",
        "participants_max_age": 48,
        "participants_min_years_to_retirement": 12,
        "special_project": None,
        "expert_review": {
            "opinion": "培训内容与单位职能相符，同意申报。",
            "expert": "周立新",
            "affiliation": "东南大学",
        },
        "foreign_funding": None,
        "double_cross": False,
        "institutions": ["de-tum"],
    }
    record.update(overrides)
    return {key: value for key, value in record.items() if value is not ABSENT}


def judged(record: dict) -> list[Finding]:
    """The findings on a record as a file gives it."""
    return check(read_demand(record))


def found(record: dict, rule: str) -> list[tuple[str, str]]:
    """(severity, key) of each finding of one rule."""
    return [(finding.severity, finding.key) for finding in judged(record) if finding.rule == rule]


def test_the_valid_demand_passes_every_rule():
    assert judged(valid_demand()) == []


def test_every_rule_code_of_the_domain_is_declared_once_in_its_order():
    assert [rule.code for rule in RULES] == [
        "group-size",
        "min-days",
        "classification",
        "cities",
        "participant-age",
        "retirement",
        "expert-review",
        "foreign-funding",
        "cooperating-institution",
        "hotspot",
        "double-cross",
        "organizer-level",
        "small-group-long-term",
        "inactive-institution",
        "central-only-field",
    ]
    assert all(rule.source and rule.message_zh and rule.message_en for rule in RULES)


def test_a_finding_gives_the_exchange_format_keys_and_the_key_it_concerns():
    (finding,) = judged(valid_demand(group_size=30))
    assert finding.as_dict() == {
        "rule": "group-size",
        "severity": "error",
        "message_zh": "团组人数30人，超过25人的上限。",
        "message_en": "The group has 30 people; the limit is 25.",
        "source": "2020 guide (notice), 三、3; 13th FYP guidance, 二（二）四",
    }
    assert finding.key == "group_size"


def test_a_finding_cites_its_source_in_the_readers_language():
    from django.utils import translation

    (finding,) = judged(valid_demand(group_size=30))
    with translation.override("zh-hans"):
        assert finding.citation == "2020年申报指南通知，三、3；“十三五”培训指导意见，二（二）四"
    with translation.override("en"):
        assert finding.citation == "2020 guide (notice), 三、3; 13th FYP guidance, 二（二）四"
    for rule in RULES:
        with translation.override("zh-hans"):
            cited = dataclasses.replace(finding, source=rule.source).citation
        assert not re.search(r"[A-Za-z]{2,}", cited), cited


def test_no_message_speaks_json_to_a_person():
    """Messages are read on the demand form too: no "null", no "true or false"."""
    for record in (valid_demand(days=90), valid_demand(special_project=ABSENT)):
        for finding in judged(record):
            for message in (finding.message_zh, finding.message_en):
                assert not re.search(r"\bnull\b|\btrue\b|\bfalse\b", message), message


# group-size


@pytest.mark.parametrize(("size", "expected"), [(25, []), (26, [("error", "group_size")])])
def test_a_group_of_more_than_25_is_an_error(size, expected):
    assert found(valid_demand(group_size=size), "group-size") == expected


def test_a_missing_group_size_is_reported_as_missing():
    (finding,) = judged(valid_demand(group_size=ABSENT))
    assert (finding.rule, finding.severity, finding.key) == ("group-size", "error", "group_size")
    assert "missing" in finding.message_en


def test_a_malformed_value_is_a_finding_not_a_crash():
    (finding,) = judged(valid_demand(group_size="30"))
    assert (finding.rule, finding.key) == ("group-size", "group_size")
    assert "invalid" in finding.message_en


# min-days


@pytest.mark.parametrize(
    ("destinations", "days", "fires"),
    [
        (["JP"], 9, True),
        (["JP"], 10, False),
        (["DE"], 13, True),
        (["DE"], 14, False),
        (["JP", "DE"], 12, True),
        (["JP", "DE"], 14, False),
        ([], 13, True),
        ([], 14, False),
    ],
)
def test_the_minimum_stay_is_10_days_in_asia_14_elsewhere_and_the_strictest_destination_counts(
    destinations, days, fires
):
    assert found(valid_demand(destinations=destinations, days=days), "min-days") == (
        [("error", "days")] if fires else []
    )


def test_the_min_days_message_names_the_strictest_destination():
    (finding,) = judged(valid_demand(destinations=["JP", "DE"], days=12))
    assert finding.message_en == "The training abroad lasts 12 days; Germany requires at least 14."
    assert finding.message_zh == "境外培训12天，少于赴德国培训不少于14天的要求。"


def test_an_unknown_destination_is_an_error_and_is_judged_as_elsewhere():
    assert found(valid_demand(destinations=["JP", "XX"], days=14), "min-days") == [("error", "destinations")]
    assert found(valid_demand(destinations=["JP", "XX"], days=12), "min-days") == [
        ("error", "destinations"),
        ("error", "days"),
    ]


# classification


def test_a_short_term_demand_without_the_special_project_key_is_an_error():
    assert found(valid_demand(special_project=ABSENT), "classification") == [("error", "special_project")]


def test_a_short_term_demand_may_state_none_of_these_with_null():
    assert found(valid_demand(special_project=None), "classification") == []


def test_a_short_term_demand_may_name_its_special_project():
    project = {"kind": "key_rd", "name": "国家重点研发计划“智能机器人”重点专项", "year": 2021}
    assert found(valid_demand(special_project=project), "classification") == []


@pytest.mark.parametrize("left_out", ["name", "year", "kind"])
def test_a_special_project_without_its_name_year_or_kind_is_an_error(left_out):
    project = {"kind": "key_rd", "name": "国家重点研发计划“智能机器人”重点专项", "year": 2021}
    del project[left_out]
    (finding,) = judged(valid_demand(special_project=project))
    assert (finding.rule, finding.key) == ("classification", "special_project")
    assert left_out in finding.message_en


@pytest.mark.parametrize("backbone_plan", [ABSENT, None])
def test_a_mid_long_term_demand_must_state_the_backbone_plan(backbone_plan):
    record = valid_demand(days=90, backbone_plan=backbone_plan)
    assert found(record, "classification") == [("error", "backbone_plan")]


@pytest.mark.parametrize("backbone_plan", [True, False])
def test_a_mid_long_term_demand_stating_the_backbone_plan_passes(backbone_plan):
    record = valid_demand(days=90, backbone_plan=backbone_plan, special_project=ABSENT)
    assert found(record, "classification") == []


# cities


@pytest.mark.parametrize(("cities", "expected"), [(2, []), (3, [("error", "cities")])])
def test_a_short_term_training_visits_at_most_two_cities(cities, expected):
    assert found(valid_demand(days=89, cities=cities), "cities") == expected


def test_three_cities_at_90_days_are_not_an_error():
    assert found(valid_demand(cities=3, **LONG_TERM), "cities") == []


def test_a_missing_cities_key_counts_as_one_city():
    assert found(valid_demand(cities=ABSENT), "cities") == []


# participant-age and retirement


@pytest.mark.parametrize(("age", "expected"), [(55, []), (56, [("error", "participants_max_age")])])
def test_a_participant_older_than_55_is_an_error(age, expected):
    assert found(valid_demand(participants_max_age=age), "participant-age") == expected


def test_a_missing_participant_age_is_reported_as_missing():
    assert found(valid_demand(participants_max_age=ABSENT), "participant-age") == [
        ("error", "participants_max_age")
    ]


@pytest.mark.parametrize(
    ("years", "expected"), [(5, []), (4, [("error", "participants_min_years_to_retirement")])]
)
def test_a_participant_under_5_years_from_retirement_is_an_error(years, expected):
    assert found(valid_demand(participants_min_years_to_retirement=years), "retirement") == expected


def test_missing_years_to_retirement_are_reported_as_missing():
    assert found(valid_demand(participants_min_years_to_retirement=ABSENT), "retirement") == [
        ("error", "participants_min_years_to_retirement")
    ]


# small-group-long-term


def test_a_mid_long_term_group_of_4_is_favoured_and_outside_the_quota():
    record = valid_demand(group_size=4, **LONG_TERM)
    assert found(record, "small-group-long-term") == [("info", "group_size")]
    assert all(finding.severity == "info" for finding in judged(record))


@pytest.mark.parametrize(
    "overrides",
    [
        {"group_size": 5, **LONG_TERM},
        {"group_size": 4, "days": 89},
        {"group_size": 4, "category": "management", **LONG_TERM},
    ],
)
def test_only_a_professional_group_under_5_for_90_days_or_more_is_a_small_long_term_group(overrides):
    assert found(valid_demand(**overrides), "small-group-long-term") == []


# expert-review


@pytest.mark.parametrize("review", [ABSENT, None])
def test_a_demand_without_an_expert_review_is_an_error(review):
    assert found(valid_demand(expert_review=review), "expert-review") == [("error", "expert_review")]


@pytest.mark.parametrize("left_out", ["opinion", "expert"])
def test_an_expert_review_without_opinion_or_expert_is_an_error(left_out):
    review = {"opinion": "同意申报。", "expert": "周立新"} | {left_out: ""}
    assert found(valid_demand(expert_review=review), "expert-review") == [("error", "expert_review")]


# foreign-funding


@pytest.mark.parametrize(
    "funding",
    [ABSENT, None, {"funder": "CERN", "institution": "CERN", "content": "住宿补贴", "amount": 36000}],
)
def test_no_or_fully_declared_foreign_funding_passes(funding):
    assert found(valid_demand(foreign_funding=funding), "foreign-funding") == []


def test_foreign_funding_without_funder_institution_and_content_is_an_error():
    (finding,) = judged(valid_demand(foreign_funding={"funder": "CERN", "amount": 36000}))
    assert (finding.rule, finding.severity, finding.key) == ("foreign-funding", "error", "foreign_funding")
    assert finding.message_en.endswith("missing: institution, content.")


# cooperating-institution


@pytest.mark.parametrize("category", ["management", "general"])
def test_a_management_or_general_group_planning_a_non_cooperating_institution_is_warned(category):
    record = valid_demand(category=category, institutions=["de-rwth"])
    assert found(record, "cooperating-institution") == [("warning", "institutions")]
    assert "RWTH Aachen University" in judged(record)[0].message_en


def test_a_professional_group_may_plan_a_non_cooperating_institution():
    assert found(valid_demand(institutions=["de-rwth"]), "cooperating-institution") == []


def test_a_general_group_planning_a_cooperating_institution_passes():
    assert found(valid_demand(category="general"), "cooperating-institution") == []


# hotspot


def test_a_hotspot_destination_is_a_warning_not_an_error():
    record = valid_demand(destinations=["US"])
    assert found(record, "hotspot") == [("warning", "destinations")]
    assert all(finding.severity == "warning" for finding in judged(record))


def test_a_destination_that_is_no_hotspot_passes():
    assert found(valid_demand(destinations=["DE"]), "hotspot") == []


# double-cross


def test_a_double_cross_group_not_organized_at_central_level_is_an_error():
    assert found(valid_demand(double_cross=True), "double-cross") == [("error", "double_cross")]


def test_a_double_cross_group_without_an_organizer_level_reports_it_missing():
    record = valid_demand(double_cross=True, organizer_level=ABSENT)
    assert found(record, "double-cross") == [("error", "organizer_level")]


def test_a_central_double_cross_group_passes():
    assert found(valid_demand(double_cross=True, organizer_level="central"), "double-cross") == []


# organizer-level


@pytest.mark.parametrize("level", ["municipal", "county"])
def test_municipal_and_county_bodies_may_not_organize_management_training(level):
    record = valid_demand(category="management", organizer_level=level)
    assert found(record, "organizer-level") == [("error", "organizer_level")]


@pytest.mark.parametrize(
    ("category", "level"),
    [("professional", "municipal"), ("management", "provincial"), ("general", "county")],
)
def test_other_organizer_levels_and_categories_pass(category, level):
    assert found(valid_demand(category=category, organizer_level=level), "organizer-level") == []


# inactive-institution


@pytest.mark.parametrize(("institution", "status"), [("de-lapsed", "suspended"), ("de-gone", "withdrawn")])
def test_planning_a_suspended_or_withdrawn_institution_is_an_error(institution, status):
    (finding,) = judged(valid_demand(institutions=[institution]))
    assert (finding.rule, finding.severity, finding.key) == ("inactive-institution", "error", "institutions")
    assert status in finding.message_en


def test_planning_an_unknown_institution_is_an_error_that_says_so():
    (finding,) = judged(valid_demand(institutions=["xx-nowhere"]))
    assert (finding.rule, finding.severity) == ("inactive-institution", "error")
    assert finding.message_en == '"xx-nowhere" in "institutions" is not in the catalogue.'


def test_planning_an_admitted_institution_passes():
    assert found(valid_demand(institutions=["de-tum"]), "inactive-institution") == []


# central-only-field


@pytest.mark.parametrize("level", ["provincial", "municipal", "enterprise"])
def test_a_central_only_field_organized_below_central_level_is_an_error(level):
    record = valid_demand(fields=["legislation"], organizer_level=level)
    assert found(record, "central-only-field") == [("error", "fields")]


def test_a_central_only_field_organized_centrally_passes():
    record = valid_demand(fields=["legislation"], organizer_level="central")
    assert found(record, "central-only-field") == []


def test_a_central_only_field_without_an_organizer_level_reports_it_missing():
    record = valid_demand(fields=["legislation"], organizer_level=ABSENT)
    assert found(record, "central-only-field") == [("error", "organizer_level")]


# the catalogue and stored demands


def test_the_catalogue_rows_are_read_with_one_query_per_table(django_assert_num_queries):
    record = valid_demand(
        destinations=["DE", "JP", "US"],
        institutions=["de-tum", "de-rwth", "de-lapsed"],
        fields=["intelligent-manufacturing", "legislation"],
    )
    with django_assert_num_queries(3):
        judged(record)


def test_a_demand_naming_no_catalogue_rows_needs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        judged(valid_demand(destinations=[], institutions=[], fields=[]))


@pytest.mark.parametrize("special_project", [ABSENT, None])
def test_a_stored_demand_is_judged_like_its_record(special_project):
    record = valid_demand(special_project=special_project, group_size=30, institutions=["de-lapsed"])
    import_catalog([Source("demands.jsonl", json.dumps(record, ensure_ascii=False).encode())])
    stored = Demand.objects.get(external_id=record["external_id"]).as_record()
    assert check(stored) == judged(record)


# the typed record


def test_the_record_has_every_key_of_the_exchange_formats_demand():
    keys = {key.name for key in DemandType.keys}
    assert {field.name for field in dataclasses.fields(DemandRecord)} == {*keys, "problems"}


def test_a_special_project_left_out_is_missing_and_a_null_one_is_none_of_these():
    assert read_demand(valid_demand(special_project=ABSENT)).special_project is MISSING
    assert read_demand(valid_demand(special_project=None)).special_project is None
    assert DemandRecord().special_project is MISSING


def test_a_refused_value_is_kept_as_a_problem_and_left_out():
    demand = read_demand(valid_demand(group_size="30", destinations="DE"))
    assert demand.group_size is None and demand.destinations == ()
    assert set(demand.problems) == {"group_size", "destinations"}


def test_findings_come_in_code_order_however_the_demand_lists_its_codes():
    record = valid_demand(institutions=["de-lapsed", "de-gone", "de-lapsed"])
    assert [f.message_en for f in judged(record) if f.rule == "inactive-institution"] == [
        "The planned institution Gone Seminars GmbH is withdrawn and cannot be chosen.",
        "The planned institution Lapsed Training GmbH is suspended and cannot be chosen.",
    ]
    assert read_demand(record).institutions == ["de-lapsed", "de-gone", "de-lapsed"]


def test_a_record_built_in_code_is_judged_like_one_read_from_a_file():
    record = valid_demand(group_size=30, special_project=ABSENT)
    built = DemandRecord(**{key: value for key, value in record.items() if key != "type"})
    assert check(built) == judged(record)
