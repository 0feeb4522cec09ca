"""Measures ranking quality against judged demands: nDCG@k of the engine and of a plain BM25 over the
same institution texts, the baseline any ranking must beat."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from catalog.models import Course, Institution
from search.analysis import idf, tokenize
from search.demand import DemandRecord
from search.scoring import bm25_frequency


def ndcg(ranking: list[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of a ranking at k, with gains 2^grade − 1."""

    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(position + 2) for position, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(item, 0) for item in ranking]) / ideal if ideal else 0.0


class Bm25:
    """Okapi BM25 over each admitted institution's names, descriptions and course texts."""

    def __init__(self):
        texts: dict[str, list[str]] = {}
        for eid, *parts in Institution.objects.public().values_list(
            "external_id", "name_en", "name_zh", "description_en", "description_zh"
        ):
            texts[eid] = list(parts)
        for eid, *parts in Course.objects.public().values_list(
            "provider__external_id", "title_en", "title_zh", "summary_en", "summary_zh"
        ):
            texts.setdefault(eid, []).extend(parts)
        self.documents = {
            eid: Counter(tokenize("\n".join(p for p in parts if p))) for eid, parts in texts.items()
        }
        self.average_length = sum(sum(c.values()) for c in self.documents.values()) / max(
            1, len(self.documents)
        )
        frequencies = Counter(token for counts in self.documents.values() for token in counts)
        self.idf = {token: idf(df, len(self.documents)) for token, df in frequencies.items()}

    def rank(self, demand: DemandRecord, top: int = 10) -> list[str]:
        query = tokenize(f"{demand.title} {demand.topic} {demand.content}")
        scores = {}
        for eid, counts in self.documents.items():
            length = sum(counts.values())
            score = 0.0
            for token in query:
                if tf := counts.get(token, 0):
                    score += self.idf[token] * bm25_frequency(tf, length, self.average_length)
            if score > 0:
                scores[eid] = score
        return sorted(scores, key=lambda eid: (-scores[eid], eid))[:top]
