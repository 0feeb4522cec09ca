"""Open data: the public catalogue downloads as exchange-format JSON Lines and as CSV, with its licence and
date, imports back into an empty database, and holds nothing private; sitemap.xml and robots.txt."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from catalog.models import Institution
from tests.factories import make_course, make_evaluation, make_outcome
from tests.matching.test_demand_board import make_demand

pytestmark = pytest.mark.django_db


def download(client, language: str = "en") -> str:
    response = client.get(f"/{language}/open-data/catalogue.jsonl")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/jsonl")
    return response.content.decode()


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line and not line.startswith("#")]


@pytest.fixture
def private_things(small_catalogue, people):
    """What the download must leave out: a sealed evaluation with a comment, a draft outcome, a course of the
    suspended institution and a unit's private demand."""
    make_evaluation(
        "ev-sealed",
        small_catalogue["tum"],
        1.0,
        comment="Sealed comment",
        sealed_until=timezone.now() + datetime.timedelta(days=30),
    )
    draft = make_outcome("oc-draft", "未发布的成果", "Draft outcome")
    draft.unpublish()
    make_course("de-lapsed-01", small_catalogue["lapsed"], "Lapsed seminar", "停训研讨")
    make_demand(people["unit_x"], "dm-private", visibility="private", title="Private demand title")
    make_outcome("oc-1", "智能制造成果", "Manufacturing outcome", institutions=[small_catalogue["tum"]])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_open_data_page_links_every_download_in_both_languages(client, small_catalogue, language):
    page = client.get(f"/{language}/open-data/")
    assert page.status_code == 200
    for name in ("jsonl", "institutions", "courses", "outcomes", "fields", "countries"):
        assert f'data-download="{name}"' in page.text
    assert "CC BY 4.0" in page.text


def test_the_download_opens_with_its_licence_and_date_and_holds_the_public_catalogue(
    client, small_catalogue, private_things
):
    text = download(client)
    first = text.splitlines()[0]
    assert first.startswith("# ") and "CC BY 4.0" in first and datetime.date.today().isoformat() in first
    found = records(text)
    assert {record["type"] for record in found} == {"field", "country", "institution", "course", "outcome"}
    keys = {record.get("external_id") for record in found}
    assert {"de-tum", "nl-wur", "de-tum-im-01", "oc-1"} <= keys
    for private in ("de-lapsed", "de-lapsed-01", "oc-draft", "dm-private", "ev-1", "ev-sealed"):
        assert private not in keys
    for text_of_private in ("Sealed comment", "Private demand title", "Draft outcome", "Lapsed"):
        assert text_of_private not in text


def test_the_download_imports_back_into_an_empty_database(client, request, tmp_path):
    emptied = transaction.savepoint()
    request.getfixturevalue("private_things")
    first = download(client)
    transaction.savepoint_rollback(emptied)  # back to the empty catalogue of the migrations
    assert not Institution.objects.exists()

    path = tmp_path / "open.jsonl"
    path.write_text(first, encoding="utf-8")
    call_command("import_catalog", str(path), stdout=io.StringIO())
    assert records(download(client)) == records(first)
    assert set(Institution.objects.values_list("external_id", flat=True)) == {"de-tum", "nl-wur"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_table_is_csv_with_the_licence_line_and_the_exchange_formats_keys(
    client, small_catalogue, private_things, language
):
    response = client.get(f"/{language}/open-data/institutions.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0].startswith("# ") and "CC BY 4.0" in rows[0][0]
    assert rows[1][:3] == ["external_id", "name_en", "name_zh"]
    assert sorted(row[0] for row in rows[2:]) == ["de-tum", "nl-wur"]
    tum = dict(zip(rows[1], next(row for row in rows[2:] if row[0] == "de-tum"), strict=True))
    assert tum["specialties"] == "intelligent-manufacturing:1.0" and tum["cooperating"] == "true"


def test_a_text_that_would_run_as_a_formula_is_kept_as_text_in_the_csv(client, small_catalogue):
    Institution.objects.filter(external_id="de-tum").update(city='=HYPERLINK("http://x")')
    response = client.get("/en/open-data/institutions.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    tum = dict(zip(rows[1], next(row for row in rows[2:] if row[0] == "de-tum"), strict=True))
    assert tum["city"].startswith("'=")


@pytest.mark.parametrize("name", ["castle", "..%2Fsettings", "institution"])
def test_an_unknown_table_is_404(client, small_catalogue, name):
    assert client.get(f"/en/open-data/{name}.csv").status_code == 404


def test_the_sitemap_lists_institution_pages_in_both_languages_with_alternates(client, small_catalogue):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    locations = set(re.findall(r"<loc>([^<]*)</loc>", xml))
    slug = small_catalogue["tum"].slug
    for language in ("zh-hans", "en"):
        assert any(re.search(rf"^http://testserver/{language}/.*/{slug}/$", loc) for loc in locations)
        assert re.search(rf'hreflang="{language}" href="http://testserver/{language}/[^"]*/{slug}/"', xml)
    assert not any("de-lapsed" in loc for loc in locations)
    assert any(loc.endswith("/en/open-data/") for loc in locations)


def test_robots_txt_allows_public_pages_and_keeps_crawlers_out_of_accounts_and_the_api(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for path in ("/admin/", "/api/", "/zh-hans/accounts/", "/en/dashboard/"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines and "Sitemap: http://testserver/sitemap.xml" in lines
