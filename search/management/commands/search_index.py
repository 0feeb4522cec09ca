"""`manage.py search_index --rebuild`: rebuild the matching index (profiles, and the Elasticsearch index
behind its alias when that engine is configured). `--drain`: write the documents waiting in the outbox now,
as the task worker does after each change (for an operator who has just brought the search server back)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.es import SEARCH_SERVER_ERRORS
from search.models import IndexOutbox
from search.profiles import rebuild_profiles


class Command(BaseCommand):
    help = "Rebuild the matching index, or write the Elasticsearch documents waiting in the outbox."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild everything from the catalogue")
        parser.add_argument("--drain", action="store_true", help="write the queued documents now")

    def handle(self, *args, rebuild: bool = False, drain: bool = False, **options):
        if rebuild == drain:
            raise CommandError("say what to do: --rebuild or --drain")
        if drain:
            self.drain()
            return
        started = time.perf_counter()
        count = rebuild_profiles()
        self.stdout.write(f"profiles: {count} institutions in {time.perf_counter() - started:.1f} s")
        if indexing.elasticsearch_enabled():
            started = time.perf_counter()
            try:
                name = indexing.rebuild()
            except SEARCH_SERVER_ERRORS as error:
                raise CommandError(f"the search server did not answer: {error}") from error
            self.stdout.write(
                f"elasticsearch: {name} behind the alias in {time.perf_counter() - started:.1f} s"
            )

    def drain(self) -> None:
        if not indexing.elasticsearch_enabled():
            raise CommandError("the Elasticsearch engine is not configured (SEARCH_BACKEND)")
        try:
            written = indexing.drain()
        except SEARCH_SERVER_ERRORS as error:
            waiting = IndexOutbox.objects.count()
            raise CommandError(
                f"the search server did not answer, {waiting} documents wait: {error}"
            ) from error
        self.stdout.write(f"elasticsearch: {written} documents written")
