"""Views of the matching room, by sub-domain: the board, demand editing and reviews, negotiation."""
