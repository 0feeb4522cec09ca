"""Each evaluation a training group gave is linked to its group and side. Until now only its external id
told them (`ev-<group>-<side>`, which it keeps as its key in the exchange format)."""

import re

from django.db import migrations

# What submit_evaluation gave an evaluation's external id at the time of this migration.
GROUP_ID = re.compile(r"ev-(\d+)-(unit|institution)")
DIRECTION = {"unit": "unit_to_institution", "institution": "institution_to_unit"}


def link_evaluations(apps, schema_editor):
    Evaluation = apps.get_model("catalog", "Evaluation")
    GroupEvaluation = apps.get_model("matching", "GroupEvaluation")
    TrainingGroup = apps.get_model("matching", "TrainingGroup")
    institution_of = dict(TrainingGroup.objects.values_list("pk", "inquiry__institution_id"))
    links = []
    for pk, external_id, institution, direction in Evaluation.objects.filter(
        external_id__startswith="ev-", group_evaluation__isnull=True
    ).values_list("pk", "external_id", "institution_id", "direction"):
        found = GROUP_ID.fullmatch(external_id)
        if found is None:
            continue
        group, side = int(found[1]), found[2]
        # An imported evaluation may carry an id of the same shape: it is the group's only if it rates the
        # group's institution in that side's direction.
        if institution_of.get(group) == institution and DIRECTION[side] == direction:
            links.append(GroupEvaluation(group_id=group, evaluation_id=pk, side=side))
    GroupEvaluation.objects.bulk_create(links, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0010_group_evaluation"),
    ]

    operations = [
        migrations.RunPython(link_evaluations, migrations.RunPython.noop),
    ]
