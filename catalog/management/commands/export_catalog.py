"""`manage.py export_catalog [--types institution,course,...]`: the catalogue as JSON Lines on stdout."""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError

from catalog.exchange import export_catalog, type_names
from catalog.exchange.progress import terminal_progress


class Command(BaseCommand):
    help = "Write the catalogue as JSON Lines (shared/EXCHANGE-FORMAT.md) to standard output."

    def add_arguments(self, parser):
        parser.add_argument(
            "--types",
            metavar="TYPES",
            help=f"record types, comma-separated (default: all: {','.join(type_names())})",
        )

    def handle(self, *args, types: str | None, **options):
        chosen = None
        if types:
            chosen = [name.strip() for name in types.split(",") if name.strip()]
            unknown = sorted(set(chosen) - set(type_names()))
            if unknown:
                known = ", ".join(type_names())
                raise CommandError(f"unknown type(s): {', '.join(unknown)} (known: {known})")
        # Lines go to the raw stream: they already end in a newline and carry no styling.
        out = getattr(self.stdout, "_out", self.stdout)
        with terminal_progress(getattr(self.stderr, "_out", self.stderr)) as progress:
            try:
                export_catalog(out, chosen, progress=progress)
            except BrokenPipeError:
                # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
