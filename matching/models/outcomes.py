"""Which unit an outcome belongs to. The outcome page (catalog) names its unit only as display text, as
the exchange format does; the unit that submitted it through the portal, and may see and revise it, is this
link."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Outcome
from matching.models.demands import OrganizingUnit


class UnitOutcomeQuerySet(models.QuerySet):
    def of(self, unit: OrganizingUnit) -> models.QuerySet[Outcome]:
        """The outcomes (pages) the unit submitted: its list, and the ones it may revise."""
        return Outcome.objects.filter(unit_link__unit=unit)


class UnitOutcome(models.Model):
    """An outcome a unit submitted through the portal; imported ones have none, whatever unit they name."""

    outcome = models.OneToOneField(Outcome, on_delete=models.CASCADE, related_name="unit_link")
    unit = models.ForeignKey(
        OrganizingUnit, verbose_name=_("organizing unit"), on_delete=models.PROTECT, related_name="outcomes"
    )

    objects = UnitOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("outcome of a unit")
        verbose_name_plural = _("outcomes of units")

    def __str__(self) -> str:
        return f"{self.outcome} ({self.unit})"
