"""The verbs of planning: checking an agreement and a project against the policy rules and the office's
entry conditions, keeping the library with its history, submitting an annual plan and reviewing it up the
chain, quotas, and closing a project after training. Each verb is one transaction."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.roles import OFFICE_REVIEWERS, is_office
from catalog.text import pick_language
from matching import exchange
from matching.choices import Classification, InquiryStatus, ItemStatus, PlanAction, Stage
from matching.models import Demand, Inquiry, OrganizingUnit, Proposal, UnitOutcome
from matching.models.planning import (
    FOREIGN_AFFAIRS,
    REVIEW_LEVELS,
    AnnualPlan,
    OutcomeFollowUp,
    PlanEvent,
    PlanItem,
    PlanningSettings,
    PlanYear,
    Project,
    ProjectChange,
    Quota,
    department_of,
    is_foreign_affairs,
    library_years,
)
from matching.rules import ERROR, Finding, check
from matching.services.notify import notify
from matching.services.outcomes import TEXT_FIELDS as OUTCOME_TEXTS
from matching.services.outcomes import can_revise, revise_outcome

CITY_SEPARATORS = re.compile(r"[,，、;；/]+")
# What a project is made of, in the form's order; the change history compares these.
PROJECT_FIELDS = [
    "title", "plan_year", "headcount", "participants", "days", "cities", "category", "content",
    "funding_source", "central_funds", "classification", "cross_regional", "agreement",
]  # fmt: skip
# Items of the application form a project may leave empty: values without them mean empty.
OPTIONAL_FIELDS = {"participants": "", "cross_regional": False, "agreement": ""}
PROJECT_LISTS = ["fields", "destinations", "institutions"]
OFFICE_SOURCE = "入库标准 (administering office)"


class PlanningRefused(Exception):
    """A step the rules or the chain do not allow; the message says why, in the reader's language."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.message = message
        self.findings = findings or []


# Findings: the policy rules on a record built from a project or an agreement, plus the office's own.


def _typed(raw: dict[str, Any]):
    """A record as `check()` and `rank()` take it: the exchange reader types it where that exists."""
    reader = getattr(exchange, "read_demand", None)
    return reader(raw) if reader else raw


def _raw(demand: Demand | None, unit_name: str, title: str) -> dict[str, Any]:
    if demand is not None:
        return exchange.DemandType().record_of(demand)
    return {"external_id": "project", "title": title, "organizing_unit": unit_name, "special_project": None}


def planned_record(values: dict[str, Any], demand: Demand | None, unit: OrganizingUnit):
    """The demand's record with the project's own terms (days, headcount, cities, destinations,
    institutions, fields, classification) in place of the demand's."""
    raw = _raw(demand, unit.name, values["title"])
    raw.update(
        title=values["title"],
        content=values.get("content", ""),
        days=values["days"],
        group_size=values["headcount"],
        cities=values["cities"],
        category=values["category"],
        destinations=[country.code for country in values["destinations"]],
        institutions=[institution.external_id for institution in values["institutions"]],
        fields=[field.code for field in values["fields"]] or raw.get("fields", []),
    )
    classification = values["classification"]
    if values["days"] >= 90:
        raw["backbone_plan"] = classification == Classification.BACKBONE_PLAN
    elif classification != Classification.SPECIAL_PROJECT:
        raw["special_project"] = None
    return _typed(raw)


def entry_findings(values: dict[str, Any], demand: Demand | None, unit: OrganizingUnit) -> list[Finding]:
    """The entry criteria (入库标准): the policy rules on the project's terms, the planned institutions'
    largest group, and the office's own conditions."""
    conditions = PlanningSettings.current()
    findings = check(planned_record(values, demand, unit))
    if demand is None:
        # A project without a demand states its classification by its own choice, not the demand's keys.
        findings = [f for f in findings if f.rule != "classification"]
    if not conditions.require_expert_review:
        findings = [f for f in findings if f.rule != "expert-review"]
    findings += _institution_size(values["headcount"], values["institutions"])
    if values["headcount"] > conditions.max_headcount:
        findings.append(
            _office_finding(
                "entry-headcount",
                "headcount",
                f"项目人数{values['headcount']}人，超过归口管理部门规定的{conditions.max_headcount}人。",
                f"The project has {values['headcount']} people; the office allows at most "
                f"{conditions.max_headcount}.",
            )
        )
    if values["days"] < conditions.min_days:
        findings.append(
            _office_finding(
                "entry-days",
                "days",
                f"项目天数{values['days']}天，少于归口管理部门规定的{conditions.min_days}天。",
                f"The project has {values['days']} days; the office asks for at least {conditions.min_days}.",
            )
        )
    return findings


