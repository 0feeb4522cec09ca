"""POST /api/v1/match: the match output for a demand record; a bad body is a 400 naming the key."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

from search.api import MAX_BODY_BYTES
from search.ranking import DEMAND_DAYS_MAX, DEMAND_TEXT_MAX_LENGTH

pytestmark = pytest.mark.django_db

URL = "/api/v1/match"


def post(client, body, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{URL}?{query}" if query else URL, data=data, content_type="application/json")


def test_match_returns_the_exchange_format_output(client, small_catalogue):
    response = post(
        client, {"external_id": "dm-1", "title": "智能制造与机器人", "destinations": ["DE"]}, top=5
    )
    assert response.status_code == 200
    body = response.json()
    assert body["engine"] == "embedded" and body["demand"] == "dm-1"
    first = body["results"][0]
    assert set(first) == {"institution", "name_en", "country", "score", "signals", "reasons"}
    assert first["institution"] == "de-tum"
    assert round(sum(first["signals"].values()), 4) == first["score"]


def test_reasons_follow_the_requested_language(client, small_catalogue):
    english = post(client, {"title": "robotics", "fields": ["intelligent-manufacturing"]}, lang="en").json()
    chinese = post(
        client, {"title": "robotics", "fields": ["intelligent-manufacturing"]}, lang="zh-hans"
    ).json()
    assert "specialty: Intelligent manufacturing" in english["results"][0]["reasons"]
    assert any("智能制造" in reason for reason in chinese["results"][0]["reasons"])


@pytest.mark.parametrize(
    "body, key",
    [
        ("{not json", "body"),
        ("[1, 2]", "body"),
        ({"title": 5}, "title"),
        ({"title": "x", "fields": "chips"}, "fields"),
        ({"title": "x", "fields": ["no-such-field"]}, "fields"),
        ({"title": "x", "destinations": ["XX"]}, "destinations"),
        ({"title": "x", "days": -3}, "days"),
        ({"title": "x", "group_size": 0}, "group_size"),
        ({"title": "x", "destinations_only": "yes"}, "destinations_only"),
        ({"title": "x", "category": "tourism"}, "category"),
        ({"external_id": "dm-1"}, "title"),
    ],
)
def test_bad_bodies_are_400_naming_the_key(client, small_catalogue, body, key):
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["key"] == key
    assert key in response.json()["error"]


def test_bad_parameters_are_400(client, small_catalogue):
    assert post(client, {"title": "x"}, top=0).json()["key"] == "top"
    assert post(client, {"title": "x"}, engine="solr").json()["key"] == "engine"


def test_openapi_description_is_served(client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/match" in schema.content.decode()


def test_the_api_docs_load_redoc_from_the_projects_static_files(client):
    page = client.get("/api/v1/docs").text
    addresses = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert any(a.startswith(settings.STATIC_URL) and a.endswith("redoc.standalone.js") for a in addresses)
    assert all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
    assert "http" not in page.replace(settings.STATIC_URL, "")
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")


@pytest.mark.parametrize("key", ["title", "topic", "content"])
def test_a_text_longer_than_the_find_form_takes_is_400(client, small_catalogue, key):
    longest = {"title": "robotics", key: "机" * DEMAND_TEXT_MAX_LENGTH}
    assert post(client, longest).status_code == 200
    response = post(client, {**longest, key: "机" * (DEMAND_TEXT_MAX_LENGTH + 1)})
    assert response.status_code == 400 and response.json()["key"] == key
    assert str(DEMAND_TEXT_MAX_LENGTH) in response.json()["error"]


def test_long_lists_and_stays_are_400(client, small_catalogue):
    assert post(client, {"title": "x", "destinations": ["DE"] * 251}).json()["key"] == "destinations"
    assert post(client, {"title": "x", "days": DEMAND_DAYS_MAX + 1}).json()["key"] == "days"


@pytest.mark.parametrize("depth", [4, 1_000, 100_000])
def test_json_nested_deeper_than_a_demand_record_is_400(client, small_catalogue, depth):
    body = '{"title": "robotics", "x": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    response = post(client, body)
    assert response.status_code == 400 and response.json()["key"] == "body"
    assert "nests deeper" in response.json()["error"]


def test_json_with_more_arrays_than_a_demand_record_is_400(client, small_catalogue):
    response = post(client, '{"title": "robotics", "x": [' + "[]," * 1000 + "[]]}")
    assert response.status_code == 400 and response.json()["key"] == "body"
    assert "more arrays and objects" in response.json()["error"]


def test_a_record_as_deep_as_a_demand_can_be_is_matched(client, small_catalogue):
    record = {
        "title": "robotics",
        "special_project": {"kind": "key_rd", "name": "智能机器人 [2]", "year": 2019},
        "expert_review": {"opinion": 'brackets in text do not nest: [[[{{{"', "expert": "王"},
        "notes": [["a", "b"]],
    }
    assert post(client, record).status_code == 200


def test_a_body_larger_than_a_demand_record_is_400(client, small_catalogue):
    response = post(client, {"title": "robotics", "x": "a" * MAX_BODY_BYTES})
    assert response.status_code == 400 and response.json()["key"] == "body"


def test_anonymous_callers_are_throttled_per_address(client, small_catalogue, monkeypatch):
    cache.clear()
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    assert [post(client, {"title": "robotics"}).status_code for _ in range(3)] == [200, 200, 429]
    # A header the client sets itself does not buy it a fresh count.
    spoofed = client.post(
        URL, {"title": "robotics"}, content_type="application/json", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert spoofed.status_code == 429
    other = client.post(URL, {"title": "robotics"}, content_type="application/json", REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200


@pytest.mark.parametrize("top", ["²", "①", "٣", "1" * 30, "0", "-1"])
def test_top_that_is_not_a_plain_whole_number_in_range_is_400(client, small_catalogue, top):
    response = post(client, {"title": "robotics"}, top=top)
    assert response.status_code == 400 and response.json()["key"] == "top"
