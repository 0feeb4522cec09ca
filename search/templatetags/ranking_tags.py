"""Template tags that show rankings on catalogue pages, so the catalogue's code needs no ranking."""

from __future__ import annotations

from django import template

from catalog.models import Institution
from search.similar import similar_to

register = template.Library()


@register.inclusion_tag("includes/similar_institutions.html")
def similar_institutions(institution, top: int = 5):
    matches = similar_to(institution, top=top) if institution.is_admitted else []
    pages = (
        Institution.objects.public().select_related("country").in_bulk([m.institution_id for m in matches])
    )
    return {"similar": [(pages[m.institution_id], m) for m in matches if m.institution_id in pages]}
