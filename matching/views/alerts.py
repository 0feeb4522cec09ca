"""Pages of saved searches and alerts: a person's alerts with their latest results, saving a search, a
demand or an institution's watch, editing, pausing and deleting one, and the unsubscribe link of the
alerts' emails, which works without signing in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog.roles import staff_institution
from matching.choices import AlertKind, Frequency
from matching.forms.alerts import AlertForm
from matching.models import Alert, Demand
from matching.services import alerts as services
from matching.services.alerts import AlertRefused

ALERTS_PER_PAGE = 20
HITS_SHOWN = 5
NAME_SHOWN = 80


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """The person's alerts, newest first, each with its latest results; what may be saved, and from where."""
    alerts = (
        Alert.objects.owned_by(request.user)
        .select_related("demand", "institution")
        .annotate(hit_count=Count("hits"), unsent=Count("hits", filter=Q(hits__emailed_at__isnull=True)))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(alerts, ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    for alert in page.object_list:
        alert.latest = [
            {"hit": hit, "url": services.target_url(hit), "text": _text(hit, request)}
            for hit in alert.hits.select_related("institution", "course", "demand")[:HITS_SHOWN]
        ]
    kinds = services.allowed_kinds(request.user)
    context = {
        "page_obj": page,
        "alerts": page.object_list,
        "can_search": AlertKind.SEARCH in kinds,
        "can_watch": AlertKind.INSTITUTION in kinds,
    }
    return render(request, "matching/alert_list.html", context)


def _text(hit, request) -> str:
    text_zh, text_en = services.hit_texts(hit)
    return text_zh if request.LANGUAGE_CODE.startswith("zh") else text_en


def _default_name(kind: str, *, query: str = "", demand: Demand | None = None, user=None) -> str:
    if kind == AlertKind.DEMAND and demand is not None:
        return demand.title[:NAME_SHOWN]
    if kind == AlertKind.INSTITUTION:
        institution = staff_institution(user)
        return (_("New demands for %(name)s") % {"name": institution.name})[:NAME_SHOWN]
    text = QueryDict(query).get("text", "").strip() or " ".join(QueryDict(query).getlist("fields"))
    return text[:NAME_SHOWN] or _("My search")


@login_required
def alert_create(request: HttpRequest) -> HttpResponse:
    """Saves the search, demand or watch named in the address (`?search=<find page query>`,
    `?demand=<external id>`, `?kind=institution`); a person who may keep no alert is told why."""
    # The form posts to its own address, which names what is saved; a posted field names it as well.
    posted = request.method == "POST" and any(key in request.POST for key in ("search", "demand", "kind"))
    source = request.POST if posted else request.GET
    kinds = services.allowed_kinds(request.user)
    query, demand = "", None
    if "demand" in source:
        kind = AlertKind.DEMAND
        demand = Demand.objects.editable_by(request.user).filter(external_id=source.get("demand", "")).first()
        if demand is None:
            raise PermissionDenied
    elif "search" in source:
        kind, query = AlertKind.SEARCH, _clean_query(source.get("search", ""))
    elif source.get("kind") == AlertKind.INSTITUTION or AlertKind.INSTITUTION in kinds:
        kind = AlertKind.INSTITUTION
    else:
        kind = AlertKind.SEARCH
    if kind not in kinds:
        return render(request, "matching/alert_refused.html", {"kind": kind}, status=403)
    record = services.search_record(query) if kind == AlertKind.SEARCH else None
    if kind == AlertKind.SEARCH and record is None:
        messages.info(request, _("Run a search first, then save it from its results."))
        return redirect("matching:find-institutions")
    initial = {"name": _default_name(kind, query=query, demand=demand, user=request.user)}
    form = AlertForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_alert(request.user, kind=kind, query=query, demand=demand, **form.cleaned_data)
        except AlertRefused as refused:
            error = refused.message
        else:
            messages.success(request, _("Your alert was saved."))
            return redirect("matching:alert-list")
    context = {
        "form": form,
        "kind": kind,
        "query": query,
        "demand": demand,
        "institution": staff_institution(request.user) if kind == AlertKind.INSTITUTION else None,
        "error": error,
    }
    return render(request, "matching/alert_form.html", context, status=400 if form.is_bound else 200)


def _clean_query(query: str) -> str:
    """Only the find page's own keys, in a stable order: the saved search is the page's address."""
    given = QueryDict(query[:20000])
    kept = QueryDict(mutable=True)
    for key in ("text", "fields", "destinations", "destinations_only", "days", "category"):
        values = [value for value in given.getlist(key) if value]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


def _own_alert(request: HttpRequest, pk: int) -> Alert:
    return get_object_or_404(Alert.objects.owned_by(request.user), pk=pk)


@login_required
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _own_alert(request, pk)
    form = AlertForm(request.POST or None, instance=alert, editing=True)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your alert was changed."))
        return redirect("matching:alert-list")
    hits = Paginator(alert.hits.select_related("institution", "course", "demand"), ALERTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = [{"hit": hit, "url": services.target_url(hit), "text": _text(hit, request)} for hit in hits]
    context = {"form": form, "alert": alert, "hits": shown, "page_obj": hits, "editing": True}
    return render(request, "matching/alert_form.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def alert_pause(request: HttpRequest, pk: int) -> HttpResponse:
    """Pauses an alert, or resumes a paused one."""
    alert = _own_alert(request, pk)
    alert.paused = not alert.paused
    alert.save(update_fields=["paused"])
    messages.success(request, _("The alert is paused.") if alert.paused else _("The alert is running again."))
    return redirect("matching:alert-list")


@login_required
def alert_delete(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _own_alert(request, pk)
    if request.method == "POST":
        alert.delete()
        messages.success(request, _("The alert was deleted."))
        return redirect("matching:alert-list")
    return render(request, "matching/alert_delete.html", {"alert": alert})


@csrf_exempt  # the signed token is the authority; mail programs' one-click POST carries no CSRF token
def alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every alert email, without signing in: the page unsubscribes with one button, and a mail
    program's one-click POST (RFC 8058, from the List-Unsubscribe header) does the same. Opening the link
    changes nothing, so that a mail scanner following links cannot unsubscribe anyone. Afterwards the page
    offers to subscribe again."""
    alert = services.alert_from_token(token)
    if alert is None:
        return render(request, "matching/alert_unsubscribe.html", {"invalid": True}, status=404)
    state = "asking"
    if request.method == "POST":
        frequency = request.POST.get("frequency")
        if request.POST.get("action") == "resubscribe" and frequency in RESUBSCRIBE:
            alert.frequency = frequency
            alert.save(update_fields=["frequency"])
            state = "resubscribed"
        else:
            services.unsubscribe(alert)
            state = "unsubscribed"
    context = {
        "alert": alert,
        "state": state,
        "frequencies": [(value, label) for value, label in Frequency.choices if value in RESUBSCRIBE],
        "manage_url": reverse("matching:alert-list"),
    }
    return render(request, "matching/alert_unsubscribe.html", context)


RESUBSCRIBE = (Frequency.IMMEDIATE, Frequency.DAILY, Frequency.WEEKLY)
