"""The Elasticsearch engine: the demand's scoring terms as one function_score query. The topic is an
inner function_score: the server's BM25 over the institution's words plus its specialty weights, with a
`min_score` that keeps out what is not about the subject; destination, quality and cooperation are added
by the outer one. The engine reads back the same features the embedded engine holds, and `rank()`
re-scores the best few exactly, so both engines explain and order alike."""

from __future__ import annotations

from elasticsearch.dsl import Q, Search

from search.analysis import idf
from search.engines.embedded import SLACK
from search.es import get_client, index_alias
from search.profiles import country_strengths
from search.scoring import BM25_K1, TOPIC_MIN, DemandQuery, InstitutionFeatures, Term, build_terms


def function_for(term: Term) -> dict:
    """One scoring term as a function_score function: the same `weight × value` as the embedded engine."""
    if term.kind == "field":
        return {"field_value_factor": {"field": f"spec.{term.key}", "factor": term.weight, "missing": 0}}
    if term.kind == "country":
        return {"filter": {"term": {"country": term.key}}, "weight": term.weight}
    if term.kind == "quality":
        return {"field_value_factor": {"field": "quality", "factor": term.weight, "missing": 0}}
    if term.kind == "cooperating":
        return {"filter": {"term": {"cooperating": True}}, "weight": term.weight}
    raise ValueError(term.kind)


def build_search(query: DemandQuery, terms: list[Term], idf_of: dict[str, float], size: int) -> Search:
    field_terms = [t for t in terms if t.kind == "field"]
    other_terms = [t for t in terms if t.signal != "topic"]
    # The server's BM25 is idf × tf / (tf + k1 × norm): a word's boost makes it the term's weight × the
    # exact formula's (k1 + 1) × tf / (tf + k1 × norm). Words of equal boost (the written ones, the
    # translated ones) go in one match query.
    by_boost: dict[float, list[str]] = {}
    for term in terms:
        if term.kind == "token":
            boost = round(term.weight * (BM25_K1 + 1) / idf_of[term.key], 9)
            by_boost.setdefault(boost, []).append(term.key)
    about_subject = [
        Q("match", body={"query": " ".join(words), "boost": boost}) for boost, words in by_boost.items()
    ]
    if field_terms:
        # Scored by the functions below, not by the query.
        has_field = Q("bool", should=[Q("exists", field=f"spec.{t.key}") for t in field_terms])
        about_subject.append(Q("constant_score", filter=has_field, boost=0))
    # BM25 on the server differs a little from the exact one (its lengths are stored coarsely), so the
    # threshold here is looser; rank() applies the exact one.
    topic = Q(
        "function_score",
        query=Q("bool", should=about_subject, minimum_should_match=1),
        functions=[function_for(t) for t in field_terms] or [{"weight": 0}],
        score_mode="sum",
        boost_mode="sum",
        min_score=TOPIC_MIN / 2,
    )
    filters = [Q("term", status="active")]
    if query.destinations_only:
        filters.append(Q("terms", country=query.destinations))
    ranked = Q(
        "function_score",
        query=Q("bool", must=[topic], filter=filters),
        functions=[function_for(t) for t in other_terms],
        score_mode="sum",
        boost_mode="sum",
    )
    return (
        Search(using=get_client(), index=index_alias())
        .query(ranked)
        .sort({"_score": {"order": "desc"}}, {"external_id": {"order": "asc"}})
        .extra(size=size, track_total_hits=False)
    )


def features_from(source: dict) -> InstitutionFeatures:
    return InstitutionFeatures(
        institution_id=source["institution_id"],
        external_id=source["external_id"],
        name_en=source.get("name_en", ""),
        name_zh=source.get("name_zh", ""),
        country=source["country"],
        cooperating=bool(source.get("cooperating")),
        specialties=dict(source.get("spec") or {}),
        specialty_sources=dict(source.get("spec_sources") or {}),
        token_counts=_counts(source.get("body") or ""),
        length=int(source.get("length") or 0),
        quality=float(source.get("quality") or 0.0),
        rating_mean=source.get("rating_mean"),
        rating_count=int(source.get("rating_count") or 0),
    )


def _counts(body: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for token in body.split():
        counts[token] = counts.get(token, 0) + 1
    return counts


class ElasticsearchEngine:
    name = "elasticsearch"

    def statistics(self, tokens: list[str]) -> tuple[dict[str, int], int, float]:
        """How many indexed institutions use each word, how many there are and their texts' average length:
        the same statistics the embedded engine takes from its posting lists."""
        search = Search(using=get_client(), index=index_alias()).extra(size=0, track_total_hits=True)
        search.aggs.metric("length", "avg", field="length")
        if tokens:
            search.aggs.bucket("df", "filters", filters={t: {"term": {"body": t}} for t in tokens})
        response = search.execute()
        buckets = response.aggregations.df.buckets.to_dict() if tokens else {}
        frequencies = {t: b["doc_count"] for t, b in buckets.items() if b["doc_count"]}
        return frequencies, response.hits.total.value, response.aggregations.length.value or 0.0

    def candidates(self, query: DemandQuery, top: int) -> tuple[list[Term], list[InstitutionFeatures]]:
        frequencies, total, average_length = self.statistics(query.tokens)
        weights = {token: idf(df, total) for token, df in frequencies.items()}
        terms = build_terms(query, weights, average_length, country_strengths())
        response = build_search(query, terms, weights, top + max(SLACK, top)).execute()
        return terms, [features_from(hit.to_dict()) for hit in response]

    def scoring_terms(self, queries: list[DemandQuery]) -> list[list[Term]]:
        """Each demand's terms, as `candidates` builds them, from one request for all their words."""
        frequencies, total, average_length = self.statistics(sorted({t for q in queries for t in q.tokens}))
        weights = {token: idf(df, total) for token, df in frequencies.items()}
        strengths = country_strengths()
        return [build_terms(q, weights, average_length, strengths) for q in queries]

    def admitted(self, external_id: str) -> InstitutionFeatures | None:
        """The indexed features of an admitted institution, or None."""
        search = Search(using=get_client(), index=index_alias()).filter("term", external_id=external_id)
        hits = list(search.filter("term", status="active").extra(size=1).execute())
        return features_from(hits[0].to_dict()) if hits else None
