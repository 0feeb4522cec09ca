"""Saved searches and alerts: a unit member keeps a search of the "find institutions" page or one of the
unit's demands, and institution staff watch the new public demands for their institution; each new listing
or demand that fits above the alert's threshold is a hit, shown on the dashboard and emailed at once or in
a daily or weekly digest."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Course, Institution
from catalog.models.base import NewestFirst
from matching.choices import AlertKind, Frequency
from matching.models.demands import Demand

# A score (see search/scoring.py: topic up to 12, destination up to 4.5, quality 2, cooperation 1) that a
# listing must reach to be worth a message; the person may move it.
DEFAULT_THRESHOLD = 5.0
HIGHEST_THRESHOLD = 20.0


class AlertQuerySet(models.QuerySet):
    def owned_by(self, user) -> AlertQuerySet:
        """A person's own alerts; nobody else's, whatever their role."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def active(self) -> AlertQuerySet:
        return self.filter(paused=False, user__is_active=True)


class Alert(NewestFirst):
    """One saved search, one watched demand, or an institution's watch on new demands, owned by one person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    name = models.CharField(_("name"), max_length=120)
    # The "find institutions" page's query string (kind "search"): the link to run it again and the record
    # rank() is given, read through the page's own form.
    query = models.TextField(blank=True)
    demand = models.ForeignKey(Demand, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    threshold = models.FloatField(
        _("lowest score"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(0.0), MaxValueValidator(HIGHEST_THRESHOLD)],
    )
    frequency = models.CharField(
        _("email"), max_length=20, choices=Frequency.choices, default=Frequency.DAILY
    )
    paused = models.BooleanField(_("paused"), default=False)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta(NewestFirst.Meta):
        indexes = [
            # A new listing or demand is checked against the active alerts of one kind.
            models.Index(fields=["kind", "paused"], name="alert_kind_active_idx"),
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return self.name


class AlertHit(NewestFirst):
    """A listing (institution or course) or a demand that fit an alert when it appeared; once per alert."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="hits")
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    demand = models.ForeignKey(Demand, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # "institution:<external id>", "course:…", "demand:…": what the hit is about, so it is told once.
    key = models.CharField(max_length=120)
    score = models.FloatField()
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta(NewestFirst.Meta):
        constraints = [models.UniqueConstraint(fields=["alert", "key"], name="alert_hit_once")]
        indexes = [
            # The digests: an alert's hits not emailed yet.
            models.Index(fields=["alert", "emailed_at"], name="alert_hit_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.alert} → {self.key}"

    @property
    def target(self):
        return self.course or self.institution or self.demand
