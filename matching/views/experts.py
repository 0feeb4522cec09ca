"""Pages of the expert pool: a unit invites an expert of the pool to review its demand; the office lists
the pool by field and status, adds and edits experts (retiring them) and reads each one's reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.roles import office_required
from matching.forms.experts import ExpertFilter, ExpertForm
from matching.models import Expert
from matching.services.demands import ReviewRefused
from matching.services.experts import invite_from_pool
from matching.views.demands import editable_demand

EXPERTS_PER_PAGE = 20


@require_POST
@login_required
def review_invite_pool(request: HttpRequest, external_id: str, pk: int) -> HttpResponse:
    """A member of the demand's unit invites an active expert of the pool."""
    demand = editable_demand(request.user, external_id)
    expert = get_object_or_404(Expert.objects.active(), pk=pk)
    try:
        invite_from_pool(demand, expert, request.user)
    except ReviewRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("An invitation was sent to %(name)s.") % {"name": expert})
    return redirect(reverse("matching:demand-detail", args=[demand.external_id]) + "#reviews")


@office_required
def office_experts(request: HttpRequest) -> HttpResponse:
    pool = ExpertFilter(request.GET, queryset=Expert.objects.prefetch_related("fields"))
    page = Paginator(pool.qs, EXPERTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/office_experts.html",
        {"filter": pool, "page_obj": page},
    )


@office_required
@require_http_methods(["GET", "POST"])
def office_expert_add(request: HttpRequest) -> HttpResponse:
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expert = form.save(commit=False)
        expert.added_by = request.user
        expert.save()
        form.save_m2m()
        messages.success(request, _("%(name)s joined the expert pool.") % {"name": expert})
        return redirect("matching:office-expert", pk=expert.pk)
    return render(request, "matching/office_expert.html", {"form": form, "expert": None})


@office_required
@require_http_methods(["GET", "POST"])
def office_expert(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(Expert, pk=pk)
    form = ExpertForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The expert's entry is saved."))
        return redirect("matching:office-expert", pk=expert.pk)
    reviews = Paginator(expert.reviews(), EXPERTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "matching/office_expert.html", {"form": form, "expert": expert, "page_obj": reviews}
    )
