"""The Elasticsearch engine against a real HTTP server (osmem-server): the same ranking as the embedded
engine, an index that follows every save through the outbox, atomic rebuilds, and saves that succeed
while the server is down."""

from __future__ import annotations

import json
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from osmem_server import OsmemServer

from catalog.models import Institution
from matching.exchange import read_demand
from search import indexing
from search.demand import DemandRecord
from search.es import SEARCH_SERVER_ERRORS, get_client, index_alias
from search.models import IndexOutbox
from search.ranking import rank
from search.reverse import score_demands
from tests.factories import make_evaluation
from tests.search.conftest import DEMO

pytestmark = [pytest.mark.search, pytest.mark.django_db]


def demo_demands() -> list[dict]:
    return [json.loads(line) for line in (DEMO / "07_demands.jsonl").read_text().splitlines() if line.strip()]


def test_both_engines_rank_the_demo_demands_alike(elasticsearch, demo_catalogue):
    indexing.rebuild()
    for demand in demo_demands():
        embedded = rank(read_demand(demand), top=10, engine="embedded")
        searched = rank(read_demand(demand), top=10, engine="elasticsearch")
        assert embedded and searched, demand["external_id"]
        assert embedded[0].external_id == searched[0].external_id, demand["external_id"]
        shared = {m.external_id for m in embedded} & {m.external_id for m in searched}
        assert len(shared) >= min(9, len(embedded)), demand["external_id"]


def test_saves_are_queued_and_the_worker_indexes_them(elasticsearch, small_catalogue):
    indexing.rebuild()
    demand = DemandRecord(title="robotics", fields=["intelligent-manufacturing"])
    tum = Institution.objects.get(external_id="de-tum")
    tum.status = "suspended"
    tum.save()
    assert IndexOutbox.objects.filter(institution_id=tum.pk).exists()
    assert indexing.drain() >= 1
    assert not IndexOutbox.objects.exists()
    assert "de-tum" not in [m.external_id for m in rank(demand, engine="elasticsearch")]


def test_rebuild_moves_the_alias_to_a_new_index(elasticsearch, small_catalogue):
    first = indexing.rebuild()
    second = indexing.rebuild()
    client = get_client()
    assert first != second
    assert list(client.indices.get_alias(name=index_alias())) == [second]
    assert not client.indices.exists(index=first)
    assert client.count(index=index_alias())["count"] == 2  # the suspended institution is not indexed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_saves_succeed_while_the_server_is_down_and_the_index_catches_up(settings, small_catalogue):
    address = f"127.0.0.1:{free_port()}"
    server = OsmemServer.start(addr=address)
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://{address}"
    settings.ELASTICSEARCH_API_COMPAT = False
    settings.ELASTICSEARCH_INDEX_PREFIX = "outage"
    try:
        indexing.rebuild()
        server.close()  # the server goes away mid-way

        tum = small_catalogue["tum"]
        for number in range(3):
            make_evaluation(f"ev-down-{number}", tum, 2.0)  # saves succeed, nothing waits for the server
        wur = Institution.objects.get(external_id="nl-wur")
        wur.description_en = "Greenhouse horticulture and smart farming."
        wur.save()
        assert set(IndexOutbox.objects.values_list("institution_id", flat=True)) == {tum.pk, wur.pk}
        with pytest.raises(SEARCH_SERVER_ERRORS):
            indexing.drain()
        assert IndexOutbox.objects.count() == 2  # nothing lost

        server = OsmemServer.start(addr=address)  # back, empty: the worker rebuilds and drains
        assert indexing.drain() == 2
        assert not IndexOutbox.objects.exists()
        match = rank(
            DemandRecord(title="robotics", fields=["intelligent-manufacturing"]), engine="elasticsearch"
        )[0]
        embedded = rank(
            DemandRecord(title="robotics", fields=["intelligent-manufacturing"]), engine="embedded"
        )[0]
        assert match.external_id == "de-tum" and match.signals == embedded.signals
    finally:
        server.close()


def test_a_configured_server_that_is_down_falls_back_to_the_embedded_engine(
    settings, client, small_catalogue
):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.ELASTICSEARCH_API_COMPAT = False
    ranking = rank(DemandRecord(title="robotics", fields=["intelligent-manufacturing"]))
    assert ranking.engine == "embedded" and ranking[0].external_id == "de-tum"
    asked = client.post(
        "/api/v1/match?engine=elasticsearch", {"title": "robotics"}, content_type="application/json"
    )
    assert asked.status_code == 503 and asked.json()["key"] == "engine"
    page = client.get("/en/find/", {"text": "robotics"})
    assert page.status_code == 200 and 'data-match="de-tum"' in page.text


def test_the_match_command_names_the_engine_asked_for(elasticsearch, settings, small_catalogue, tmp_path):
    indexing.rebuild()
    settings.SEARCH_BACKEND = "embedded"
    demands = tmp_path / "demands.jsonl"
    demands.write_text(json.dumps({"type": "demand", "title": "robotics"}) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("match", str(demands), "--engine", "elasticsearch", stdout=out)
    line = json.loads(out.getvalue())
    assert line["engine"] == "elasticsearch" and line["results"][0]["institution"] == "de-tum"


def test_reverse_matching_asks_the_engine_rank_asks(elasticsearch, demo_catalogue, settings):
    """An institution's fitting demands come from the configured engine, with the signals rank() gives it."""
    indexing.rebuild()
    demands = {demand["external_id"]: read_demand(demand) for demand in demo_demands()}
    embedded = score_demands(demands.values(), "de-tum", engine="embedded")
    searched = score_demands(demands.values(), "de-tum", engine="elasticsearch")
    assert embedded and [fit.demand for fit in searched] == [fit.demand for fit in embedded]
    for fit in searched:
        ranking = rank(demands[fit.demand], engine="elasticsearch", top=50)
        match = next(m for m in ranking if m.external_id == "de-tum")
        assert fit.signals == pytest.approx(match.signals)
    # The configured engine answers: once the server no longer holds the institution, it fits nothing.
    settings.SEARCH_BACKEND = "elasticsearch"
    get_client().delete(index=index_alias(), id="de-tum", refresh=True)
    assert score_demands(demands.values(), "de-tum") == []
    assert score_demands(demands.values(), "de-tum", engine="embedded") == embedded


def test_reverse_matching_falls_back_when_the_configured_server_is_down(settings, small_catalogue):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.ELASTICSEARCH_API_COMPAT = False
    demand = DemandRecord(external_id="dm-robotics", title="robotics", fields=["intelligent-manufacturing"])
    (fit,) = score_demands([demand], "de-tum")
    assert fit.demand == "dm-robotics"
    assert fit.signals == score_demands([demand], "de-tum", engine="embedded")[0].signals
