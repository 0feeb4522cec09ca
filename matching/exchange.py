"""The demand record type of the exchange format, registered with the catalogue's reader and writer, and
`read_demand`, which reads one demand record as the typed `DemandRecord` the rules and the ranking take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog.exchange import ImportContext, Invalid, RecordType, UpdatePair, register
from catalog.exchange.keys import Bool, Choice, Code, Int, Number, Obj, RefList, Text
from matching.choices import OrganizerLevel, SpecialProjectKind
from matching.models import Demand, DemandCategory, OrganizingUnit, unit_key
from search.demand import DemandRecord

_UNITS = "organizing_units"


class UnitName(Text):
    """The organizing unit, given by name; the import creates units it does not know yet."""

    def __init__(self, name: str, **kwargs):
        super().__init__(name, **kwargs)
        self.lookup, self.attname = "organizing_unit__name", "organizing_unit_id"

    def store(self, obj: Any, value: Any, ctx: Any) -> None:
        setattr(obj, self.attname, ctx.cache[_UNITS][value])


class DemandType(RecordType):
    """A training demand on the board. `special_project` is kept as stated or not: a missing key and an
    explicit null mean different things to the `classification` rule, so export writes it only when stated."""

    name, model, order = "demand", Demand, 70
    keys = [
        Code("external_id"),
        Text("title", required=True, max_length=255),
        Text("topic", multiline=True),
        Text("content", multiline=True),
        # For foreign institutions' staff: optional, and written only when the unit wrote them.
        Text("title_en", max_length=255, omit_when_absent=True),
        Text("summary_en", multiline=True, omit_when_absent=True),
        # Fields left out stay empty here; detecting them from the texts is the search room's analyser.
        RefList("fields", "field", target_key="code"),
        RefList("destinations", "country", target_key="code"),
        Bool("destinations_only"),
        Int("days", minimum=1, required=True),
        Int("group_size", minimum=1, required=True),
        Int("cities", minimum=1, default=1),
        Choice("category", DemandCategory.values, required=True),
        UnitName("organizing_unit", required=True, max_length=255),
        Int("participants_max_age", minimum=0, maximum=150),
        Int("participants_min_years_to_retirement", minimum=0, maximum=100),
        Obj(
            "special_project",
            [
                Choice("kind", SpecialProjectKind.values),
                Text("name", max_length=255),
                Int("year", minimum=1900, maximum=2100),
            ],
            omit_when_absent=True,
        ),
        Bool("backbone_plan", nullable=True),
        Obj(
            "expert_review",
            [
                Text("opinion", multiline=True),
                Text("expert", max_length=120),
                Text("affiliation", max_length=255),
                Text("title", max_length=120),
            ],
        ),
        Obj(
            "foreign_funding",
            [
                Text("funder", max_length=255),
                Text("institution", max_length=255),
                Text("content", multiline=True),
                Number("amount", minimum=0),
            ],
        ),
        Bool("double_cross"),
        Choice("organizer_level", OrganizerLevel.values, nullable=True),
        RefList("institutions", "institution", target_key="external_id"),
    ]

    def row_lookups(self) -> list[str]:
        return ["special_project_stated"]

    def clean(self, raw: dict) -> dict:
        return _without_empty_english(super().clean(raw))

    def from_row(self, row: dict, related: dict[str, dict[int, Any]]) -> dict:
        record = super().from_row(row, related)
        if not row["special_project_stated"]:
            del record["special_project"]
        return _without_empty_english(record)

    def store(self, obj: Demand, record: dict, ctx: ImportContext) -> None:
        super().store(obj, record, ctx)
        for name in ENGLISH_KEYS:
            setattr(obj, name, record.get(name, ""))
        obj.special_project_stated = "special_project" in record
        obj.special_project = record.get("special_project")

    def update_fields(self) -> list[str]:
        return [*super().update_fields(), "special_project_stated"]

    def apply(self, created: list[dict], updated: list[UpdatePair], ctx: ImportContext) -> None:
        names = {record["organizing_unit"] for record in [*created, *(new for new, _old in updated)]}
        # Units are known by their compared name (unit_key): a record naming a look-alike of a known unit
        # is that unit's, and two look-alikes in one file found one unit.
        known = set(OrganizingUnit.objects.values_list("key", flat=True))
        new_units: dict[str, OrganizingUnit] = {}
        for name in sorted(names):
            key = unit_key(name)
            if key not in known and key not in new_units:
                new_units[key] = OrganizingUnit(name=" ".join(name.split()), key=key)
        OrganizingUnit.objects.bulk_create(new_units.values())
        by_key = dict(OrganizingUnit.objects.values_list("key", "pk"))
        ctx.cache[_UNITS] = {name: by_key[unit_key(name)] for name in names}
        super().apply(created, updated, ctx)


ENGLISH_KEYS = ("title_en", "summary_en")


def _without_empty_english(record: dict) -> dict:
    """The English title and summary stay out of a record that has none, so a catalogue written before
    they existed reads and exports unchanged."""
    for name in ENGLISH_KEYS:
        if not record.get(name):
            record.pop(name, None)
    return record


register(DemandType())


def read_demand(raw: Mapping[str, Any]) -> DemandRecord:
    """A demand record as given (a line of a file, a stored demand's canonical record), typed. Each key is
    checked by its key above; a wrong value is not raised but kept in `problems`, for the rules to report
    beside the other findings, and the key left out. Keys not of the format are ignored."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key in DemandType.keys:
        if key.name not in raw:
            continue
        try:
            value = key.clean_present(raw[key.name])
        except Invalid as error:
            problems[key.name] = error.message
        else:
            # A list of references keeps the order given, not the canonical (sorted) one: the ranking breaks
            # ties between equally strong fields in that order.
            values[key.name] = raw[key.name] if isinstance(key, RefList) and value else value
    return DemandRecord(**values, problems=problems)
