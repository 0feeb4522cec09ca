"""`manage.py search_worker`: drains the outbox into Elasticsearch, waiting and retrying while the
server is down. Runs beside the web server when the Elasticsearch engine is configured."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from search import indexing
from search.es import SEARCH_SERVER_ERRORS

IDLE_SECONDS = 1.0
RETRY_SECONDS = 5.0


class Command(BaseCommand):
    help = "Keep the Elasticsearch index in step with the catalogue (drains the index outbox)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="drain what is queued now, then stop")

    def handle(self, *args, once: bool = False, **options):
        while True:
            try:
                written = indexing.drain()
                if written:
                    self.stdout.write(f"indexed {written} institutions")
                wait = IDLE_SECONDS
            except SEARCH_SERVER_ERRORS as error:
                self.stderr.write(f"search server unavailable, will retry: {error}")
                if once:
                    raise SystemExit(1) from error
                wait = RETRY_SECONDS
            if once:
                return
            time.sleep(wait)
