"""The office decides on the synonyms the catalogue suggests for the field taxonomy, in the Wagtail admin:
a list of suggestions (pending first), each accepted or rejected with one button, and a button that asks the
task worker to compute them again. Only the office may see or decide (catalog.roles.office_required)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.numbers import positive_int
from catalog.roles import office_required
from catalog.tasks import enqueue_with_transaction
from catalog.views.admin import admin_header
from search.models import SuggestionStatus, SynonymSuggestion
from search.synonyms import decide
from search.tasks import suggest_synonyms

PER_PAGE = 50


def page_number(request: HttpRequest) -> int:
    return positive_int(request.GET.get("page") or request.POST.get("page"), 10**6) or 1


def _status(request: HttpRequest) -> str:
    status = request.GET.get("status") or request.POST.get("status") or SuggestionStatus.PENDING
    return status if status in SuggestionStatus.values else SuggestionStatus.PENDING


@office_required
def synonym_suggestions(request: HttpRequest) -> HttpResponse:
    """The suggestions of one status (pending by default), strongest first, fifty a page."""
    status = _status(request)
    suggestions = SynonymSuggestion.objects.filter(status=status).select_related("field", "decided_by")
    page = Paginator(suggestions.order_by("-score", "pk"), PER_PAGE).get_page(page_number(request))
    return TemplateResponse(
        request,
        "search/admin/synonym_suggestions.html",
        {
            **admin_header(_("Synonym suggestions"), "tag"),
            "page_obj": page,
            "status": status,
            "statuses": SuggestionStatus.choices,
            "counts": {
                value: SynonymSuggestion.objects.filter(status=value).count()
                for value in SuggestionStatus.values
            },
        },
    )


@office_required
@require_POST
def decide_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or reject one pending suggestion; back to the list where the decision was made."""
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        messages.error(request, _("Choose to accept or to reject the suggestion."))
    else:
        suggestion = decide(pk, accept=decision == "accept", by=request.user)
        if suggestion is None:
            messages.error(request, _("This suggestion has already been decided."))
        elif decision == "accept":
            messages.success(
                request,
                _("“%(term)s” is now a synonym of %(field)s.")
                % {"term": suggestion.term, "field": suggestion.field},
            )
        else:
            messages.success(request, _("“%(term)s” was rejected.") % {"term": suggestion.term})
    query = {"status": _status(request), "page": page_number(request)}
    return redirect(f"{reverse('synonym_suggestions')}?{urlencode(query)}")


@office_required
@require_POST
def compute_suggestions(request: HttpRequest) -> HttpResponse:
    """Queue the computation of the suggestions for the task worker."""
    enqueue_with_transaction(suggest_synonyms)
    messages.success(request, _("The suggestions are being computed again; reload this page in a minute."))
    return redirect("synonym_suggestions")
