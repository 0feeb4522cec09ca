"""The exchange format's reader and writer: errors name file, line and key and write nothing; imports are
upserts that report what changed; export → import into an empty database → export gives the same lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from wagtail.models import Page

from catalog.exchange import ExchangeError, Source, catalog_imported, export_catalog, import_catalog
from catalog.models import (
    Country,
    Course,
    Evaluation,
    Field,
    Institution,
    InstitutionIndexPage,
    Outcome,
    OutcomeIndexPage,
)
from matching.models import Demand, OrganizingUnit
from search.models import InstitutionProfile
from search.text_search import search_institutions
from tests.factories import make_country, make_institution

pytestmark = pytest.mark.django_db

# A small catalogue with every type, modelled on shared/sample/catalog.jsonl.
SAMPLE = [
    {
        "type": "field",
        "code": "rail-transit",
        "name_zh": "轨道交通",
        "name_en": "Rail transit",
        "synonyms": ["高速铁路", "metro systems"],
        "priority": 1,
    },
    {
        "type": "field",
        "code": "food-safety",
        "name_zh": "食品安全",
        "name_en": "Food safety",
        "synonyms": ["food inspection"],
        "central_only": False,
    },
    {
        "type": "country",
        "code": "AT",
        "name_zh": "奥地利",
        "name_en": "Austria",
        "region": "europe",
        "belt_and_road": True,
        "strengths": [{"field": "rail-transit", "weight": 0.8}],
    },
    {
        "type": "country",
        "code": "IE",
        "name_en": "Ireland",
        "region": "europe",
        "strengths": [{"field": "food-safety", "weight": 0.9}, {"field": "rail-transit", "weight": 0.2}],
    },
    {
        "type": "institution",
        "external_id": "sample-alpine-rail",
        "name_en": "Alpine Rail Academy",
        "name_zh": "阿尔卑斯铁路学院",
        "country": "AT",
        "city": "Vienna",
        "kind": "training_provider",
        "cooperating": True,
        "specialties": [{"field": "rail-transit", "weight": 1.0}],
        "description_en": "Railway engineering and metro systems operation courses.",
        "languages": ["en", "de"],
    },
    {
        "type": "institution",
        "external_id": "sample-dublin-food",
        "name_en": "Dublin Institute of Food Quality",
        "country": "IE",
        "kind": "research_institute",
        "status": "suspended",
    },
    {
        "type": "course",
        "external_id": "sample-alpine-rail-metro",
        "institution": "sample-alpine-rail",
        "title_en": "Metro operations and maintenance",
        "title_zh": "城市轨道运营与维护",
        "fields": ["rail-transit"],
        "days": 21,
        "language": "en",
        "delivery": "on-site",
        "premium": True,
    },
    {
        "type": "course",
        "external_id": "sample-dublin-lab",
        "institution": "sample-dublin-food",
        "title_zh": "食品检测实验室管理",
    },
    {
        "type": "evaluation",
        "external_id": "sample-ev-1",
        "institution": "sample-alpine-rail",
        "direction": "unit_to_institution",
        "date": "2019-05-20",
        "overall": 4.6,
        "scores": {"teaching": 4, "curriculum": 5},
        "group_size": 18,
        "days": 21,
    },
    {
        "type": "evaluation",
        "external_id": "sample-ev-2",
        "institution": "sample-dublin-food",
        "direction": "institution_to_unit",
        "date": "2018-10-02",
        "overall": 4,
    },
    {
        "type": "outcome",
        "external_id": "sample-oc-1",
        "title_zh": "城市轨道运营安全管理体系优化",
        "organizing_unit": "某市交通运输局",
        "institutions": ["sample-alpine-rail"],
        "fields": ["rail-transit"],
        "country": "AT",
        "year": 2019,
        "economic_benefit": "维护成本下降8%",
    },
    {
        "type": "demand",
        "external_id": "sample-dm-rail",
        "title": "城市轨道交通运营管理培训",
        "topic": "地铁运营控制与安全管理",
        "fields": ["rail-transit"],
        "destinations": ["AT"],
        "days": 21,
        "group_size": 15,
        "cities": 2,
        "category": "professional",
        "organizing_unit": "某市交通运输局",
        "special_project": None,
        "institutions": ["sample-alpine-rail"],
    },
]


def jsonl(records: list[dict | str]) -> str:
    """JSON Lines; a string is written as it is (blank lines, comments, broken JSON)."""
    return "".join(
        (item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n" for item in records
    )


def write(tmp_path: Path, records: list[dict | str], name: str = "catalog.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(jsonl(records), encoding="utf-8")
    return path


def run(*paths: Path, **kwargs):
    return import_catalog([Source(path.name, path.read_bytes()) for path in paths], **kwargs)


def found(text: str) -> set[int]:
    """The institutions the directory's text search finds."""
    return {hit.key for hit in search_institutions(text)}


