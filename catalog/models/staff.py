"""Institution staff (the people who keep an institution's profile) and their invitations by email."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.fields import acted_by
from catalog.models.institutions import Institution
from catalog.querysets import StaffInvitationQuerySet


def new_token() -> str:
    """An unguessable token for links sent by email."""
    return secrets.token_urlsafe(32)


class InstitutionStaff(models.Model):
    """A person who works for one institution and keeps its profile and courses up to date."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_staff"
    )
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="staff")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("institution staff member")
        verbose_name_plural = _("institution staff")

    def __str__(self) -> str:
        return f"{self.user} ({self.institution.external_id})"


class StaffInvitation(models.Model):
    """An invitation by email to join an institution's staff, sent by the office or a colleague."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="staff_invitations")
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = acted_by()
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = StaffInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff invitation")

    def __str__(self) -> str:
        return f"{self.email} → {self.institution.external_id}"
