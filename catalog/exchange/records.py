"""The catalogue's record types: field, country, institution, course, evaluation and outcome.

Keys, their order and defaults follow shared/EXCHANGE-FORMAT.md; the page types write through the bulk
helpers in `pages.py`.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop
from wagtail.models import Page

from catalog.choices import Delivery, EvaluationDirection, InstitutionKind, InstitutionStatus, Region
from catalog.exchange import pages
from catalog.exchange.bulk import Row, chunked
from catalog.exchange.keys import (
    Bool,
    Choice,
    Code,
    Date,
    Email,
    ExchangeError,
    Int,
    Invalid,
    Message,
    Number,
    Ref,
    RefList,
    Scores,
    Text,
    TextList,
    Url,
    Weighted,
)
from catalog.exchange.registry import ImportContext, RecordType, UpdatePair, register
from catalog.models import (
    Country,
    Course,
    Evaluation,
    Field,
    Institution,
    InstitutionIndexPage,
    Outcome,
    OutcomeIndexPage,
)


def field_ref(name: str, **kwargs) -> Ref:
    return Ref(name, "field", target_key="code", **kwargs)


def field_list(name: str = "fields") -> RefList:
    return RefList(name, "field", target_key="code")


class FieldType(RecordType):
    """A field of the taxonomy; `parent` may name a field later in the same file."""

    name, model, order = "field", Field, 10
    keys = [
        Code("code", max_length=80),
        Text("name_zh", required=True, max_length=120),
        Text("name_en", required=True, max_length=120),
        TextList("synonyms"),
        field_ref("parent"),
        Int("priority", minimum=1, maximum=32767),
        Bool("central_only"),
    ]

    def check(self, record: dict) -> None:
        if record["parent"] == record["code"]:
            raise Invalid("parent", gettext_noop("a field cannot be its own parent"))


class CountryType(RecordType):
    """A destination country with its strength fields."""

    name, model, order = "country", Country, 20
    keys = [
        Code("code", max_length=8),
        Text("name_zh", max_length=120),
        Text("name_en", required=True, max_length=120),
        Choice("region", Region.values, nullable=True),
        Bool("asian_or_neighbouring"),
        Bool("hotspot"),
        Bool("belt_and_road"),
        Weighted("strengths", "field", target_key="code"),
    ]


class PageType(RecordType):
    """A record type kept as a Wagtail page: created in bulk as the last child of its parent, live,
    with the record's key as its slug."""

    def page_title(self, record: dict) -> str:
        raise NotImplementedError

    def parents(self, records: list[dict], ctx: ImportContext) -> list[Row]:
        """The parent page of each record, in order, as rows of `pages.PARENT_COLUMNS`."""
        raise NotImplementedError

    def build_rows(self, records: list[dict], ctx: ImportContext) -> list[Row]:
        rows = super().build_rows(records, ctx)
        for row, record in zip(rows, records, strict=True):
            row.title = row.draft_title = self.page_title(record)
            row.slug = record[self.key]
        return rows

    def create(self, records: list[dict], ctx: ImportContext) -> None:
        rows = self.build_rows(records, ctx)
        pages.add_children(self.model, list(zip(self.parents(records, ctx), rows, strict=True)))
        ctx.page_changed(self.model, [row.page_ptr_id for row in rows])
        self.created(rows, ctx)

    def created(self, rows: list[Row], ctx: ImportContext) -> None:
        """Bookkeeping after creation."""

    def update_fields(self) -> list[str]:
        return [*super().update_fields(), "title", "draft_title"]

    def update(self, pairs: list[UpdatePair], ctx: ImportContext) -> list[Row]:
        rows = super().update(pairs, ctx)
        ctx.page_changed(self.model, [row.pk for row in rows])
        return rows


def _single_page(model: type[Page]) -> Row:
    found = pages.parent_rows(Page.objects.type(model).order_by("path"))
    if not found:
        # The site tree comes from portal's migration 0002; without it there is nowhere to put the page.
        raise ExchangeError([f"the site has no {model._meta.verbose_name}; run manage.py migrate"])
    return found[0]


class InstitutionType(PageType):
    """A foreign training institution, a child of the institution directory."""

    name, model, order = "institution", Institution, 30
    keys = [
        Code("external_id"),
        Text("name_en", required=True, max_length=255),
        Text("name_zh", max_length=255),
        Ref("country", "country", target_key="code", required=True),
        Text("city", max_length=120),
        Choice("kind", InstitutionKind.values, default=InstitutionKind.UNIVERSITY),
        Bool("cooperating"),
        Choice("status", InstitutionStatus.values, default=InstitutionStatus.ACTIVE),
        Weighted("specialties", "field", target_key="code"),
        Text("description_en", multiline=True),
        Text("description_zh", multiline=True),
        TextList("languages"),
        Url("website", max_length=300),
        Email("contact_email"),
        Int("max_group_size", minimum=1),
    ]

    def page_title(self, record: dict) -> str:
        return record["name_en"]

    def parents(self, records: list[dict], ctx: ImportContext) -> list[Row]:
        return [_single_page(InstitutionIndexPage)] * len(records)

    def created(self, rows: list[Row], ctx: ImportContext) -> None:
        ids = [row.page_ptr_id for row in rows]
        ctx.affected_institutions.update(ids)

    def update(self, pairs: list[UpdatePair], ctx: ImportContext) -> list[Row]:
        rows = super().update(pairs, ctx)
        ctx.affected_institutions.update(row.pk for row in rows)
        return rows