def profile_words(external_id: str) -> dict[str, int]:
    return InstitutionProfile.objects.get(institution__external_id=external_id).token_counts


def export(types: list[str] | None = None) -> str:
    out = io.StringIO()
    export_catalog(out, types)
    return out.getvalue()


def db_counts() -> dict[str, int]:
    models = (Field, Country, Institution, Course, Evaluation, Outcome, Demand, OrganizingUnit, Page)
    return {model.__name__: model.objects.count() for model in models}


def created(report) -> dict[str, int]:
    return {name: counts.created for name, counts in report.counts.items()}


def test_sample_is_created_then_a_second_import_changes_nothing(tmp_path):
    path = write(tmp_path, SAMPLE)

    first = run(path)
    assert created(first) == {
        "field": 2,
        "country": 2,
        "institution": 2,
        "course": 2,
        "evaluation": 2,
        "outcome": 1,
        "demand": 1,
    }
    before = db_counts()

    second = run(path)
    assert not second.changed
    assert all(
        counts.unchanged and not counts.created and not counts.updated for counts in second.counts.values()
    )
    assert second.table().endswith("nothing changed")
    assert db_counts() == before


def test_export_then_import_into_an_empty_database_exports_the_same_lines(tmp_path):
    emptied = transaction.savepoint()
    run(write(tmp_path, SAMPLE))
    first = export()
    transaction.savepoint_rollback(emptied)  # back to the empty catalogue of the migrations
    assert Institution.objects.count() == 0

    run(write(tmp_path, first.splitlines(), "exported.jsonl"))
    assert export() == first


def test_export_is_ordered_by_type_then_key_with_every_key_written(tmp_path):
    run(write(tmp_path, SAMPLE))
    records = [json.loads(line) for line in export().splitlines()]
    order = ["field", "country", "institution", "course", "evaluation", "outcome", "demand"]
    assert [record["type"] for record in records] == sorted((r["type"] for r in records), key=order.index)
    fields = [record["code"] for record in records if record["type"] == "field"]
    assert fields == sorted(fields)
    dublin = next(record for record in records if record.get("external_id") == "sample-dublin-food")
    assert list(dublin) == [
        "type",
        "external_id",
        "name_en",
        "name_zh",
        "country",
        "city",
        "kind",
        "cooperating",
        "status",
        "specialties",
        "description_en",
        "description_zh",
        "languages",
        "website",
        "contact_email",
        "max_group_size",
    ]
    assert dublin["specialties"] == [] and dublin["name_zh"] == "" and dublin["max_group_size"] is None
    ireland = next(record for record in records if record.get("code") == "IE")
    assert ireland["strengths"] == [
        {"field": "food-safety", "weight": 0.9},
        {"field": "rail-transit", "weight": 0.2},
    ]
    assert "阿尔卑斯铁路学院" in export(["institution"])  # ensure_ascii=False
    assert {json.loads(line)["type"] for line in export(["course", "evaluation"]).splitlines()} == {
        "course",
        "evaluation",
    }


def test_a_changed_record_is_updated_in_place(tmp_path):
    run(write(tmp_path, SAMPLE))
    alpine = Institution.objects.get(external_id="sample-alpine-rail")
    changed = [dict(record) for record in SAMPLE]
    changed[4] = {
        **changed[4],
        "name_en": "Alpine Railway Academy",
        "specialties": [{"field": "food-safety", "weight": 0.5}],
    }

    report = run(write(tmp_path, changed))

    assert (report.counts["institution"].updated, report.counts["institution"].unchanged) == (1, 1)
    assert report.counts["course"].unchanged == 2
    alpine.refresh_from_db()
    assert alpine.title == alpine.draft_title == "Alpine Railway Academy"
    assert alpine.slug == "sample-alpine-rail"
    assert [s.field.code for s in alpine.specialties.all()] == ["food-safety"]
    assert alpine.pk in found("food safety")  # its new specialty's name
    assert alpine.pk in report.institution_ids


