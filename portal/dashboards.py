"""What needs a person now, by role: one section per role the person holds, each a plain dataclass the
dashboard template reads. A person may hold several roles (a unit member who is also an expert)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from wagtail.models import Page, TaskState, WorkflowState

from catalog.models import Institution
from catalog.roles import is_expert, is_office, staff_institution
from matching.choices import DemandStatus, InquiryStatus, ReportStatus, Side
from matching.models import (
    Alert,
    AlertHit,
    Demand,
    ExpertReview,
    Inquiry,
    InquiryMessage,
    OrganizingUnit,
    Report,
    UnitMembership,
)
from matching.models.planning import AnnualPlan, is_foreign_affairs
from matching.rules import ERROR, check
from matching.services.alerts import allowed_kinds, hit_texts, target_url
from matching.services.planning import acts_at, follow_ups_waiting, overdue_summaries
from matching.services.units import confirmable_memberships

SHOWN = 20  # items listed per box; the box says how many more there are
ALERT_HITS_SHOWN = 5  # the latest results of the person's alerts; the alerts page has them all


@dataclass
class DemandWithErrors:
    demand: Demand
    errors: list


@dataclass
class Moderation:
    """A page change waiting in the moderation workflow."""

    page: Page
    requested_by: Any
    since: Any
    edit_url: str


@dataclass
class UnitSection:
    unit: OrganizingUnit
    drafts: list[Demand]
    with_errors: list[DemandWithErrors]
    awaiting_reply: list[Inquiry]
    pending_colleagues: list[UnitMembership]
    published_count: int


@dataclass
class StaffSection:
    institution: Institution
    awaiting_reply: list[Inquiry]
    in_moderation: list[Moderation]
    edit_url: str


@dataclass
class OfficeSection:
    in_moderation: list[Moderation]
    pending_members: list[UnitMembership]


@dataclass
class PlanningSection:
    """The project library and annual plans: what waits for this person's review, what is overdue."""

    unit_member: bool
    office: bool
    waiting: list[AnnualPlan]
    overdue_count: int
    follow_ups: list = field(default_factory=list)  # the unit's outcome follow-ups asked for


@dataclass
class AlertsSection:
    """The person's alerts: how many, and the latest results of all of them."""

    alert_count: int
    latest: list[dict]


@dataclass
class Dashboard:
    waiting_membership: UnitMembership | None = None
    unit: UnitSection | None = None
    staff: StaffSection | None = None
    reviews: list[ExpertReview] | None = None
    office: OfficeSection | None = None
    planning: PlanningSection | None = None
    alerts: AlertsSection | None = None
    open_reports: int = 0

    @property
    def has_role(self) -> bool:
        return bool(self.unit or self.staff or self.reviews is not None or self.office or self.planning)


def dashboard_for(user) -> Dashboard:
    board = Dashboard()
    membership = UnitMembership.objects.filter(user=user).select_related("unit").first()
    if membership is not None and membership.confirmed_at is None:
        board.waiting_membership = membership
    elif membership is not None:
        board.unit = unit_section(user, membership.unit)
    institution = staff_institution(user)
    if institution is not None:
        board.staff = staff_section(institution)
    if is_expert(user) or _open_reviews(user).exists():
        board.reviews = list(_open_reviews(user).select_related("demand__organizing_unit")[:SHOWN])
    if is_office(user):
        board.office = office_section(user)
    board.planning = planning_section(user, board)
    board.alerts = alerts_section(user)
    if board.office:
        board.open_reports = Report.objects.filter(status=ReportStatus.OPEN).count()
    return board


def alerts_section(user) -> AlertsSection | None:
    """For those who may keep alerts or have some; None for everyone else."""
    count = Alert.objects.owned_by(user).count()
    if not count and not allowed_kinds(user):
        return None
    hits = AlertHit.objects.filter(alert__user=user).select_related(
        "alert", "institution", "course", "demand"
    )
    language = get_language() or ""
    latest = []
    for hit in hits[:ALERT_HITS_SHOWN]:
        text_zh, text_en = hit_texts(hit)
        latest.append(
            {"hit": hit, "url": target_url(hit), "text": text_zh if language.startswith("zh") else text_en}
        )
    return AlertsSection(alert_count=count, latest=latest)


