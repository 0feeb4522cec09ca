"""The search room's tasks on the database queue: a change of the taxonomy rebuilds every profile on the
worker, not in the request, and the embedded index takes the rebuilt profiles in; Elasticsearch documents
are written by the worker from the outbox, and a server that is down gets them again later, one retry at a
time."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from osmem_server import OsmemServer

from catalog.models import Institution
from search import indexing
from search.engines import embedded
from search.es import get_client, index_alias
from search.models import IndexOutbox, InstitutionProfile
from tests.factories import make_field
from tests.search.test_elasticsearch import free_port

# Committed transactions: the worker reads the task rows as another process would.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def queued(name: str) -> int:
    return DBTaskResult.objects.filter(status="READY", task_path__endswith=f".{name}").count()


def specialties(institution: Institution) -> dict:
    return InstitutionProfile.objects.get(institution=institution).specialties


def test_a_new_field_reaches_every_profile_through_the_worker(small_catalogue, database_queue):
    wur = small_catalogue["wur"]
    held = embedded.current_index().version  # the index this process holds, loaded

    # Wageningen's description says 食品科学: the new field's name.
    make_field("food-science", "Food science", "食品科学")

    assert queued("rebuild_all_profiles") == 1
    assert "food-science" not in specialties(wur)  # stale until the worker has run
    run_worker()
    assert "food-science" in specialties(wur)
    index = embedded.current_index()
    assert index.version > held
    rows, _weights = index.fields["food-science"]
    assert [index.features[row].external_id for row in rows] == ["nl-wur"]


def test_saving_an_institution_still_rebuilds_its_profile_in_the_request(small_catalogue, database_queue):
    wur = small_catalogue["wur"]
    wur.description_en = "Robotics for greenhouses."
    wur.save()
    assert "intelligent-manufacturing" in specialties(wur)  # robotics is one of its terms
    assert queued("rebuild_all_profiles") == 0


def documents() -> set[str]:
    client = get_client()
    client.indices.refresh(index=index_alias())
    hits = client.search(index=index_alias(), query={"match_all": {}}, size=100)["hits"]["hits"]
    return {hit["_id"] for hit in hits}


@pytest.mark.search
def test_a_save_queues_its_document_and_the_worker_writes_it(elasticsearch, small_catalogue, database_queue):
    indexing.rebuild()
    tum = small_catalogue["tum"]
    tum.status = "suspended"
    tum.save()

    assert IndexOutbox.objects.filter(institution_id=tum.pk).exists()
    assert queued("write_queued_documents") == 1
    run_worker()
    assert not IndexOutbox.objects.exists()
    assert documents() == {"nl-wur"}


@pytest.mark.search
def test_a_server_that_is_down_gets_the_documents_again_later(settings, small_catalogue, database_queue):
    address = f"127.0.0.1:{free_port()}"
    server = OsmemServer.start(addr=address)
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://{address}"
    settings.ELASTICSEARCH_API_COMPAT = False
    settings.ELASTICSEARCH_INDEX_PREFIX = "outage_tasks"
    try:
        indexing.rebuild()
        server.close()
        tum, wur = small_catalogue["tum"], small_catalogue["wur"]
        tum.status = "suspended"
        tum.save()  # the save succeeds without the server
        run_worker()

        retry = DBTaskResult.objects.get(status="READY")
        assert retry.args_kwargs["args"] == [2] and retry.run_after > timezone.now()
        assert list(IndexOutbox.objects.values_list("institution_id", flat=True)) == [tum.pk]

        wur.description_en = "Greenhouse horticulture."
        wur.save()  # its task leaves the server alone: the retry waiting takes this entry too
        run_worker()
        assert DBTaskResult.objects.filter(status="READY").get() == retry
        assert IndexOutbox.objects.count() == 2

        server = OsmemServer.start(addr=address)  # back, and empty
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # the pause is over
        run_worker()
        assert not IndexOutbox.objects.exists()
        assert not DBTaskResult.objects.filter(status="READY").exists()
        assert documents() == {"nl-wur"}
    finally:
        server.close()


@pytest.mark.search
def test_an_operator_may_write_the_queued_documents_at_once(elasticsearch, small_catalogue, database_queue):
    indexing.rebuild()
    small_catalogue["tum"].status = "suspended"
    small_catalogue["tum"].save()
    out = StringIO()
    call_command("search_index", "--drain", stdout=out)
    assert "1 documents written" in out.getvalue()
    assert documents() == {"nl-wur"}
