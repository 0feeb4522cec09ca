"""Deletes the uploads for outcomes that no outcome took within a day (forms abandoned, or refused), with
their files; run once a day (cron, a systemd timer)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matching.services.outcomes import forget_abandoned_uploads


class Command(BaseCommand):
    help = "Delete the outcome uploads that no outcome took within a day, with their files."

    def handle(self, *args, **options) -> None:
        deleted = forget_abandoned_uploads()
        self.stdout.write(f"{deleted} abandoned upload(s) deleted")
