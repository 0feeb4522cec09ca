"""Keeps the Elasticsearch index in step with the catalogue: changes go through the outbox, drained by a
task; a full rebuild fills a new timestamped index and moves the alias in one atomic step, so searches never
find an empty index.

Why the outbox stays, with a task to drain it, rather than one task per document: an outbox row is written
in the saving transaction and keyed by institution, so it exists exactly when the change committed, twenty
saves of one institution are one document to write, a full rebuild clears everything queued before it
began, and what waits for a server that is down is one table an operator can count. The task
(search/tasks.py) only says "drain now"; when it fails, the rows are still there for its retry.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from elasticsearch import NotFoundError, helpers

from catalog.models import Institution
from search.documents import InstitutionDocument
from search.es import SEARCH_SERVER_ERRORS, get_client, index_alias
from search.models import IndexOutbox
from search.profiles import rebuild_profiles

BATCH = 500
BULK_TIMEOUT_SECONDS = 120


def elasticsearch_enabled() -> bool:
    return settings.SEARCH_BACKEND == "elasticsearch"


def enqueue(institution_ids: Iterable[int]) -> None:
    """Mark these institutions' documents out of date (in the caller's transaction)."""
    rows = [IndexOutbox(institution_id=pk) for pk in set(institution_ids) if pk is not None]
    IndexOutbox.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["institution_id"],
        update_fields=["enqueued_at"],
    )


def drain(*, limit: int | None = None) -> int:
    """Write the queued documents, oldest first, until the queue is empty (or `limit` entries are done).
    Returns how many were written; raises a search-server error and keeps the entries when it fails."""
    written = 0
    while limit is None or written < limit:
        batch = list(IndexOutbox.objects.order_by("enqueued_at", "pk")[:BATCH])
        if not batch:
            break
        ids = [entry.institution_id for entry in batch]
        try:
            write_documents(ids)
        except SEARCH_SERVER_ERRORS as error:
            IndexOutbox.objects.filter(pk__in=[e.pk for e in batch]).update(
                attempts=F("attempts") + 1, last_error=str(error)[:500], failed_at=timezone.now()
            )
            raise
        # Only the entries written now: a save during the write queued its institution again.
        for entry in batch:
            IndexOutbox.objects.filter(pk=entry.pk, enqueued_at=entry.enqueued_at).delete()
        written += len(batch)
    return written


def write_documents(institution_ids: list[int]) -> None:
    """Index the admitted, live institutions among these; delete the documents of the others."""
    alias = ensure_index()
    # The profiles may lag a save that committed a moment ago; bring them up to date first.
    rebuild_profiles(institution_ids)
    indexable = {
        row["institution_id"]: row
        for row in InstitutionDocument.get_queryset().filter(institution_id__in=institution_ids)
    }
    actions = [document_action(row, alias) for row in indexable.values()]
    gone = set(institution_ids) - set(indexable)
    external_ids = dict(Institution.objects.filter(pk__in=gone).values_list("pk", "external_id"))
    for pk in gone:
        if pk in external_ids:
            actions.append({"_op_type": "delete", "_index": alias, "_id": external_ids[pk]})
    if actions:
        helpers.bulk(bulk_client(), actions, refresh=True, raise_on_error=False, raise_on_exception=True)


def document_action(row: dict, index: str) -> dict:
    return dict(InstitutionDocument.from_row(row).to_dict(include_meta=True), _index=index)


def bulk_client():
    """Bulk writes of hundreds of documents may take longer than a search is allowed to."""
    return get_client().options(request_timeout=BULK_TIMEOUT_SECONDS)


def ensure_index() -> str:
    """The alias, creating a first index behind it when there is none."""
    alias = index_alias()
    if not get_client().indices.exists_alias(name=alias):
        rebuild()
    return alias


def rebuild() -> str:
    """Fill a new timestamped index with every admitted institution, then move the alias to it atomically
    and drop the old indexes. Returns the new index's name."""
    client = get_client()
    alias = index_alias()
    started = timezone.now()
    name = f"{alias}_{started:%Y%m%d%H%M%S%f}"
    InstitutionDocument.init(index=name, using=client)
    helpers.bulk(
        bulk_client(),
        (document_action(row, name) for row in InstitutionDocument.get_queryset().iterator(chunk_size=BATCH)),
        chunk_size=BATCH,
    )
    client.indices.refresh(index=name)
    try:
        old = list(client.indices.get_alias(name=alias).keys())
    except NotFoundError:
        old = []
    client.indices.update_aliases(
        actions=[
            *({"remove": {"index": index, "alias": alias}} for index in old),
            {"add": {"index": name, "alias": alias}},
        ]
    )
    for index in old:
        client.indices.delete(index=index, ignore_unavailable=True)
    # What was queued before the rebuild began is in the new index now.
    IndexOutbox.objects.filter(enqueued_at__lt=started).delete()
    return name


def failed_since(moment) -> bool:
    """Whether writing a queued document has failed since this moment."""
    return IndexOutbox.objects.filter(failed_at__gte=moment).exists()
