"""Creates the foreign-affairs office's group (the last review of an annual plan) and lets office reviewers
keep the supervising departments in the admin (matching.wagtail_hooks)."""

from django.db import migrations

OFFICE_REVIEWERS = "Office reviewers"  # catalog.roles.OFFICE_REVIEWERS
FOREIGN_AFFAIRS = "Foreign affairs office"  # catalog.roles.FOREIGN_AFFAIRS
DEPARTMENT_PERMISSIONS = {
    "add_supervisingdepartment": "Can add supervising department",
    "change_supervisingdepartment": "Can change supervising department",
    "delete_supervisingdepartment": "Can delete supervising department",
    "view_supervisingdepartment": "Can view supervising department",
}


def permission(apps, app_label: str, model: str, codename: str, name: str):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    found, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return found


def create_group_and_permissions(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Group.objects.get_or_create(name=FOREIGN_AFFAIRS)
    office, _ = Group.objects.get_or_create(name=OFFICE_REVIEWERS)
    office.permissions.add(
        *(
            permission(apps, "matching", "supervisingdepartment", codename, name)
            for codename, name in DEPARTMENT_PERMISSIONS.items()
        )
    )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    office = Group.objects.filter(name=OFFICE_REVIEWERS).first()
    if office is not None:
        office.permissions.remove(
            *office.permissions.filter(
                codename__in=DEPARTMENT_PERMISSIONS, content_type__app_label="matching"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_outcome_review"),
        ("matching", "0012_planning"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group_and_permissions, remove_permissions)]
