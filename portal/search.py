"""The site-wide search page: institutions, courses, outcomes and public demands found by the portal's one
text search (search/text_search.py), best first, in one list or one kind at a time, twenty a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from catalog.models import Course, Institution, Outcome
from catalog.text import pick_language
from matching.filters import demand_texts
from matching.models import Demand
from search.text_search import MAX_QUERY_LENGTH, Hit, courses, outcomes, search_institutions

PER_PAGE = 20
SNIPPET_WORDS = 40
KINDS = {
    "institutions": _("Institutions"),
    "courses": _("Courses"),
    "outcomes": _("Outcomes"),
    "demands": _("Demands"),
}


@dataclass
class Result:
    """One thing found, as the page lists it."""

    kind: str
    kind_label: str
    title: str
    url: str
    snippet: str
    meta: str


def findable(kind: str, user) -> Any:
    """What anyone may find of each kind; demands: the published ones this person may see."""
    if kind == "institutions":
        return Institution.objects.public()
    if kind == "courses":
        return Course.objects.public()
    if kind == "outcomes":
        return Outcome.objects.public()
    return Demand.objects.visible_to(user).published()


def found(text: str, user) -> dict[str, list[Hit]]:
    """Each kind's hits that this person may see, best first."""
    searches = {
        "institutions": search_institutions,
        "courses": courses.search,
        "outcomes": outcomes.search,
        "demands": demand_texts.search,
    }
    results: dict[str, list[Hit]] = {}
    for kind, search in searches.items():
        hits = search(text) or []
        visible = set(
            findable(kind, user).filter(pk__in=[hit.key for hit in hits]).values_list("pk", flat=True)
        )
        results[kind] = [hit for hit in hits if hit.key in visible]
    return results


def describe(kind: str, keys: list[int], request: HttpRequest) -> dict[int, Result]:
    """The results of one kind for these keys, in the reader's language."""
    label = str(KINDS[kind])
    objects = findable(kind, request.user).filter(pk__in=keys)
    described: dict[int, Result] = {}
    if kind == "institutions":
        for institution in objects.select_related("country"):
            described[institution.pk] = Result(
                kind,
                label,
                institution.name,
                institution.get_url(request),
                _snippet(institution.description),
                " · ".join(part for part in (str(institution.country), institution.city) if part),
            )
    elif kind == "courses":
        for course in objects.select_related("provider"):
            described[course.pk] = Result(
                kind,
                label,
                course.name,
                course.get_url(request),
                _snippet(course.summary),
                course.provider.name if course.provider else "",
            )
    elif kind == "outcomes":
        for outcome in objects.select_related("country"):
            described[outcome.pk] = Result(
                kind,
                label,
                outcome.name,
                outcome.get_url(request),
                _snippet(outcome.summary),
                " · ".join(str(part) for part in (outcome.organizing_unit, outcome.year) if part),
            )
    else:
        for demand in objects.select_related("organizing_unit"):
            described[demand.pk] = Result(
                kind,
                label,
                pick_language(demand.title, demand.title_en),
                reverse("matching:demand-detail", args=[demand.external_id]),
                _snippet(pick_language(demand.topic or demand.content, demand.summary_en)),
                str(demand.organizing_unit),
            )
    return described


def _snippet(text: str) -> str:
    return (
        Truncator(text or "").words(SNIPPET_WORDS)
        if " " in (text or "")
        else Truncator(text or "").chars(120)
    )


def site_search(request: HttpRequest) -> HttpResponse:
    """GET q (what to look for), kind (one of KINDS, or all), page."""
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    hits = found(text, request.user) if text else {}
    chosen = [(name, hit) for name, kind_hits in hits.items() if kind in ("", name) for hit in kind_hits]
    chosen.sort(key=lambda item: -item[1].score)
    page = Paginator(chosen, PER_PAGE).get_page(request.GET.get("page"))
    by_kind: dict[str, list[int]] = {}
    for name, hit in page.object_list:
        by_kind.setdefault(name, []).append(hit.key)
    described = {name: describe(name, keys, request) for name, keys in by_kind.items()}
    results = [
        described[name][hit.key] for name, hit in page.object_list if hit.key in described.get(name, {})
    ]
    tabs = [
        {"kind": "", "label": _("All"), "count": sum(len(h) for h in hits.values()), "current": not kind},
        *(
            {"kind": name, "label": label, "count": len(hits.get(name, ())), "current": kind == name}
            for name, label in KINDS.items()
        ),
    ]
    return render(
        request,
        "portal/search.html",
        {"query": text, "kind": kind, "tabs": tabs, "page_obj": page, "results": results},
    )
