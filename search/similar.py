"""Similar institutions: the ranking turned on an institution itself, its specialties as the demand."""

from __future__ import annotations

from catalog.models import Institution
from search.demand import DemandRecord
from search.ranking import Match, rank

STRONGEST_SPECIALTIES = 4


def similar_to(institution: Institution, *, top: int = 5) -> list[Match]:
    specialties = (
        list(institution.search_profile.specialties.items()) if hasattr(institution, "search_profile") else []
    )
    codes = [code for code, _ in sorted(specialties, key=lambda item: -item[1])[:STRONGEST_SPECIALTIES]]
    demand = DemandRecord(
        external_id=institution.external_id,
        title=institution.name_en,
        topic=institution.description_en or institution.description_zh,
        fields=codes,
    )
    matches = rank(demand, top=top + 1)
    return [match for match in matches if match.institution_id != institution.pk][:top]
