"""`manage.py load_demo`: the demo catalogue (catalog/demo_data/*.jsonl, in file-name order), then the demo
planning (matching/demo.py: demo accounts, a plan year with plans in each state); idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.management.commands.import_catalog import read_sources, run_import
from matching.demo import load_planning_demo
from portal.models import HomePage

DEMO_DATA = settings.BASE_DIR / "catalog" / "demo_data"


class Command(BaseCommand):
    help = "Load the demo catalogue; running it again changes nothing."

    def handle(self, *args, **options):
        # The home page and its three index pages come from portal's migration 0002; imported pages go
        # under them.
        if not HomePage.objects.exists():
            raise CommandError("The site has no home page: run manage.py migrate first.")
        files = sorted(DEMO_DATA.glob("*.jsonl"))
        if not files:
            raise CommandError(f"No demo data in {DEMO_DATA}.")
        report = run_import(self, read_sources([str(path) for path in files]))
        self.stdout.write(f"demo data: {', '.join(path.name for path in files)}")
        self.stdout.write(report.table())
        if load_planning_demo():
            self.stdout.write("demo planning: plan years, plans in each state, demo accounts (see README)")
