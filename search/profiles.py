"""Builds institution profiles from the catalogue: the one place where an institution's specialties,
words and quality value are worked out for matching."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from catalog import models as catalogue
from catalog.exchange.bulk import upsert_rows
from catalog.quality import catalogue_mean, public_mean
from search.analysis import FieldTerms, Taxonomy, analyse, tokenize
from search.cache import until_taxonomy_changes
from search.models import IndexVersion, InstitutionProfile
from search.scoring import quality_value

# A course's field says less than a stated specialty; words in a profile less again.
COURSE_FIELD_WEIGHT = 0.7
DETECTED_WITH_STATED = 0.5


# A rebuild of more institutions than this, and of half the catalogue or more, reads the source tables whole.
WHOLE_TABLES_FROM = 1000

# What a rebuild works out for an institution: the profile's columns both engines read.
PROFILE_COLUMNS = (
    "specialties",
    "specialty_sources",
    "token_counts",
    "length",
    "quality",
    "rating_mean",
    "rating_count",
)


@until_taxonomy_changes
def load_taxonomy() -> Taxonomy:
    """The field taxonomy as the analyser uses it."""
    return Taxonomy(
        [
            FieldTerms(code, parent, (name_en, name_zh, *synonyms))
            for code, parent, name_en, name_zh, synonyms in catalogue.Field.objects.values_list(
                "code", "parent__code", "name_en", "name_zh", "synonyms"
            )
        ]
    )


@until_taxonomy_changes
def country_strengths() -> dict[str, dict[str, float]]:
    """Each country's strength in each field: `strengths[country][field]`, 0 to 1."""
    strengths: dict[str, dict[str, float]] = {}
    for country, code, weight in catalogue.CountryStrength.objects.values_list(
        "country__code", "field__code", "weight"
    ):
        strengths.setdefault(country, {})[code] = weight
    return strengths


@until_taxonomy_changes
def country_words() -> frozenset[str]:
    """The countries' names that are one word ("荷兰", "Germany"), as tokens: in a demand's text they say
    where, which the destination signal reads, not what about."""
    words: set[str] = set()
    for names in catalogue.Country.objects.values_list("name_en", "name_zh"):
        for name in names:
            tokens = tokenize(name)
            if len(tokens) == 1:
                words.update(tokens)
    return frozenset(words)


def _fresh_taxonomy() -> Taxonomy:
    # Profiles are rebuilt because something changed: read the taxonomy as it is now, past the memory
    # (which the rankings keep using until the taxonomy stamp moves).
    return load_taxonomy.__wrapped__()


def rebuild_profiles(
    institution_ids: Iterable[int] | None = None, *, taxonomy: Taxonomy | None = None
) -> int:
    """Recompute the profiles of these institutions (all when None); returns how many were written."""
    wanted = None if institution_ids is None else set(institution_ids)
    whole = wanted is None or _most_of_the_catalogue(wanted)

    def of(queryset, column: str):
        # The wanted institutions' rows; read whole, the tables hold others' rows too, never looked up.
        return queryset if whole else queryset.filter(**{f"{column}__in": list(wanted)})

    rows = [
        row
        for row in of(catalogue.Institution.objects.all(), "pk").values_list(
            "pk", "name_en", "name_zh", "description_en", "description_zh"
        )
        if wanted is None or row[0] in wanted
    ]
    if not rows:
        return 0
    taxonomy = taxonomy or _fresh_taxonomy()
    stated = _by_institution(
        of(catalogue.InstitutionSpecialty.objects.all(), "institution_id").values_list(
            "institution_id", "field__code", "weight"
        )
    )
    course_texts: dict[int, list[str]] = defaultdict(list)
    course_fields: dict[int, set[str]] = defaultdict(set)
    for provider, title_en, title_zh, summary_en, summary_zh in of(
        catalogue.Course.objects.filter(live=True), "provider_id"
    ).values_list("provider_id", "title_en", "title_zh", "summary_en", "summary_zh"):
        course_texts[provider] += [title_en, title_zh, summary_en, summary_zh]
    for provider, code in of(
        catalogue.Course.fields.through.objects.all(), "course__provider_id"
    ).values_list("course__provider_id", "field__code"):
        course_fields[provider].add(code)
    ratings: dict[int, list[tuple[float, datetime.date]]] = defaultdict(list)
    for institution_id, overall, date in of(
        catalogue.Evaluation.objects.counted(), "institution_id"
    ).values_list("institution_id", "overall", "date"):
        ratings[institution_id].append((overall, date))
    mean, today = catalogue_mean(), timezone.localdate()

    profiles = []
    for pk, name_en, name_zh, description_en, description_zh in rows:
        texts = [name_en, name_zh, description_en, description_zh, *course_texts[pk]]
        text = "\n".join(t for t in texts if t)
        analysis = analyse(text)
        tokens = analysis.tokens()
        specialties, sources = combined_specialties(
            stated.get(pk, {}), course_fields[pk], taxonomy.detect(analysis)
        )
        own = ratings[pk]
        # In the order of PROFILE_COLUMNS, after the institution.
        profiles.append(
            [
                pk,
                specialties,
                sources,
                dict(sorted(Counter(tokens).items())),
                len(tokens),
                quality_value(own, mean, today),
                public_mean([overall for overall, _date in own]),
                len(own),
            ]
        )
    with transaction.atomic():
        version = IndexVersion.bump()
        now = timezone.now()
        upsert_rows(
            InstitutionProfile,
            ["institution_id", *PROFILE_COLUMNS, "index_version", "updated_at"],
            (profile + [version, now] for profile in profiles),
            unique="institution_id",
        )
    return len(profiles)


def _most_of_the_catalogue(ids: set[int]) -> bool:
    """Whether a rebuild of these institutions reads its source tables whole: for half the catalogue or more
    (an import's new institutions), cheaper than five queries naming every id."""
    return len(ids) > WHOLE_TABLES_FROM and 2 * len(ids) >= catalogue.Institution.objects.count()


def _by_institution(rows) -> dict[int, dict[str, float]]:
    result: dict[int, dict[str, float]] = defaultdict(dict)
    for institution_id, code, weight in rows:
        result[institution_id][code] = weight
    return result


def combined_specialties(stated: dict[str, float], course_fields: set[str], detected) -> tuple[dict, dict]:
    """Stated specialties first; then the fields of its courses; then what its texts speak of, worth
    less when the institution stated its specialties itself."""
    weights: dict[str, float] = {}
    sources: dict[str, str] = {}

    def offer(code: str, weight: float, source: str) -> None:
        if weight > weights.get(code, 0.0):
            weights[code] = round(weight, 4)
            sources[code] = source

    for code, weight in stated.items():
        offer(code, weight, "stated")
    for code in course_fields:
        offer(code, COURSE_FIELD_WEIGHT, "course")
    factor = DETECTED_WITH_STATED if stated else 1.0
    for code, match in detected.items():
        offer(code, match.weight * factor, "text")
    return weights, sources