def _institution_size(headcount: int, institutions) -> list[Finding]:
    return [
        _office_finding(
            "institution-group-size",
            "headcount",
            f"团组{headcount}人，超过{institution.name_zh or institution.name_en}"
            f"可接待的{institution.max_group_size}人。",
            f"The group has {headcount} people; {institution.name_en} takes at most "
            f"{institution.max_group_size}.",
        )
        for institution in institutions
        if institution.max_group_size and headcount > institution.max_group_size
    ]


def _office_finding(rule: str, key: str, zh: str, en: str) -> Finding:
    return Finding(rule, ERROR, zh, en, OFFICE_SOURCE, key)


def project_values(project: Project) -> dict[str, Any]:
    values = {name: getattr(project, name) for name in PROJECT_FIELDS}
    values["demand"] = project.demand
    values.update({name: list(getattr(project, name).all()) for name in PROJECT_LISTS})
    return values


def project_findings(project: Project) -> list[Finding]:
    return entry_findings(project_values(project), project.demand, project.unit)


def proposal_days(proposal: Proposal) -> int:
    return (proposal.end_date - proposal.start_date).days + 1


def proposal_cities(proposal: Proposal) -> int:
    return max(1, len([name for name in CITY_SEPARATORS.split(proposal.cities) if name.strip()]))


def demand_values(demand: Demand) -> dict[str, Any]:
    """A project's terms as the demand gives them."""
    if demand.backbone_plan:
        classification = Classification.BACKBONE_PLAN
    elif demand.special_project:
        classification = Classification.SPECIAL_PROJECT
    else:
        classification = Classification.NONE
    return {
        "title": demand.title,
        "plan_year": library_years()[0],
        "headcount": demand.group_size,
        "days": demand.days,
        "cities": demand.cities,
        "category": demand.category,
        "content": demand.content,
        "classification": classification,
        "fields": list(demand.fields.all()),
        "destinations": list(demand.destinations.all()),
        "institutions": list(demand.institutions.all()),
        "demand": demand,
    }


def agreement_values(inquiry: Inquiry, proposal: Proposal | None = None) -> dict[str, Any]:
    """A project's terms as the agreement gives them: the demand, with the proposal's dates and cities and
    the inquiry's institution."""
    values = demand_values(inquiry.demand)
    proposal = proposal or inquiry.proposals.order_by("-created_at", "-pk").first()
    values["institutions"] = [inquiry.institution]
    if proposal is not None:
        values.update(days=proposal_days(proposal), cities=proposal_cities(proposal))
        if proposal.start_date.year in library_years():
            values["plan_year"] = proposal.start_date.year
    return values


def agreement_findings(inquiry: Inquiry, proposal: Proposal | None = None) -> list[Finding]:
    """The rules on what the latest proposal would make of the demand: shown before the unit agrees."""
    return entry_findings(agreement_values(inquiry, proposal), inquiry.demand, inquiry.demand.organizing_unit)


def errors(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == ERROR]


def shown(findings: list[Finding]) -> list[dict[str, str]]:
    """Findings in the reader's language, for a template."""
    return [
        {
            "rule": f.rule,
            "severity": f.severity,
            "message": pick_language(f.message_zh, f.message_en),
            "source": f.citation,
        }
        for f in findings
    ]


# The library.


def _refuse_errors(findings: list[Finding]) -> None:
    if blocking := errors(findings):
        raise PlanningRefused(
            _("The project does not meet the entry criteria: %(count)d error(s). Change it and try again.")
            % {"count": len(blocking)},
            blocking,
        )


