"""From agreed match to approved plan: the unit's three-year project library (项目库), the annual plan
selected from it and its review up the chain (unit → supervising department → administering office →
foreign-affairs office), the office's entry conditions, deadlines and quotas, and the project's closure."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.fields import acted_by
from catalog.models import Country, Field, Institution
from catalog.roles import FOREIGN_AFFAIRS, is_foreign_affairs, is_office  # noqa: F401 (planning's names)
from matching.choices import Classification, FundingSource, ItemStatus, PlanAction, QuotaHolderKind, Stage
from matching.models.demands import Demand, DemandCategory, OrganizingUnit, member_unit
from matching.models.negotiation import Inquiry
from matching.models.outcomes import UnitOutcome

ROLLING_YEARS = 3  # the library rolls over the next three plan years (每年滚动编制未来三年)


def has_planning_role(user) -> bool:
    """Whoever takes part in planning: unit members, supervising departments, the two offices."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        member_unit(user)
        or is_office(user)
        or is_foreign_affairs(user)
        or user.supervising_departments.exists()
    )


def library_years(today: datetime.date | None = None) -> list[int]:
    """The plan years a project may enter the library for: the next ROLLING_YEARS years."""
    year = (today or timezone.localdate()).year
    return list(range(year + 1, year + 1 + ROLLING_YEARS))


class SupervisingDepartment(models.Model):
    """A body above organizing units (业务主管部门): reviews its units' plans and ranks their projects. As a
    region or a department it holds the office's headcount quota for its units' plans."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(
        _("region or department"),
        max_length=20,
        choices=QuotaHolderKind.choices,
        default=QuotaHolderKind.REGION,
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="supervising_departments",
    )
    units = models.ManyToManyField(
        OrganizingUnit, verbose_name=_("supervised units"), blank=True, related_name="supervisors"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("supervising department")
        verbose_name_plural = _("supervising departments")

    def __str__(self) -> str:
        return self.name


def department_of(unit: OrganizingUnit) -> SupervisingDepartment | None:
    """The department a unit's plans go to first; a unit without one goes straight to the office."""
    return unit.supervisors.order_by("pk").first()


