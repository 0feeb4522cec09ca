"""`manage.py check_demand FILE`: the policy rules' findings, one JSON line per demand record
(shared/EXCHANGE-FORMAT.md). Exits 1 when any demand has an error finding, 2 on unreadable input."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from matching.exchange import read_demand
from matching.management.demand_files import read_demand_lines
from matching.rules import ERROR, check


class Command(BaseCommand):
    help = "Check demand records (JSON Lines) against the policy rules; exit 1 if any breaks a rule."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines file of demand records")

    def handle(self, *args, file: str, **options):
        blocked = False
        # Read the whole file first, so a bad line stops the command before any output.
        for _number, record in read_demand_lines(file, returncode=2):
            findings = check(read_demand(record))
            ok = not any(finding.severity == ERROR for finding in findings)
            blocked |= not ok
            line = {
                # As given, even when it is not a valid key: each line must say which record it judged.
                "demand": record.get("external_id"),
                "ok": ok,
                "findings": [finding.as_dict() for finding in findings],
            }
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        if blocked:
            # As `makemigrations --check`: the output is the report, the exit status the verdict.
            sys.exit(1)
