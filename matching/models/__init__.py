"""The work between units and institutions, by sub-domain: demands, negotiation, notifications,
training groups, the outcomes units submit."""

from matching.models.alerts import DEFAULT_THRESHOLD, Alert, AlertHit
from matching.models.demands import (
    Demand,
    DemandCategory,
    DemandQuerySet,
    ExpertReview,
    OrganizingUnit,
    UnitMembership,
    member_unit,
    member_unit_or_403,
    unit_key,
)
from matching.models.experts import Expert
from matching.models.negotiation import Inquiry, InquiryEvent, InquiryMessage, Proposal
from matching.models.notifications import Notification
from matching.models.outcomes import UnitOutcome
from matching.models.planning import (
    AnnualPlan,
    OutcomeFollowUp,
    PlanEvent,
    PlanItem,
    PlanningSettings,
    PlanYear,
    Project,
    ProjectChange,
    Quota,
    SupervisingDepartment,
)
from matching.models.reports import Report
from matching.models.training import EVALUATION_WINDOW, GroupEvaluation, LogEntry, TrainingGroup

__all__ = [
    "Expert",
    "DEFAULT_THRESHOLD",
    "Alert",
    "AlertHit",
    "Report",
    "AnnualPlan",
    "PlanEvent",
    "PlanItem",
    "PlanYear",
    "PlanningSettings",
    "Project",
    "ProjectChange",
    "Quota",
    "SupervisingDepartment",
    "EVALUATION_WINDOW",
    "Demand",
    "DemandCategory",
    "DemandQuerySet",
    "ExpertReview",
    "GroupEvaluation",
    "Inquiry",
    "InquiryEvent",
    "InquiryMessage",
    "LogEntry",
    "Notification",
    "OutcomeFollowUp",
    "OrganizingUnit",
    "Proposal",
    "TrainingGroup",
    "UnitMembership",
    "UnitOutcome",
    "member_unit",
    "member_unit_or_403",
    "unit_key",
]
