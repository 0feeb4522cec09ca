"""`manage.py match FILE [--top N] [--engine …]` and `manage.py match --demand ID`: one line of match
output (EXCHANGE-FORMAT.md) for each demand, best institution first."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from matching.exchange import read_demand
from matching.management.demand_files import read_demand_lines
from matching.models import Demand
from search.demand import DemandRecord
from search.es import SEARCH_SERVER_ERRORS
from search.ranking import match_output, rank


class Command(BaseCommand):
    help = "Rank institutions for demands given in a JSON Lines file, or for a demand on the board."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="JSON Lines file of demand records")
        parser.add_argument("--demand", help="external id of a demand on the board")
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--engine", choices=["embedded", "elasticsearch"])
        parser.add_argument(
            "--language", default="en", choices=["en", "zh-hans"], help="language of the reasons (default en)"
        )

    def handle(self, *args, file=None, demand=None, top=10, engine=None, language="en", **options):
        if bool(file) == bool(demand):
            raise CommandError("give either FILE or --demand ID")
        if top < 1:
            raise CommandError("--top must be at least 1")
        for record in [self.board_demand(demand)] if demand else self.read_demands(file):
            try:
                matches = rank(record, top=top, engine=engine, language=language)
            except SEARCH_SERVER_ERRORS as error:
                raise CommandError(f"the search server did not answer: {error}") from error
            self.stdout.write(json.dumps(match_output(record, matches), ensure_ascii=False))

    def board_demand(self, external_id: str) -> DemandRecord:
        found = Demand.objects.filter(external_id=external_id).first()
        if found is None:
            raise CommandError(f"no demand {external_id!r} on the board")
        return found.as_record()

    def read_demands(self, file: str) -> list[DemandRecord]:
        records = []
        for number, record in read_demand_lines(file):
            demand = read_demand(record)
            if not (demand.title or demand.topic or demand.content or demand.fields):
                raise CommandError(f"{file}:{number}: a demand needs a title, a topic, a content or fields")
            records.append(demand)
        return records
