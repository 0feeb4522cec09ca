"""`manage.py search_index --rebuild`: rebuild the matching index (profiles, and the Elasticsearch index
behind its alias when that engine is configured)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.es import SEARCH_SERVER_ERRORS
from search.profiles import rebuild_profiles


class Command(BaseCommand):
    help = "Rebuild the matching index: every institution's profile, then the Elasticsearch index."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild everything from the catalogue")

    def handle(self, *args, rebuild: bool = False, **options):
        if not rebuild:
            raise CommandError("say what to do: --rebuild")
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