class TitledPageType(PageType):
    """A page whose record gives its title in either language or both: one of `title_keys` is required,
    and the page is titled by the first one given."""

    title_keys: tuple[str, str]

    def check(self, record: dict) -> None:
        first, second = self.title_keys
        if not (record[first].strip() or record[second].strip()):
            missing = gettext_noop("missing required key: give %(first)s or %(second)s")
            raise Invalid(first, Message(missing, first=first, second=second))

    def page_title(self, record: dict) -> str:
        first, second = self.title_keys
        return record[first] or record[second]


class CourseType(TitledPageType):
    """A course, a child page of the institution that offers it."""

    name, model, order = "course", Course, 40
    title_keys = ("title_en", "title_zh")
    keys = [
        Code("external_id"),
        Ref("institution", "institution", target_key="external_id", attr="provider", required=True),
        Text("title_en", max_length=255),
        Text("title_zh", max_length=255),
        field_list(),
        Int("days", minimum=1),
        Text("language", max_length=20),
        Choice("delivery", Delivery.values, nullable=True),
        Text("summary_en", multiline=True),
        Text("summary_zh", multiline=True),
        Bool("premium"),
    ]

    def parents(self, records: list[dict], ctx: ImportContext) -> list[Row]:
        institution_pks = ctx.pks("institution")
        wanted = sorted({institution_pks[record["institution"]] for record in records})
        by_pk = {}
        for chunk in chunked(wanted):
            by_pk.update((row.pk, row) for row in pages.parent_rows(Page.objects.filter(pk__in=chunk)))
        return [by_pk[institution_pks[record["institution"]]] for record in records]

    def created(self, rows: list[Row], ctx: ImportContext) -> None:
        providers = {row.provider_id for row in rows}
        ctx.affected_institutions.update(providers)

    def update(self, pairs: list[UpdatePair], ctx: ImportContext) -> list[Row]:
        institution_pks = ctx.pks("institution")
        for new, old in pairs:
            if new["institution"] != old["institution"]:
                # A course given to another institution moves under it: rare, so Wagtail's own move.
                parent = Page.objects.get(pk=institution_pks[new["institution"]])
                Course.objects.get(external_id=new[self.key]).move(parent, pos="last-child")
        rows = super().update(pairs, ctx)
        providers = {institution_pks.get(old["institution"]) for _new, old in pairs}
        providers |= {row.provider_id for row in rows}
        providers.discard(None)
        ctx.affected_institutions.update(providers)
        return rows


class EvaluationType(RecordType):
    """One side's evaluation of a training; unit-to-institution ones make the quality record."""

    name, model, order = "evaluation", Evaluation, 50
    keys = [
        Code("external_id"),
        Ref("institution", "institution", target_key="external_id", required=True),
        Choice("direction", EvaluationDirection.values, required=True),
        Date("date", required=True),
        Number("overall", minimum=1, maximum=5, required=True),
        Scores("scores"),
        Int("group_size", minimum=1),
        Int("days", minimum=1),
        Text("comment", multiline=True),
    ]

    def apply(self, created: list[dict], updated: list[UpdatePair], ctx: ImportContext) -> None:
        super().apply(created, updated, ctx)
        institution_pks = ctx.pks("institution")
        ctx.affected_institutions.update(institution_pks[record["institution"]] for record in created)
        for new, old in updated:
            ctx.affected_institutions.add(institution_pks[new["institution"]])
            ctx.affected_institutions.add(institution_pks[old["institution"]])


class OutcomeType(TitledPageType):
    """A published training outcome, a child of the outcome showcase."""

    name, model, order = "outcome", Outcome, 60
    title_keys = ("title_zh", "title_en")
    keys = [
        Code("external_id"),
        Text("title_zh", max_length=255),
        Text("title_en", max_length=255),
        Text("organizing_unit", max_length=255),
        RefList("institutions", "institution", target_key="external_id"),
        field_list(),
        Ref("country", "country", target_key="code"),
        Int("year", minimum=1900, maximum=2100),
        Text("summary_zh", multiline=True),
        Text("summary_en", multiline=True),
        Text("economic_benefit", multiline=True),
        Text("social_benefit", multiline=True),
    ]

    def parents(self, records: list[dict], ctx: ImportContext) -> list[Row]:
        return [_single_page(OutcomeIndexPage)] * len(records)

    def apply(self, created: list[dict], updated: list[UpdatePair], ctx: ImportContext) -> None:
        super().apply(created, updated, ctx)
        institution_pks = ctx.pks("institution")
        for record in [*created, *(new for new, _old in updated), *(old for _new, old in updated)]:
            ctx.affected_institutions.update(
                institution_pks[key] for key in record["institutions"] if key in institution_pks
            )


for record_type in (FieldType, CountryType, InstitutionType, CourseType, EvaluationType, OutcomeType):
    register(record_type())
