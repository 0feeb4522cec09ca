"""`migrate`, first bringing a database made while this app's label was `matchsearch` to its label `search`.

The label names the app in Django's migration history and content types, not in its tables (they keep
their names, `db_table`). So before Django reads the history, the migrations the database recorded
under the former label and its content types (with the permissions that point to them) are renamed in
one transaction; the migrations then find everything applied and nothing moves. A fresh database has
nothing to rename."""

from __future__ import annotations

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections, transaction

FORMER_LABEL = "matchsearch"
LABEL = "search"


def adopt_former_label(alias: str) -> int:
    """Renames what the database recorded under the former label; returns how many applied migrations."""
    connection = connections[alias]
    tables = connection.introspection.table_names()
    if "django_migrations" not in tables:
        return 0
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("UPDATE django_migrations SET app = %s WHERE app = %s", [LABEL, FORMER_LABEL])
        renamed = cursor.rowcount
        if "django_content_type" in tables:
            # A content type the new label already has (made by a migrate that ran too early) stays.
            cursor.execute(
                "UPDATE django_content_type SET app_label = %s WHERE app_label = %s"
                " AND model NOT IN (SELECT model FROM django_content_type WHERE app_label = %s)",
                [LABEL, FORMER_LABEL, LABEL],
            )
    return renamed


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if renamed := adopt_former_label(options["database"]):
            self.stdout.write(
                f"{renamed} applied migrations of {FORMER_LABEL} are now recorded as {LABEL}'s."
            )
        super().handle(*args, **options)
