import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_website_http_only"),
        ("matching", "0009_private_outcome_files"),
    ]

    operations = [
        migrations.CreateModel(
            name="GroupEvaluation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        choices=[("unit", "Organizing unit"), ("institution", "Institution")], max_length=20
                    ),
                ),
                (
                    "evaluation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="group_evaluation",
                        to="catalog.evaluation",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evaluations",
                        to="matching.traininggroup",
                    ),
                ),
            ],
            options={
                "verbose_name": "group evaluation",
                "verbose_name_plural": "group evaluations",
                "constraints": [
                    models.UniqueConstraint(fields=("group", "side"), name="one_evaluation_per_side")
                ],
            },
        ),
    ]
