"""Pages of online negotiation: contacting an institution from a demand's matches, an inquiry's thread with
its forms and buttons, a person's inquiries, their notifications, and reverse matching for institution
staff (the demands that fit their institution, each with an "express interest" form)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from catalog.models import Institution
from catalog.roles import is_office, staff_institution
from matching.choices import InquiryStatus, Side
from matching.exchange import DemandType, read_demand
from matching.forms.negotiation import (
    ContactForm,
    InquiryFilter,
    InterestForm,
    MessageForm,
    ProposalForm,
    StatusForm,
    teaching_language_label,
)
from matching.models import Demand, Inquiry, Notification, member_unit
from matching.presenters import signal_bars
from matching.services import negotiation as services
from matching.services.negotiation import NegotiationRefused
from matching.services.notify import in_language
from search.reverse import DemandFit, add_reasons, score_demands

NOTIFICATIONS_PER_PAGE = 30
DEMANDS_PER_PAGE = 20


# Context for the demand's page (its view belongs to the demand board).


def negotiation_context(demand: Demand, user) -> dict[str, Any]:
    """What a demand's page passes to `includes/match_list.html` and
    `matching/includes/demand_inquiries.html`: whether the viewer may contact the matched institutions,
    the threads already open by institution, the demand's threads the viewer may see, and whether the
    viewer's institution may express interest."""
    threads = list(Inquiry.objects.visible_to(user).filter(demand=demand).order_by("-updated_at"))
    own = staff_institution(user)
    return {
        "can_contact": services.can_contact(user, demand),
        "inquiry_by_institution": {thread.institution.external_id: thread for thread in threads},
        "demand_inquiries": threads,
        "can_express_interest": (
            own is not None
            and not any(thread.institution_id == own.pk for thread in threads)
            and services.can_express_interest(user, demand)
        ),
    }


# An inquiry's thread.


@dataclass
class Entry:
    """One line of a thread's history: a message, a proposal or a change of status, with who and when."""

    kind: str
    at: datetime.datetime
    who: str
    party: str
    side: str
    item: Any
    language: str = ""


def person_name(user) -> str:
    """A person's name as the other side sees it; never their email address."""
    if user is None:
        return ""
    name = user.get_full_name() or user.get_username()
    return name.split("@", 1)[0]


def history(inquiry: Inquiry) -> list[Entry]:
    """Messages, proposals and status changes in the order they happened."""
    parties = {Side.UNIT: inquiry.demand.organizing_unit.name, Side.INSTITUTION: inquiry.institution.name}
    sides: dict[int, str] = {}

    def side_of_actor(user) -> str:
        if user is None:
            return ""
        if user.pk not in sides:
            sides[user.pk] = services.side_of(user, inquiry) or ""
        return sides[user.pk]

    entries = [
        Entry("message", m.created_at, person_name(m.author), parties[m.side], m.side, m)
        for m in inquiry.messages.select_related("author")
    ]
    entries += [
        Entry(
            "proposal",
            p.created_at,
            person_name(p.author),
            parties[p.side],
            p.side,
            p,
            language=teaching_language_label(p.language),
        )
        for p in inquiry.proposals.select_related("author")
    ]
    for event in inquiry.events.select_related("actor"):
        side = side_of_actor(event.actor)
        entries.append(Entry("event", event.at, person_name(event.actor), parties.get(side, ""), side, event))
    # Should two share a moment: the opening first, then what was said, then the status it caused.
    entries.sort(key=lambda entry: (entry.at, _rank_at_same_moment(entry)))
    return entries


def _rank_at_same_moment(entry: Entry) -> int:
    if entry.kind != "event":
        return 1
    return 0 if not entry.item.from_status else 2


def _visible_inquiry(request: HttpRequest, pk: int) -> Inquiry:
    return get_object_or_404(Inquiry.objects.visible_to(request.user), pk=pk)


