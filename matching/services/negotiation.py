"""Online negotiation (网上洽谈): the typed verbs that open an inquiry, post messages and proposals and move
its status. Each runs in one transaction, locks the thread it changes, records who moved the status and
when, and notifies the other side's people in the site and by email (sent once the transaction commits)."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from catalog.models import Institution
from catalog.roles import staff_institution
from matching.choices import DemandStatus, InquiryStatus, Side
from matching.models import Demand, Inquiry, InquiryEvent, InquiryMessage, Proposal, member_unit
from matching.services.notify import notify

# The statuses a person sets with a button; "in discussion" follows the other side's first reply and
# "proposal" follows a proposal. The value says which sides may make the move, and from which statuses.
MANUAL_MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    InquiryStatus.AGREED: (frozenset({Side.UNIT}), frozenset({InquiryStatus.PROPOSAL})),
    InquiryStatus.DECLINED: (
        frozenset({Side.UNIT, Side.INSTITUTION}),
        frozenset(InquiryStatus) - InquiryStatus.closed(),
    ),
}

# Notification texts name the demand; a long title is clipped so the line fits its column.
TITLE_SHOWN = 60


class NegotiationRefused(Exception):
    """A step the rules do not allow; the message says why, in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# Who is who on a thread.


def side_of(user, inquiry: Inquiry) -> Side | None:
    """The side a person takes on a thread, or None for the office and everyone else (who may not act)."""
    unit = member_unit(user)
    if unit is not None and unit.pk == inquiry.demand.organizing_unit_id:
        return Side.UNIT
    institution = staff_institution(user)
    if institution is not None and institution.pk == inquiry.institution_id:
        return Side.INSTITUTION
    return None


def other_side(side: str) -> Side:
    return Side.INSTITUTION if side == Side.UNIT else Side.UNIT


def people_of(inquiry: Inquiry, side: str) -> QuerySet:
    """The people who speak for one side of a thread: the unit's confirmed members, or the institution's
    staff."""
    users = get_user_model().objects.filter(is_active=True)
    if side == Side.UNIT:
        return users.filter(
            unit_membership__unit_id=inquiry.demand.organizing_unit_id,
            unit_membership__confirmed_at__isnull=False,
        )
    return users.filter(institution_staff__institution_id=inquiry.institution_id)


def can_contact(user, demand: Demand) -> bool:
    """Whether a person may contact institutions about this demand: a confirmed member of the demand's
    unit, while the demand is not withdrawn."""
    unit = member_unit(user)
    return (
        unit is not None and unit.pk == demand.organizing_unit_id and demand.status != DemandStatus.WITHDRAWN
    )


def can_express_interest(user, demand: Demand) -> bool:
    """Whether a person may express their institution's interest in a demand: staff of an admitted
    institution, for a published demand they may see."""
    institution = staff_institution(user)
    return (
        institution is not None
        and institution.is_admitted
        and Demand.objects.visible_to(user).published().filter(pk=demand.pk).exists()
    )


def frozen_reason(inquiry: Inquiry):
    """Why a thread accepts no messages or proposals now, or None when it does."""
    if inquiry.is_closed:
        return _("This inquiry is closed and accepts no changes.")
    if not inquiry.institution.is_admitted:
        return _("The institution is suspended or withdrawn; the inquiry can only be declined.")
    if inquiry.demand.status == DemandStatus.WITHDRAWN:
        return _("The demand was withdrawn; the inquiry can only be declined.")
    return None


def allowed_moves(inquiry: Inquiry, side: str | None) -> list[str]:
    """The statuses this side may set with a button now."""
    if side is None or inquiry.is_closed:
        return []
    moves = [
        status
        for status, (sides, sources) in MANUAL_MOVES.items()
        if side in sides and inquiry.status in sources
    ]
    if frozen_reason(inquiry) is not None:
        moves = [status for status in moves if status == InquiryStatus.DECLINED]
    return moves


# The verbs.


