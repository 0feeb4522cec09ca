"""The quality label (优质机构标识): the rule by which an institution with an outstanding record earns it,
set by the office. Who holds it is computed when read (`InstitutionQuerySet.with_quality_label()`), never
stored, so it cannot lag behind an evaluation, a report, a change of status or of this rule."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from catalog.fields import evaluation_years
from catalog.quality import RATING_SCALE


@register_setting(icon="pick")
class QualityLabelRule(BaseGenericSetting):
    """The rule of the quality label: enough counted evaluations in the last years, a smoothed mean at or
    above a threshold (`catalog.quality.label_mean`), admitted, and no complaint against it."""

    enabled = models.BooleanField(
        _("award the label"), default=True, help_text=_("Without it no institution shows the label.")
    )
    min_evaluations = models.PositiveSmallIntegerField(
        _("evaluations at least"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Counted (unsealed) evaluations by organizing units in the period."),
    )
    recent_years = evaluation_years(_("period in years"))
    min_mean = models.FloatField(
        _("smoothed mean at least"),
        default=4.3,
        validators=RATING_SCALE,
        help_text=_("The period's mean overall rating (1–5), pulled toward the catalogue mean."),
    )
    open_reports_count = models.BooleanField(
        _("open reports withhold the label"),
        default=False,
        help_text=_(
            "Upheld reports always withhold it. Open ones only when ticked: anyone signed in can file one."
        ),
    )

    class Meta:
        verbose_name = _("quality label rule")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
