"""The work between units and institutions: organizing units and the training demand they post."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Country, Field, Institution


class OrganizingUnit(models.Model):
    """A Chinese body that forms training groups (组团单位)."""

    name = models.CharField(_("name"), max_length=255, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organizing unit")
        verbose_name_plural = _("organizing units")

    def __str__(self) -> str:
        return self.name


class DemandCategory(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional and technical")
    MANAGEMENT = "management", _("Comprehensive management")
    GENERAL = "general", _("General professional training")


class OrganizerLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    COUNTY = "county", _("County")
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    ASSOCIATION = "association", _("Association")


class DemandStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DemandQuerySet(models.QuerySet):
    def published(self) -> DemandQuerySet:
        return self.filter(status=DemandStatus.PUBLISHED)

    def visible_to(self, user) -> DemandQuerySet:
        """What a reader may see on the board: published demands (units' own drafts come with accounts)."""
        return self.published()


class Demand(models.Model):
    """A training demand posted by an organizing unit (培训需求), with the keys the policy rules read."""

    external_id = models.SlugField(_("external id"), max_length=100, unique=True)
    organizing_unit = models.ForeignKey(
        OrganizingUnit, verbose_name=_("organizing unit"), on_delete=models.PROTECT, related_name="demands"
    )
    title = models.CharField(_("title"), max_length=255)
    topic = models.TextField(_("topic"), blank=True)
    content = models.TextField(_("main content and necessity"), blank=True)
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="demands")
    destinations = models.ManyToManyField(
        Country, verbose_name=_("destinations"), blank=True, related_name="demands"
    )
    destinations_only = models.BooleanField(_("only these destinations"), default=False)
    days = models.PositiveIntegerField(_("days abroad"), validators=[MinValueValidator(1)])
    group_size = models.PositiveIntegerField(_("group size"), validators=[MinValueValidator(1)])
    cities = models.PositiveIntegerField(_("cities"), default=1, validators=[MinValueValidator(1)])
    category = models.CharField(_("category"), max_length=20, choices=DemandCategory.choices)
    participants_max_age = models.PositiveIntegerField(_("oldest participant's age"), null=True, blank=True)
    participants_min_years_to_retirement = models.PositiveIntegerField(
        _("fewest years to retirement"), null=True, blank=True
    )
    # special_project distinguishes "not stated" (an error for short-term demands) from "none of these"
    # (stated as null), so whether it was stated is kept beside the value.
    special_project_stated = models.BooleanField(default=False)
    special_project = models.JSONField(_("special project"), null=True, blank=True)
    backbone_plan = models.BooleanField(_("S&T backbone training plan"), null=True, blank=True)
    expert_review = models.JSONField(_("expert review"), null=True, blank=True)
    foreign_funding = models.JSONField(_("foreign funding"), null=True, blank=True)
    double_cross = models.BooleanField(_("double-cross group"), default=False)
    organizer_level = models.CharField(
        _("organizer level"), max_length=20, choices=OrganizerLevel.choices, blank=True
    )
    institutions = models.ManyToManyField(
        Institution, verbose_name=_("planned institutions"), blank=True, related_name="planned_demands"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DemandStatus.choices, default=DemandStatus.PUBLISHED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "external_id"]
        verbose_name = _("training demand")
        verbose_name_plural = _("training demands")

    def __str__(self) -> str:
        return self.title

    @property
    def is_long_term(self) -> bool:
        return self.days >= 90

    def as_record(self) -> dict:
        """The demand as an exchange-format record (what export writes, what matching reads)."""
        from matching.exchange import DemandType

        return DemandType().record_of(self)