def test_a_course_given_to_another_institution_moves_under_it(tmp_path):
    run(write(tmp_path, SAMPLE))
    moved = [*SAMPLE[:6], {**SAMPLE[6], "institution": "sample-dublin-food"}]

    report = run(write(tmp_path, moved))

    assert report.counts["course"].updated == 1
    course = Course.objects.get(external_id="sample-alpine-rail-metro")
    dublin = Institution.objects.get(external_id="sample-dublin-food")
    assert course.get_parent().pk == dublin.pk and course.provider_id == dublin.pk
    assert course.url_path.endswith("/sample-dublin-food/sample-alpine-rail-metro/")
    assert Page.find_problems() == ([], [], [], [], [])
    # The course's words go with it.
    assert "maintenance" in profile_words("sample-dublin-food")
    assert "maintenance" not in profile_words("sample-alpine-rail")


def test_pages_take_their_place_in_the_tree(tmp_path):
    run(write(tmp_path, SAMPLE))

    assert Page.find_problems() == ([], [], [], [], [])
    index = InstitutionIndexPage.objects.get()
    alpine = Institution.objects.get(external_id="sample-alpine-rail")
    assert alpine.get_parent().specific == index and index.get_children_count() == 2
    assert (
        alpine.live
        and alpine.title == "Alpine Rail Academy"
        and alpine.url_path.endswith("/institutions/sample-alpine-rail/")
    )
    metro = Course.objects.get(external_id="sample-alpine-rail-metro")
    assert metro.get_parent().pk == alpine.pk and metro.provider == alpine and metro.numchild == 0
    assert [field.code for field in metro.fields.all()] == ["rail-transit"]
    assert Course.objects.get(external_id="sample-dublin-lab").title == "食品检测实验室管理"
    outcome = Outcome.objects.get()
    assert outcome.get_parent().specific == OutcomeIndexPage.objects.get()
    assert list(outcome.institutions.all()) == [alpine]
    # The directory finds an institution by its courses' titles.
    assert found("城市轨道运营与维护") == {alpine.pk}


def test_imported_pages_follow_pages_made_in_the_admin(tmp_path):
    germany = make_country("DE", "Germany")
    make_institution("de-tum", "Technical University of Munich", germany)
    run(write(tmp_path, SAMPLE))

    assert Page.find_problems() == ([], [], [], [], [])
    assert InstitutionIndexPage.objects.get().get_children_count() == 3


def test_a_record_may_refer_to_one_later_in_the_file(tmp_path):
    records = [
        {
            "type": "course",
            "external_id": "c-1",
            "institution": "i-1",
            "title_en": "Grids",
            "fields": ["sub"],
        },
        {"type": "institution", "external_id": "i-1", "name_en": "Grid Institute", "country": "CA"},
        {"type": "field", "code": "sub", "name_en": "Sub", "name_zh": "子", "parent": "top"},
        {"type": "country", "code": "CA", "name_en": "Canada", "strengths": [{"field": "top", "weight": 1}]},
        {"type": "field", "code": "top", "name_en": "Top", "name_zh": "顶"},
    ]
    run(write(tmp_path, records))

    assert Course.objects.get(external_id="c-1").get_parent().specific.external_id == "i-1"
    assert Field.objects.get(code="sub").parent.code == "top"
    assert Country.objects.get(code="CA").strengths.get().weight == 1.0


def test_references_may_name_records_already_in_the_database(tmp_path):
    run(write(tmp_path, SAMPLE[:4], "taxonomy.jsonl"))
    report = run(write(tmp_path, [SAMPLE[4]], "institutions.jsonl"))

    assert created(report) == {"institution": 1}
    assert Institution.objects.get().country.code == "AT"


def test_blank_lines_comments_and_unknown_keys_are_ignored(tmp_path):
    records = ["# exported by hand", "", {**SAMPLE[0], "colour": "blue"}, "   "]
    report = run(write(tmp_path, records))

    assert created(report) == {"field": 1}
    assert "colour" not in export()


