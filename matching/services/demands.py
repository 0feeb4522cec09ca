"""The demand board's typed verbs: save a demand edited in the site, publish and withdraw it, invite an
expert, cancel the invitation and sign a review. Publishing and every save of a published demand re-check
the policy rules (`matching.rules.check`) on what is stored, in the same transaction, so no published
demand breaks them."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.roles import EXPERTS
from matching.choices import DemandStatus
from matching.models import Demand, ExpertReview, OrganizingUnit, member_unit
from matching.rules import ERROR, WARNING, Finding, check
from matching.services.experts import join_pool, record_signature
from matching.services.notify import email_someone, notify

# Notification texts name the demand; a long title is clipped so the line fits its column.
TITLE_SHOWN = 60


@dataclass(frozen=True)
class Blockers:
    """What stands between a demand and publishing: its errors and its warnings nobody justified."""

    errors: list[Finding]
    unjustified: list[Finding]

    def __bool__(self) -> bool:
        return bool(self.errors or self.unjustified)


def blockers(findings: Iterable[Finding], justifications: Mapping[str, str]) -> Blockers:
    """Errors block publishing; a warning blocks it until its rule has a written justification."""
    findings = list(findings)
    return Blockers(
        errors=[f for f in findings if f.severity == ERROR],
        unjustified=[
            f for f in findings if f.severity == WARNING and not str(justifications.get(f.rule, "")).strip()
        ],
    )


class PublishingRefused(Exception):
    """The policy checks refuse to publish (or keep published) a demand; `findings` are all of them."""

    def __init__(self, findings: list[Finding], blocked: Blockers):
        super().__init__(", ".join(f.rule for f in [*blocked.errors, *blocked.unjustified]))
        self.findings = findings
        self.blockers = blocked


class EditConflict(Exception):
    """The demand changed after the form being saved was opened; `version` is the one stored now."""

    def __init__(self, version: str):
        super().__init__(version)
        self.version = version


def new_external_id() -> str:
    """A fresh key for a demand created in the site: dm-<year>-<six random characters>."""
    year = timezone.localdate().year
    while True:
        candidate = f"dm-{year}-{secrets.token_hex(3)}"
        if not Demand.objects.filter(external_id=candidate).exists():
            return candidate


def save_demand(
    demand: Demand,
    *,
    unit: OrganizingUnit,
    by,
    relations: Mapping[str, Iterable],
    publish: bool = False,
    opened_version: str | None = None,
) -> Demand:
    """Saves a demand edited in the site with its planned fields, destinations and institutions. A new one
    gets its key, its unit and its author and starts as a draft. When it is to be published, or is
    published already, the rules are checked on what was stored and PublishingRefused undoes the save.
    When the form was opened on an older version than the one stored (`opened_version`), nothing is saved
    and EditConflict says so."""
    with transaction.atomic():
        if demand.pk is not None and opened_version is not None:
            stored = Demand.objects.select_for_update().get(pk=demand.pk)
            if stored.version != opened_version:
                raise EditConflict(stored.version)
        if demand.pk is None:
            demand.external_id = new_external_id()
            demand.organizing_unit = unit
            demand.created_by = by
            demand.status = DemandStatus.DRAFT
        demand.save()
        for name, objects in relations.items():
            getattr(demand, name).set(objects)
        if publish or demand.status == DemandStatus.PUBLISHED:
            publish_demand(demand, by)
    return demand


def publish_demand(demand: Demand, by) -> Demand:
    """Publishes a demand when the rules allow it (no error, every warning justified); keeps the first
    publication date when it is published again. Raises PublishingRefused with the findings otherwise."""
    with transaction.atomic():
        locked = Demand.objects.select_for_update().get(pk=demand.pk)
        findings = check(locked.as_record())
        blocked = blockers(findings, locked.justifications)
        if blocked:
            raise PublishingRefused(findings, blocked)
        if locked.status != DemandStatus.PUBLISHED:
            locked.status = DemandStatus.PUBLISHED
            locked.published_at = locked.published_at or timezone.now()
            locked.save(update_fields=["status", "published_at", "updated_at"])
    demand.status, demand.published_at = locked.status, locked.published_at
    return demand


def withdraw_demand(demand: Demand, by) -> Demand:
    """Takes a demand off the board; the unit may edit it and publish it again."""
    with transaction.atomic():
        locked = Demand.objects.select_for_update().get(pk=demand.pk)
        locked.status = DemandStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
    demand.status = locked.status
    return demand


# Expert review.


class ReviewRefused(Exception):
    """A review link that cannot be used (already signed, or cancelled); the message says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _clipped(title: str) -> str:
    return title if len(title) <= TITLE_SHOWN else f"{title[: TITLE_SHOWN - 1]}…"


