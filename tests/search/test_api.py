"""POST /api/v1/match: the match output for a demand record; a bad body is a 400 naming the key."""

from __future__ import annotations

import json

import pytest

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
