"""The catalogue's snippets in the Wagtail admin: the field taxonomy, countries and evaluations."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from catalog.models import Country, Evaluation, Field


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
