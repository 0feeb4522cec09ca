"""What the inquiry page shows of planning without its view knowing: the policy findings on the latest
proposal, before the unit agrees to it."""

from __future__ import annotations

from django import template

from matching.models import Inquiry
from matching.services.planning import agreement_findings, shown

register = template.Library()


@register.simple_tag
def proposal_findings(inquiry: Inquiry) -> list[dict]:
    """The errors and warnings the latest proposal would bring to the demand (none without a proposal)."""
    if not inquiry.proposals.exists():
        return []
    return [finding for finding in shown(agreement_findings(inquiry)) if finding["severity"] != "info"]