def _require_year(year: int, before: int | None = None) -> None:
    if year != before and year not in library_years():
        years = library_years()
        raise PlanningRefused(
            _("The library holds the next three plan years, %(first)d to %(last)d.")
            % {"first": years[0], "last": years[-1]}
        )


def create_project(
    unit: OrganizingUnit, *, by, values: dict[str, Any], inquiry: Inquiry | None = None
) -> Project:
    """Enter a project in the unit's library, from an agreement or typed directly."""
    with transaction.atomic():
        demand = inquiry.demand if inquiry is not None else values.get("demand")
        if demand is not None and demand.organizing_unit_id != unit.pk:
            raise PlanningRefused(_("Only a demand of your unit becomes its project."))
        if inquiry is not None:
            inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
            if inquiry.demand.organizing_unit_id != unit.pk or inquiry.status != InquiryStatus.AGREED:
                raise PlanningRefused(_("Only an agreed inquiry of your unit becomes a project."))
            if Project.objects.filter(inquiry=inquiry).exists():
                raise PlanningRefused(_("This agreement is already a project in the library."))
            _refuse_agreement(inquiry)
        _require_year(values["plan_year"])
        _refuse_errors(entry_findings(values, demand, unit))
        project = Project.objects.create(
            unit=unit,
            demand=demand,
            inquiry=inquiry,
            created_by=by,
            **{name: values.get(name, OPTIONAL_FIELDS.get(name)) for name in PROJECT_FIELDS},
        )
        for name in PROJECT_LISTS:
            getattr(project, name).set(values[name])
    return project


def _refuse_agreement(inquiry: Inquiry) -> None:
    if blocking := errors(agreement_findings(inquiry)):
        raise PlanningRefused(
            _(
                "The agreed proposal breaks the policy rules; it cannot become a project. Agree a changed "
                "programme with the institution, or enter the project directly with terms that meet the "
                "rules."
            ),
            blocking,
        )


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)


def update_project(project: Project, *, by, values: dict[str, Any]) -> Project:
    """Change a project in the library, keeping what changed, by whom and when."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if under_review(project):
            raise PlanningRefused(_("This project is in a plan under review; it can change once returned."))
        _require_year(values["plan_year"], before=project.plan_year)
        _refuse_errors(entry_findings(values, project.demand, project.unit))
        before = project_values(project)
        changed = {
            name: [_text(before[name]), _text(values[name])]
            for name in [*PROJECT_FIELDS, *PROJECT_LISTS]
            if _text(before[name]) != _text(values.get(name, before[name]))
        }
        if not changed:
            return project
        for name in PROJECT_FIELDS:
            setattr(project, name, values.get(name, before[name]))
        project.demand = values.get("demand", project.demand)
        project.save()
        for name in PROJECT_LISTS:
            getattr(project, name).set(values[name])
        ProjectChange.objects.create(project=project, by=by, changed=changed)
    return project


def under_review(project: Project) -> bool:
    return project.plan_items.exclude(plan__stage=Stage.UNIT).exclude(status=ItemStatus.REJECTED).exists()


# The annual plan.


@dataclass
class QuotaUsage:
    """What plans use of one quota: the unit's own, or its region's or department's (all its units' plans
    under review or filed, with this one)."""

    quota: int | None
    cap: int | None
    used: int
    outside: int
    holder: str = ""
    plans: int = 1

    @property
    def over(self) -> bool:
        return self.cap is not None and self.used > self.cap


def _counted(items) -> tuple[int, int]:
    """Headcount against the quota and outside it (backbone plan, small mid/long-term professional groups),
    over plan items not rejected."""
    used = outside = 0
    for item in items.exclude(status=ItemStatus.REJECTED).select_related("project"):
        if item.project.outside_quota:
            outside += item.project.headcount
        else:
            used += item.project.headcount
    return used, outside


def quota_usage(plan: AnnualPlan) -> QuotaUsage:
    """What the plan's projects (not rejected) use of the unit's own quota for the year."""
    quota = Quota.objects.filter(unit=plan.unit, year=plan.year).first()
    used, outside = _counted(plan.items.all())
    return QuotaUsage(
        quota.headcount if quota else None, quota.cap if quota else None, used, outside, plan.unit.name
    )


def holder_usages(plan: AnnualPlan) -> list[QuotaUsage]:
    """What the plans of the year use of each quota of the regions and departments above the plan's unit:
    every plan of their units that is under review or filed, and this one."""
    usages = []
    quotas = Quota.objects.filter(year=plan.year, department__units=plan.unit).select_related("department")
    for quota in quotas.order_by("department__name"):
        plans = AnnualPlan.objects.filter(year=plan.year, unit__supervisors=quota.department).filter(
            ~Q(stage=Stage.UNIT) | Q(pk=plan.pk)
        )
        used, outside = _counted(PlanItem.objects.filter(plan__in=plans))
        usages.append(
            QuotaUsage(quota.headcount, quota.cap, used, outside, quota.department.name, plans.count())
        )
    return usages


def quota_usages(plan: AnnualPlan) -> list[QuotaUsage]:
    """Every quota the plan counts against: its unit's own (shown even when the office set none) and its
    regions' or departments'."""
    return [quota_usage(plan), *holder_usages(plan)]


def open_plan(unit: OrganizingUnit, year: int) -> AnnualPlan:
    """The unit's plan for a year the office opened (created when first asked for)."""
    if not PlanYear.objects.filter(year=year).exists():
        raise PlanningRefused(_("The office has not opened the plan year %(year)d.") % {"year": year})
    return AnnualPlan.objects.get_or_create(unit=unit, year=year)[0]


