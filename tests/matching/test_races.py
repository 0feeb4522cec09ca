"""Requests that race: the same evaluation link submitted several times at once is stored once, and every
other submission is told it was already submitted (no "database is locked", no 500). Run on a SQLite file
shared by real threads, as gunicorn workers share it; the suite's own in-memory database cannot show it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SUBMISSIONS = 8

RACE = textwrap.dedent(
    """
    import datetime, json, sys, threading
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from catalog.models import Evaluation
    from matching.models import Demand, Inquiry, OrganizingUnit, TrainingGroup
    from tests.factories import ensure_site_tree, make_country, make_institution

    call_command("migrate", verbosity=0)
    ensure_site_tree()
    tum = make_institution("de-tum", "Technical University of Munich", make_country("DE", "Germany"))
    unit = OrganizingUnit.objects.create(name="江苏省科学技术厅")
    demand = Demand.objects.create(
        organizing_unit=unit, external_id="dm-race", title="机器人培训", days=21, group_size=12,
        category="professional",
    )
    inquiry = Inquiry.objects.create(demand=demand, institution=tum, status="agreed")
    today = timezone.localdate()
    group = TrainingGroup.objects.create(
        inquiry=inquiry,
        start_date=today - datetime.timedelta(days=20),
        end_date=today - datetime.timedelta(days=7),
        cities="Munich",
        participants=12,
        leader_name="王组长",
    )
    connection.close()

    scores = {"curriculum": 5, "teaching": 4, "organisation": 5, "logistics": 4, "usefulness": 5}
    start = threading.Barrier(int(sys.argv[1]))
    answers = []

    def submit():
        client = Client(raise_request_exception=False)
        start.wait()
        response = client.post(f"/en/evaluate/{group.unit_token}/", scores)
        text = response.content.decode()
        told = "data-used" in text or "data-refused" in text
        answers.append([response.status_code, "data-thanks" in text, told])
        connection.close()

    threads = [threading.Thread(target=submit) for _ in range(int(sys.argv[1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"answers": answers, "stored": Evaluation.objects.filter(institution=tum).count()}))
    """
)


def test_the_same_evaluation_link_submitted_at_once_is_stored_once_and_the_others_are_told(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
    }
    run = subprocess.run(
        [sys.executable, "-c", RACE, str(SUBMISSIONS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    statuses = sorted(status for status, _, _ in outcome["answers"])
    assert statuses == [200] * SUBMISSIONS, run.stderr[-3000:]
    assert sum(thanked for _, thanked, _ in outcome["answers"]) == 1
    assert sum(told for _, _, told in outcome["answers"]) == SUBMISSIONS - 1
    assert outcome["stored"] == 1
