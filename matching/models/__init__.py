"""The work between units and institutions, by sub-domain: demands, negotiation, notifications."""

from matching.models.demands import (
    Demand,
    DemandCategory,
    DemandQuerySet,
    DemandStatus,
    ExpertReview,
    OrganizerLevel,
    OrganizingUnit,
    UnitMembership,
    Visibility,
    member_unit,
)
from matching.models.negotiation import Inquiry, InquiryEvent, InquiryMessage, InquiryStatus, Proposal, Side
from matching.models.notifications import Notification

__all__ = [
    "Demand",
    "DemandCategory",
    "DemandQuerySet",
    "DemandStatus",
    "ExpertReview",
    "Inquiry",
    "InquiryEvent",
    "InquiryMessage",
    "InquiryStatus",
    "Notification",
    "OrganizerLevel",
    "OrganizingUnit",
    "Proposal",
    "Side",
    "UnitMembership",
    "Visibility",
    "member_unit",
]
