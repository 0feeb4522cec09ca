"""Expert review: a unit member invites an expert by email; the expert follows the link, signs in or signs
up, and signs the opinion. The token in the link is what lets the expert read the demand, even a draft."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from matching.forms import InviteExpertForm, SignReviewForm
from matching.models import ExpertReview
from matching.services.demands import ReviewRefused, invite_expert, sign_review
from matching.views.demands import editable_demand


@login_required
def review_invite(request: HttpRequest, external_id: str) -> HttpResponse:
    demand = editable_demand(request.user, external_id)
    form = InviteExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = invite_expert(demand, form.cleaned_data["email"], request.user)
        messages.success(request, _("An invitation was sent to %(email)s.") % {"email": review.email})
        return redirect(reverse("matching:demand-detail", args=[demand.external_id]) + "#reviews")
    return render(
        request,
        "matching/review_invite.html",
        {"demand": demand, "form": form, "reviews": demand.reviews.all()},
    )


def review_sign(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation. A wrong token is 404; a used one says so (to the signer: thank you)."""
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
