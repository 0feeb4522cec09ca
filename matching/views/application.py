"""The project application form (申请表) drafted from an agreed inquiry: the demand, the agreed proposal and
the expert review, as a printable page and as a DOCX file, for the unit, the institution and the office."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from catalog.text import reader_is_chinese
from matching.choices import InquiryStatus
from matching.forms.negotiation import teaching_language_label
from matching.models import Demand, ExpertReview, Inquiry, Proposal

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Section:
    """One part of the form: a heading and its rows of label and value."""

    heading: str
    rows: list[tuple[str, str]]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("Not stated")
    return _("Yes") if value else _("No")


def _special_project(demand: Demand) -> str:
    project = demand.special_project
    if not demand.special_project_stated:
        return _("Not stated")
    if not project:
        return _("None of these")
    return " · ".join(str(project.get(key, "")) for key in ("kind", "name", "year") if project.get(key))


def _participants(demand: Demand) -> str:
    parts = []
    if demand.participants_max_age:
        parts.append(_("oldest %(age)s years") % {"age": demand.participants_max_age})
    if demand.participants_min_years_to_retirement is not None:
        parts.append(
            _("at least %(years)s years to retirement")
            % {"years": demand.participants_min_years_to_retirement}
        )
    return "; ".join(parts) or _("Not stated")


def application_sections(
    demand: Demand, proposal: Proposal | None, review: ExpertReview | None, inquiry: Inquiry
) -> list[Section]:
    """The form's content in the active language; the page and the DOCX file both show exactly this."""
    sections = [
        Section(
            _("The project"),
            [
                (_("Project title"), demand.title),
                (_("Organizing unit"), demand.organizing_unit.name),
                (_("Organizer level"), demand.get_organizer_level_display() or _("Not stated")),
                (_("Topic"), demand.topic),
                (_("Main content and necessity"), demand.content),
                (pgettext("subject", "Fields"), ", ".join(field.name for field in demand.fields.all())),
                (_("Category"), demand.get_category_display()),
            ],
        ),
        Section(
            _("Classification"),
            [
                (_("Special project"), _special_project(demand)),
                (_("S&T backbone training plan"), _yes_no(demand.backbone_plan)),
            ],
        ),
        Section(
            _("Group and destinations"),
            [
                (_("Days abroad"), str(demand.days)),
                (_("Group size"), str(demand.group_size)),
                (_("Participants"), _participants(demand)),
                (_("Destination countries"), ", ".join(c.name for c in demand.destinations.all())),
                (_("Number of cities"), str(demand.cities)),
            ],
        ),
    ]
    institution = inquiry.institution
    programme = [(_("Training institution"), institution.name), (_("Country"), institution.country.name)]
    if proposal is not None:
        programme += [
            (_("Dates"), f"{proposal.start_date:%Y-%m-%d} – {proposal.end_date:%Y-%m-%d}"),
            (_("Cities visited"), proposal.cities),
            (_("Price per person"), f"{proposal.price_per_person} {proposal.currency}"),
            (_("Teaching language"), teaching_language_label(proposal.language)),
            (_("Programme outline"), proposal.outline),
        ]
    else:
        programme.append((_("Programme outline"), _("No proposal was attached.")))
    sections.append(Section(_("Agreed programme"), programme))
    sections.append(expert_review_section(demand, review))
    return sections


def signed_review(demand: Demand) -> ExpertReview | None:
    return demand.reviews.filter(signed_at__isnull=False).order_by("-signed_at").first()


def expert_line(*parts: str) -> str:
    """The expert's name, title and affiliation on one line, as the reader's language lists them."""
    return ("，" if reader_is_chinese() else ", ").join(part for part in parts if part)


def expert_review_section(demand: Demand | None, review: ExpertReview | None) -> Section:
    """The expert review (专家评审意见): the latest signed review, or the one given with the demand."""
    if review is not None:
        expert = expert_line(review.name, review.title, review.affiliation)
        opinion = [
            (_("Expert"), expert),
            (_("Opinion"), review.opinion),
            (_("Signed"), f"{review.signed_at:%Y-%m-%d}"),
        ]
    elif demand is not None and demand.expert_review:
        # A review given with the demand itself (the exchange format's `expert_review`).
        given = demand.expert_review
        expert = expert_line(*(given.get(key) or "" for key in ("expert", "title", "affiliation")))
        opinion = [(_("Expert"), expert), (_("Opinion"), given.get("opinion") or "")]
    else:
        opinion = [(_("Opinion"), _("No signed expert review yet."))]
    return Section(_("Expert review"), opinion)


def sections_docx(title: str, subtitle: str, sections: list[Section]) -> bytes:
    """A form's sections as a Word document: a heading and a two-column table for each."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=0)
    document.add_paragraph(subtitle)
    for section in sections:
        document.add_heading(section.heading, level=1)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in section.rows:
            cells = table.add_row().cells
            cells[0].text = label
            cells[1].text = value or ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _agreed_inquiry(request: HttpRequest, pk: int) -> Inquiry:
    """The agreed thread, for its unit, its institution's staff and the office; 404 for anyone else."""
    return get_object_or_404(
        Inquiry.objects.visible_to(request.user).select_related("institution__country"),
        pk=pk,
        status=InquiryStatus.AGREED,
    )


def _draft(inquiry: Inquiry) -> list[Section]:
    demand = inquiry.demand
    proposal = inquiry.proposals.order_by("-created_at", "-pk").first()
    return application_sections(demand, proposal, signed_review(demand), inquiry)


@login_required
def application_draft(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _agreed_inquiry(request, pk)
    context = {"inquiry": inquiry, "demand": inquiry.demand, "sections": _draft(inquiry)}
    return render(request, "matching/application_draft.html", context)


@login_required
def application_docx(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _agreed_inquiry(request, pk)
    title = _("Project application form (draft)")
    document = sections_docx(title, inquiry.demand.title, _draft(inquiry))
    response = HttpResponse(document, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="application-{inquiry.demand.external_id}.docx"'
    return response
