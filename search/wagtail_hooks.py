"""The search room in the Wagtail admin: the office's page of synonym suggestions for the field taxonomy."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from catalog.wagtail_hooks import OfficeMenuItem
from search.views import compute_suggestions, decide_suggestion, synonym_suggestions


@hooks.register("register_admin_urls")
def register_suggestion_urls():
    return [
        path("taxonomy/suggestions/", synonym_suggestions, name="synonym_suggestions"),
        path("taxonomy/suggestions/compute/", compute_suggestions, name="synonym_suggestions_compute"),
        path("taxonomy/suggestions/<id:pk>/", decide_suggestion, name="synonym_suggestion_decide"),
    ]


@hooks.register("register_admin_menu_item")
def register_suggestion_menu_item():
    return OfficeMenuItem(
        _("Synonym suggestions"), reverse("synonym_suggestions"), icon_name="tag", order=860
    )
