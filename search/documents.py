"""The Elasticsearch documents: one per indexed model. Institutions are indexed with the same profile the
embedded engine holds in memory, so both engines score the same values."""

from __future__ import annotations

from django.db.models import QuerySet
from elasticsearch.dsl import Boolean, Document, Float, Integer, Keyword, MetaField, Object, Text, analyzer

from search.models import InstitutionProfile

# The words were already cut by the project's analyser (jieba for Chinese), so the server only splits on
# spaces: both engines see the same words.
analysed_words = analyzer("analysed_words", tokenizer="whitespace")


class InstitutionDocument(Document):
    """An admitted, live institution: its names, country, specialty weights, words and quality value."""

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

    @staticmethod
    def get_queryset() -> QuerySet:
        """Suspended, withdrawn and unpublished institutions are never indexed."""
        return InstitutionProfile.objects.filter(
            institution__status="active",
            institution__live=True,
        ).select_related("institution__country")

    @classmethod
    def from_profile(cls, profile: InstitutionProfile) -> InstitutionDocument:
        institution = profile.institution
        return cls(
            meta={"id": institution.external_id},
            external_id=institution.external_id,
            name_en=institution.name_en,
            name_zh=institution.name_zh,
            country=institution.country.code,
            cooperating=institution.cooperating,
            status=institution.status,
            spec={code: float(weight) for code, weight in profile.specialties.items() if weight > 0},
            spec_sources=profile.specialty_sources,
            body=" ".join(" ".join([token] * count) for token, count in profile.token_counts.items()),
            length=profile.length,
            quality=float(profile.quality),
            rating_mean=profile.rating_mean,
            rating_count=profile.rating_count,
        )