def open_inquiry(
    demand: Demand, institution: Institution, *, by, text: str, side: str = Side.UNIT
) -> Inquiry:
    """Opens the thread between a demand and an institution with a first message, or returns the thread
    that already exists for the pair (its messages unchanged). Only admitted institutions are contacted."""
    _require_opener(demand, institution, by, side)
    if not text.strip():
        raise NegotiationRefused(_("Write a message."))
    with transaction.atomic():
        # Two people of the unit clicking at once: the demand's row lock lets one create the thread.
        Demand.objects.select_for_update().filter(pk=demand.pk).first()
        existing = Inquiry.objects.filter(demand=demand, institution=institution).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                inquiry = Inquiry.objects.create(
                    demand=demand, institution=institution, opened_by=by, opened_from=side
                )
        except IntegrityError:
            return Inquiry.objects.get(demand=demand, institution=institution)
        _record_move(inquiry, "", InquiryStatus.OPEN, by)
        InquiryMessage.objects.create(inquiry=inquiry, author=by, side=side, text=text)
        title = _title(inquiry)
        if side == Side.UNIT:
            unit = demand.organizing_unit.name
            _notify(
                inquiry,
                Side.INSTITUTION,
                by,
                text_zh=f"{unit}就培训需求「{title}」联系了贵机构",
                text_en=f"{unit} contacted your institution about the training demand “{title}”",
            )
        else:
            _notify(
                inquiry,
                Side.UNIT,
                by,
                text_zh=f"{_party_zh(inquiry, side)}对贵单位的培训需求「{title}」表示了兴趣",
                text_en=f"{_party_en(inquiry, side)} is interested in your training demand “{title}”",
            )
    return inquiry


def express_interest(demand: Demand, institution: Institution, *, by, text: str) -> Inquiry:
    """Reverse matching: institution staff open a thread on a demand they found, from their side."""
    return open_inquiry(demand, institution, by=by, text=text, side=Side.INSTITUTION)


def post_message(inquiry: Inquiry, *, by, text: str) -> InquiryMessage:
    """A message from either side. The first reply from the side that did not open the thread moves it
    from open to in discussion."""
    with transaction.atomic():
        inquiry = _lock(inquiry)
        side = _acting_side(inquiry, by)
        _require_unfrozen(inquiry)
        if not text.strip():
            raise NegotiationRefused(_("Write a message."))
        message = InquiryMessage.objects.create(inquiry=inquiry, author=by, side=side, text=text)
        first_reply = inquiry.status == InquiryStatus.OPEN and side != inquiry.opened_from
        _written(
            inquiry,
            side,
            by,
            InquiryStatus.DISCUSSION if first_reply else None,
            text_zh=f"{_party_zh(inquiry, side)}在「{_title(inquiry)}」的洽谈中发来新消息",
            text_en=f"New message from {_party_en(inquiry, side)} on “{_title(inquiry)}”",
        )
    return message


def _written(inquiry: Inquiry, side: str, by, status: str | None, *, text_zh: str, text_en: str) -> None:
    """What follows a message or a proposal from `side`: the thread moves to `status` (when given and not
    there already) or is only marked as changed, and the other side is notified."""
    if status is not None and inquiry.status != status:
        _set_status(inquiry, status, by)
    else:
        inquiry.save(update_fields=["updated_at"])
    _notify(inquiry, other_side(side), by, text_zh=text_zh, text_en=text_en)


@dataclass(frozen=True)
class ProposalTerms:
    """What a proposal states (the proposal form's cleaned data)."""

    outline: str
    start_date: datetime.date
    end_date: datetime.date
    cities: str
    price_per_person: Decimal
    currency: str
    language: str


def propose(inquiry: Inquiry, *, by, **terms) -> Proposal:
    """A programme proposal from either side: outline, dates, cities, price per person and language.
    The thread moves to proposal."""
    terms = ProposalTerms(**terms)
    with transaction.atomic():
        inquiry = _lock(inquiry)
        side = _acting_side(inquiry, by)
        _require_unfrozen(inquiry)
        if terms.end_date <= terms.start_date:
            raise NegotiationRefused(_("The programme must end after it starts."))
        if terms.price_per_person <= 0:
            raise NegotiationRefused(_("The price per person must be more than zero."))
        proposal = Proposal.objects.create(inquiry=inquiry, author=by, side=side, **asdict(terms))
        _written(
            inquiry,
            side,
            by,
            InquiryStatus.PROPOSAL,
            text_zh=f"{_party_zh(inquiry, side)}就「{_title(inquiry)}」提交了培训方案",
            text_en=f"{_party_en(inquiry, side)} sent a programme proposal on “{_title(inquiry)}”",
        )
    return proposal


