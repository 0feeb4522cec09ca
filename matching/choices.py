"""The matching room's vocabularies: the fixed values its models store, its forms offer and the
exchange format writes (demand levels and statuses, inquiry, planning, report and alert states), in one
module that imports no model, so the demand record, the rules and the API name them without loading the
app registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    SEARCH = "search", _("Saved search")
    DEMAND = "demand", _("Demand of my unit")
    INSTITUTION = "institution", _("New demands for my institution")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("No email, dashboard only")


class QuotaHolderKind(models.TextChoices):
    """What a supervising body is to the office's quotas (各地区、各部门): a region and a central
    enterprise may apply for 120% of their quota, a department plans within it (2020 guide 二（七）)."""

    REGION = "region", _("Region (province, city)")
    DEPARTMENT = "department", _("Department (ministry, commission)")
    ENTERPRISE = "enterprise", _("Central enterprise")


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Central special funds")
    OWN = "own", _("Own funds")
    FOREIGN = "foreign", _("Foreign funding")
    OTHER = "other", _("Other")


class Classification(models.TextChoices):
    SPECIAL_PROJECT = "special_project", _("Supports a special project")
    BACKBONE_PLAN = "backbone_plan", _("S&T backbone training plan")
    NONE = "none", _("Neither")


class Stage(models.TextChoices):
    """Where a plan is: with its unit, at one of the three reviewing levels, or filed."""

    UNIT = "unit", _("With the unit")
    DEPARTMENT = "department", _("Supervising department")
    OFFICE = "office", _("Administering office")
    FOREIGN_AFFAIRS = "foreign_affairs", _("Foreign-affairs office")
    APPROVED = "approved", _("Approved and filed")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")


class PlanAction(models.TextChoices):
    """What a plan event records."""

    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    FORWARDED = "forwarded", _("Forwarded")
    RETURNED = "returned", _("Returned to the unit")
    APPROVED = "approved", _("Approved and filed")


class ReportKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    COURSE = "course", _("Course")
    OUTCOME = "outcome", _("Training outcome")
    DEMAND = "demand", _("Training demand")


class ReportReason(models.TextChoices):
    WRONG_INFORMATION = "wrong", _("Wrong information")
    MISCONDUCT = "misconduct", _("Misconduct")
    AGENCY = "agency", _("A travel agency or an intermediary agency posing as an institution")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the office")
    DISMISSED = "dismissed", _("Dismissed")
    UPHELD = "upheld", _("Upheld")


class InquiryStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISCUSSION = "discussion", _("In discussion")
    PROPOSAL = "proposal", _("Proposal")
    AGREED = "agreed", _("Agreed (合作意向)")
    DECLINED = "declined", _("Declined")

    @classmethod
    def closed(cls) -> frozenset[InquiryStatus]:
        """The statuses that end a thread: no more messages, proposals or moves, and no longer "open"."""
        return frozenset({cls.AGREED, cls.DECLINED})


class Side(models.TextChoices):
    UNIT = "unit", _("Organizing unit")
    INSTITUTION = "institution", _("Institution")


class OrganizerLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    COUNTY = "county", _("County")
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    ASSOCIATION = "association", _("Association")


class SpecialProjectKind(models.TextChoices):
    """What a short-term demand supports (`special_project.kind`), as the 2020 guide classifies it."""

    MAJOR_PROJECT = "major_project", _("National major S&T project")
    KEY_RD = "key_rd", _("National key R&D programme")
    BASE_TALENT = "base_talent", _("Base or talent special project")


class DemandStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    REGISTERED = "registered", _("Registered users")
    PRIVATE = "private", _("Own unit and the office")


class ExpertStatus(models.TextChoices):
    ACTIVE = "active", _("In the pool")
    RETIRED = "retired", _("Retired from the pool")