def select_projects(plan: AnnualPlan, projects: list[Project], *, by) -> AnnualPlan:
    """Choose the plan's projects from the library's projects of that year (申报年度计划时从项目库中遴选)."""
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        _require_unit_stage(plan)
        wrong = [p for p in projects if p.unit_id != plan.unit_id or p.plan_year != plan.year]
        if wrong:
            raise PlanningRefused(_("A plan holds only its unit's library projects of its year."))
        chosen = {project.pk for project in projects}
        plan.items.exclude(project__in=chosen).exclude(status=ItemStatus.REJECTED).delete()
        for project in projects:
            PlanItem.objects.get_or_create(plan=plan, project=project)
    return plan


def _require_unit_stage(plan: AnnualPlan) -> None:
    if plan.stage != Stage.UNIT:
        raise PlanningRefused(_("The plan is under review and cannot change now."))


def submit_plan(plan: AnnualPlan, *, by, now: datetime.datetime | None = None) -> AnnualPlan:
    """Send the plan up the chain: before the year's deadline, every project within the entry criteria,
    the quota's cap kept."""
    now = now or timezone.now()
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        _require_unit_stage(plan)
        plan_year = PlanYear.objects.filter(year=plan.year).first()
        if plan_year is None or timezone.localdate(now) > plan_year.deadline:
            deadline = plan_year.deadline.isoformat() if plan_year else "—"
            raise PlanningRefused(
                _("The deadline for %(year)d plans was %(deadline)s; late submissions are not accepted.")
                % {"year": plan.year, "deadline": deadline}
            )
        items = list(
            plan.items.exclude(status=ItemStatus.REJECTED).select_related("project__unit", "project__demand")
        )
        if not items:
            raise PlanningRefused(_("Choose at least one project from the library first."))
        for item in items:
            if blocking := errors(project_findings(item.project)):
                raise PlanningRefused(
                    _("“%(title)s” does not meet the entry criteria.") % {"title": item.project.title},
                    blocking,
                )
        _refuse_over_quota(plan)
        plan.items.exclude(status=ItemStatus.REJECTED).update(status=ItemStatus.PENDING, rank=None)
        plan.stage = Stage.DEPARTMENT if department_of(plan.unit) else Stage.OFFICE
        plan.submitted_at = now
        plan.save(update_fields=["stage", "submitted_at"])
        PlanEvent.objects.create(plan=plan, level=Stage.UNIT, action=PlanAction.SUBMITTED, actor=by)
        _tell_reviewers(plan)
    return plan


