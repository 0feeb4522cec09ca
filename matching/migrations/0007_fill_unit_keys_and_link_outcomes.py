"""Every unit gets the key its name is compared by; outcomes submitted through the portal are linked to the
unit whose name they carry now. Imported outcomes stay unlinked: the name they carry grants nothing."""

import re
import unicodedata

from django.db import migrations

# What submit_outcome gives an outcome: imported ones keep the key of their file and have no page owner.
PORTAL_ID = re.compile(r"oc-[0-9a-f]{12}")


def unit_key(name: str) -> str:
    """As matching.models.unit_key, at the time of this migration."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def fill_keys(apps, schema_editor):
    OrganizingUnit = apps.get_model("matching", "OrganizingUnit")
    taken = set()
    for unit in OrganizingUnit.objects.order_by("pk"):
        key = unit_key(unit.name)
        if key in taken:
            # A look-alike founded before names were compared: the older unit keeps the key, this one gets a
            # key no name can give (unit_key never leaves two spaces), so both keep their people and demands.
            key = f"{key[:240]}  {unit.pk}"
        taken.add(key)
        unit.key = key
        unit.save(update_fields=["key"])


def link_outcomes(apps, schema_editor):
    OrganizingUnit = apps.get_model("matching", "OrganizingUnit")
    Outcome = apps.get_model("catalog", "Outcome")
    UnitOutcome = apps.get_model("matching", "UnitOutcome")
    units = list(OrganizingUnit.objects.all())
    by_name = {unit.name: unit for unit in units}
    by_key = {unit.key: unit for unit in units}
    linked = set(UnitOutcome.objects.values_list("outcome_id", flat=True))
    for outcome in Outcome.objects.filter(owner__isnull=False).exclude(pk__in=linked):
        if not PORTAL_ID.fullmatch(outcome.external_id):
            continue
        unit = by_name.get(outcome.organizing_unit) or by_key.get(unit_key(outcome.organizing_unit))
        if unit is not None:
            UnitOutcome.objects.create(outcome=outcome, unit=unit)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0006_unit_key_and_outcome_links"),
    ]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RunPython(link_outcomes, migrations.RunPython.noop),
    ]
