"""`manage.py import_catalog FILE...`: upsert catalogue records from JSON Lines, all or nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from catalog.exchange import ExchangeError, ImportReport, Source, import_catalog
from catalog.exchange.progress import terminal_progress


def read_sources(paths: list[str]) -> list[Source]:
    try:
        return [Source.from_path(path) for path in paths]
    except OSError as error:
        raise CommandError(f"{error.filename}: {error.strerror}") from error


def run_import(command: BaseCommand, sources: list[Source], *, dry_run: bool = False) -> ImportReport:
    """Import with a progress bar on a terminal; bad input becomes a CommandError (exit code 1)."""
    with terminal_progress(getattr(command.stderr, "_out", command.stderr)) as progress:
        try:
            return import_catalog(sources, dry_run=dry_run, progress=progress)
        except ExchangeError as error:
            raise CommandError(f"nothing was imported:\n{error}") from error


class Command(BaseCommand):
    help = (
        "Import catalogue records (JSON Lines, shared/EXCHANGE-FORMAT.md). Upserts by key; "
        "any bad record stops the whole import."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, files: list[str], dry_run: bool, **options):
        report = run_import(self, read_sources(files), dry_run=dry_run)
        if dry_run:
            self.stdout.write("dry run: nothing was written")
        self.stdout.write(report.table())
