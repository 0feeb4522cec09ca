import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_staff_invitation_cancelled"),
        ("matching", "0005_expert_review_cancelled"),
    ]

    operations = [
        # Unique once every unit has its key (0008).
        migrations.AddField(
            model_name="organizingunit",
            name="key",
            field=models.CharField(default="", editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="UnitOutcome",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "outcome",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="unit_link", to="catalog.outcome"
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outcomes",
                        to="matching.organizingunit",
                        verbose_name="organizing unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "outcome of a unit",
                "verbose_name_plural": "outcomes of units",
            },
        ),
    ]