def _refuse_over_quota(plan: AnnualPlan) -> None:
    # Two units of one region submitting at once each see the other's plan: the region's quota row is
    # locked until this submission commits.
    list(Quota.objects.select_for_update(of=("self",)).filter(year=plan.year, department__units=plan.unit))
    usage = quota_usage(plan)
    if usage.over:
        raise PlanningRefused(
            _(
                "The plan uses %(used)d places of the quota; the quota is %(quota)d and the plan "
                "may apply for at most %(cap)d. Remove projects or people."
            )
            % {"used": usage.used, "quota": usage.quota, "cap": usage.cap}
        )
    for usage in holder_usages(plan):
        if usage.over:
            raise PlanningRefused(
                _(
                    "With this plan, the plans of %(holder)s use %(used)d places of its quota; the quota is "
                    "%(quota)d and its plans may apply for at most %(cap)d. Remove projects or people."
                )
                % {"holder": usage.holder, "used": usage.used, "quota": usage.quota, "cap": usage.cap}
            )


def reviewers(plan: AnnualPlan):
    """The people who act at the plan's current level."""
    users = get_user_model().objects.filter(is_active=True)
    if plan.stage == Stage.DEPARTMENT:
        department = department_of(plan.unit)
        return department.members.filter(is_active=True) if department else users.none()
    if plan.stage == Stage.OFFICE:
        return users.filter(groups__name=OFFICE_REVIEWERS)
    if plan.stage == Stage.FOREIGN_AFFAIRS:
        return users.filter(groups__name=FOREIGN_AFFAIRS)
    return users.none()


def acts_at(user, plan: AnnualPlan) -> bool:
    """Whether this person reviews the plan at the level it is now."""
    if plan.stage == Stage.DEPARTMENT:
        department = department_of(plan.unit)
        return department is not None and department.members.filter(pk=user.pk).exists()
    if plan.stage == Stage.OFFICE:
        return is_office(user)
    if plan.stage == Stage.FOREIGN_AFFAIRS:
        return is_foreign_affairs(user)
    return False


@dataclass
class Decision:
    decision: str
    opinion: str
    rank: int


def review_plan(plan: AnnualPlan, decisions: dict[int, Decision], *, by) -> AnnualPlan:
    """One level's review: a decision, opinion and importance rank for each waiting project. Any project
    returned sends the plan back to the unit; otherwise the approved go up to the next level, or the plan
    is filed after the foreign-affairs office."""
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        level = plan.stage
        if level not in REVIEW_LEVELS or not acts_at(by, plan):
            raise PlanningRefused(_("This plan is not at your level of review."))
        items = {
            item.pk: item for item in plan.items.filter(status=ItemStatus.PENDING).select_related("project")
        }
        if set(decisions) != set(items):
            raise PlanningRefused(_("Decide on every project of the plan."))
        ranks = sorted(d.rank for d in decisions.values())
        if ranks != list(range(1, len(items) + 1)):
            raise PlanningRefused(
                _("Rank the projects 1 to %(count)d, each number once.") % {"count": len(items)}
            )
        for pk, decision in decisions.items():
            if decision.decision != ItemStatus.APPROVED and not decision.opinion.strip():
                raise PlanningRefused(
                    _("Give the reason for returning or rejecting “%(title)s”.")
                    % {"title": items[pk].project.title}
                )
        for pk, decision in decisions.items():
            item = items[pk]
            item.status, item.rank = decision.decision, decision.rank
            item.save(update_fields=["status", "rank"])
            PlanEvent.objects.create(
                plan=plan, project=item.project, level=level, action=PlanAction.REVIEWED,
                decision=decision.decision, opinion=decision.opinion, rank=decision.rank, actor=by,
            )  # fmt: skip
        if any(d.decision == ItemStatus.RETURNED for d in decisions.values()):
            plan.stage, action = Stage.UNIT, PlanAction.RETURNED
        elif level == Stage.FOREIGN_AFFAIRS:
            plan.stage, action = Stage.APPROVED, PlanAction.APPROVED
        else:
            plan.stage = REVIEW_LEVELS[REVIEW_LEVELS.index(level) + 1]
            action = PlanAction.FORWARDED
            plan.items.filter(status=ItemStatus.APPROVED).update(status=ItemStatus.PENDING)
        plan.save(update_fields=["stage"])
        PlanEvent.objects.create(plan=plan, level=level, action=action, actor=by)
        if plan.stage in REVIEW_LEVELS:
            _tell_reviewers(plan)
        else:
            _tell_unit(plan, action)
    return plan


