"""The expert pool (专家库): experts with their fields, affiliation and title, from whom units invite the
expert review of a demand. An address a unit invites that is not in the pool joins it; the office keeps the
pool (adds, edits, retires) and reads each expert's reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.fields import acted_by
from catalog.models import Field
from matching.choices import ExpertStatus


class ExpertQuerySet(models.QuerySet):
    def active(self) -> ExpertQuerySet:
        """Experts units may invite."""
        return self.filter(status=ExpertStatus.ACTIVE)

    def in_field(self, field: Field | None) -> ExpertQuerySet:
        """Experts of the field, or of one of its sub-fields or its parent (the taxonomy's neighbours)."""
        if field is None:
            return self
        related = {field.pk, *field.children.values_list("pk", flat=True)}
        if field.parent_id:
            related.add(field.parent_id)
        return self.filter(fields__in=related).distinct()


class Expert(models.Model):
    """One expert of the pool. Known by address: invitations to that address are this expert's reviews."""

    # A person's name (姓名), not a thing's (名称).
    name = models.CharField(pgettext_lazy("person", "Name"), max_length=120, blank=True)
    email = models.EmailField(_("email"))
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    title = models.CharField(_("professional title"), max_length=120, blank=True)
    fields = models.ManyToManyField(
        Field, verbose_name=_("fields of expertise"), blank=True, related_name="experts"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ExpertStatus.choices, default=ExpertStatus.ACTIVE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
    )
    added_by = acted_by(blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            # One entry per address, whatever its case: an invitation finds its expert by address.
            models.UniqueConstraint(Lower("email"), name="expert_email_unique"),
        ]
        indexes = [
            # The office's list and the units' choice: experts by status, by name.
            models.Index(fields=["status", "name"], name="expert_status_name_idx"),
        ]
        verbose_name = _("expert")
        verbose_name_plural = _("expert pool")

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_active(self) -> bool:
        return self.status == ExpertStatus.ACTIVE

    def reviews(self):
        """The reviews asked of this expert: every invitation to the address, newest first."""
        from matching.models.demands import ExpertReview

        return ExpertReview.objects.filter(email__iexact=self.email).select_related("demand__organizing_unit")
