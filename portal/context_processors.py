"""Template context every page needs: the main navigation, in the reader's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import CourseLibraryPage, InstitutionIndexPage, OutcomeIndexPage


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
    return {"main_navigation": items}
