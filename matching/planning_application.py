"""The project application form (出国（境）培训项目申请表) made from a project of the library: every item the
2020 guide 三 names — theme, content and necessity, headcount and participant make-up, days, countries and
institutions, group across regions and departments, funding and the central-funds request, the
intergovernmental agreement, the expert review — and the review opinion and rank of each level of the
chain. The page and the DOCX file show exactly these sections."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from matching.choices import FundingSource, PlanAction, Stage
from matching.models.planning import REVIEW_LEVELS, PlanEvent, Project, department_of
from matching.views.application import (
    Section,
    _participants,
    _special_project,
    _yes_no,
    expert_review_section,
    signed_review,
)


def _names(items) -> str:
    return ", ".join(str(getattr(item, "name", item)) for item in items) or "—"


def _group_section(project: Project) -> Section:
    demand = project.demand
    make_up = project.participants or (_participants(demand) if demand else _("Not stated"))
    return Section(
        _("Group and destinations"),
        [
            (_("Headcount"), str(project.headcount)),
            (_("Participant make-up"), make_up),
            (_("Days abroad"), str(project.days)),
            (_("Number of cities"), str(project.cities)),
            (_("Destination countries"), _names(project.destinations.all())),
            (_("Planned institutions"), _names(project.institutions.all())),
            (_("Group across regions and departments (双跨团组)"), _yes_no(project.cross_regional)),
            (_("Intergovernmental agreement"), project.agreement or _("None")),
            (_("Outside the quota"), _yes_no(project.outside_quota)),
        ],
    )


def _funding_section(project: Project) -> Section:
    requested = project.funding_source == FundingSource.CENTRAL or project.central_funds > 0
    return Section(
        _("Funding"),
        [
            (_("Funding source"), project.get_funding_source_display()),
            (_("Central special funds requested"), _yes_no(requested)),
            (_("Central funds requested (10,000 yuan)"), f"{project.central_funds}"),
        ],
    )


def _programme_section(project: Project) -> Section | None:
    inquiry = project.inquiry
    if inquiry is None:
        return None
    proposal = inquiry.proposals.order_by("-created_at", "-pk").first()
    rows = [(_("Training institution"), inquiry.institution.name)]
    if proposal is not None:
        rows += [
            (_("Dates"), f"{proposal.start_date:%Y-%m-%d} – {proposal.end_date:%Y-%m-%d}"),
            (_("Cities visited"), proposal.cities),
            (_("Price per person"), f"{proposal.price_per_person} {proposal.currency}"),
            (_("Programme outline"), proposal.outline),
        ]
    return Section(_("Agreed programme"), rows)


def opinion_rows(project: Project) -> list[tuple[str, str]]:
    """Each reviewing level's last decision on the project, its opinion, rank, who and when."""
    latest: dict[str, PlanEvent] = {}
    events = PlanEvent.objects.filter(project=project, action=PlanAction.REVIEWED)
    for event in events.select_related("actor").order_by("at", "pk"):
        latest[event.level] = event
    rows = []
    for level in REVIEW_LEVELS:
        event = latest.get(level)
        if event is None and level == Stage.DEPARTMENT and department_of(project.unit) is None:
            rows.append((str(level.label), _("None: the unit's plans go to the office directly")))
            continue
        if event is None:
            rows.append((str(level.label), _("Not reviewed yet")))
            continue
        parts = [event.get_decision_display()]
        if event.rank:
            parts.append(_("rank %(rank)s") % {"rank": event.rank})
        parts.append(f"{event.actor or ''} {event.at:%Y-%m-%d}".strip())
        text = " · ".join(parts)
        rows.append((str(level.label), f"{text}\n{event.opinion}".strip()))
    return rows


def project_application(project: Project) -> list[Section]:
    """The application form's sections in the active language."""
    demand = project.demand
    department = department_of(project.unit)
    sections = [
        Section(
            _("The project"),
            [
                (_("Project title"), project.title),
                (_("Organizing unit"), project.unit.name),
                (_("Supervising department"), department.name if department else _("None")),
                (_("Plan year"), str(project.plan_year)),
                (_("Category"), project.get_category_display()),
                (pgettext("subject", "Fields"), _names(project.fields.all())),
                (_("Main content and necessity"), project.content),
            ],
        ),
        Section(
            _("Classification"),
            [
                (_("Classification"), project.get_classification_display()),
                (_("Special project"), _special_project(demand) if demand else _("Not stated")),
            ],
        ),
        _group_section(project),
        _funding_section(project),
    ]
    if programme := _programme_section(project):
        sections.append(programme)
    sections.append(expert_review_section(demand, signed_review(demand) if demand else None))
    sections.append(Section(_("Review opinions"), opinion_rows(project)))
    return sections
