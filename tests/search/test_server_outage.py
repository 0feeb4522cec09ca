"""A configured search server that hangs: the first ranking waits out the timeout and falls back to the
embedded engine, the next ones skip the server for a while, and the match output names the engine that
really ranked."""

from __future__ import annotations

import json
import socket
import threading
from io import StringIO

import pytest
from django.core.management import call_command

from search.demand import DemandRecord
from search.ranking import rank

pytestmark = pytest.mark.django_db

ROBOTICS = {"external_id": "dm-1", "title": "robotics", "fields": ["intelligent-manufacturing"]}


class HangingServer:
    """Accepts connections on loopback and never answers; counts the connections it accepted."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self) -> None:
        while not self.stopped.is_set():
            try:
                self.connections.append(self.listener.accept()[0])
            except TimeoutError:
                continue

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        for connection in [self.listener, *self.connections]:
            connection.close()


@pytest.fixture
def hanging(settings):
    server = HangingServer()
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = server.url
    settings.ELASTICSEARCH_API_COMPAT = False
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    settings.ELASTICSEARCH_RETRY_AFTER = 60
    yield server
    server.close()


def test_after_a_hang_rankings_skip_the_server_and_say_the_embedded_engine_ranked(hanging, small_catalogue):
    first = rank(DemandRecord(**ROBOTICS))
    assert first.engine == "embedded" and first[0].external_id == "de-tum"
    assert len(hanging.connections) == 1

    second = rank(DemandRecord(**ROBOTICS))
    assert second.engine == "embedded" and second[0].external_id == "de-tum"
    assert len(hanging.connections) == 1  # not asked at all


def test_the_server_is_asked_again_once_the_pause_is_over(hanging, settings, small_catalogue):
    settings.ELASTICSEARCH_RETRY_AFTER = 0
    rank(DemandRecord(**ROBOTICS))
    rank(DemandRecord(**ROBOTICS))
    assert len(hanging.connections) == 2


def test_the_api_names_the_engine_that_ranked(hanging, client, small_catalogue):
    response = client.post("/api/v1/match", ROBOTICS, content_type="application/json")
    assert response.status_code == 200 and response.json()["engine"] == "embedded"
    # Asked for by name while the server is left alone: a 503 at once, no connection.
    asked = client.post("/api/v1/match?engine=elasticsearch", ROBOTICS, content_type="application/json")
    assert asked.status_code == 503 and asked.json()["key"] == "engine"
    assert len(hanging.connections) == 1


def test_the_match_command_names_the_engine_that_ranked(hanging, tmp_path, small_catalogue):
    demands = tmp_path / "demands.jsonl"
    demands.write_text(json.dumps({"type": "demand", **ROBOTICS}) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("match", str(demands), stdout=out)
    assert json.loads(out.getvalue())["engine"] == "embedded"
