from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0007_fill_unit_keys_and_link_outcomes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organizingunit",
            name="key",
            field=models.CharField(editable=False, max_length=255, unique=True),
        ),
    ]
