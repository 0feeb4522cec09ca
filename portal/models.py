"""The home page: what the portal is for, and the ways into the catalogue, showcase and demand board."""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from catalog.models import Country, Course, Institution, Outcome
from catalog.text import bilingual


class HomePage(Page):
    """The site root; its children are the directory, the course library and the showcase."""

    lead_zh = models.TextField(_("lead (Chinese)"), blank=True)
    lead_en = models.TextField(_("lead (English)"), blank=True)

    lead = bilingual("lead")

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["catalog.InstitutionIndexPage", "catalog.CourseLibraryPage", "catalog.OutcomeIndexPage"]
    max_count = 1
    content_panels = Page.content_panels + [FieldPanel("lead_zh"), FieldPanel("lead_en")]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        institutions = Institution.objects.public()
        # Lazy: four counts the page's cached fragment does not need.
        context["figures"] = SimpleLazyObject(
            lambda: {
                "institutions": institutions.count(),
                "countries": Country.objects.filter(institutions__in=institutions).distinct().count(),
                "premium_courses": Course.objects.public().filter(premium=True).count(),
                "outcomes": Outcome.objects.public().count(),
            }
        )
        context["latest_outcomes"] = Outcome.objects.public().order_by("-year", "-pk")[:3]
        # Lazy too (the label's rule and the catalogue's mean are read when its queryset is made). The
        # providers come in one more query, each with whether it holds the quality label its card shows.
        context["featured_courses"] = SimpleLazyObject(lambda: list(featured_courses()))
        return context


def featured_courses(count: int = 4):
    """Premium courses picked at random for the home page's cards, with their providers' quality label."""
    providers = Prefetch("provider", queryset=Institution.objects.with_quality_label())
    return Course.objects.public().filter(premium=True).prefetch_related(providers).order_by("?")[:count]
