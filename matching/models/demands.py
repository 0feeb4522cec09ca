"""Organizing units, their members, the training demand they post and its expert reviews."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.fields import acted_by
from catalog.models import Country, Field, Institution, new_token
from catalog.roles import is_office
from matching.choices import DemandStatus, OrganizerLevel, Visibility
from search.demand import DemandCategory, DemandRecord


def unit_key(name: str) -> str:
    """A unit's name as names are compared: full-width letters and spaces made plain (NFKC), inner
    whitespace collapsed, ends stripped, case folded; so "江苏省科学技术厅 " or a full-width twin of a
    name cannot found a second unit that reads the same."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


class OrganizingUnitQuerySet(models.QuerySet):
    def named(self, name: str) -> OrganizingUnitQuerySet:
        """The unit of this name, however it is spelled (see unit_key)."""
        return self.filter(key=unit_key(name))


class OrganizingUnit(models.Model):
    """A Chinese body that forms training groups (组团单位)."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    # The name as compared (unit_key), unique: the database refuses a look-alike even when two people
    # found one at the same moment.
    key = models.CharField(max_length=255, unique=True, editable=False)

    objects = OrganizingUnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organizing unit")
        verbose_name_plural = _("organizing units")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split())
        self.key = unit_key(self.name)
        if (fields := kwargs.get("update_fields")) is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "key"}
        super().save(*args, **kwargs)


class UnitMembership(models.Model):
    """A person who works for one organizing unit and posts its demand."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_membership"
    )
    unit = models.ForeignKey(OrganizingUnit, on_delete=models.CASCADE, related_name="members")
    joined_at = models.DateTimeField(auto_now_add=True)
    # A person who names an existing unit at sign-up waits until a confirmed colleague or the office
    # confirms them; until then the membership grants nothing (member_unit() returns None).
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("organizing-unit member")

    def __str__(self) -> str:
        return f"{self.user} ({self.unit})"


def member_unit(user) -> OrganizingUnit | None:
    """The organizing unit this person works for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "unit_membership", None)
    return membership.unit if membership and membership.confirmed_at else None


def member_unit_or_403(user) -> OrganizingUnit:
    """The organizing unit this person works for; a refusal (403) for anyone who works for none."""
    unit = member_unit(user)
    if unit is None:
        raise PermissionDenied
    return unit


class DemandQuerySet(models.QuerySet):
    def published(self) -> DemandQuerySet:
        return self.filter(status=DemandStatus.PUBLISHED)

    def visible_to(self, user) -> DemandQuerySet:
        """What a person may see: published public demands; published demands for registered users
        when signed in; everything of their own unit; everything for the office."""
        if is_office(user):
            return self.all()
        shown = Q(status=DemandStatus.PUBLISHED, visibility=Visibility.PUBLIC)
        if getattr(user, "is_authenticated", False):
            shown |= Q(status=DemandStatus.PUBLISHED, visibility=Visibility.REGISTERED)
            unit = member_unit(user)
            if unit is not None:
                shown |= Q(organizing_unit=unit)
        return self.filter(shown)

    def editable_by(self, user) -> DemandQuerySet:
        """Demands a person may change: those of their own organizing unit."""
        unit = member_unit(user)
        return self.filter(organizing_unit=unit) if unit is not None else self.none()


class Demand(models.Model):
    """A training demand posted by an organizing unit (培训需求), with the keys the policy rules read."""

    external_id = models.SlugField(_("external id"), max_length=100, unique=True)
    organizing_unit = models.ForeignKey(
        OrganizingUnit, verbose_name=_("organizing unit"), on_delete=models.PROTECT, related_name="demands"
    )
    title = models.CharField(_("title"), max_length=255)
    topic = models.TextField(_("topic"), blank=True)
    content = models.TextField(_("main content and necessity"), blank=True)
    # Written by the unit for foreign institutions' staff; without them they read a gloss of the key terms.
    title_en = models.CharField(_("title in English"), max_length=255, blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
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
    visibility = models.CharField(
        _("who may see it"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # rule code → the written justification the unit gave for a warning (required to publish).
    justifications = models.JSONField(_("justifications"), default=dict, blank=True)
    created_by = acted_by(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "external_id"]
        indexes = [
            # The board: published demands by visibility, newest first.
            models.Index(fields=["status", "visibility", "-created_at"], name="demand_board_idx"),
        ]
        verbose_name = _("training demand")
        verbose_name_plural = _("training demands")

    def __str__(self) -> str:
        return self.title

    @property
    def version(self) -> str:
        """Which saved state of the demand this is: an edit form carries it to notice a newer save."""
        return self.updated_at.isoformat() if self.updated_at else ""

    @property
    def is_long_term(self) -> bool:
        return self.days >= 90

    def as_record(self) -> DemandRecord:
        """The demand as the record the rules and the ranking read, from what export writes."""
        from matching.exchange import DemandType, read_demand

        return read_demand(DemandType().record_of(self))


class ExpertReviewQuerySet(models.QuerySet):
    def open(self) -> ExpertReviewQuerySet:
        """Invitations still waiting for the expert: neither signed nor cancelled."""
        return self.filter(signed_at__isnull=True, cancelled_at__isnull=True)

    def not_cancelled(self) -> ExpertReviewQuerySet:
        """Signed reviews and open invitations; a cancelled invitation was a mistake the unit withdrew."""
        return self.filter(cancelled_at__isnull=True)


class ExpertReview(models.Model):
    """An expert's signed review opinion on a demand (专家评审意见), requested by email with a token.
    Signing it writes the opinion into the demand's `expert_review`, which satisfies the rule; the unit
    may cancel an invitation nobody has signed, and its link then says so."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="reviews")
    email = models.EmailField(_("expert's email"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = acted_by()
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    title = models.CharField(_("professional title"), max_length=120, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ExpertReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at"]
        verbose_name = _("expert review")

    def __str__(self) -> str:
        return f"review of {self.demand.external_id} by {self.email}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_open(self) -> bool:
        """Waiting for the expert: the same test as ExpertReviewQuerySet.open(), on one review."""
        return not self.is_signed and not self.is_cancelled
