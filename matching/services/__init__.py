"""Typed verbs of the matching room: each changes several models in one transaction."""
