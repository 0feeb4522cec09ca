"""The Elasticsearch documents: one per indexed model. Institutions are indexed with the same profile the
embedded engine holds in memory, so both engines score the same values."""

from __future__ import annotations

from django.db.models import QuerySet
from elasticsearch.dsl import Boolean, Document, Float, Integer, Keyword, MetaField, Object, Text, analyzer

from catalog.querysets import public_institutions
from search.models import InstitutionProfile
from search.profiles import PROFILE_COLUMNS

# The words were already cut by the project's analyser (jieba for Chinese), so the server only splits on
# spaces: both engines see the same words.
analysed_words = analyzer("analysed_words", tokenizer="whitespace")


class InstitutionDocument(Document):
    """An admitted, live institution: its names, country, specialty weights, words and quality value."""

    institution_id = Integer()
    external_id = Keyword()
    name_en = Text(fields={"raw": Keyword()})
    name_zh = Text(fields={"raw": Keyword()})
    country = Keyword()
    cooperating = Boolean()
    status = Keyword()
    # field code → weight; every key is mapped as a float by the dynamic template below.
    spec = Object(dynamic=True)
    spec_sources = Object(enabled=False)
    # The institution's words, each repeated as often as it occurs, for the server's BM25.
    body = Text(analyzer=analysed_words)
    length = Integer()
    quality = Float()
    rating_mean = Float()
    rating_count = Integer()

    class Meta:
        dynamic_templates = MetaField(
            [
                {"specialty_weights": {"path_match": "spec.*", "mapping": {"type": "float"}}},
            ]
        )

    # What a document is made of: the profile's columns and a few of its institution's.
    COLUMNS = (
        "institution_id",
        "institution__external_id",
        "institution__name_en",
        "institution__name_zh",
        "institution__country__code",
        "institution__cooperating",
        "institution__status",
        *PROFILE_COLUMNS,
    )

    @staticmethod
    def get_queryset() -> QuerySet:
        """Suspended, withdrawn and unpublished institutions are never indexed. Rows, not page objects:
        a full rebuild reads every institution."""
        return InstitutionProfile.objects.filter(public_institutions("institution__")).values(
            *InstitutionDocument.COLUMNS
        )

    @classmethod
    def from_row(cls, row: dict) -> InstitutionDocument:
        return cls(
            meta={"id": row["institution__external_id"]},
            institution_id=row["institution_id"],
            external_id=row["institution__external_id"],
            name_en=row["institution__name_en"],
            name_zh=row["institution__name_zh"],
            country=row["institution__country__code"],
            cooperating=row["institution__cooperating"],
            status=row["institution__status"],
            spec={code: float(weight) for code, weight in row["specialties"].items() if weight > 0},
            spec_sources=row["specialty_sources"],
            body=" ".join(" ".join([token] * count) for token, count in row["token_counts"].items()),
            length=row["length"],
            quality=float(row["quality"]),
            rating_mean=row["rating_mean"],
            rating_count=row["rating_count"],
        )