# Each bad file: (records, line, key or None, words the error must contain). Good records come first so a
# partial write would show in the counts.
BAD = {
    "bad JSON": ([SAMPLE[0], "# comment", '{"type": "field", "code": '], 3, None, "bad JSON"),
    "unknown type": (
        [SAMPLE[0], {"type": "university", "code": "x"}],
        2,
        "type",
        'unknown type "university"',
    ),
    "missing required key": (
        [*SAMPLE[:4], {"type": "institution", "external_id": "de-tum", "name_en": "TUM"}],
        5,
        "country",
        'institution "de-tum": key "country": missing required key',
    ),
    "unknown reference": (
        [
            *SAMPLE[:4],
            "",
            {"type": "institution", "external_id": "de-tum", "name_en": "TUM", "country": "XX"},
        ],
        6,
        "country",
        'institution "de-tum": key "country": unknown country "XX"',
    ),
    "unknown reference in a list": (
        [*SAMPLE[:5], {**SAMPLE[6], "fields": ["rail-transit", "nope"]}],
        6,
        "fields",
        'unknown field "nope"',
    ),
    "overall out of range": (
        [*SAMPLE[:5], {**SAMPLE[8], "overall": 7}],
        6,
        "overall",
        "7 is out of range (1 to 5)",
    ),
    "score out of range": (
        [*SAMPLE[:5], {**SAMPLE[8], "scores": {"teaching": 6}}],
        6,
        "scores",
        "out of range",
    ),
    "weight out of range": (
        [SAMPLE[0], {**SAMPLE[2], "strengths": [{"field": "rail-transit", "weight": 1.5}]}],
        2,
        "strengths",
        "out of range (0 to 1)",
    ),
    "days not positive": ([*SAMPLE[:5], {**SAMPLE[6], "days": 0}], 6, "days", "out of range"),
    "days of the wrong type": (
        [*SAMPLE[:5], {**SAMPLE[6], "days": "21"}],
        6,
        "days",
        "expected a whole number",
    ),
    "date not ISO": ([*SAMPLE[:5], {**SAMPLE[8], "date": "30/06/2019"}], 6, "date", "not an ISO date"),
    "value outside the set": (
        [*SAMPLE[:4], {**SAMPLE[4], "kind": "castle"}],
        5,
        "kind",
        '"castle" is not one of',
    ),
    "bool of the wrong type": (
        [*SAMPLE[:4], {**SAMPLE[4], "cooperating": "yes"}],
        5,
        "cooperating",
        "expected true or false",
    ),
    "duplicate key in a file": (
        [*SAMPLE[:5], {**SAMPLE[4], "city": "Graz"}],
        6,
        "external_id",
        "duplicate of line 5",
    ),
    "course without a title": (
        [*SAMPLE[:5], {"type": "course", "external_id": "c", "institution": "sample-alpine-rail"}],
        6,
        "title_en",
        "missing required key",
    ),
    # Values the model and its form would refuse.
    "website that is a script": (
        [*SAMPLE[:4], {**SAMPLE[4], "website": "javascript:alert(1)"}],
        5,
        "website",
        "not an http or https address",
    ),
    "website of another scheme": (
        [*SAMPLE[:4], {**SAMPLE[4], "website": "ftp://example.org/"}],
        5,
        "website",
        "not an http or https address",
    ),
    "email that is not an address": (
        [*SAMPLE[:4], {**SAMPLE[4], "contact_email": "training at example.org"}],
        5,
        "contact_email",
        "not an email address",
    ),
    "NUL in a name": (
        [*SAMPLE[:4], {**SAMPLE[4], "name_en": "Alpine\u0000Rail"}],
        5,
        "name_en",
        "control character U+0000",
    ),
    "line break in a name": (
        [*SAMPLE[:4], {**SAMPLE[4], "name_en": "Alpine\nRail"}],
        5,
        "name_en",
        "control character U+000A",
    ),
    "NUL in a multi-line text": (
        [*SAMPLE[:4], {**SAMPLE[4], "description_en": "One\nTwo\u0000"}],
        5,
        "description_en",
        "control character U+0000",
    ),
    "bell in a multi-line text": (
        [*SAMPLE[:5], {**SAMPLE[8], "comment": "Good\u0007"}],
        6,
        "comment",
        "control character U+0007",
    ),
    "NUL in a synonym": (
        [{**SAMPLE[0], "synonyms": ["metro\u0000"]}],
        1,
        "synonyms",
        "control character U+0000",
    ),
    "NUL in a score's name": (
        [*SAMPLE[:5], {**SAMPLE[8], "scores": {"teaching\u0000": 4}}],
        6,
        "scores",
        "control character U+0000",
    ),
    "name longer than its column": (
        [*SAMPLE[:4], {**SAMPLE[4], "name_en": "A" * 256}],
        5,
        "name_en",
        "longer than 255 characters",
    ),
    "group size too large for its column": (
        [*SAMPLE[:4], {**SAMPLE[4], "max_group_size": 10**30}],
        5,
        "max_group_size",
        "out of range (1 to 2147483647)",
    ),
    "demand days too large for its column": (
        [*SAMPLE[:5], {**SAMPLE[11], "days": 10**30}],
        6,
        "days",
        "out of range",
    ),
    "evaluation group size too large for its column": (
        [*SAMPLE[:5], {**SAMPLE[8], "group_size": 2**31}],
        6,
        "group_size",
        "out of range",
    ),
    "amount too large for a number": (
        [*SAMPLE[:5], {**SAMPLE[11], "foreign_funding": {"amount": 10**400}}],
        6,
        "foreign_funding",
        "amount: expected a number",
    ),
    "special project name longer than the form allows": (
        [*SAMPLE[:5], {**SAMPLE[11], "special_project": {"kind": "key_rd", "name": "x" * 256}}],
        6,
        "special_project",
        "name: longer than 255 characters",
    ),
    "number with too many digits": (
        [SAMPLE[0], '{"type": "field", "code": "x", "priority": ' + "9" * 5000 + "}"],
        2,
        None,
        "bad JSON",
    ),
    "JSON nested too deeply": ([SAMPLE[0], "[" * 100_000], 2, None, "bad JSON"),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_input_names_file_line_and_key_and_writes_nothing(tmp_path, case):
    records, line, key, words = case
    run(write(tmp_path, [SAMPLE[0]], "earlier.jsonl"))  # something in the database already
    before = db_counts()

    with pytest.raises(ExchangeError) as raised:
        run(write(tmp_path, records))

    message = str(raised.value)
    assert message.startswith(f"catalog.jsonl:{line}: "), message
    if key:
        assert f'key "{key}"' in message
    assert words in message
    assert db_counts() == before


def test_texts_addresses_and_numbers_the_model_accepts_still_import(tmp_path):
    institution = {
        **SAMPLE[4],
        "description_en": "Line one,\r\nline two\tand a tab.",
        "website": "https://rail.example.at/courses?lang=en",
        "contact_email": "training@rail.example.at",
        "max_group_size": 2**31 - 1,
    }
    report = run(write(tmp_path, [*SAMPLE[:4], institution]))

    assert report.counts["institution"].created == 1
    saved = Institution.objects.get()
    assert saved.description_en == "Line one,\r\nline two\tand a tab."
    assert saved.website == "https://rail.example.at/courses?lang=en"
    assert saved.max_group_size == 2**31 - 1


def test_a_stored_script_website_is_never_a_link(client, tmp_path):
    run(write(tmp_path, SAMPLE[:5]))
    Institution.objects.update(website="javascript:alert(1)")

    page = client.get(Institution.objects.get().url).content.decode()

    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page  # shown as text, so the office can see and correct it


def test_every_bad_line_is_reported_at_once(tmp_path):
    records = [{**SAMPLE[0], "priority": -1}, {**SAMPLE[1], "synonyms": "chips"}]
    with pytest.raises(ExchangeError) as raised:
        run(write(tmp_path, records))
    assert [error.english().split(":")[1] for error in raised.value.errors] == ["1", "2"]


def test_dry_run_counts_and_writes_nothing(tmp_path):
    before = db_counts()
    report = run(write(tmp_path, SAMPLE), dry_run=True)
    assert report.dry_run and created(report)["institution"] == 2
    assert db_counts() == before


def test_demand_is_imported_under_its_organizing_unit(tmp_path):
    OrganizingUnit.objects.create(name="某市交通运输局")
    unstated = {
        "type": "demand",
        "external_id": "dm-food",
        "title": "Food inspection laboratory management",
        "destinations": ["IE"],
        "destinations_only": True,
        "days": 14,
        "group_size": 8,
        "category": "professional",
        "organizing_unit": "某省市场监督管理局",
        "organizer_level": "provincial",
        "backbone_plan": False,
        "expert_review": {"opinion": "必要", "expert": "王工"},
    }
    report = run(write(tmp_path, [*SAMPLE, unstated]))

    assert report.counts["demand"].created == 2
    assert OrganizingUnit.objects.count() == 2  # the known unit is reused, the new one created
    rail = Demand.objects.get(external_id="sample-dm-rail")
    assert rail.organizing_unit.name == "某市交通运输局"
    assert rail.special_project_stated and rail.special_project is None
    assert [f.code for f in rail.fields.all()] == ["rail-transit"]
    assert [c.code for c in rail.destinations.all()] == ["AT"]
    assert [i.external_id for i in rail.institutions.all()] == ["sample-alpine-rail"]
    assert rail.cities == 2 and rail.days == 21
    food = Demand.objects.get(external_id="dm-food")
    assert not food.special_project_stated and food.cities == 1 and food.destinations_only
    assert food.expert_review == {"opinion": "必要", "expert": "王工"} and food.backbone_plan is False

    exported = {json.loads(line)["external_id"]: json.loads(line) for line in export(["demand"]).splitlines()}
    assert exported["sample-dm-rail"]["special_project"] is None
    assert "special_project" not in exported["dm-food"]
    assert exported["dm-food"]["organizer_level"] == "provincial"


def test_demand_special_project_is_checked_and_kept(tmp_path):
    project = {"kind": "key_rd", "name": "先进封装", "year": 2019}
    report = run(
        write(
            tmp_path,
            [*SAMPLE[:2], {**SAMPLE[-1], "institutions": [], "destinations": [], "special_project": project}],
        )
    )
    assert report.counts["demand"].created == 1
    assert Demand.objects.get().special_project == project

    with pytest.raises(ExchangeError, match='key "special_project": kind: "other" is not one of'):
        run(write(tmp_path, [{**SAMPLE[-1], "special_project": {"kind": "other"}}]))


def test_committed_import_indexes_pages_and_tells_the_search_room(
    tmp_path, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, institution_ids, report, **kwargs):
        received.append(set(institution_ids))

    catalog_imported.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run(write(tmp_path, SAMPLE))
    finally:
        catalog_imported.disconnect(listener)

    assert received == [set(Institution.objects.values_list("pk", flat=True))]
    found = Institution.objects.search("Alpine")
    assert [page.specific.external_id for page in found] == ["sample-alpine-rail"]


def test_import_command_prints_the_summary_and_fails_on_bad_input(tmp_path):
    path = write(tmp_path, SAMPLE)
    out = io.StringIO()
    call_command("import_catalog", str(path), stdout=out)
    assert "institution" in out.getvalue() and "nothing changed" not in out.getvalue()

    again = io.StringIO()
    call_command("import_catalog", str(path), stdout=again)
    assert again.getvalue().strip().endswith("nothing changed")

    bad = write(tmp_path, [{**SAMPLE[4], "country": "XX"}], "bad.jsonl")
    with pytest.raises(CommandError, match='bad.jsonl:1: institution "sample-alpine-rail": key "country"'):
        call_command("import_catalog", str(bad))


def test_export_command_writes_only_the_chosen_types(tmp_path):
    run(write(tmp_path, SAMPLE))
    out = io.StringIO()
    call_command("export_catalog", "--types", "country,field", stdout=out)
    types = [json.loads(line)["type"] for line in out.getvalue().splitlines()]
    assert types == ["field", "field", "country", "country"]
    with pytest.raises(CommandError, match="unknown type"):
        call_command("export_catalog", "--types", "castle")


def test_load_demo_imports_the_files_in_name_order_and_is_idempotent(tmp_path, monkeypatch):
    from portal.management.commands import load_demo

    write(tmp_path, SAMPLE[4:], "02_catalogue.jsonl")
    write(tmp_path, SAMPLE[:4], "01_taxonomy.jsonl")
    monkeypatch.setattr(load_demo, "DEMO_DATA", tmp_path)

    first = io.StringIO()
    call_command("load_demo", stdout=first)
    assert "nothing changed" not in first.getvalue()
    assert Institution.objects.count() == 2

    second = io.StringIO()
    call_command("load_demo", stdout=second)
    assert second.getvalue().strip().endswith("nothing changed")
