"""The search room's background work, run by the task worker (`manage.py db_worker`) and queued with the
transaction of the change it follows: rebuilding every profile after the field taxonomy changed, and
writing the Elasticsearch documents waiting in the outbox (search/indexing.py says why an outbox)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from catalog.models import Institution
from catalog.tasks import enqueue_with_transaction
from search import indexing
from search.es import SEARCH_SERVER_ERRORS
from search.models import IndexOutbox
from search.profiles import rebuild_profiles

logger = logging.getLogger(__name__)

# While the search server is down, the drain is tried again after 1, 2, 4 … minutes, at most this long apart,
# until the outbox is empty.
LONGEST_PAUSE = datetime.timedelta(hours=1)
# How late a worker may start a retry that is due: past this, the retry is taken as lost and a new one begins.
WORKER_DELAY = datetime.timedelta(minutes=10)


def index_later(institution_ids: Iterable[int | None]) -> None:
    """Queue these institutions' Elasticsearch documents in the caller's transaction (nothing when that is
    not the engine): an outbox row each, and a task to write them once the transaction has committed."""
    ids = {pk for pk in institution_ids if pk is not None}
    if ids and indexing.elasticsearch_enabled():
        indexing.enqueue(ids)
        enqueue_with_transaction(write_queued_documents)


@task()
def write_queued_documents(attempt: int = 1) -> int:
    """Write every document waiting in the outbox; returns how many. When the server is down the entries
    stay, and a single retry waits for it, so saves made meanwhile neither wait nor pile up retries."""
    if attempt == 1 and indexing.failed_since(timezone.now() - LONGEST_PAUSE - WORKER_DELAY):
        return 0  # a drain failed lately and its retry, still waiting, takes these entries too
    try:
        return indexing.drain()
    except SEARCH_SERVER_ERRORS as error:
        waiting = IndexOutbox.objects.count()
        if not write_queued_documents.get_backend().supports_defer:
            # The backend runs tasks in the saving process (the tests'): the entries wait for the next drain.
            logger.warning("search server unavailable, %s documents stay queued: %s", waiting, error)
            return 0
        pause = min(datetime.timedelta(minutes=2 ** min(attempt - 1, 10)), LONGEST_PAUSE)
        write_queued_documents.using(run_after=timezone.now() + pause).enqueue(attempt + 1)
        logger.warning("search server unavailable, %s documents stay queued, next try in %s", waiting, pause)
        return 0


@task()
def rebuild_all_profiles() -> int:
    """Rebuild every institution's profile, as a change of the field taxonomy asks (words become a field's
    terms, or stop being), and queue them all for Elasticsearch; returns how many. The profiles' new index
    version tells each process's embedded index to load them (search/engines/embedded.py)."""
    with transaction.atomic():
        count = rebuild_profiles()
        index_later(Institution.objects.values_list("pk", flat=True))
    return count


@task()
def suggest_synonyms() -> int:
    """Compute the synonyms the catalogue suggests for the field taxonomy (search/synonyms.py) for the
    office to decide on; returns how many are pending."""
    from search.synonyms import refresh

    return refresh()
