"""Creates the role groups (office reviewers, experts) and the "Office review" moderation workflow: changes to
institution pages and courses go to an office reviewer before going live."""

from django.db import migrations

OFFICE_REVIEWERS = "Office reviewers"  # catalog.roles.OFFICE_REVIEWERS
EXPERTS = "Experts"  # catalog.roles.EXPERTS
WORKFLOW = "Office review"
PAGE_PERMISSIONS = {
    "add_page": "Can add page",
    "change_page": "Can change page",
    "publish_page": "Publish any page",
    "lock_page": "Lock/unlock pages you've locked",
    "unlock_page": "Unlock any page",
}
# The office moderates the directory (institutions and their courses) and the outcome showcase.
OFFICE_SUBTREES = ("institutionindexpage", "outcomeindexpage")


def permission(apps, app_label: str, model: str, codename: str, name: str):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    found, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return found


def create_roles_and_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")

    office, _ = Group.objects.get_or_create(name=OFFICE_REVIEWERS)
    Group.objects.get_or_create(name=EXPERTS)
    office.permissions.add(
        permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
        # catalog.models.OFFICE_PERMISSION: an institution's status and cooperation, a course's premium mark.
        permission(apps, "catalog", "institution", "change_institution", "Can change institution"),
    )

    page_permissions = [
        permission(apps, "wagtailcore", "page", codename, name) for codename, name in PAGE_PERMISSIONS.items()
    ]
    for model in OFFICE_SUBTREES:
        for page in Page.objects.filter(content_type__app_label="catalog", content_type__model=model):
            for page_permission in page_permissions:
                GroupPagePermission.objects.get_or_create(group=office, page=page, permission=page_permission)

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, _ = GroupApprovalTask.objects.get_or_create(
        name=WORKFLOW, defaults={"content_type": task_type, "active": True}
    )
    task.groups.add(office)
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    directory = Page.objects.filter(
        content_type__app_label="catalog", content_type__model="institutionindexpage"
    ).first()
    if directory is not None:
        WorkflowPage.objects.update_or_create(page=directory, defaults={"workflow": workflow})


def give_existing_staff_their_permissions(apps, schema_editor):
    """Staff who joined before this migration get what catalog.services.grant_page_permissions gives."""
    Group = apps.get_model("auth.Group")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    InstitutionStaff = apps.get_model("catalog.InstitutionStaff")
    access_admin = permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
    staff_permissions = [
        permission(apps, "wagtailcore", "page", codename, PAGE_PERMISSIONS[codename])
        for codename in ("add_page", "change_page")
    ]
    for staff in InstitutionStaff.objects.select_related("institution"):
        group, _ = Group.objects.get_or_create(name=f"Institution staff: {staff.institution.external_id}")
        group.permissions.add(access_admin)
        for page_permission in staff_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=staff.institution.pk, permission=page_permission
            )
        group.user_set.add(staff.user_id)


def remove_workflow(apps, schema_editor):
    apps.get_model("wagtailcore.WorkflowPage").objects.filter(workflow__name=WORKFLOW).delete()
    apps.get_model("wagtailcore.Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("wagtailcore.Task").objects.filter(name=WORKFLOW).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_site_tree"),
        ("catalog", "0003_institutionstaff_staffinvitation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_roles_and_workflow, remove_workflow),
        migrations.RunPython(give_existing_staff_their_permissions, migrations.RunPython.noop),
    ]
