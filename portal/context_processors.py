"""Template context every page needs: the main navigation, in the reader's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import CourseLibraryPage, InstitutionIndexPage, OutcomeIndexPage
from catalog.roles import is_office
from matching.models import member_unit
from matching.models.planning import has_planning_role


def navigation(request) -> dict:
    items = []
    for model, label in (
        (InstitutionIndexPage, _("Institutions")),
        (CourseLibraryPage, _("Course library")),
        (OutcomeIndexPage, _("Outcomes")),
    ):
        page = model.objects.live().first()
        if page is not None:
            items.append({"label": label, "url": page.url, "key": model.__name__})
    items.append({"label": _("Demand board"), "url": reverse("matching:demand-list"), "key": "demands"})
    items.append(
        {"label": _("Find institutions"), "url": reverse("matching:find-institutions"), "key": "find"}
    )
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