def approved_projects() -> Q:
    """Projects approved in a filed plan, as a filter on Project."""
    return Q(plan_items__plan__stage=Stage.APPROVED, plan_items__status=ItemStatus.APPROVED)


def plan_url(plan: AnnualPlan) -> str:
    return reverse("matching:plan-detail", args=[plan.pk])


def _tell_reviewers(plan: AnnualPlan) -> None:
    for user in reviewers(plan).distinct():
        notify(
            user,
            text_zh=f"{plan.unit.name}的{plan.year}年度出国培训计划待您审核",
            text_en=f"The {plan.year} annual plan of {plan.unit.name} waits for your review",
            url=plan_url(plan),
        )


def _tell_unit(plan: AnnualPlan, action: str) -> None:
    if action == PlanAction.RETURNED:
        zh, en = f"{plan.year}年度计划被退回修改", f"Your {plan.year} annual plan was returned for revision"
    else:
        zh, en = f"{plan.year}年度计划已批准备案", f"Your {plan.year} annual plan was approved and filed"
    for membership in plan.unit.members.filter(confirmed_at__isnull=False).select_related("user"):
        notify(membership.user, text_zh=zh, text_en=en, url=plan_url(plan))


# After training.


def is_approved(project: Project) -> bool:
    return Project.objects.filter(approved_projects(), pk=project.pk).exists()


def file_summary(project: Project, *, by, returned_on: datetime.date, summary: str) -> Project:
    """The unit's project summary (项目总结) after the group returned."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if not is_approved(project):
            raise PlanningRefused(_("Only an approved project files a summary."))
        if project.closed_at:
            raise PlanningRefused(_("The project is closed."))
        if returned_on > timezone.localdate():
            raise PlanningRefused(_("The return date cannot be in the future."))
        project.returned_on, project.summary = returned_on, summary
        project.summary_filed_at = project.summary_filed_at or timezone.now()
        project.save(update_fields=["returned_on", "summary", "summary_filed_at"])
    return project


def settle_and_close(project: Project, *, by) -> Project:
    """Funds settled (经费核销) and the project closed (结项), once its summary is filed."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if not project.summary_filed_at:
            raise PlanningRefused(_("File the project summary before closing the project."))
        if project.closed_at:
            raise PlanningRefused(_("The project is closed."))
        project.funds_settled_at = project.closed_at = timezone.now()
        project.save(update_fields=["funds_settled_at", "closed_at"])
    return project


def overdue_summaries(today: datetime.date | None = None):
    """Approved projects whose group returned longer ago than the office's summary period, no summary yet."""
    days = PlanningSettings.current().summary_days
    limit = (today or timezone.localdate()) - datetime.timedelta(days=days)
    return (
        Project.objects.filter(approved_projects(), returned_on__lt=limit, summary_filed_at__isnull=True)
        .select_related("unit")
        .distinct()
        .order_by("returned_on", "pk")
    )


def summary_on_time(project: Project, within_days: int) -> bool | None:
    """Whether the summary came within the period; None while the group has not returned."""
    if project.returned_on is None:
        return None
    due = project.returned_on + datetime.timedelta(days=within_days)
    if project.summary_filed_at is None:
        return None if timezone.localdate() <= due else False
    return timezone.localdate(project.summary_filed_at) <= due


ZERO = Decimal("0")


# Six months after closure: the outcome's follow-up.

FOLLOW_UP_AFTER = datetime.timedelta(days=183)


