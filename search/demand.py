"""The demand record: a training demand as every room reads it. `Demand.as_record()`, the demand forms, the
exchange reader and the match API build it; `rank()` and the policy rules' `check()` take it. It lives here,
below matching, because `rank()` takes it and must not import matching."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemandCategory(models.TextChoices):
    """`demand.category` of the exchange format; the ranking prefers cooperating institutions for two."""

    PROFESSIONAL = "professional", _("Professional and technical")
    MANAGEMENT = "management", _("Comprehensive management")
    GENERAL = "general", _("General professional training")


class Missing(enum.Enum):
    """A key the record left out, where that means something else than null: `special_project` left out is
    "not stated" (an error for a short-term demand), null is "none of these"."""

    MISSING = "missing"


MISSING = Missing.MISSING


@dataclass(frozen=True)
class DemandRecord:
    """The keys of the exchange format's `demand` record (shared/EXCHANGE-FORMAT.md), typed. A key not given
    is None (or its type's empty value); `problems` holds the keys whose given value was refused, by key,
    with the reason: the rules report those rather than raise. References keep the order given."""

    external_id: str = ""
    title: str = ""
    topic: str = ""
    content: str = ""
    # Written in English for foreign institutions' staff; read by people, not by the ranking.
    title_en: str = ""
    summary_en: str = ""
    fields: Sequence[str] = ()
    destinations: Sequence[str] = ()
    destinations_only: bool = False
    days: int | None = None
    group_size: int | None = None
    cities: int | None = None
    category: str | None = None
    organizing_unit: str = ""
    participants_max_age: int | None = None
    participants_min_years_to_retirement: int | None = None
    special_project: Mapping[str, Any] | None | Literal[Missing.MISSING] = MISSING
    backbone_plan: bool | None = None
    expert_review: Mapping[str, Any] | None = None
    foreign_funding: Mapping[str, Any] | None = None
    double_cross: bool = False
    organizer_level: str | None = None
    institutions: Sequence[str] = ()
    problems: Mapping[str, str] = field(default_factory=dict)
