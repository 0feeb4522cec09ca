"""Emails the daily digests of the alerts, and the weekly ones whose week has passed, each with the results
not emailed yet; run once a day (cron, a systemd timer), like release_evaluations. The emails go through
the task queue."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matching.choices import Frequency
from matching.services.alerts import send_digests


class Command(BaseCommand):
    help = "Email the alerts' daily digests, and the weekly ones that are due."

    def handle(self, *args, **options) -> None:
        for frequency in (Frequency.DAILY, Frequency.WEEKLY):
            sent = send_digests(frequency)
            self.stdout.write(f"{frequency}: {sent.alerts} digest(s), {sent.hits} result(s)")