def _render_thread(
    request: HttpRequest,
    inquiry: Inquiry,
    *,
    message_form: MessageForm | None = None,
    proposal_form: ProposalForm | None = None,
    error=None,
    status: int = 200,
) -> HttpResponse:
    side = services.side_of(request.user, inquiry)
    moves = services.allowed_moves(inquiry, side)
    context = {
        "inquiry": inquiry,
        "demand": inquiry.demand,
        "institution": inquiry.institution,
        "history": history(inquiry),
        "side": side,
        "can_act": side is not None,
        "frozen": services.frozen_reason(inquiry),
        "moves": [(status_, InquiryStatus(status_).label) for status_ in moves],
        "latest_proposal": inquiry.proposals.order_by("-created_at", "-pk").first(),
        "demand_visible": Demand.objects.visible_to(request.user).filter(pk=inquiry.demand_id).exists(),
        "message_form": message_form or MessageForm(),
        "proposal_form": proposal_form or ProposalForm(),
        "error": error,
    }
    if context["latest_proposal"] is not None:
        context["latest_proposal_language"] = teaching_language_label(context["latest_proposal"].language)
    return render(request, "matching/inquiry_detail.html", context, status=status)


@login_required
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _visible_inquiry(request, pk)
    # Reading the thread reads the notifications about it.
    Notification.objects.filter(user=request.user, url=services.inquiry_url(inquiry)).unread().update(
        read_at=timezone.now()
    )
    return _render_thread(request, inquiry)


def _acting(request: HttpRequest, pk: int) -> Inquiry:
    """The thread, for one of its two sides; the office reads but does not act."""
    inquiry = _visible_inquiry(request, pk)
    if services.side_of(request.user, inquiry) is None:
        raise PermissionDenied
    return inquiry


@login_required
@require_POST
def inquiry_reply(request: HttpRequest, pk: int) -> HttpResponse:
    def reply(inquiry, data):
        services.post_message(inquiry, by=request.user, text=data["text"])

    return _written_in_thread(request, pk, "message_form", MessageForm, reply, _("Your message was sent."))


@login_required
@require_POST
def inquiry_propose(request: HttpRequest, pk: int) -> HttpResponse:
    def propose(inquiry, data):
        services.propose(inquiry, by=request.user, **data)

    return _written_in_thread(
        request, pk, "proposal_form", ProposalForm, propose, _("Your proposal was sent.")
    )


