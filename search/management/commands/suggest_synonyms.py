"""`manage.py suggest_synonyms`: compute the synonyms the catalogue suggests for each field (words and
translated words that institutions stating the field use far more than the others), for the office to accept
or reject in the admin. `--queue` leaves the work to the task worker."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from search.models import SuggestionStatus, SynonymSuggestion
from search.synonyms import refresh
from search.tasks import suggest_synonyms


class Command(BaseCommand):
    help = "Suggest new synonyms for the field taxonomy from the catalogue."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="queue the work for the task worker")

    def handle(self, *args, queue: bool = False, **options):
        if queue:
            suggest_synonyms.enqueue()
            self.stdout.write("queued")
            return
        pending = refresh()
        self.stdout.write(f"{pending} suggestions pending")
        for suggestion in SynonymSuggestion.objects.filter(status=SuggestionStatus.PENDING).select_related(
            "field"
        )[:40]:
            via = f" (from {suggestion.translates})" if suggestion.translates else ""
            self.stdout.write(
                f"{suggestion.field.code}\t{suggestion.term}{via}\tG²={suggestion.score:.1f}\t"
                f"{suggestion.evidence}/{suggestion.users}"
            )
