"""The quality label's rule, editable by the office in Wagtail's settings (the office reviewers' group gets
the permission to change it)."""

import django.core.validators
from django.db import migrations, models

OFFICE_REVIEWERS = "Office reviewers"


def let_the_office_change_the_rule(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="catalog", model="qualitylabelrule")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="change_qualitylabelrule",
        defaults={"name": "Can change quality label rule"},
    )
    office, _ = Group.objects.get_or_create(name=OFFICE_REVIEWERS)
    office.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0012_evaluation_recent_idx_institution_status_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="QualityLabelRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "enabled",
                    models.BooleanField(
                        default=True,
                        help_text="Without it no institution shows the label.",
                        verbose_name="award the label",
                    ),
                ),
                (
                    "min_evaluations",
                    models.PositiveSmallIntegerField(
                        default=5,
                        help_text="Counted (unsealed) evaluations by organizing units in the period.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(1000),
                        ],
                        verbose_name="evaluations at least",
                    ),
                ),
                (
                    "recent_years",
                    models.PositiveSmallIntegerField(
                        default=3,
                        help_text="Only evaluations of the last this many years count.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(20),
                        ],
                        verbose_name="period in years",
                    ),
                ),
                (
                    "min_mean",
                    models.FloatField(
                        default=4.3,
                        help_text="The period's mean overall rating (1–5), pulled toward the catalogue mean.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="smoothed mean at least",
                    ),
                ),
                (
                    "open_reports_count",
                    models.BooleanField(
                        default=False,
                        help_text="Upheld reports always withhold it. Open ones only when ticked: anyone signed in can file one.",
                        verbose_name="open reports withhold the label",
                    ),
                ),
            ],
            options={"verbose_name": "quality label rule"},
        ),
        migrations.RunPython(let_the_office_change_the_rule, migrations.RunPython.noop),
    ]
