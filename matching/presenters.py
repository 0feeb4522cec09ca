"""Matches prepared for a page: each with its institution page, and its signals as bar widths."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from catalog.models import Institution
from search.ranking import Match

SIGNAL_LABELS = {
    "topic": _("Topic"),
    "destination": _("Destination"),
    "quality": _("Quality"),
    "cooperation": _("Cooperation"),
}


def signal_bars(signals: dict[str, float], best: float) -> list[dict]:
    """Each signal's share of a score as a bar, its width relative to `best` (the best score shown)."""
    return [
        {
            "signal": signal,
            "label": SIGNAL_LABELS[signal],
            "value": value,
            "width": round(100 * max(value, 0) / best, 1),
        }
        for signal, value in signals.items()
    ]


@dataclass
class ShownMatch:
    match: Match
    institution: Institution | None
    bars: list[dict]


def present_matches(matches: list[Match]) -> list[ShownMatch]:
    """The matches with their institutions, read in one query that also says who holds the quality label."""
    pages = (
        Institution.objects.public()
        .with_quality_label()
        .select_related("country")
        .in_bulk([m.institution_id for m in matches])
    )
    best = max((m.score for m in matches), default=0) or 1
    return [
        ShownMatch(
            match=m,
            institution=pages.get(m.institution_id),
            bars=signal_bars(m.signals, best),
        )
        for m in matches
    ]