def planning_section(user, board: Dashboard) -> PlanningSection | None:
    """For unit members, supervising departments and the two offices; None for everyone else."""
    office = is_office(user)
    if not (board.unit or office or is_foreign_affairs(user) or user.supervising_departments.exists()):
        return None
    reviewing = AnnualPlan.objects.visible_to(user).exclude(stage__in=["unit", "approved"])
    waiting = [plan for plan in reviewing[:100] if acts_at(user, plan)][:SHOWN]
    return PlanningSection(
        unit_member=board.unit is not None,
        office=office,
        waiting=waiting,
        overdue_count=overdue_summaries().count() if office else 0,
        follow_ups=list(follow_ups_waiting(board.unit.unit)[:SHOWN]) if board.unit else [],
    )


def unit_section(user, unit: OrganizingUnit) -> UnitSection:
    demands = Demand.objects.editable_by(user)
    with_errors = []
    for demand in demands.exclude(status=DemandStatus.WITHDRAWN).prefetch_related(
        "fields", "destinations", "institutions"
    )[:100]:
        errors = [finding for finding in check(demand.as_record()) if finding.severity == ERROR]
        if errors:
            with_errors.append(DemandWithErrors(demand, errors))
    unit_inquiries = Inquiry.objects.filter(demand__organizing_unit=unit)
    return UnitSection(
        unit=unit,
        drafts=list(demands.filter(status=DemandStatus.DRAFT).order_by("-updated_at")[:SHOWN]),
        with_errors=with_errors[:SHOWN],
        awaiting_reply=_awaiting_reply(unit_inquiries, from_side=Side.INSTITUTION),
        pending_colleagues=list(confirmable_memberships(user)[:SHOWN]),
        published_count=demands.filter(status=DemandStatus.PUBLISHED).count(),
    )


def staff_section(institution: Institution) -> StaffSection:
    subtree = Page.objects.descendant_of(institution, inclusive=True).values_list("pk", flat=True)
    states = WorkflowState.objects.active().filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in subtree],
    )
    return StaffSection(
        institution=institution,
        awaiting_reply=_awaiting_reply(
            Inquiry.objects.filter(institution=institution), from_side=Side.UNIT, new_threads=True
        ),
        in_moderation=_moderations(states),
        edit_url=_admin_url("wagtailadmin_pages:edit", institution.pk),
    )


def office_section(user) -> OfficeSection:
    task_states = TaskState.objects.reviewable_by(user).values_list("workflow_state_id", flat=True)
    states = WorkflowState.objects.filter(pk__in=list(task_states))
    return OfficeSection(
        in_moderation=_moderations(states),
        pending_members=list(confirmable_memberships(user)[:SHOWN]),
    )


def _open_reviews(user):
    """Reviews asked of any of this person's verified addresses, neither signed nor cancelled yet."""
    addressed = Q()
    for email in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True):
        addressed |= Q(email__iexact=email)
    if not addressed:
        return ExpertReview.objects.none()
    return ExpertReview.objects.open().filter(addressed).order_by("-invited_at")


def _awaiting_reply(inquiries, *, from_side: str, new_threads: bool = False) -> list[Inquiry]:
    """Open threads whose latest message came from the other side (or, for an institution, new threads
    nobody has answered yet)."""
    last = InquiryMessage.objects.filter(inquiry=OuterRef("pk")).order_by("-created_at", "-pk")
    threads = (
        inquiries.exclude(status__in=InquiryStatus.closed())
        .annotate(
            last_side=Subquery(last.values("side")[:1]), last_at=Subquery(last.values("created_at")[:1])
        )
        .select_related("demand", "institution")
        .order_by("-updated_at")
    )
    waiting = []
    for thread in threads:
        if thread.last_side == from_side or (new_threads and thread.last_side is None):
            waiting.append(thread)
        if len(waiting) == SHOWN:
            break
    return waiting


def _moderations(states) -> list[Moderation]:
    states = list(states.select_related("requested_by").order_by("-created_at")[:SHOWN])
    pages = Page.objects.filter(pk__in=[int(state.object_id) for state in states]).specific().in_bulk()
    return [
        Moderation(
            page=pages[int(state.object_id)],
            requested_by=state.requested_by,
            since=state.created_at,
            edit_url=_admin_url("wagtailadmin_pages:edit", int(state.object_id)),
        )
        for state in states
        if int(state.object_id) in pages
    ]


def _admin_url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
