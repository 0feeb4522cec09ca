"""sitemap.xml: every public page in both languages, each with its hreflang alternates."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from wagtail.models import Page

from catalog.models import Course, Institution


class PagesSitemap(Sitemap):
    """The live pages anyone may read: suspended or withdrawn institutions and their courses left out."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        hidden = Institution.objects.exclude(pk__in=Institution.objects.public())
        hidden_courses = Course.objects.exclude(pk__in=Course.objects.public())
        return (
            Page.objects.live()
            .public()
            .filter(depth__gt=1)
            .exclude(pk__in=hidden.values("pk"))
            .exclude(pk__in=hidden_courses.values("pk"))
            .order_by("path")
        )

    def location(self, page: Page) -> str:
        # Under the active language's prefix, which the framework sets for each language.
        return page.get_url_parts()[2]

    def lastmod(self, page: Page):
        return page.last_published_at


class ViewsSitemap(Sitemap):
    """Public pages that are views, not Wagtail pages."""

    i18n = True
    alternates = True
    x_default = True

    def items(self) -> list[str]:
        return ["matching:find-institutions", "matching:demand-list", "open-data"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"pages": PagesSitemap, "views": ViewsSitemap}
