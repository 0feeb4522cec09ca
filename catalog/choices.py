"""The catalogue's vocabularies: the fixed values its models store, its forms offer and the exchange
format writes, in one module that imports no model, so the exchange keys, the rules and the search
engines name them without loading the app registry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    NORTH_AMERICA = "north_america", _("North America")
    LATIN_AMERICA = "latin_america", _("Latin America")
    AFRICA = "africa", _("Africa")
    OCEANIA = "oceania", _("Oceania")


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    ENTERPRISE_RND = "enterprise_rnd", _("Enterprise R&D centre")
    TRAINING_PROVIDER = "training_provider", _("Training provider")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class UploadStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    PREVIEWED = "previewed", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")


class Delivery(models.TextChoices):
    ON_SITE = "on-site", _("On site")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class EvaluationDirection(models.TextChoices):
    UNIT_TO_INSTITUTION = "unit_to_institution", _("Unit rates institution")
    INSTITUTION_TO_UNIT = "institution_to_unit", _("Institution rates unit")
