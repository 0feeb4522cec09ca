"""Unseals two-way evaluations whose window has closed without the other side's answer, so that they join the
quality record and the ranking; run once a day (cron, a systemd timer)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matching.services.training import release_expired_evaluations


class Command(BaseCommand):
    help = "Unseal the evaluations whose evaluation window has closed."

    def handle(self, *args, **options) -> None:
        released = release_expired_evaluations()
        self.stdout.write(f"{released} evaluation(s) unsealed")
