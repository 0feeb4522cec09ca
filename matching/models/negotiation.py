"""Online negotiation (网上洽谈): an inquiry thread between a unit and an institution about a demand,
with messages, proposals and the history of its status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.fields import acted_by
from catalog.models import Institution
from catalog.roles import is_office, staff_institution
from matching.choices import InquiryStatus, Side
from matching.models.demands import Demand, member_unit


def readable_threads(user, path: str = "") -> models.Q | None:
    """Which threads a person may read, and what hangs off them (`path` leads to the thread): those of
    their own unit's demands and those of the institution they work for; None for the office, who reads
    every thread."""
    if is_office(user):
        return None
    shown = models.Q(pk__in=[])
    unit = member_unit(user)
    if unit is not None:
        shown |= models.Q(**{f"{path}demand__organizing_unit": unit})
    institution = staff_institution(user)
    if institution is not None:
        shown |= models.Q(**{f"{path}institution": institution})
    return shown


class InquiryQuerySet(models.QuerySet):
    def visible_to(self, user) -> InquiryQuerySet:
        """The threads a person may read (readable_threads)."""
        readable = readable_threads(user)
        inquiries = self.select_related("demand__organizing_unit", "institution__country")
        return inquiries if readable is None else inquiries.filter(readable)


class Inquiry(models.Model):
    """One thread per demand and institution, opened by the unit from the matches or by the
    institution expressing interest."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="inquiries")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="inquiries")
    status = models.CharField(
        _("status"), max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.OPEN
    )
    opened_by = acted_by()
    opened_from = models.CharField(max_length=20, choices=Side.choices, default=Side.UNIT)
    # Set when the institution was suspended or withdrawn while the thread was open.
    institution_inactive = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["demand", "institution"], name="one_inquiry_per_pair")]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return f"{self.demand.external_id} ↔ {self.institution.external_id}"

    @property
    def is_closed(self) -> bool:
        return self.status in InquiryStatus.closed()


class ThreadEntry(models.Model):
    """What one side writes in a thread (a message, a proposal): by whom, for which side, when; oldest
    first."""

    author = acted_by()
    side = models.CharField(max_length=20, choices=Side.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class InquiryMessage(ThreadEntry):
    """A message in a thread, from either side."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    text = models.TextField(_("message"))

    def __str__(self) -> str:
        return f"message on {self.inquiry}"


class Proposal(ThreadEntry):
    """A programme either side proposes: outline, dates, cities, price per person and language."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="proposals")
    outline = models.TextField(_("programme outline"))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    cities = models.CharField(pgettext_lazy("proposal", "cities"), max_length=255)
    price_per_person = models.DecimalField(_("price per person"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    language = models.CharField(_("teaching language"), max_length=20)

    def __str__(self) -> str:
        return f"proposal on {self.inquiry}"


class InquiryEvent(models.Model):
    """A change of a thread's status: who moved it, from what, to what, and when."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    actor = acted_by()
    from_status = models.CharField(max_length=20, choices=InquiryStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=InquiryStatus.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.inquiry}: {self.from_status} → {self.to_status}"
