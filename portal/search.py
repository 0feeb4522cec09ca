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
from catalog.places import city_names
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


def _institution_parts(institution: Institution, request: HttpRequest) -> tuple[str, str, str, str]:
    """A result's title, address, the text of its snippet and what is said beside it, for an institution:
    where it is."""
    place = " · ".join(part for part in (str(institution.country), city_names(institution.city)) if part)
    return institution.name, institution.get_url(request), institution.description, place


def _course_parts(course: Course, request: HttpRequest) -> tuple[str, str, str, str]:
    """… for a course: who offers it."""
    provider = course.provider.name if course.provider else ""
    return course.name, course.get_url(request), course.summary, provider


def _outcome_parts(outcome: Outcome, request: HttpRequest) -> tuple[str, str, str, str]:
    """… for an outcome: the unit and the year."""
    origin = " · ".join(str(part) for part in (outcome.organizing_unit, outcome.year) if part)
    return outcome.name, outcome.get_url(request), outcome.summary, origin


def _demand_parts(demand: Demand, request: HttpRequest) -> tuple[str, str, str, str]:
    """… for a demand, in the reader's language: the organizing unit."""
    url = reverse("matching:demand-detail", args=[demand.external_id])
    text = pick_language(demand.topic or demand.content, demand.summary_en)
    return pick_language(demand.title, demand.title_en), url, text, str(demand.organizing_unit)


# Each kind's relation its result names, and the parts of its result.
RESULT_PARTS = {
    "institutions": ("country", _institution_parts),
    "courses": ("provider", _course_parts),
    "outcomes": ("country", _outcome_parts),
    "demands": ("organizing_unit", _demand_parts),
}


def describe(kind: str, keys: list[int], request: HttpRequest) -> dict[int, Result]:
    """The results of one kind for these keys, in the reader's language."""
    label = str(KINDS[kind])
    related, parts = RESULT_PARTS[kind]
    described: dict[int, Result] = {}
    for found_object in findable(kind, request.user).filter(pk__in=keys).select_related(related):
        title, url, text, meta = parts(found_object, request)
        described[found_object.pk] = Result(kind, label, title, url, _snippet(text), meta)
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
