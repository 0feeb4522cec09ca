"""Asks each unit, once per project, for its outcome's follow-up six months after the project closed (email
and dashboard); run once a day (cron, a systemd timer)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matching.services.planning import request_follow_ups


class Command(BaseCommand):
    help = "Ask for the outcome follow-up of the projects closed six months ago."

    def handle(self, *args, **options) -> None:
        asked = request_follow_ups()
        self.stdout.write(f"{asked} follow-up(s) requested")
