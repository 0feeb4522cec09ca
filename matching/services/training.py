"""Training groups: opening one from an agreed inquiry, writing its log, and the two-way evaluation behind
the QR-code links, which becomes a catalogue evaluation (and so moves the institution's quality signal)."""

from __future__ import annotations

import datetime
import statistics
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.choices import EvaluationDirection
from catalog.models import Evaluation
from catalog.quality import GROUP_CRITERIA, INSTITUTION_CRITERIA
from matching.choices import InquiryStatus, Side
from matching.models import GroupEvaluation, Inquiry, LogEntry, TrainingGroup
from matching.services.negotiation import NegotiationRefused, side_of

# What each side rates, 1–5, name → label: the group rates the institution, the institution rates the group.
CRITERIA = {Side.UNIT: INSTITUTION_CRITERIA, Side.INSTITUTION: GROUP_CRITERIA}


class TrainingRefused(NegotiationRefused):
    """A step on a training group that its rules do not allow; the message is for the person."""


def can_open_group(user, inquiry: Inquiry) -> bool:
    return (
        inquiry.status == InquiryStatus.AGREED
        and side_of(user, inquiry) == Side.UNIT
        and not TrainingGroup.objects.filter(inquiry=inquiry).exists()
    )


def open_training_group(
    inquiry: Inquiry,
    *,
    by,
    start_date: datetime.date,
    end_date: datetime.date,
    cities: str,
    participants: int,
    leader_name: str,
) -> TrainingGroup:
    """The unit opens the group of an agreed inquiry; one group per inquiry."""
    if inquiry.status != InquiryStatus.AGREED:
        raise TrainingRefused(_("A training group can only be opened from an agreed inquiry."))
    if side_of(by, inquiry) != Side.UNIT:
        raise TrainingRefused(_("Only the organizing unit can open the training group."))
    if end_date < start_date:
        raise TrainingRefused(_("The group cannot end before it starts."))
    with transaction.atomic():
        Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if TrainingGroup.objects.filter(inquiry=inquiry).exists():
            raise TrainingRefused(_("This inquiry already has a training group."))
        return TrainingGroup.objects.create(
            inquiry=inquiry,
            start_date=start_date,
            end_date=end_date,
            cities=cities,
            participants=participants,
            leader_name=leader_name,
            created_by=by,
        )


def can_write_log(user, group: TrainingGroup) -> bool:
    return side_of(user, group.inquiry) is not None


def add_log_entry(
    group: TrainingGroup,
    *,
    by,
    date: datetime.date,
    place: str,
    content: str,
    hours: Decimal | float,
    notes: str = "",
) -> LogEntry:
    """The unit (its leader) writes the log; the institution may add to it too. The office only reads."""
    side = side_of(by, group.inquiry)
    if side is None:
        raise TrainingRefused(_("Only the organizing unit and the institution can write the training log."))
    if not group.start_date <= date <= group.end_date:
        raise TrainingRefused(
            _("A log entry must fall within the training, %(start)s to %(end)s.")
            % {"start": group.start_date.isoformat(), "end": group.end_date.isoformat()}
        )
    return LogEntry.objects.create(
        group=group, date=date, place=place, content=content, hours=hours, notes=notes, author=by, side=side
    )


def group_for_token(token: str) -> tuple[TrainingGroup, Side]:
    """The group and the evaluating side a link's token stands for; an unknown token is a 404."""
    group = TrainingGroup.objects.filter(Q(unit_token=token) | Q(institution_token=token)).first()
    if group is None or not token:
        raise Http404
    return group, Side.UNIT if group.unit_token == token else Side.INSTITUTION


def has_submitted(group: TrainingGroup, side: str) -> bool:
    return bool(group.unit_submitted_at if side == Side.UNIT else group.institution_submitted_at)


def evaluation_opens_on(group: TrainingGroup) -> datetime.date:
    """An evaluation link is accepted from the group's first day of training."""
    return group.start_date


def submit_evaluation(token: str, scores: dict[str, int], comment: str = "") -> Evaluation:
    """Records one side's evaluation once, as a catalogue evaluation of the group's institution, sealed
    until the other side has answered or the window closes; the second answer unseals both."""
    group, side = group_for_token(token)
    criteria = CRITERIA[side]
    if set(scores) != set(criteria) or any(not 1 <= int(scores[c]) <= 5 for c in criteria):
        raise TrainingRefused(_("Every criterion needs a score from 1 to 5."))
    if timezone.localdate() < evaluation_opens_on(group):
        raise TrainingRefused(
            _("The evaluation opens on the group's first day of training, %(date)s.")
            % {"date": evaluation_opens_on(group).isoformat()}
        )
    with transaction.atomic():
        group = TrainingGroup.objects.select_for_update().get(pk=group.pk)
        if has_submitted(group, side):
            raise TrainingRefused(_("This evaluation has already been submitted. Thank you."))
        clean = {c: int(scores[c]) for c in criteria}
        evaluation = Evaluation.objects.create(
            # The exchange format's key for it: written once, read by nobody here (the link below is).
            external_id=f"ev-{group.pk}-{side}",
            institution_id=group.inquiry.institution_id,
            direction=(
                EvaluationDirection.UNIT_TO_INSTITUTION
                if side == Side.UNIT
                else EvaluationDirection.INSTITUTION_TO_UNIT
            ),
            date=timezone.localdate(),
            overall=round(statistics.mean(clean.values()), 2),
            scores=clean,
            group_size=group.participants,
            days=group.days,
            comment=comment,
            sealed_until=group.sealed_until(),
        )
        GroupEvaluation.objects.create(group=group, evaluation=evaluation, side=side)
        if side == Side.UNIT:
            group.unit_submitted_at = timezone.now()
        else:
            group.institution_submitted_at = timezone.now()
        group.save(update_fields=["unit_submitted_at", "institution_submitted_at"])
        if not group.is_sealed():
            _unseal(Evaluation.objects.filter(group_evaluation__group=group))
            evaluation.refresh_from_db()
    return evaluation


def release_expired_evaluations(today: datetime.date | None = None) -> int:
    """Unseals the evaluations whose window has closed without the other side's answer; run daily
    (`manage.py release_evaluations`). Returns how many were unsealed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return _unseal(Evaluation.objects.filter(sealed_until__lt=today))


def _unseal(evaluations: QuerySet[Evaluation]) -> int:
    # One by one, so that each save reaches the quality record and the ranking's profile of its institution.
    released = 0
    for evaluation in evaluations.select_for_update().filter(sealed_until__isnull=False):
        evaluation.sealed_until = None
        evaluation.save(update_fields=["sealed_until"])
        released += 1
    return released


def visible_evaluations(group: TrainingGroup, user) -> dict[str, Evaluation | None]:
    """The evaluations a person may see on the group page: while sealed, only their own side's
    (nothing for the office); afterwards both."""
    both: dict[str, Evaluation | None] = {Side.UNIT: None, Side.INSTITUTION: None}
    for link in group.evaluations.select_related("evaluation"):
        both[link.side] = link.evaluation
    if not group.is_sealed():
        return both
    own = side_of(user, group.inquiry)
    return {side: (evaluation if side == own else None) for side, evaluation in both.items()}
