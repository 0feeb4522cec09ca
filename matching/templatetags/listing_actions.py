"""The "contact" and "report" box under an institution's, a course's, an outcome's or a demand's page: drawn
for each viewer, outside the page's cached fragment."""

from __future__ import annotations

from django import template

from catalog.roles import is_office, staff_institution
from matching.models import member_unit

register = template.Library()


@register.inclusion_tag("matching/includes/listing_actions.html", takes_context=True)
def listing_actions(context, target, kind: str, institution=None, course=None) -> dict:
    """`kind` is institution, course, outcome or demand; `institution` the one a unit may contact from
    here (an admitted one), with the `course` the visitor is reading."""
    request = context["request"]
    user = request.user
    contactable = institution is not None and getattr(institution, "is_admitted", False)
    return {
        "request": request,
        "target": target,
        "kind": kind,
        "institution": institution if contactable else None,
        "course": course,
        "signed_in": user.is_authenticated,
        "unit": member_unit(user),
        "staff": staff_institution(user) is not None,
        "office": is_office(user),
        "next": request.get_full_path(),
    }


@register.simple_tag(takes_context=True)
def alert_kinds(context) -> list[str]:
    """The kinds of alert the viewer may keep (for the "save this search" and "alert me" buttons)."""
    from matching.services.alerts import allowed_kinds

    return [str(kind) for kind in allowed_kinds(context["request"].user)]
