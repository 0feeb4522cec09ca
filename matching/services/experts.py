"""The expert pool's verbs: an invited address joins the pool, a unit invites from the pool, a signed
review fills in the expert's entry."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from matching.models import Demand, Expert, ExpertReview


def join_pool(email: str, by=None) -> Expert:
    """The pool's entry for an address, added (active, with no fields yet) if it has none."""
    found = Expert.objects.filter(email__iexact=email).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return Expert.objects.create(email=email, added_by=by)
    except IntegrityError:  # the same address added by a concurrent request
        return Expert.objects.get(email__iexact=email)


def invite_from_pool(demand: Demand, expert: Expert, by) -> ExpertReview:
    """A unit invites an active expert of the pool to review its demand, as it invites any address."""
    from matching.services.demands import ReviewRefused, invite_expert

    if not expert.is_active:
        raise ReviewRefused(_("This expert has retired from the pool; choose another."))
    return invite_expert(demand, expert.email, by)


def record_signature(review: ExpertReview) -> Expert:
    """A signed review fills in the pool's entry: the name, affiliation and title the expert signed with,
    and the account they signed from."""
    expert = join_pool(review.email)
    expert.name, expert.affiliation, expert.title = review.name, review.affiliation, review.title
    if (
        review.expert_id
        and not Expert.objects.filter(user_id=review.expert_id).exclude(pk=expert.pk).exists()
    ):
        expert.user_id = review.expert_id
    expert.save()
    return expert
