"""The work between units and institutions, by sub-domain: demands, negotiation, notifications,
training groups, the outcomes units submit."""

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
    unit_key,
)
from matching.models.negotiation import Inquiry, InquiryEvent, InquiryMessage, InquiryStatus, Proposal, Side
from matching.models.notifications import Notification
from matching.models.outcomes import UnitOutcome
from matching.models.training import EVALUATION_WINDOW, GroupEvaluation, LogEntry, TrainingGroup

__all__ = [
    "EVALUATION_WINDOW",
    "Demand",
    "DemandCategory",
    "DemandQuerySet",
    "DemandStatus",
    "ExpertReview",
    "GroupEvaluation",
    "Inquiry",
    "InquiryEvent",
    "InquiryMessage",
    "InquiryStatus",
    "LogEntry",
    "Notification",
    "OrganizerLevel",
    "OrganizingUnit",
    "Proposal",
    "Side",
    "TrainingGroup",
    "UnitMembership",
    "UnitOutcome",
    "Visibility",
    "member_unit",
    "unit_key",
]