def _written_in_thread(
    request: HttpRequest, pk: int, name: str, form_class, write, done: str
) -> HttpResponse:
    """A message or a proposal posted in a thread: the thread again with the form (`name` in its context)
    and what was wrong, or the thread at its latest entry."""
    inquiry = _acting(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_thread(request, inquiry, **{name: form}, status=400)
    try:
        write(inquiry, form.cleaned_data)
    except NegotiationRefused as refused:
        return _render_thread(request, inquiry, **{name: form}, error=refused.message, status=409)
    messages.success(request, done)
    return redirect(f"{inquiry_path(inquiry)}#latest")


@login_required
@require_POST
def inquiry_status(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _acting(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_thread(request, inquiry, error=form.errors.get("to"), status=400)
    try:
        inquiry = services.move_status(inquiry, form.cleaned_data["to"], by=request.user)
    except NegotiationRefused as refused:
        return _render_thread(request, inquiry, error=refused.message, status=409)
    messages.success(
        request, _("The inquiry is now “%(status)s”.") % {"status": inquiry.get_status_display()}
    )
    return redirect(f"{inquiry_path(inquiry)}#latest")


def inquiry_path(inquiry: Inquiry) -> str:
    return reverse("matching:inquiry-detail", args=[inquiry.pk])


# A person's inquiries.


class InquiryListView(LoginRequiredMixin, FilterView):
    """The threads of the person's unit or institution (every thread for the office), newest first."""

    filterset_class = InquiryFilter
    template_name = "matching/inquiry_list.html"
    paginate_by = 20

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            is_office(user) or member_unit(user) is not None or staff_institution(user) is not None
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Inquiry.objects.visible_to(self.request.user).order_by("-updated_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["viewer_unit"] = member_unit(user)
        context["viewer_institution"] = staff_institution(user)
        return context


# Opening a thread: the unit from a demand's matches, institution staff from reverse matching.


def _open_thread(
    request: HttpRequest,
    demand: Demand,
    institution: Institution,
    form_class: type[forms.Form],
    mode: str,
    *,
    opening: Callable[[str], Inquiry],
    sent: str,
) -> HttpResponse:
    """The page that opens the thread between a demand and an institution, or the thread they already
    have. Posted and valid, `opening(text)` opens it and the reader is taken to it; a refusal is said on
    the page."""
    existing = Inquiry.objects.filter(demand=demand, institution=institution).first()
    if existing is not None:
        return redirect(inquiry_path(existing))
    form = form_class(request.POST or None)
    error = None
    if form.is_valid():
        try:
            inquiry = opening(form.cleaned_data["text"])
        except NegotiationRefused as refused:
            error = refused.message
        else:
            messages.success(request, sent)
            return redirect(inquiry_path(inquiry))
    context = {"demand": demand, "institution": institution, "form": form, "error": error, "mode": mode}
    return render(request, "matching/inquiry_contact.html", context, status=400 if form.is_bound else 200)


@login_required
def contact_institution(request: HttpRequest, external_id: str, institution: str) -> HttpResponse:
    """A unit member contacts a matched institution about the demand (or is taken to the existing thread)."""
    demand = get_object_or_404(Demand.objects.visible_to(request.user), external_id=external_id)
    if not services.can_contact(request.user, demand):
        raise PermissionDenied
    chosen = get_object_or_404(Institution.objects.public(), external_id=institution)
    return _open_thread(
        request,
        demand,
        chosen,
        ContactForm,
        "contact",
        opening=lambda text: services.open_inquiry(
            demand, chosen, by=request.user, text=text, side=Side.UNIT
        ),
        sent=_("Your inquiry was sent to %(name)s.") % {"name": chosen.name},
    )


@login_required
def express_interest(request: HttpRequest, external_id: str) -> HttpResponse:
    """Institution staff tell a unit their institution is interested in its demand."""
    institution = staff_institution(request.user)
    if institution is None:
        raise PermissionDenied
    demand = get_object_or_404(Demand.objects.visible_to(request.user).published(), external_id=external_id)
    return _open_thread(
        request,
        demand,
        institution,
        InterestForm,
        "interest",
        opening=lambda text: services.express_interest(demand, institution, by=request.user, text=text),
        sent=_("The organizing unit has been told of your interest."),
    )


# Reverse matching.


@dataclass
class ShownFit:
    fit: DemandFit
    demand: Demand
    inquiry: Inquiry | None
    bars: list[dict]


@login_required
def reverse_matches(request: HttpRequest) -> HttpResponse:
    """The visible, published demands that fit the staff member's institution, best first, a page at a time;
    only the demands on the page are given their reasons."""
    institution = staff_institution(request.user)
    if institution is None:
        raise PermissionDenied
    demands = Demand.objects.visible_to(request.user).published()
    records = [read_demand(record) for record in DemandType().existing(demands).values()]
    fits = score_demands(records, institution.external_id)
    page = Paginator(fits, DEMANDS_PER_PAGE).get_page(request.GET.get("page"))
    page_fits = add_reasons(page.object_list, language=get_language())
    shown_demands = demands.select_related("organizing_unit").in_bulk(
        [fit.demand for fit in page_fits], field_name="external_id"
    )
    threads = {
        thread.demand_id: thread
        for thread in Inquiry.objects.filter(institution=institution, demand__in=shown_demands.values())
    }
    # Bars are drawn against the best fit of all pages, so they compare across pages.
    best = max((fit.score for fit in fits), default=0) or 1
    shown = [
        ShownFit(
            fit=fit,
            demand=shown_demands[fit.demand],
            inquiry=threads.get(shown_demands[fit.demand].pk),
            bars=signal_bars(fit.signals, best),
        )
        for fit in page_fits
        if fit.demand in shown_demands
    ]
    context = {
        "institution": institution,
        "fits": shown,
        "page_obj": page,
        "paginator": page.paginator,
        "interest_form": InterestForm(),
        "can_express": institution.is_admitted,
    }
    return render(request, "matching/reverse_matches.html", context)


# Notifications.


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """A person's notifications in their language, newest first, each linking to its page. Showing them
    marks them read; the ones new on this visit stay highlighted."""
    page = Paginator(Notification.objects.filter(user=request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    language = get_language()
    items = [
        {
            "text": n.text_zh if language.startswith("zh") else n.text_en,
            "url": in_language(n.url, language),
            "at": n.created_at,
            "new": n.read_at is None,
        }
        for n in page.object_list
    ]
    Notification.objects.filter(user=request.user, pk__in=[n.pk for n in page.object_list]).unread().update(
        read_at=timezone.now()
    )
    return render(request, "matching/notifications.html", {"items": items, "page_obj": page})