class PlanningSettings(models.Model):
    """The office's configurable conditions (入库标准), deadlines and the review score's weights: one row."""

    max_headcount = models.PositiveIntegerField(
        _("largest headcount a project may have"), default=25, validators=[MinValueValidator(1)]
    )
    min_days = models.PositiveIntegerField(_("fewest days a project may have"), default=1)
    require_expert_review = models.BooleanField(_("an expert review is required"), default=True)
    summary_days = models.PositiveIntegerField(
        _("days after return to file the summary"), default=30, validators=[MinValueValidator(1)]
    )
    weight_rules = models.PositiveIntegerField(_("weight: policy rules"), default=30)
    weight_institution = models.PositiveIntegerField(_("weight: institution's record"), default=20)
    weight_match = models.PositiveIntegerField(_("weight: match of the institution"), default=15)
    weight_unit = models.PositiveIntegerField(_("weight: unit's record"), default=20)
    weight_favoured = models.PositiveIntegerField(_("weight: favoured kinds"), default=15)

    class Meta:
        verbose_name = _("planning settings")
        verbose_name_plural = _("planning settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> PlanningSettings:
        return cls.objects.get_or_create(pk=1)[0]


class PlanYear(models.Model):
    """A plan year the office opened, with the deadline for units to submit their annual plans."""

    year = models.PositiveIntegerField(_("plan year"), unique=True, validators=[MinValueValidator(2000)])
    deadline = models.DateField(_("submission deadline"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan year")

    def __str__(self) -> str:
        return str(self.year)


class Quota(models.Model):
    """A headcount quota (指标控制数) for a year, held by a region or department (its units' plans together)
    or by one organizing unit; local and enterprise plans may apply up to 120%."""

    year = models.PositiveIntegerField(_("plan year"), validators=[MinValueValidator(2000)])
    unit = models.ForeignKey(
        OrganizingUnit,
        verbose_name=_("organizing unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quotas",
    )
    department = models.ForeignKey(
        SupervisingDepartment,
        verbose_name=_("region or department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quotas",
    )
    headcount = models.PositiveIntegerField(_("headcount quota"))
    local_or_enterprise = models.BooleanField(
        _("local or enterprise plan (may apply up to 120%)"), default=True
    )

    class Meta:
        ordering = ["-year", "department__name", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="one_quota_per_unit_year"),
            models.UniqueConstraint(fields=["year", "department"], name="one_quota_per_department_year"),
            models.CheckConstraint(
                condition=Q(unit__isnull=True, department__isnull=False)
                | Q(unit__isnull=False, department__isnull=True),
                name="quota_has_one_holder",
            ),
        ]
        verbose_name = _("quota")

    def __str__(self) -> str:
        return f"{self.holder} {self.year}: {self.headcount}"

    @property
    def holder(self) -> OrganizingUnit | SupervisingDepartment | None:
        return self.department or self.unit

    @property
    def may_exceed(self) -> bool:
        """Regions and central enterprises may apply for 120%; a department plans within its quota. A unit's
        own quota says so itself."""
        if self.department is not None:
            return self.department.kind != QuotaHolderKind.DEPARTMENT
        return self.local_or_enterprise

    @property
    def cap(self) -> int:
        return self.headcount * 120 // 100 if self.may_exceed else self.headcount


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        """The office and the foreign-affairs office read every project; a unit its own; a supervising
        department its units'."""
        if is_office(user) or is_foreign_affairs(user):
            return self.all()
        shown = Q(pk__in=[])
        unit = member_unit(user)
        if unit is not None:
            shown |= Q(unit=unit)
        if getattr(user, "is_authenticated", False):
            shown |= Q(unit__supervisors__members=user)
        return self.filter(shown).distinct()

    def editable_by(self, user) -> ProjectQuerySet:
        unit = member_unit(user)
        return self.filter(unit=unit) if unit is not None else self.none()


class Project(models.Model):
    """A project in a unit's library (项目库): what the application form and the annual plan are made of."""

    unit = models.ForeignKey(
        OrganizingUnit, verbose_name=_("organizing unit"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("project title"), max_length=255)
    plan_year = models.PositiveIntegerField(_("plan year"))
    headcount = models.PositiveIntegerField(_("headcount"), validators=[MinValueValidator(1)])
    days = models.PositiveIntegerField(_("days abroad"), validators=[MinValueValidator(1)])
    cities = models.PositiveIntegerField(_("cities"), default=1, validators=[MinValueValidator(1)])
    category = models.CharField(_("category"), max_length=20, choices=DemandCategory.choices)
    content = models.TextField(_("main content and necessity"))
    funding_source = models.CharField(_("funding source"), max_length=20, choices=FundingSource.choices)
    central_funds = models.DecimalField(
        _("central funds requested (10,000 yuan)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(10**7)],
    )
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    # The application form's remaining items (2020 guide 三 2): who takes part, whether the group crosses
    # regions and departments (双跨团组), and the intergovernmental agreement it serves, if any.
    participants = models.TextField(_("participant make-up"), blank=True)
    cross_regional = models.BooleanField(_("group across regions and departments (双跨团组)"), default=False)
    agreement = models.CharField(_("intergovernmental agreement"), max_length=255, blank=True)
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="projects")
    institutions = models.ManyToManyField(
        Institution, verbose_name=_("planned institutions"), blank=True, related_name="projects"
    )
    destinations = models.ManyToManyField(
        Country, verbose_name=_("destinations"), blank=True, related_name="projects"
    )
    demand = models.ForeignKey(
        Demand, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    # One project per agreement: a second click on "add to the library" finds the first.
    inquiry = models.OneToOneField(
        Inquiry, null=True, blank=True, on_delete=models.SET_NULL, related_name="project"
    )
    created_by = acted_by()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # After training (项目总结, 经费核销, 结项).
    returned_on = models.DateField(_("group returned on"), null=True, blank=True)
    summary = models.TextField(_("project summary"), blank=True)
    summary_filed_at = models.DateTimeField(null=True, blank=True)
    funds_settled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The showcase outcome the project led to: its follow-up six months after closure revises it.
    outcome = models.ForeignKey(
        UnitOutcome,
        verbose_name=_("outcome"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["plan_year", "title", "pk"]
        indexes = [
            # A unit's library by year, and the plan page's choice of the year's projects.
            models.Index(fields=["unit", "plan_year"], name="project_library_idx"),
        ]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title

    @property
    def is_long_term(self) -> bool:
        return self.days >= 90

    @property
    def outside_quota(self) -> bool:
        """The backbone plan and mid/long-term professional groups under 5 people do not count against the
        quota (2020 guide)."""
        small_long = self.is_long_term and self.headcount < 5 and self.category == DemandCategory.PROFESSIONAL
        return self.classification == Classification.BACKBONE_PLAN or small_long

    def summary_due(self, within_days: int) -> datetime.date | None:
        return self.returned_on + datetime.timedelta(days=within_days) if self.returned_on else None


class ProjectChange(models.Model):
    """One edit of a project: who, when, and each changed field's value before and after."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    by = acted_by()
    at = models.DateTimeField(auto_now_add=True)
    # field name → [before, after], as text.
    changed = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.at:%Y-%m-%d}"


REVIEW_LEVELS = (Stage.DEPARTMENT, Stage.OFFICE, Stage.FOREIGN_AFFAIRS)


class AnnualPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> AnnualPlanQuerySet:
        """The unit its own plans; a supervising department its units' plans once submitted; the office
        every submitted plan; the foreign-affairs office plans that reached it."""
        plans = self.select_related("unit")
        if is_office(user):
            return plans.all()
        shown = Q(pk__in=[])
        unit = member_unit(user)
        if unit is not None:
            shown |= Q(unit=unit)
        if getattr(user, "is_authenticated", False):
            shown |= Q(unit__supervisors__members=user, submitted_at__isnull=False)
        if is_foreign_affairs(user):
            shown |= Q(stage__in=[Stage.FOREIGN_AFFAIRS, Stage.APPROVED])
        return plans.filter(shown).distinct()


class AnnualPlan(models.Model):
    """A unit's annual plan: projects of one plan year chosen from its library, reviewed up the chain."""

    unit = models.ForeignKey(
        OrganizingUnit, verbose_name=_("organizing unit"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveIntegerField(_("plan year"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.UNIT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnnualPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_plan_per_unit_year")]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class PlanItem(models.Model):
    """A project in a plan, with its standing at the plan's current level and that level's rank."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="items")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plan_items")
    status = models.CharField(max_length=20, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    # The importance rank the last reviewing level gave (1 = most important).
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "project"], name="one_item_per_project")]

    def __str__(self) -> str:
        return f"{self.plan}: {self.project}"


class PlanEvent(models.Model):
    """Every action on a plan, by whom and when: submission, each level's decision, opinion and rank on
    each project, forwarding, return and filing."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="events")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=20, choices=Stage.choices)
    action = models.CharField(max_length=20, choices=PlanAction.choices)
    decision = models.CharField(max_length=20, choices=ItemStatus.choices, blank=True)
    opinion = models.TextField(_("review opinion"), blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    actor = acted_by()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} {self.level} {self.action}"


class OutcomeFollowUp(models.Model):
    """The unit's follow-up of a closed project's outcome, asked for six months after closure: what changed,
    the economic and social benefit. It revises the project's outcome (for the office's moderation), or,
    without one, waits here for the office to read."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="follow_up")
    # When the unit was asked (once per project); empty when it answered before being asked.
    requested_at = models.DateTimeField(null=True, blank=True)
    what_changed = models.TextField(_("what changed"), blank=True)
    economic_benefit = models.TextField(_("economic benefit"), blank=True)
    social_benefit = models.TextField(_("social benefit"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = acted_by()
    # Whether the answer went to the office as a revision of the project's outcome.
    revised_outcome = models.BooleanField(default=False)

    class Meta:
        ordering = ["-answered_at", "-pk"]
        verbose_name = _("outcome follow-up")

    def __str__(self) -> str:
        return f"{self.project}: {self.answered_at or self.requested_at}"
