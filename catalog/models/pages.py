"""What the catalogue's pages share: the exchange format's pages, courses and outcomes, and the index pages
(directory, course library, outcome showcase)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from catalog.forms import CataloguePageForm
from catalog.text import bilingual, pick_language

PAGE_SIZE = 12


class ExchangedPage:
    """A catalogue page the exchange format names by its `external_id`: its title is worked out from its
    names (`page_title`), and its slug, unless one was given, is the external id."""

    def page_title(self) -> str:
        raise NotImplementedError

    def full_clean(self, *args, **kwargs):
        # Set the title before Wagtail derives the slug from it.
        self.title = self.page_title()
        if not self.slug:
            self.slug = self.external_id
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.title = self.page_title()
        super().save(*args, **kwargs)


class TitledSummaryPage(ExchangedPage, Page):
    """A course or an outcome: a catalogue page with no children, named by its external id, with a title
    and a summary in either language or both."""

    external_id = models.SlugField(_("external id"), max_length=100, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=255, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)

    base_form_class = CataloguePageForm

    name = bilingual("title")
    summary = bilingual("summary")

    subpage_types: list[str] = []

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class BilingualIndexPage(Page):
    """An index page with an introduction in both languages, listing `listed()` through the filters of
    `filterset_class` a page at a time."""

    title_zh = models.CharField(_("title (Chinese)"), max_length=255, blank=True)
    intro_zh = models.TextField(_("introduction (Chinese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    intro = bilingual("intro")
    content_panels = Page.content_panels + [
        FieldPanel("title_zh"),
        FieldPanel("intro_zh"),
        FieldPanel("intro_en"),
    ]

    # A path, not the class: catalog.filters imports the models.
    filterset_class = ""

    class Meta:
        abstract = True

    @property
    def heading(self) -> str:
        return pick_language(self.title_zh, self.title)

    def listed(self) -> models.QuerySet:
        """What the page lists before the reader's filters."""
        raise NotImplementedError

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        found = import_string(self.filterset_class)(request.GET, queryset=self.listed(), request=request)
        context["filter"] = found
        context["page_obj"] = self.paginate(request, found.qs)
        return context

    @staticmethod
    def paginate(request, items, size: int = PAGE_SIZE):
        # Lazy: the template's cached fragment usually holds the page already, and counting is a query.
        return SimpleLazyObject(lambda: Paginator(items, size).get_page(request.GET.get("page")))
