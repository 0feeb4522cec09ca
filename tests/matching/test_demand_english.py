"""Foreign staff can read demands: a unit may write an English title and summary (form, page, exchange
format); without them, institution staff and readers of the English site see a glossary of the key terms,
marked as a glossary and not a translation. Chinese readers see neither."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.exchange import Source, export_catalog, import_catalog
from matching.models import Demand
from search.gloss import gloss
from tests.matching.test_demand_form import form_data

pytestmark = pytest.mark.django_db

GLOSSARY = "Glossary of key terms, not a translation"
GLOSSARY_ZH = "关键词词汇表，并非译文"


@pytest.fixture
def demand(people):
    return Demand.objects.create(
        organizing_unit=people["unit_x"],
        external_id="dm-saline",
        title="盐碱地改良与智能制造培训",
        topic="工业机器人在盐碱地改良中的应用",
        content="学习荷兰的先进经验。",
        days=21,
        group_size=12,
        category="professional",
        status="published",
        visibility="public",
    )


def page(client, demand: Demand, language: str) -> str:
    with translation.override(language):
        url = reverse("matching:demand-detail", args=[demand.external_id])
    return client.get(url).content.decode()


def test_the_glossary_gives_key_terms_their_english_and_leaves_generic_words_out(demand):
    entries = {entry.term: entry.english for entry in gloss(demand.title, demand.topic, demand.content)}
    assert "Intelligent manufacturing" in entries["智能制造"]  # the taxonomy's name for the field
    assert any("saline" in english for english in entries["盐碱地"])  # the lexicon's
    assert "培训" not in entries and "经验" not in entries and "先进" not in entries
    assert "荷兰" not in entries  # countries are read by the destination signal


def test_the_english_site_shows_a_marked_glossary_when_the_unit_wrote_no_english(client, demand):
    english = page(client, demand, "en")
    assert GLOSSARY in english and "data-machine-gloss" in english and "saline" in english
    assert "data-machine-gloss" not in page(client, demand, "zh-hans")


def test_institution_staff_see_the_glossary_on_the_chinese_site_too(client, people, demand):
    client.force_login(people["anna"])
    chinese = page(client, demand, "zh-hans")
    assert "data-machine-gloss" in chinese and GLOSSARY_ZH in chinese
    client.force_login(people["xu"])
    assert "data-machine-gloss" not in page(client, demand, "zh-hans")


def test_english_written_by_the_unit_replaces_the_glossary(client, demand):
    demand.title_en = "Saline soil improvement with industrial robots"
    demand.summary_en = "Twelve engineers learn Dutch practice."
    demand.save()
    for language in ("en", "zh-hans"):
        shown = page(client, demand, language)
        assert "Saline soil improvement with industrial robots" in shown and "Dutch practice" in shown
        assert "data-machine-gloss" not in shown
    # The board lists it under its English title for readers of the English site.
    assert "Saline soil improvement" in client.get("/en/demands/").content.decode()
    assert "Saline soil improvement" not in client.get("/zh-hans/demands/").content.decode()


def test_the_unit_writes_the_english_title_and_summary_in_the_form(client, people):
    client.force_login(people["xu"])
    response = client.post(
        "/en/demands/new/",
        form_data(title_en="Smart manufacturing and Industry 4.0", summary_en="Digital factories."),
    )
    assert response.status_code == 302
    demand = Demand.objects.latest("created_at")
    assert (
        demand.title_en == "Smart manufacturing and Industry 4.0"
        and demand.summary_en == "Digital factories."
    )
    form = client.get(f"/zh-hans/demands/{demand.external_id}/edit/").content.decode()
    assert "Smart manufacturing and Industry 4.0" in form
    too_long = client.post("/en/demands/new/", form_data(title_en="x" * 300))
    assert too_long.status_code == 200 and "x" * 300 in too_long.content.decode()


def export_demands() -> list[dict]:
    out = io.StringIO()
    export_catalog(out, ["demand"])
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_exchange_format_carries_the_english_only_when_written(demand, people):
    assert "title_en" not in export_demands()[0] and "summary_en" not in export_demands()[0]
    demand.title_en, demand.summary_en = "Saline soil", "A summary."
    demand.save()
    record = export_demands()[0]
    assert record["title_en"] == "Saline soil" and record["summary_en"] == "A summary."
    line = json.dumps(record, ensure_ascii=False).encode()
    report = import_catalog([Source("again.jsonl", line)])
    assert report.counts["demand"].unchanged == 1
    record["title_en"] = "Saline-alkali soil"
    import_catalog([Source("changed.jsonl", json.dumps(record, ensure_ascii=False).encode())])
    assert Demand.objects.get(external_id="dm-saline").title_en == "Saline-alkali soil"
