"""Wagtail's document view serves a private document (of an outcome not yet published) only to those who
may see it, as matching.views.files does for images; the office keeps the supervising departments (their
units and members) in the admin."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from matching.models import SupervisingDepartment
from matching.services.outcomes import may_see_file


@hooks.register("before_serve_document")
def refuse_private_documents(document, request) -> None:
    if not may_see_file(request.user, document):
        raise Http404


class SupervisingDepartmentViewSet(SnippetViewSet):
    """Which units each department supervises (their plans go to it first), who reviews for it, and whether
    it is a region or a department for the office's quotas."""

    model = SupervisingDepartment
    icon = "group"
    menu_label = _("Supervising departments")
    add_to_admin_menu = True
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("units"), FieldPanel("members")]


register_snippet(SupervisingDepartmentViewSet)
