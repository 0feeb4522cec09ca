"""Template context every page needs: the main navigation, in the reader's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.cache import catalogue_stamp, stamped_cache
from catalog.models import CourseLibraryPage, InstitutionIndexPage, OutcomeIndexPage
from catalog.roles import is_office
from matching.models import member_unit
from matching.models.planning import has_planning_role

INDEX_PAGES = (InstitutionIndexPage, CourseLibraryPage, OutcomeIndexPage)


def index_page_urls(stamp: str | None = None) -> dict[str, str]:
    """The live index pages' addresses in the active language, kept in the cache under the catalogue's
    stamp (publishing, moving or unpublishing a page moves it) instead of three queries a request; the
    stamp the request read when it started, if given."""
    key = f"navigation:{get_language()}:{stamp or catalogue_stamp()}"
    urls = stamped_cache().get(key)
    if urls is None:
        urls = {}
        for model in INDEX_PAGES:
            page = model.objects.live().first()
            if page is not None:
                urls[model.__name__] = page.url
        stamped_cache().set(key, urls, 24 * 3600)
    return urls


def navigation(request) -> dict:
    labels = {
        InstitutionIndexPage.__name__: _("Institutions"),
        CourseLibraryPage.__name__: _("Course library"),
        OutcomeIndexPage.__name__: _("Outcomes"),
    }
    items = [
        {"label": labels[key], "url": url, "key": key}
        for key, url in index_page_urls(getattr(request, "catalogue_stamp", None)).items()
    ]
    items.append({"label": _("Demand board"), "url": reverse("matching:demand-list"), "key": "demands"})
    items.append(
        {"label": _("Find institutions"), "url": reverse("matching:find-institutions"), "key": "find"}
    )
    items.append({"label": _("Search"), "url": reverse("site-search"), "key": "search"})
    user = getattr(request, "user", None)
    if has_planning_role(user):
        items.append({"label": _("Planning"), "url": planning_url(user), "key": "planning"})
    return {"main_navigation": items}


def planning_url(user) -> str:
    """Where planning starts for each role: the unit's library, the office's planning page, the plans to
    review for a supervising department and the foreign-affairs office."""
    if member_unit(user) is not None:
        return reverse("matching:project-list")
    if is_office(user):
        return reverse("matching:office-planning")
    return reverse("matching:plan-list")
