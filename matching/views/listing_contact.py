"""Contacting an institution from its own page or a course's: a unit member picks one of the unit's
demands, or writes a short request that becomes a private draft demand, and the existing inquiry flow
(`open_inquiry`) takes it from there. Institution staff and the office are told why they cannot."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalog.models import Course, Institution
from matching.choices import DemandStatus, Side, Visibility
from matching.forms.alerts import ListingContactForm
from matching.models import Demand, DemandCategory, Inquiry, member_unit
from matching.services import negotiation
from matching.services.demands import save_demand
from matching.services.negotiation import NegotiationRefused
from matching.views.negotiation import inquiry_path


@login_required
def contact_from_listing(request: HttpRequest, institution: str) -> HttpResponse:
    chosen = get_object_or_404(Institution.objects.public(), external_id=institution)
    course = (
        Course.objects.public().filter(provider=chosen, external_id=request.GET.get("course", "")).first()
        if request.GET.get("course")
        else None
    )
    unit = member_unit(request.user)
    if unit is None:
        return render(
            request, "matching/listing_contact.html", {"institution": chosen, "course": course}, status=403
        )
    demands = Demand.objects.editable_by(request.user).exclude(status=DemandStatus.WITHDRAWN)
    initial = {}
    if course is not None:
        initial = {"title": course.name, "days": course.days}
    form = ListingContactForm(request.POST or None, demands=demands, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        demand = data["demand"]
        existing = demand and Inquiry.objects.filter(demand=demand, institution=chosen).first()
        if existing:
            messages.info(request, _("You are already in touch with this institution about that demand."))
            return redirect(inquiry_path(existing))
        try:
            with transaction.atomic():
                if demand is None:
                    demand = _short_request(request.user, unit, data, course)
                inquiry = negotiation.open_inquiry(
                    demand, chosen, by=request.user, text=data["text"], side=Side.UNIT
                )
        except NegotiationRefused as refused:
            error = refused.message
        else:
            messages.success(request, _("Your inquiry was sent to %(name)s.") % {"name": chosen.name})
            return redirect(inquiry_path(inquiry))
    context = {"institution": chosen, "course": course, "form": form, "error": error, "unit": unit}
    return render(request, "matching/listing_contact.html", context, status=400 if form.is_bound else 200)


def _short_request(user, unit, data: dict, course: Course | None) -> Demand:
    """A short request as a private draft demand of the unit, which it may complete and publish later."""
    demand = Demand(
        title=data["title"],
        topic=course.name if course is not None else "",
        content=data["text"],
        days=data["days"],
        group_size=data["group_size"],
        category=DemandCategory.PROFESSIONAL,
        visibility=Visibility.PRIVATE,
    )
    demand = save_demand(demand, unit=unit, by=user, relations={})
    if course is not None:
        demand.fields.set(course.fields.all())
    return demand
