"""The catalogue in the Wagtail admin: the field taxonomy, countries and evaluations as snippets, and the
office's catalogue upload."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from catalog.models import Country, Evaluation, Field
from catalog.roles import is_office
from catalog.views.admin import catalogue_upload, import_catalogue


class FieldViewSet(SnippetViewSet):
    model = Field
    icon = "tag"
    list_display = ["code", "name_zh", "name_en", "parent", "priority", "central_only"]
    list_filter = ["priority", "central_only"]
    search_fields = ["code", "name_zh", "name_en"]


class CountryViewSet(SnippetViewSet):
    model = Country
    icon = "site"
    list_display = ["code", "name_zh", "name_en", "region", "hotspot", "belt_and_road"]
    list_filter = ["region", "hotspot", "belt_and_road", "asian_or_neighbouring"]
    search_fields = ["code", "name_zh", "name_en"]


class EvaluationViewSet(SnippetViewSet):
    model = Evaluation
    icon = "pick"
    list_display = ["external_id", "institution", "direction", "date", "overall"]
    list_filter = ["direction"]
    search_fields = ["external_id", "comment"]


class CatalogueGroup(SnippetViewSetGroup):
    items = (FieldViewSet, CountryViewSet, EvaluationViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Catalogue data")
    menu_name = "catalogue-data"


register_snippet(CatalogueGroup)


class OfficeMenuItem(MenuItem):
    """An admin menu item shown only to the office (the catalogue upload here, the synonym suggestions in
    the search room), who alone may use the page behind it."""

    def is_shown(self, request):
        return is_office(request.user)


# The office's catalogue upload (catalog/views/admin.py): a page of its own and a menu item for those
# who may import.


@hooks.register("register_admin_urls")
def register_import_url():
    return [
        path("catalogue/import/", import_catalogue, name="catalog_import"),
        path("catalogue/import/<id:pk>/", catalogue_upload, name="catalog_import_upload"),
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return OfficeMenuItem(_("Import catalogue"), reverse("catalog_import"), icon_name="upload", order=850)
