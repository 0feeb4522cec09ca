"""The forms of the matching room, one module per feature: demands (and finding institutions, expert
reviews), negotiation, outcomes, planning, units."""