def invite_expert(demand: Demand, email: str, by) -> ExpertReview:
    """Asks an expert by email to review a demand: the link carries a token only the email knows. An address
    new to the expert pool joins it."""
    with transaction.atomic():
        join_pool(email, by)
        review = ExpertReview.objects.create(demand=demand, email=email, invited_by=by)
        title = _clipped(demand.title)
        email_someone(
            email,
            text_zh=f"{demand.organizing_unit}邀请您为培训需求“{title}”出具专家评审意见",
            text_en=f"{demand.organizing_unit} asks for your expert review of the training demand “{title}”",
            url=reverse("matching:review-sign", kwargs={"token": review.token}),
        )
    return review


def cancel_review_invitation(review: ExpertReview, by) -> ExpertReview:
    """Withdraws an invitation nobody has signed (sent to a wrong address, say); its link then says it was
    cancelled. Cancelling a cancelled invitation changes nothing; a signed review stays."""
    with transaction.atomic():
        review = ExpertReview.objects.select_for_update().get(pk=review.pk)
        if review.is_signed:
            raise ValidationError(_("This review has been signed already; it cannot be cancelled."))
        if not review.is_cancelled:
            review.cancelled_at = timezone.now()
            review.save(update_fields=["cancelled_at"])
    return review


def sign_review(
    review: ExpertReview, *, expert, name: str, affiliation: str, title: str, opinion: str
) -> ExpertReview:
    """Signs an expert review: the opinion is stored on the review and written into the demand's
    `expert_review` (which satisfies the expert-review rule), the signer joins the experts, and the unit's
    members are notified. A review is signed once; a second attempt raises ReviewRefused."""
    with transaction.atomic():
        review = ExpertReview.objects.select_for_update().select_related("demand").get(pk=review.pk)
        if review.is_signed:
            raise ReviewRefused(_("This review has been signed already; the link cannot be used again."))
        if review.is_cancelled:
            raise ReviewRefused(_("The organizing unit cancelled this invitation; the link cannot be used."))
        if member_unit(expert) == review.demand.organizing_unit:
            raise ReviewRefused(_("An expert review must come from outside the organizing unit."))
        # Like a staff invitation, the link is for the person it was sent to: the signer owns that address.
        if not EmailAddress.objects.filter(user=expert, email__iexact=review.email, verified=True).exists():
            raise ReviewRefused(
                _("This invitation was sent to %(email)s. Sign in with that address to sign the review.")
                % {"email": review.email}
            )
        review.expert = expert
        review.name, review.affiliation, review.title, review.opinion = name, affiliation, title, opinion
        review.signed_at = timezone.now()
        review.save()
        record_signature(review)
        demand = Demand.objects.select_for_update().get(pk=review.demand_id)
        demand.expert_review = {
            "opinion": opinion,
            "expert": name,
            "affiliation": affiliation,
            "title": title,
        }
        demand.save(update_fields=["expert_review", "updated_at"])
        expert.groups.add(Group.objects.get_or_create(name=EXPERTS)[0])
        short = _clipped(demand.title)
        for member in demand.organizing_unit.members.filter(confirmed_at__isnull=False).select_related(
            "user"
        ):
            notify(
                member.user,
                text_zh=f"{name}已为培训需求“{short}”出具专家评审意见",
                text_en=f"{name} signed an expert review of “{short}”",
                url=reverse("matching:demand-detail", kwargs={"external_id": demand.external_id}),
            )
    return review
