"""Expert review: a unit member invites an expert by email; the expert follows the link, signs in or signs
up, and signs the opinion. The token in the link is what lets the expert read the demand, even a draft.
The unit may cancel an invitation nobody has signed; its link then says so and cannot be signed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching.forms.demands import InviteExpertForm, SignReviewForm
from matching.forms.experts import ExpertFilter
from matching.models import Expert, ExpertReview
from matching.services.demands import ReviewRefused, cancel_review_invitation, invite_expert, sign_review
from matching.views.demands import editable_demand

POOL_PER_PAGE = 10


@login_required
def review_invite(request: HttpRequest, external_id: str) -> HttpResponse:
    """Invite an expert of the pool, chosen by field (the demand's first field unless another is asked
    for), or any address, which then joins the pool."""
    demand = editable_demand(request.user, external_id)
    form = InviteExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = invite_expert(demand, form.cleaned_data["email"], request.user)
        messages.success(request, _("An invitation was sent to %(email)s.") % {"email": review.email})
        return redirect(reverse("matching:demand-detail", args=[demand.external_id]) + "#reviews")
    wanted = request.GET.copy()
    if "field" not in wanted and (first := demand.fields.order_by("code").first()):
        wanted["field"] = first.code
    pool = ExpertFilter(wanted, queryset=Expert.objects.active().prefetch_related("fields"))
    del pool.filters["status"]  # a unit sees active experts only
    return render(
        request,
        "matching/review_invite.html",
        {
            "demand": demand,
            "form": form,
            "reviews": demand.reviews.not_cancelled(),
            "pool": pool,
            "page_obj": Paginator(pool.qs, POOL_PER_PAGE).get_page(request.GET.get("page")),
        },
    )


@require_POST
@login_required
def review_cancel(request: HttpRequest, external_id: str, pk: int) -> HttpResponse:
    """A member of the demand's unit (those who may invite) withdraws an invitation nobody has signed."""
    demand = editable_demand(request.user, external_id)
    review = get_object_or_404(demand.reviews, pk=pk)
    try:
        cancel_review_invitation(review, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("The invitation to %(email)s was cancelled.") % {"email": review.email})
    return redirect(reverse("matching:demand-detail", args=[demand.external_id]) + "#reviews")


def review_sign(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation. A wrong token is 404; a used one says so (to the signer: thank you), and
    so does a cancelled one."""
    review = get_object_or_404(ExpertReview.objects.select_related("demand__organizing_unit"), token=token)
    demand = review.demand
    if review.is_signed:
        signer = request.user.is_authenticated and review.expert_id == request.user.pk
        return render(
            request,
            "matching/review_used.html",
            {"review": review, "demand": demand, "signer": signer},
            status=200 if signer else 410,
        )
    if review.is_cancelled:
        return render(request, "matching/review_used.html", {"review": review, "demand": demand}, status=410)
    if not request.user.is_authenticated:
        here = urlencode({"next": request.get_full_path()})
        return render(
            request,
            "matching/review_welcome.html",
            {
                "review": review,
                "demand": demand,
                "login_url": f"{reverse('account_login')}?{here}",
                "signup_url": f"{reverse('account_signup')}?{here}",
            },
        )
    initial = {"name": request.user.get_full_name()}
    form = SignReviewForm(request.POST or None, instance=review, initial=initial)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sign_review(
                review,
                expert=request.user,
                name=data["name"],
                affiliation=data["affiliation"],
                title=data["title"],
                opinion=data["opinion"],
            )
        except ReviewRefused as refused:
            refusal = refused.message
        else:
            messages.success(request, _("Thank you: your review opinion is signed."))
            return redirect("matching:review-sign", token=review.token)
    return render(
        request,
        "matching/review_sign.html",
        {"review": review, "demand": demand, "form": form, "refusal": refusal},
    )
