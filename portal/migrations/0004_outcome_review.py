"""Outcomes submitted by organizing units go through the same "Office review" workflow as the directory:
the workflow is assigned to the outcome showcase too."""

from django.db import migrations

WORKFLOW = "Office review"


def assign_workflow(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    workflow = Workflow.objects.filter(name=WORKFLOW).first()
    showcase = Page.objects.filter(
        content_type__app_label="catalog", content_type__model="outcomeindexpage"
    ).first()
    if workflow is not None and showcase is not None:
        WorkflowPage.objects.update_or_create(page=showcase, defaults={"workflow": workflow})


def unassign_workflow(apps, schema_editor):
    apps.get_model("wagtailcore.WorkflowPage").objects.filter(
        workflow__name=WORKFLOW,
        page__content_type__app_label="catalog",
        page__content_type__model="outcomeindexpage",
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_roles_and_office_review")]

    operations = [migrations.RunPython(assign_workflow, unassign_workflow)]