def request_follow_ups(now: datetime.datetime | None = None) -> int:
    """Ask each unit, once per project, for the follow-up of a project closed six months ago or more
    (email and dashboard). Run daily (manage.py request_follow_ups); returns how many were asked."""
    now = now or timezone.now()
    due = Project.objects.filter(closed_at__lte=now - FOLLOW_UP_AFTER, follow_up__isnull=True)
    asked = 0
    for project in due.select_related("unit").order_by("closed_at", "pk"):
        with transaction.atomic():
            follow_up, created = OutcomeFollowUp.objects.get_or_create(
                project=project, defaults={"requested_at": now}
            )
            if not created:
                continue  # another run asked in the meantime
            url = reverse("matching:project-follow-up", args=[project.pk])
            for membership in project.unit.members.filter(confirmed_at__isnull=False).select_related("user"):
                notify(
                    membership.user,
                    text_zh=f"项目“{project.title}”结项已满六个月，请填报成果跟踪情况（变化、经济和社会效益）",
                    text_en=f"Six months after closing “{project.title}”: please report the outcome's "
                    "follow-up (what changed, economic and social benefit)",
                    url=url,
                )
            asked += 1
    return asked


def file_follow_up(
    project: Project,
    *,
    by,
    what_changed: str,
    economic_benefit: str,
    social_benefit: str,
    outcome: UnitOutcome | None = None,
) -> OutcomeFollowUp:
    """The unit's follow-up of a closed project: kept with the project, and sent as a revision of its
    outcome to the office's moderation when it has one the unit may revise now (or links the outcome the
    unit names). Without one, the office reads it with the project."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if not project.closed_at:
            raise PlanningRefused(_("The follow-up comes after the project is closed."))
        if outcome is not None and project.outcome_id is None:
            if outcome.unit_id != project.unit_id:
                raise PlanningRefused(_("Only an outcome of your unit can be linked."))
            project.outcome = outcome
            project.save(update_fields=["outcome"])
        follow_up, _created = OutcomeFollowUp.objects.get_or_create(project=project)
        follow_up.what_changed, follow_up.economic_benefit = what_changed, economic_benefit
        follow_up.social_benefit, follow_up.answered_by = social_benefit, by
        follow_up.answered_at = timezone.now()
        follow_up.revised_outcome = False
        if project.outcome_id is not None and can_revise(project.outcome.outcome):
            revise_outcome(project.outcome.outcome, _revision(project.outcome.outcome, follow_up), by=by)
            follow_up.revised_outcome = True
        follow_up.save()
    return follow_up


def _revision(outcome, follow_up: OutcomeFollowUp) -> dict[str, Any]:
    """The outcome's latest version with the follow-up added: what changed to the summary in the reader's
    language, the benefits to the outcome's own; its images and documents kept."""
    latest = outcome.get_latest_revision_as_object()
    data = {name: getattr(latest, name) for name in OUTCOME_TEXTS}
    heading = _("Follow-up six months after closure (%(date)s):") % {
        "date": timezone.localdate(follow_up.answered_at).isoformat()
    }
    summary = "summary_zh" if translation.get_language() == "zh-hans" else "summary_en"
    data[summary] = _added(data[summary], f"{heading}\n{follow_up.what_changed}")
    data["economic_benefit"] = _added(data["economic_benefit"], follow_up.economic_benefit)
    data["social_benefit"] = _added(data["social_benefit"], follow_up.social_benefit)
    return {
        **data,
        "country": latest.country,
        "year": latest.year,
        "fields": list(latest.fields.all()),
        "institutions": list(latest.institutions.all()),
        "current_images": [row.image for row in latest.images.all()],
        "current_documents": [row.document for row in latest.documents.all()],
    }


def _added(text: str, more: str) -> str:
    return f"{text}\n\n{more}".strip() if more.strip() else text


def follow_ups_waiting(unit: OrganizingUnit):
    """The unit's follow-ups asked for and not answered yet (its dashboard)."""
    return OutcomeFollowUp.objects.filter(
        project__unit=unit, requested_at__isnull=False, answered_at__isnull=True
    ).select_related("project")
