"""Reverse matching: the demands that fit an institution, scored with the same formulas as rank(), and the
page where institution staff see them and express interest."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from matching.choices import InquiryStatus, Side
from matching.models import Demand, Inquiry, Notification
from matching.views.negotiation import DEMANDS_PER_PAGE
from search.ranking import rank
from search.reasons import reasons_for
from search.reverse import add_reasons, fit_demands, score_demands
from tests.factories import activate_totp
from tests.matching.test_negotiation import make_demand

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


@pytest.fixture
def people(people):
    """The shared people; Olivia has set up her authenticator app, as the office must."""
    activate_totp(people["olivia"])
    return people


@pytest.fixture
def demands(people, small_catalogue):
    """Unit X wants robotics in Germany (fits TUM); unit Y wants smart farming (fits Wageningen), and keeps
    a private and a draft demand on robotics that no institution may see."""
    fields = small_catalogue["fields"]

    def demand(external_id, unit, title, topic, field, **extra):
        made = Demand.objects.create(
            external_id=external_id,
            organizing_unit=people[unit],
            title=title,
            topic=topic,
            days=21,
            group_size=12,
            category="professional",
            **extra,
        )
        made.fields.add(fields[field])
        return made

    mixed = demand("dm-mixed", "unit_y", "农业机械与智能制造", "农业机器人", "agriculture")
    mixed.fields.add(fields["manufacturing"])
    return {
        "robotics": demand(
            "dm-robotics", "unit_x", "智能制造与工业机器人培训", "工业机器人", "manufacturing"
        ),
        "mixed": mixed,
        "farming": demand("dm-farming", "unit_y", "智慧农业与设施园艺培训", "设施园艺", "agriculture"),
        "private": demand(
            "dm-private", "unit_y", "机器人内部培训", "工业机器人", "manufacturing", visibility="private"
        ),
        "draft": demand("dm-draft", "unit_y", "机器人草稿", "工业机器人", "manufacturing", status="draft"),
    }


def records(*demands):
    return [demand.as_record() for demand in demands]


def test_the_best_fitting_demand_ranks_first_and_an_off_topic_one_not_at_all(demands):
    robotics, farming, mixed = demands["robotics"], demands["farming"], demands["mixed"]
    for_tum = fit_demands(records(farming, mixed, robotics), "de-tum")
    assert [fit.demand for fit in for_tum] == ["dm-robotics", "dm-mixed"]
    assert for_tum[0].score > for_tum[1].score and for_tum[0].reasons
    for_wur = fit_demands(records(robotics, mixed, farming), "nl-wur")
    assert [fit.demand for fit in for_wur] == ["dm-farming", "dm-mixed"]


def test_the_institution_scores_what_rank_gives_it_for_the_demand(demands):
    record = demands["robotics"].as_record()
    (fit,) = fit_demands([record], "de-tum", language="en")
    match = next(
        m for m in rank(record, top=10, engine="embedded", language="en") if m.external_id == "de-tum"
    )
    assert fit.score == match.score and fit.signals == match.signals and fit.reasons == match.reasons


def test_a_suspended_institution_fits_nothing(demands):
    assert fit_demands(records(*demands.values()), "de-lapsed") == []


def test_scoring_leaves_the_reasons_to_the_fits_that_are_shown(demands):
    robotics, farming, mixed = demands["robotics"], demands["farming"], demands["mixed"]
    scored = score_demands(records(farming, mixed, robotics), "de-tum")
    assert [fit.demand for fit in scored] == ["dm-robotics", "dm-mixed"]
    assert not any(fit.reasons for fit in scored)
    (first,) = add_reasons(scored[:1], language="en")
    assert first.reasons and not scored[1].reasons
    assert first == fit_demands(records(farming, mixed, robotics), "de-tum", top=1, language="en")[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_see_the_visible_demands_that_fit_their_institution(client, demands, people, language):
    client.force_login(people["anna"])
    response = client.get(f"/{language}/institution/demands/")
    assert response.status_code == 200
    html = response.text
    assert 'data-demand="dm-robotics"' in html and "signal-bars" in html
    for hidden in ("dm-private", "dm-draft", "dm-farming"):  # not visible, or off topic
        assert f'data-demand="{hidden}"' not in html
    assert html.index('data-demand="dm-robotics"') < html.index('data-demand="dm-mixed"')
    client.force_login(people["bruno"])
    html = client.get(f"/{language}/institution/demands/").text
    assert re.findall(r'<li class="match" data-demand="([^"]+)"', html) == ["dm-farming", "dm-mixed"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["xu", "yang", "eve", "olivia"])
def test_only_institution_staff_see_reverse_matches(client, demands, people, name, language):
    client.force_login(people[name])
    assert client.get(f"/{language}/institution/demands/").status_code == 403
    response = client.post(f"/{language}/institution/demands/dm-robotics/interest/", {"text": "Hello"})
    assert response.status_code == 403
    assert not Inquiry.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, demands):
    response = client.get("/en/institution/demands/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("language", LANGUAGES)
def test_expressing_interest_opens_a_thread_from_the_institution(
    client, demands, people, language, django_capture_on_commit_callbacks
):
    client.force_login(people["anna"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/{language}/institution/demands/dm-robotics/interest/", {"text": "We run this programme."}
        )
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302 and response.url == f"/{language}/inquiries/{inquiry.pk}/"
    assert inquiry.opened_from == Side.INSTITUTION and inquiry.status == InquiryStatus.OPEN
    assert inquiry.institution.external_id == "de-tum" and inquiry.opened_by == people["anna"]
    assert Notification.objects.get().user == people["xu"] and mail.outbox[0].to == ["xu@example.org"]
    html = client.get(f"/{language}/institution/demands/").text
    assert f'data-inquiry="{inquiry.pk}"' in html

    # The unit's first reply moves it to discussion.
    client.force_login(people["xu"])
    client.post(f"/{language}/inquiries/{inquiry.pk}/reply/", {"text": "欢迎，请提供方案。"})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.DISCUSSION

    # Expressing interest again leads to the same thread.
    client.force_login(people["anna"])
    again = client.post(f"/{language}/institution/demands/dm-robotics/interest/", {"text": "Again"})
    assert again.status_code == 302 and again.url == f"/{language}/inquiries/{inquiry.pk}/"
    assert Inquiry.objects.count() == 1


def test_staff_cannot_express_interest_in_a_demand_they_cannot_see(client, demands, people):
    client.force_login(people["anna"])
    for hidden in ("dm-private", "dm-draft"):
        assert client.post(f"/en/institution/demands/{hidden}/interest/", {"text": "Hi"}).status_code == 404
    assert not Inquiry.objects.exists()


def test_staff_of_a_suspended_institution_cannot_express_interest(client, demands, people, small_catalogue):
    tum = small_catalogue["tum"]
    tum.status = "suspended"
    tum.save()
    client.force_login(people["anna"])
    page = client.get("/en/institution/demands/")
    assert page.status_code == 200 and 'data-demand="dm-robotics"' not in page.text
    response = client.post("/en/institution/demands/dm-robotics/interest/", {"text": "Hi"})
    assert response.status_code == 400 and "data-error" in response.text
    assert not Inquiry.objects.exists()


# More demands than fit on one page.

MANY = DEMANDS_PER_PAGE + 5


@pytest.fixture
def many_demands(people, small_catalogue):
    """Enough robotics demands of unit X for two pages; the odd-numbered ones also name Germany as a
    destination, so they score higher for TUM and rank before the even ones whatever their keys."""
    made = []
    for number in range(MANY):
        demand = make_demand(people["unit_x"], f"dm-many-{number:02d}")
        demand.fields.add(small_catalogue["fields"]["manufacturing"])
        if number % 2:
            demand.destinations.add(small_catalogue["countries"]["DE"])
        made.append(demand.external_id)
    return made


def shown_on(response) -> list[str]:
    return [shown.demand.external_id for shown in response.context["fits"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_fitting_demand_is_reachable_page_by_page_best_first(client, people, many_demands, language):
    client.force_login(people["anna"])
    first = client.get(f"/{language}/institution/demands/")
    second = client.get(f"/{language}/institution/demands/", {"page": 2})
    assert len(shown_on(first)) == DEMANDS_PER_PAGE
    assert sorted(shown_on(first) + shown_on(second)) == many_demands
    scores = [shown.fit.score for page in (first, second) for shown in page.context["fits"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    with_destination = [key for number, key in enumerate(many_demands) if number % 2]
    assert shown_on(first)[: len(with_destination)] == with_destination
    # The second page goes on numbering where the first stopped, and links back to it.
    html = second.text
    assert f'<ol class="match-list" start="{DEMANDS_PER_PAGE + 1}">' in html
    assert f'<span class="rank">{DEMANDS_PER_PAGE + 1}</span>' in html and 'rel="prev"' in html
    assert 'rel="next"' in first.text and 'rel="next"' not in html


def test_the_page_counts_the_demands_that_fit(client, people, many_demands):
    client.force_login(people["anna"])
    html = client.get("/en/institution/demands/").text
    assert f"{MANY} demands fit your institution" in html
    assert "Page 1 of 2" in html


@pytest.mark.parametrize("page", ["1", "2"])
def test_reasons_are_given_only_to_the_demands_on_the_page(client, people, many_demands, monkeypatch, page):
    explained = []

    def counting_reasons_for(query, *args):
        explained.append(query.external_id)
        return reasons_for(query, *args)

    monkeypatch.setattr("search.reverse.reasons_for", counting_reasons_for)
    client.force_login(people["anna"])
    response = client.get("/en/institution/demands/", {"page": page})
    assert explained == shown_on(response)
    assert all(shown.fit.reasons for shown in response.context["fits"])
    assert response.text.count('<ul class="reasons"><li>') == len(explained)


@pytest.mark.parametrize(("asked", "given"), [("99", 2), ("junk", 1), ("-1", 2), ("", 1)])
def test_a_page_out_of_range_or_not_a_number_shows_the_last_or_first(
    client, people, many_demands, asked, given
):
    client.force_login(people["anna"])
    response = client.get("/en/institution/demands/", {"page": asked})
    assert response.status_code == 200 and response.context["page_obj"].number == given
