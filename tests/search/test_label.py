"""The search app's label is `search`; a database made while it was `matchsearch` migrates as it is."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from search.models import IndexVersion

pytestmark = pytest.mark.django_db

MODELS = ["institutionprofile", "indexversion", "indexoutbox", "synonymsuggestion"]


def applied(app: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM django_migrations WHERE app = %s", [app])
        return {name for (name,) in cursor.fetchall()}


def test_the_tables_keep_the_names_they_had():
    tables = set(connection.introspection.table_names())
    assert {f"matchsearch_{model}" for model in MODELS} <= tables
    assert not {f"search_{model}" for model in MODELS} & tables


def test_a_database_made_under_the_former_label_migrates_without_moving_anything():
    IndexVersion.objects.create(version=41, stamp="kept")
    kinds = {ct.model: ct.pk for ct in ContentType.objects.filter(app_label="search")}
    assert set(MODELS) <= set(kinds)
    everything = applied("search")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE django_migrations SET app = 'matchsearch' WHERE app = 'search'")
        cursor.execute("UPDATE django_content_type SET app_label = 'matchsearch' WHERE app_label = 'search'")
    ContentType.objects.clear_cache()

    out = StringIO()
    call_command("migrate", stdout=out, verbosity=1)

    assert f"{len(everything)} applied migrations of matchsearch" in out.getvalue()
    assert applied("search") == everything and not applied("matchsearch")
    assert everything == {
        name for app, name in MigrationLoader(connection).disk_migrations if app == "search"
    }
    ContentType.objects.clear_cache()
    assert {ct.model: ct.pk for ct in ContentType.objects.filter(app_label="search")} == kinds
    assert not ContentType.objects.filter(app_label="matchsearch").exists()
    assert IndexVersion.objects.get(stamp="kept").version == 41


def test_a_fresh_or_current_database_has_nothing_to_rename():
    out = StringIO()
    call_command("migrate", stdout=out, verbosity=1)
    assert "matchsearch" not in out.getvalue()
