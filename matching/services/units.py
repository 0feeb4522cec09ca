"""Organizing-unit membership: founding a unit, asking to join one, and the colleague or office reviewer who
confirms (or declines) a person who asked to join."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.roles import OFFICE_REVIEWERS, is_office
from matching.models import OrganizingUnit, UnitMembership, member_unit
from matching.services.notify import notify


def join_unit(user, *, unit: OrganizingUnit | None = None, new_unit_name: str = "") -> UnitMembership:
    """Founding a new unit makes the person its first, confirmed member; asking to join an existing unit
    makes a membership that grants nothing until a confirmed colleague or the office confirms it. Naming a
    unit that exists, in any spelling that reads the same (unit_key), is asking to join it: a name proves
    nothing about who works there."""
    with transaction.atomic():
        if UnitMembership.objects.filter(user=user).exists():
            raise ValidationError(_("You already belong to an organizing unit."))
        if unit is None:
            name = " ".join(new_unit_name.split())
            if not name:
                raise ValidationError(_("Choose your organizing unit or name a new one."))
            unit = OrganizingUnit.objects.named(name).first()
            if unit is None:
                try:
                    with transaction.atomic():
                        unit = OrganizingUnit.objects.create(name=name)
                except IntegrityError:
                    # Someone founded it a moment ago: this person asks to join it.
                    unit = OrganizingUnit.objects.named(name).get()
                else:
                    return UnitMembership.objects.create(user=user, unit=unit, confirmed_at=timezone.now())
        return UnitMembership.objects.create(user=user, unit=unit)


def ask_for_confirmation(membership: UnitMembership) -> None:
    """Tell the unit's confirmed members (or, for a unit without any, the office) that someone waits."""
    people = [
        m.user for m in membership.unit.members.filter(confirmed_at__isnull=False).select_related("user")
    ]
    if not people:
        people = list(get_user_model().objects.filter(groups__name=OFFICE_REVIEWERS, is_active=True))
    who = membership.user.email
    for person in people:
        notify(
            person,
            text_zh=f"{who} 申请加入组团单位“{membership.unit}”，请确认",
            text_en=f"{who} asks to join {membership.unit}; please confirm",
            url=_dashboard_url(),
        )


def can_confirm(user, membership: UnitMembership) -> bool:
    """A confirmed colleague of the same unit, or the office, confirms; nobody confirms themselves."""
    if membership.user_id == user.pk:
        return False
    if is_office(user):
        return True
    unit = member_unit(user)
    return unit is not None and unit.pk == membership.unit_id


def confirmable_memberships(user) -> QuerySet[UnitMembership]:
    """Memberships waiting for this person's confirmation. People who have not verified their email yet
    are left out: a sign-up that never finishes should not ask anyone for anything."""
    waiting = (
        UnitMembership.objects.filter(confirmed_at__isnull=True, user__emailaddress__verified=True)
        .exclude(user=user)
        .select_related("user", "unit")
        .distinct()
        .order_by("joined_at")
    )
    if is_office(user):
        return waiting
    unit = member_unit(user)
    return waiting.filter(unit=unit) if unit is not None else waiting.none()


def confirm_membership(membership: UnitMembership, *, by) -> UnitMembership:
    with transaction.atomic():
        membership = UnitMembership.objects.select_for_update().select_related("unit").get(pk=membership.pk)
        if not can_confirm(by, membership):
            raise PermissionDenied
        if membership.confirmed_at is None:
            membership.confirmed_at = timezone.now()
            membership.save(update_fields=["confirmed_at"])
            notify(
                membership.user,
                text_zh=f"您已被确认为组团单位“{membership.unit}”的成员",
                text_en=f"You are now a confirmed member of {membership.unit}",
                url=_dashboard_url(),
            )
    return membership


def decline_membership(membership: UnitMembership, *, by) -> None:
    """Refuse a request to join: the membership goes, and the person may ask again or found a unit."""
    with transaction.atomic():
        membership = UnitMembership.objects.select_for_update().select_related("unit").get(pk=membership.pk)
        if not can_confirm(by, membership) or membership.confirmed_at is not None:
            raise PermissionDenied
        unit, person = membership.unit, membership.user
        membership.delete()
        notify(
            person,
            text_zh=f"您加入组团单位“{unit}”的申请未获确认",
            text_en=f"Your request to join {unit} was declined",
            url=_dashboard_url(),
        )


def _dashboard_url() -> str:
    return reverse("dashboard")