def move_status(inquiry: Inquiry, to: str, *, by) -> Inquiry:
    """A status set by a button: the unit marks a proposal agreed (合作意向); either side declines.
    A closed thread accepts no changes."""
    with transaction.atomic():
        inquiry = _lock(inquiry)
        side = _acting_side(inquiry, by)
        if inquiry.is_closed:
            raise NegotiationRefused(_("This inquiry is closed and accepts no changes."))
        if to not in MANUAL_MOVES:
            raise NegotiationRefused(
                _("This status follows from the conversation: a reply or a proposal moves the inquiry there.")
            )
        if to not in allowed_moves(inquiry, side):
            raise NegotiationRefused(
                _("The inquiry cannot move from “%(current)s” to “%(to)s” by your side.")
                % {"current": inquiry.get_status_display(), "to": InquiryStatus(to).label}
            )
        _set_status(inquiry, to, by)
        party_zh, party_en, title = _party_zh(inquiry, side), _party_en(inquiry, side), _title(inquiry)
        if to == InquiryStatus.AGREED:
            text_zh = f"{party_zh}就「{title}」与贵机构达成合作意向"
            text_en = f"{party_en} agreed to cooperate with your institution on “{title}” (合作意向)"
        else:
            text_zh = f"{party_zh}婉拒了「{title}」的洽谈"
            text_en = f"{party_en} declined the inquiry on “{title}”"
        _notify(inquiry, other_side(side), by, text_zh=text_zh, text_en=text_en)
    return inquiry


# Inside the verbs.


def _require_opener(demand: Demand, institution: Institution, by, side: str) -> None:
    if not institution.is_admitted or not institution.live:
        raise NegotiationRefused(_("Only admitted institutions can be contacted."))
    if side == Side.UNIT:
        if not can_contact(by, demand):
            raise NegotiationRefused(
                _("Only members of the demand's organizing unit can contact institutions.")
            )
    elif side == Side.INSTITUTION:
        if staff_institution(by) != institution or not can_express_interest(by, demand):
            raise NegotiationRefused(
                _("Only the institution's staff can express interest in a published demand.")
            )
    else:
        raise ValueError(side)


def _lock(inquiry: Inquiry) -> Inquiry:
    """The thread, re-read under a row lock so two requests cannot both move it."""
    return (
        Inquiry.objects.select_for_update()
        .select_related("demand__organizing_unit", "institution")
        .get(pk=inquiry.pk)
    )


def _acting_side(inquiry: Inquiry, by) -> Side:
    side = side_of(by, inquiry)
    if side is None:
        raise NegotiationRefused(_("Only the organizing unit and the institution can change this inquiry."))
    return side


def _require_unfrozen(inquiry: Inquiry) -> None:
    reason = frozen_reason(inquiry)
    if reason is not None:
        raise NegotiationRefused(reason)


def _set_status(inquiry: Inquiry, to: str, by) -> None:
    _record_move(inquiry, inquiry.status, to, by)
    inquiry.status = to
    inquiry.save(update_fields=["status", "updated_at"])


def _record_move(inquiry: Inquiry, from_status: str, to: str, by) -> None:
    InquiryEvent.objects.create(inquiry=inquiry, actor=by, from_status=from_status, to_status=to)


def _notify(inquiry: Inquiry, side: str, by, *, text_zh: str, text_en: str) -> None:
    url = inquiry_url(inquiry)
    for person in people_of(inquiry, side).exclude(pk=getattr(by, "pk", None)):
        notify(person, text_zh=text_zh[:255], text_en=text_en[:255], url=url)


def inquiry_url(inquiry: Inquiry) -> str:
    """The thread's address in the default language; the notifications page shows it in the reader's."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("matching:inquiry-detail", args=[inquiry.pk])


def _title(inquiry: Inquiry) -> str:
    title = inquiry.demand.title
    return title if len(title) <= TITLE_SHOWN else f"{title[: TITLE_SHOWN - 1]}…"


def _party_zh(inquiry: Inquiry, side: str) -> str:
    if side == Side.UNIT:
        return inquiry.demand.organizing_unit.name
    return inquiry.institution.name_zh or inquiry.institution.name_en


def _party_en(inquiry: Inquiry, side: str) -> str:
    if side == Side.UNIT:
        return inquiry.demand.organizing_unit.name
    return inquiry.institution.name_en or inquiry.institution.name_zh
