"""Reasons in words, in the reader's language: why an institution got each part of its score."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from catalog.text import pick_language
from search.analysis import has_cjk
from search.scoring import DemandQuery, InstitutionFeatures, Term, bm25_frequency

if TYPE_CHECKING:
    from search.ranking import ReasonContext

MAX_WORDS = 5


def contribution(term: Term, features: InstitutionFeatures) -> float:
    """What a word term added to the institution's score."""
    return term.weight * bm25_frequency(features.token_counts[term.key], features.length, term.average_length)


def reasons_for(
    query: DemandQuery, terms: list[Term], features: InstitutionFeatures, context: ReasonContext
) -> list[str]:
    reasons: list[str] = []
    field_name = lambda code: context.fields[code].name if code in context.fields else code  # noqa: E731

    matched_fields = sorted(
        (code for code in query.expanded_fields if features.specialties.get(code)),
        key=lambda code: -query.expanded_fields[code] * features.specialties[code],
    )
    for code in matched_fields[:3]:
        source = features.specialty_sources.get(code, "stated")
        if code not in query.fields:
            reasons.append(_("related field: %(field)s") % {"field": field_name(code)})
        elif source == "course":
            reasons.append(_("offers courses in %(field)s") % {"field": field_name(code)})
        elif source == "text":
            reasons.append(_("its profile speaks of %(field)s") % {"field": field_name(code)})
        else:
            reasons.append(_("specialty: %(field)s") % {"field": field_name(code)})

    # The shared words that added most to the score: rare in the catalogue and frequent in this profile.
    shared = [t for t in terms if t.kind == "token" and t.key in features.token_counts]
    shared.sort(key=lambda t: (-contribution(t, features), t.key))
    # A translated phrase shows once for its several words ("coral reef (珊瑚礁)").
    written = list(dict.fromkeys(query.written.get(t.key, t.key) for t in shared))
    # Chinese is cut into words and their parts (海上风电, 海上, 风电, 上风): name the whole word only.
    words = [w for w in written if not (has_cjk(w) and any(w != other and w in other for other in written))]
    if words:
        listed = pick_language("、", ", ").join(words[:MAX_WORDS])
        reasons.append(_("shares words with the demand: %(words)s") % {"words": listed})

    country = context.countries.get(features.country)
    country_name = country.name if country else features.country
    if country is not None:
        strong = [s for s in country.strengths.all() if query.expanded_fields.get(s.field.code)]
        strong.sort(key=lambda s: -s.weight)
        if strong:
            reasons.append(
                _("%(country)s is strong in %(field)s")
                % {
                    "country": country_name,
                    "field": pick_language(strong[0].field.name_zh, strong[0].field.name_en),
                }
            )
    if features.country in query.destinations:
        reasons.append(_("in a destination the demand names: %(country)s") % {"country": country_name})

    if features.rating_count:
        reasons.append(
            _("%(mean).1f/5 over %(count)d evaluations")
            % {"mean": features.rating_mean, "count": features.rating_count}
        )
    else:
        reasons.append(_("no evaluations yet (counted as average)"))

    if any(t.kind == "cooperating" for t in terms) and features.cooperating:
        reasons.append(_("cooperating institution, preferred for this category"))
    return reasons
