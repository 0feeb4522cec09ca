"""The quality label: who holds it by the office's rule (enough counted evaluations in the period, a smoothed
mean at or above the threshold, admitted, no upheld report), shown on the directory's cards, the
institution's page, the match cards and the home page's course cards, filterable in the directory,
explained on its own page in both languages; never stale, though the pages are cached: an evaluation, a
report or a change of the rule shows at the next request."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Evaluation, Institution, QualityLabelRule
from catalog.quality import PRIOR_WEIGHT, catalogue_mean, label_mean
from matching.choices import ReportKind, ReportReason, ReportStatus
from matching.models import Demand, OrganizingUnit, Report
from tests.factories import make_course, make_evaluation, make_institution

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/institutions/"


def recent(days: int = 30) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def rule(small_catalogue) -> QualityLabelRule:
    """Three evaluations in the period earn it, at a smoothed mean of 4.2."""
    rule = QualityLabelRule.load()
    rule.min_evaluations, rule.recent_years, rule.min_mean = 3, 3, 4.2
    rule.save()
    return rule


@pytest.fixture
def tum_excellent(small_catalogue, rule) -> Institution:
    """TUM with three excellent recent evaluations (beside the two of 2024 the catalogue gives it)."""
    tum = small_catalogue["tum"]
    for number in range(3):
        make_evaluation(f"ev-recent-{number}", tum, 5.0, date=recent())
    return tum


def holders() -> set[str]:
    return set(
        Institution.objects.public()
        .with_quality_label()
        .filter(quality_label=True)
        .values_list("external_id", flat=True)
    )


def test_the_smoothed_mean_pulls_few_evaluations_toward_the_catalogue_mean():
    assert label_mean([5.0], 4.0) == pytest.approx((5.0 + PRIOR_WEIGHT * 4.0) / (1 + PRIOR_WEIGHT))
    assert label_mean([5.0] * 40, 4.0) > label_mean([5.0] * 2, 4.0)
    assert label_mean([], 4.0) is None


def test_the_database_computes_the_same_mean_as_the_quality_module(tum_excellent, rule):
    row = Institution.objects.with_quality_label().get(pk=tum_excellent.pk)
    since = timezone.localdate() - datetime.timedelta(days=round(365.25 * rule.recent_years))
    overalls = list(
        Evaluation.objects.counted()
        .filter(institution=tum_excellent, date__gte=since)
        .values_list("overall", flat=True)
    )
    assert row.label_count == len(overalls)
    assert row.label_mean == pytest.approx(label_mean(overalls, catalogue_mean()))
    assert row.quality_label is True
    assert tum_excellent.holds_quality_label()


def test_too_few_evaluations_in_the_period_earn_nothing(small_catalogue, rule):
    make_evaluation("ev-old", small_catalogue["tum"], 5.0, date=recent(days=365 * 4))
    make_evaluation("ev-new", small_catalogue["tum"], 5.0, date=recent())
    rule.min_evaluations = 2
    rule.recent_years = 1
    rule.save()
    assert holders() == set()


def test_sealed_evaluations_and_the_institutions_ratings_of_groups_do_not_count(small_catalogue, rule):
    tum = small_catalogue["tum"]
    for number in range(3):
        make_evaluation(f"ev-sealed-{number}", tum, 5.0, date=recent(), sealed_until=recent(-10))
        make_evaluation(f"ev-group-{number}", tum, 5.0, date=recent(), direction="institution_to_group")
    assert holders() == set()


def test_a_low_smoothed_mean_earns_nothing(tum_excellent, rule):
    assert holders() == {"de-tum"}
    rule.min_mean = 4.9
    rule.save()
    assert holders() == set()


def test_a_suspended_institution_never_holds_it(tum_excellent):
    Institution.objects.filter(pk=tum_excellent.pk).update(status="suspended")
    assert not Institution.objects.get(pk=tum_excellent.pk).holds_quality_label()


def test_an_upheld_report_withholds_it_and_an_open_one_only_when_the_rule_says(tum_excellent, rule, people):
    report = Report.objects.create(
        reporter=people["xu"],
        kind=ReportKind.INSTITUTION,
        institution=tum_excellent,
        reason=ReportReason.MISCONDUCT,
    )
    assert holders() == {"de-tum"}
    rule.open_reports_count = True
    rule.save()
    assert holders() == set()
    rule.open_reports_count = False
    rule.save()
    report.status = ReportStatus.UPHELD
    report.save()
    assert holders() == set()
    report.status = ReportStatus.DISMISSED
    report.save()
    assert holders() == {"de-tum"}


def test_the_office_can_turn_the_label_off(tum_excellent, rule):
    rule.enabled = False
    rule.save()
    assert holders() == set()


def test_the_directory_shows_the_label_and_filters_by_it(client, tum_excellent):
    page = client.get(DIRECTORY).content.decode()
    assert page.count("data-quality-label") == 1
    assert 'data-facet="label"' in page
    only = client.get(DIRECTORY, {"label": "True"}).content.decode()
    assert "Technical University of Munich" in only
    assert "Wageningen" not in only


def test_the_institution_page_shows_the_label_linked_to_its_rule(client, tum_excellent, small_catalogue):
    page = client.get(tum_excellent.url.replace("/zh-hans/", "/en/")).content.decode()
    assert 'href="/en/quality-label/"' in page
    other = client.get(small_catalogue["wur"].url.replace("/zh-hans/", "/en/")).content.decode()
    assert "data-quality-label" not in other


def test_the_cached_pages_are_never_stale(client, tum_excellent, rule, people):
    """The directory and the page are cached fragments: each change shows at the next request."""
    tum_page = tum_excellent.url.replace("/zh-hans/", "/en/")

    def shown() -> tuple[bool, bool]:
        return (
            "data-quality-label" in client.get(DIRECTORY).content.decode(),
            "data-quality-label" in client.get(tum_page).content.decode(),
        )

    assert shown() == (True, True)
    for number in range(6):  # poor evaluations bring the smoothed mean below 4.2
        make_evaluation(f"ev-poor-{number}", tum_excellent, 2.0, date=recent())
    assert shown() == (False, False)
    rule.min_mean = 3.0
    rule.save()
    assert shown() == (True, True)
    report = Report.objects.create(
        reporter=people["xu"],
        kind=ReportKind.INSTITUTION,
        institution=tum_excellent,
        reason=ReportReason.WRONG_INFORMATION,
        status=ReportStatus.UPHELD,
    )
    assert shown() == (False, False)
    report.delete()
    assert shown() == (True, True)


def test_a_cached_directory_averages_no_evaluations_for_a_signed_in_visitor(client, tum_excellent, people):
    """The catalogue mean the label rests on is part of the list's query: a list served from the cache (as
    the signed-in, whose page is built each time, have theirs) reads no evaluation."""
    client.force_login(people["xu"])
    assert "data-quality-label" in client.get(DIRECTORY).content.decode()
    with CaptureQueriesContext(connection) as captured:
        assert "data-quality-label" in client.get(DIRECTORY).content.decode()
    assert not [query["sql"] for query in captured if "catalog_evaluation" in query["sql"]]


@pytest.mark.parametrize(
    "prefix, words",
    [
        ("/en", ["The quality label", "at least 3 times in the last 3 years", "4.20"]),
        ("/zh-hans", ["优质机构标识", "4.20"]),
    ],
)
def test_the_rule_page_explains_the_current_rule_in_both_languages(client, tum_excellent, prefix, words):
    response = client.get(f"{prefix}/quality-label/")
    assert response.status_code == 200
    page = response.content.decode()
    for word in words:
        assert word in page
    assert 'data-holders="1"' in page


def test_the_rule_page_says_when_no_label_is_awarded(client, rule):
    rule.enabled = False
    rule.save()
    assert "data-label-off" in client.get("/en/quality-label/").content.decode()


def test_the_office_may_change_the_rule_in_the_admin(client, people, rule):
    from tests.factories import activate_totp

    activate_totp(people["olivia"])
    client.force_login(people["olivia"])
    page = client.get("/en/quality-label/").content.decode()
    assert "/admin/settings/catalog/qualitylabelrule/" in page
    response = client.get("/admin/settings/catalog/qualitylabelrule/", follow=True)
    assert response.status_code == 200
    assert "min_evaluations" in response.content.decode()


# The label on match cards (the find page, a demand's matches) and on the home page's course cards: the
# badge for the holder only, read with the cards' own queries, whatever the number of cards.

FIND = "/en/find/"
BOTH = {"text": "industrial robots and agriculture"}  # TUM and Wageningen
IN_GERMANY = {"text": "工业机器人与智能制造", "destinations": ["DE"]}


def badged(html: str) -> set[str]:
    """The institutions whose card on the page shows the label."""
    cards = re.findall(r'<li class="(?:match|card)" data-(?:match|provider)="([^"]+)"(.*?)</li>', html, re.S)
    return {name for name, card in cards if "data-quality-label" in card}


def test_the_find_pages_match_cards_show_the_label_of_its_holder_only(client, tum_excellent):
    html = client.get(FIND, BOTH).content.decode()
    assert 'data-match="de-tum"' in html and 'data-match="nl-wur"' in html
    assert badged(html) == {"de-tum"}


def test_a_demands_matches_show_the_label_of_its_holder_only(client, tum_excellent, small_catalogue):
    unit = OrganizingUnit.objects.create(name="江苏省科学技术厅")
    demand = Demand.objects.create(
        external_id="dm-label", organizing_unit=unit, title="智能制造与农业培训", topic="工业机器人",
        days=21, group_size=12, category="professional",
    )  # fmt: skip
    demand.fields.add(small_catalogue["fields"]["manufacturing"], small_catalogue["fields"]["agriculture"])
    html = client.get(f"/en/demands/{demand.external_id}/").content.decode()
    assert 'data-match="de-tum"' in html and 'data-match="nl-wur"' in html
    assert badged(html) == {"de-tum"}


def test_the_home_pages_course_cards_show_the_label_of_its_holder_only(
    client, tum_excellent, small_catalogue
):
    make_course("nl-wur-01", small_catalogue["wur"], "Greenhouse horticulture", premium=True, days=10)
    html = client.get("/en/").content.decode()
    assert 'data-provider="de-tum"' in html and 'data-provider="nl-wur"' in html
    assert badged(html) == {"de-tum"}


def queries(client, url: str, params=None) -> int:
    cache.clear()  # the pages keep cached fragments
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_label_costs_no_query_per_card(
    client, tum_excellent, small_catalogue, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Three more labelled institutions with premium courses: the find page and the home page show them with
    as many queries as before."""
    fields, germany = small_catalogue["fields"], small_catalogue["countries"]["DE"]
    before = {"find": queries(client, FIND, IN_GERMANY), "home": queries(client, "/en/")}
    with django_capture_on_commit_callbacks(execute=True):  # the search index takes them in once committed
        for number in range(3):
            institution = make_institution(
                f"de-robots-{number}",
                f"Robotics Institute {number}",
                germany,
                specialties=[(fields["manufacturing"], 1.0)],
                description_en="Industrial robots.",
            )
            make_course(f"de-robots-{number}-01", institution, f"Robot cells {number}", premium=True, days=5)
            for evaluation in range(3):
                make_evaluation(f"ev-robots-{number}-{evaluation}", institution, 5.0, date=recent())
    for url, params in (("find", IN_GERMANY), ("home", None)):
        cache.clear()
        with django_assert_max_num_queries(before[url]):
            html = client.get(FIND if url == "find" else "/en/", params).content.decode()
        assert len(badged(html)) == 4, url
