# Quotas held by a region or department (its units' plans together) as well as by a unit, and the
# application form's remaining items on a project.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0013_outcome_follow_up"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="quota",
            options={"ordering": ["-year", "department__name", "unit__name"], "verbose_name": "quota"},
        ),
        migrations.AddField(
            model_name="project",
            name="agreement",
            field=models.CharField(blank=True, max_length=255, verbose_name="intergovernmental agreement"),
        ),
        migrations.AddField(
            model_name="project",
            name="cross_regional",
            field=models.BooleanField(
                default=False, verbose_name="group across regions and departments (双跨团组)"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="participants",
            field=models.TextField(blank=True, verbose_name="participant make-up"),
        ),
        migrations.AddField(
            model_name="quota",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="quotas",
                to="matching.supervisingdepartment",
                verbose_name="region or department",
            ),
        ),
        migrations.AddField(
            model_name="supervisingdepartment",
            name="kind",
            field=models.CharField(
                choices=[
                    ("region", "Region (province, city)"),
                    ("department", "Department (ministry, commission)"),
                    ("enterprise", "Central enterprise"),
                ],
                default="region",
                max_length=20,
                verbose_name="region or department",
            ),
        ),
        migrations.AlterField(
            model_name="quota",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="quotas",
                to="matching.organizingunit",
                verbose_name="organizing unit",
            ),
        ),
        migrations.AddConstraint(
            model_name="quota",
            constraint=models.UniqueConstraint(
                fields=("year", "department"), name="one_quota_per_department_year"
            ),
        ),
        migrations.AddConstraint(
            model_name="quota",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("unit__isnull", True)),
                    models.Q(("department__isnull", True), ("unit__isnull", False)),
                    _connector="OR",
                ),
                name="quota_has_one_holder",
            ),
        ),
    ]
