"""An import and the matching profiles of what it brings commit together: a process killed the moment the
import commits leaves no live institution outside matching (the profiles are written in the import's own
transaction, not after it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "catalog" / "demo_data"

# Imports the demo catalogue into a fresh SQLite file and dies (os._exit, no clean-up, no on-commit work of
# the import) the instant the import's transaction commits.
KILLED_IMPORT = textwrap.dedent(
    """
    import os, sys
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from catalog.exchange import Source, import_catalog

    call_command("migrate", verbosity=0)
    paths = sys.argv[1:]
    with transaction.atomic():
        transaction.on_commit(lambda: os._exit(9))
        import_catalog([Source(os.path.basename(p), open(p, "rb").read()) for p in paths])
    """
)

PROFILES_MISSING = (
    "import json; from catalog.models import Institution; "
    "print(json.dumps([Institution.objects.live().count(), list(Institution.objects.public()"
    ".filter(search_profile__isnull=True).values_list('external_id', flat=True))]))"
)


def manage_env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "SEARCH_BACKEND": "embedded",
    }


def test_an_import_killed_at_its_commit_leaves_every_live_institution_in_matching(tmp_path):
    database = tmp_path / "killed.sqlite3"
    files = [str(DEMO / name) for name in ("01_fields.jsonl", "02_countries.jsonl", "03_institutions.jsonl")]
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_IMPORT, *files],
        cwd=ROOT,
        env=manage_env(database),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == 9, killed.stderr[-2000:]

    # A fresh process reads what the killed one committed: every admitted, live institution has its profile.
    checked = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROFILES_MISSING],
        cwd=ROOT,
        env=manage_env(database),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stderr[-2000:]
    live, missing = json.loads(checked.stdout.strip().splitlines()[-1])
    assert live == sum(
        1 for line in (DEMO / "03_institutions.jsonl").read_text().splitlines() if line.strip()
    )
    assert missing == []


@pytest.mark.django_db
def test_the_profiles_are_written_before_the_import_commits(django_capture_on_commit_callbacks):
    from catalog.exchange import Source, import_catalog
    from catalog.models import Institution
    from search.models import InstitutionProfile

    files = ("01_fields.jsonl", "02_countries.jsonl", "03_institutions.jsonl")
    with django_capture_on_commit_callbacks(execute=False):  # nothing after the commit runs
        import_catalog([Source(name, (DEMO / name).read_bytes()) for name in files])
    assert Institution.objects.count() == InstitutionProfile.objects.count() > 0
