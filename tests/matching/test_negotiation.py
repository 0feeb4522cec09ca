"""Online negotiation: a unit contacts an institution from a demand's matches, the institution replies and
proposes, the unit marks it agreed; the rules of the status; who may read and who may act."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from matching.choices import InquiryStatus, Side
from matching.models import Demand, Inquiry, InquiryEvent
from matching.presenters import present_matches
from matching.services.negotiation import (
    NegotiationRefused,
    move_status,
    open_inquiry,
    post_message,
    propose,
)
from matching.views.negotiation import negotiation_context
from search.ranking import rank
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


@pytest.fixture
def people(people):
    """The shared people; Olivia has set up her authenticator app, as the office must."""
    activate_totp(people["olivia"])
    return people


def make_demand(unit, external_id: str = "dm-x-robotics", **extra) -> Demand:
    defaults = {
        "title": "智能制造与工业机器人培训",
        "topic": "工业机器人与智能制造",
        "content": "学习德国工业4.0与机器人应用经验。",
        "days": 21,
        "group_size": 12,
        "category": "professional",
    }
    return Demand.objects.create(external_id=external_id, organizing_unit=unit, **{**defaults, **extra})


@pytest.fixture
def demand(people, small_catalogue):
    """Unit X's published, public demand on intelligent manufacturing in Germany: TUM fits it."""
    demand = make_demand(people["unit_x"])
    demand.fields.add(small_catalogue["fields"]["manufacturing"])
    demand.destinations.add(small_catalogue["countries"]["DE"])
    return demand


@pytest.fixture
def thread(demand, people, small_catalogue):
    """Xu has contacted TUM about the demand; nobody has answered yet."""
    return open_inquiry(
        demand, small_catalogue["tum"], by=people["xu"], text="请介绍贵校的工业4.0培训项目。", side=Side.UNIT
    )


def terms(**extra) -> dict:
    start = timezone.localdate() + datetime.timedelta(days=60)
    values = {
        "outline": "Week 1: digital production; week 2: robotics labs; week 3: plant visits.",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=20),
        "cities": "Munich, Stuttgart",
        "price_per_person": Decimal("4800.00"),
        "currency": "EUR",
        "language": "en+zh",
    }
    return {**values, **extra}


def proposal_post(**extra) -> dict:
    return {key: str(value) for key, value in terms(**extra).items()}


# The whole flow, through the pages.


@pytest.mark.parametrize("language", LANGUAGES)
def test_unit_contacts_institution_which_replies_and_proposes_and_the_unit_agrees(
    client, demand, people, language, django_capture_on_commit_callbacks
):
    client.force_login(people["xu"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/{language}/demands/{demand.external_id}/contact/de-tum/",
            {"text": "We would like a three-week programme on Industry 4.0."},
        )
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302 and response.url == f"/{language}/inquiries/{inquiry.pk}/"
    assert inquiry.status == InquiryStatus.OPEN and inquiry.opened_from == Side.UNIT

    client.force_login(people["anna"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/{language}/inquiries/{inquiry.pk}/reply/", {"text": "Gladly: here is what we offer."})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.DISCUSSION

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{language}/inquiries/{inquiry.pk}/propose/", proposal_post())
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.PROPOSAL

    client.force_login(people["xu"])
    page = client.get(f"/{language}/inquiries/{inquiry.pk}/").text
    assert 'data-move="agreed"' in page and 'data-move="declined"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{language}/inquiries/{inquiry.pk}/status/", {"to": "agreed"})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.AGREED

    moves = list(
        InquiryEvent.objects.filter(inquiry=inquiry).values_list(
            "actor__username", "from_status", "to_status"
        )
    )
    assert moves == [
        ("xu", "", "open"),
        ("anna", "open", "discussion"),
        ("anna", "discussion", "proposal"),
        ("xu", "proposal", "agreed"),
    ]
    for person in ("xu", "anna"):
        client.force_login(people[person])
        html = client.get(f"/{language}/inquiries/{inquiry.pk}/").text
        assert html.count('data-kind="message"') == 2
        assert html.count('data-kind="proposal"') == 1
        assert html.count('data-kind="event"') == 4
        assert (
            html.index("three-week programme")
            < html.index("here is what we offer")
            < html.index({"zh-hans": "慕尼黑、斯图加特", "en": "Munich, Stuttgart"}[language])
        )
        assert ">xu</strong>" in html and ">anna</strong>" in html
        assert html.count("<time datetime=") >= 7
        assert "江苏省科学技术厅" in html
        assert 'data-move="' not in html  # closed: no more buttons
        assert 'action="/' + language + f'/inquiries/{inquiry.pk}/reply/"' not in html


def test_history_names_the_moves_in_the_readers_language(client, thread, people):
    client.force_login(people["anna"])
    client.post(f"/en/inquiries/{thread.pk}/reply/", {"text": "Hello"})
    english = client.get(f"/en/inquiries/{thread.pk}/").text
    assert "moved the status from “Open” to “In discussion”" in english
    chinese = client.get(f"/zh-hans/inquiries/{thread.pk}/").text
    assert '<html lang="zh-Hans">' in chinese and 'data-kind="event"' in chinese


def test_a_second_contact_on_the_same_pair_returns_the_existing_thread(
    client, thread, demand, people, small_catalogue
):
    again = open_inquiry(
        demand, small_catalogue["tum"], by=people["xu"], text="Another first message", side=Side.UNIT
    )
    assert again.pk == thread.pk and again.messages.count() == 1
    client.force_login(people["xu"])
    response = client.post(f"/en/demands/{demand.external_id}/contact/de-tum/", {"text": "Hello again"})
    assert response.status_code == 302 and response.url == f"/en/inquiries/{thread.pk}/"
    assert Inquiry.objects.count() == 1


def test_only_admitted_institutions_can_be_contacted(client, demand, people, small_catalogue):
    with pytest.raises(NegotiationRefused):
        open_inquiry(demand, small_catalogue["lapsed"], by=people["xu"], text="Hello", side=Side.UNIT)
    client.force_login(people["xu"])
    assert (
        client.post(f"/en/demands/{demand.external_id}/contact/de-lapsed/", {"text": "Hi"}).status_code == 404
    )
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_contact_page_explains_an_empty_message_and_keeps_a_long_one(client, demand, people, language):
    client.force_login(people["xu"])
    url = f"/{language}/demands/{demand.external_id}/contact/de-tum/"
    assert client.get(url).status_code == 200
    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 400 and 'class="field-error"' in empty.text
    long = "很长的留言" * 1001
    too_long = client.post(url, {"text": long})
    assert too_long.status_code == 400 and long in too_long.text
    assert not Inquiry.objects.exists()


def test_only_the_demands_unit_may_contact_institutions(client, demand, people):
    for name in ("yang", "anna", "olivia", "eve"):
        client.force_login(people[name])
        response = client.post(f"/en/demands/{demand.external_id}/contact/de-tum/", {"text": "Hello"})
        assert response.status_code == 403, name
    client.logout()
    response = client.post(f"/en/demands/{demand.external_id}/contact/de-tum/", {"text": "Hello"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Inquiry.objects.exists()


# The contact action on the matches.


def render_matches(demand, user, *, with_context: bool = True) -> str:
    request = RequestFactory().get("/en/")
    request.user = user
    context = {"matches": present_matches(rank(demand.as_record(), top=5)), "request": request}
    if with_context:
        context.update({"demand": demand, **negotiation_context(demand, user)})
    return render_to_string("includes/match_list.html", context, request=request)


def test_matches_offer_the_contact_action_to_the_units_members_only(demand, people):
    assert 'data-contact="de-tum"' in render_matches(demand, people["xu"])
    assert "data-contact" not in render_matches(demand, people["yang"])
    assert "data-contact" not in render_matches(demand, people["anna"])
    assert "data-contact" not in render_matches(demand, people["xu"], with_context=False)


def test_matches_link_to_the_open_thread_instead_of_a_second_contact(thread, demand, people):
    html = render_matches(demand, people["xu"])
    assert 'data-contact="de-tum"' not in html and "data-open-inquiry" in html


def test_find_page_shows_no_contact_action(client, people, small_catalogue):
    client.force_login(people["xu"])
    html = client.get("/en/find/", {"text": "工业机器人与智能制造", "destinations": ["DE"]}).text
    assert 'data-match="de-tum"' in html and "data-contact" not in html


def test_demand_inquiries_lists_the_units_threads_and_only_the_viewers_own_for_staff(
    thread, demand, people, small_catalogue
):
    open_inquiry(demand, small_catalogue["wur"], by=people["xu"], text="Hello Wageningen", side=Side.UNIT)

    def render(user):
        return render_to_string(
            "matching/includes/demand_inquiries.html", {"demand": demand, **negotiation_context(demand, user)}
        )

    assert render(people["xu"]).count("data-inquiry=") == 2
    assert render(people["olivia"]).count("data-inquiry=") == 2
    assert render(people["anna"]).count("data-inquiry=") == 1 and "Wageningen" not in render(people["anna"])
    assert render(people["yang"]).strip() == ""


# The rules of the status.


def test_open_moves_to_discussion_only_on_the_other_sides_first_reply(thread, people):
    post_message(thread, by=people["xu"], text="Any news?")
    thread.refresh_from_db()
    assert thread.status == InquiryStatus.OPEN
    post_message(thread, by=people["anna"], text="Yes.")
    thread.refresh_from_db()
    assert thread.status == InquiryStatus.DISCUSSION
    assert thread.events.count() == 2


def test_the_unit_cannot_agree_before_a_proposal(thread, people):
    with pytest.raises(NegotiationRefused):
        move_status(thread, InquiryStatus.AGREED, by=people["xu"])
    thread.refresh_from_db()
    assert thread.status == InquiryStatus.OPEN


def test_the_institution_cannot_mark_agreed(thread, people):
    propose(thread, by=people["anna"], **terms())
    with pytest.raises(NegotiationRefused):
        move_status(thread, InquiryStatus.AGREED, by=people["anna"])
    thread.refresh_from_db()
    assert thread.status == InquiryStatus.PROPOSAL


def test_nobody_sets_discussion_or_proposal_by_hand(thread, people):
    for status in (InquiryStatus.DISCUSSION, InquiryStatus.PROPOSAL, InquiryStatus.OPEN, "nonsense"):
        with pytest.raises(NegotiationRefused):
            move_status(thread, status, by=people["xu"])


def test_the_institution_may_decline(client, thread, people):
    client.force_login(people["anna"])
    assert 'data-move="agreed"' not in client.get(f"/en/inquiries/{thread.pk}/").text
    response = client.post(f"/en/inquiries/{thread.pk}/status/", {"to": "declined"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.status == InquiryStatus.DECLINED
    assert thread.events.last().actor == people["anna"]


def test_an_illegal_move_through_the_page_is_refused_with_a_message(client, thread, people):
    client.force_login(people["anna"])
    response = client.post(f"/en/inquiries/{thread.pk}/status/", {"to": "agreed"})
    assert response.status_code == 409 and "data-error" in response.text
    thread.refresh_from_db()
    assert thread.status == InquiryStatus.OPEN


def test_a_closed_thread_refuses_messages_proposals_and_moves(client, thread, people):
    move_status(thread, InquiryStatus.DECLINED, by=people["xu"])
    with pytest.raises(NegotiationRefused):
        post_message(thread, by=people["anna"], text="But wait")
    with pytest.raises(NegotiationRefused):
        propose(thread, by=people["anna"], **terms())
    with pytest.raises(NegotiationRefused):
        move_status(thread, InquiryStatus.DECLINED, by=people["anna"])
    client.force_login(people["anna"])
    response = client.post(f"/zh-hans/inquiries/{thread.pk}/reply/", {"text": "But wait"})
    assert response.status_code == 409
    page = client.get(f"/en/inquiries/{thread.pk}/").text
    assert "closed and accepts no changes" in page and "inquiry-reply" not in page
    assert thread.messages.count() == 1 and not thread.proposals.exists()


def test_a_thread_with_a_suspended_institution_can_only_be_declined(thread, people, small_catalogue):
    tum = small_catalogue["tum"]
    tum.status = "suspended"
    tum.save()
    with pytest.raises(NegotiationRefused):
        post_message(thread, by=people["xu"], text="Still there?")
    move_status(thread, InquiryStatus.DECLINED, by=people["xu"])
    thread.refresh_from_db()
    assert thread.status == InquiryStatus.DECLINED


# The proposal form.


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": timezone.localdate() + datetime.timedelta(days=60)}, "end_date"),
        ({"price_per_person": "0"}, "price_per_person"),
        ({"price_per_person": "-100"}, "price_per_person"),
        ({"start_date": timezone.localdate() - datetime.timedelta(days=1)}, "start_date"),
        ({"end_date": datetime.date(2101, 1, 1)}, "end_date"),
        ({"currency": "XXX"}, "currency"),
        ({"outline": ""}, "outline"),
    ],
)
def test_the_proposal_form_refuses_what_does_not_make_sense(client, thread, people, change, field):
    client.force_login(people["anna"])
    response = client.post(
        f"/en/inquiries/{thread.pk}/propose/", {**proposal_post(), **{k: str(v) for k, v in change.items()}}
    )
    assert response.status_code == 400
    assert response.context["proposal_form"].errors.get(field), response.context["proposal_form"].errors
    assert '<details class="proposal-form" open>' in response.text  # open, errors beside the fields
    assert not thread.proposals.exists()


def test_the_proposal_service_refuses_an_end_before_the_start_and_a_free_programme(thread, people):
    start = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(NegotiationRefused):
        propose(thread, by=people["anna"], **terms(start_date=start, end_date=start))
    with pytest.raises(NegotiationRefused):
        propose(thread, by=people["anna"], **terms(price_per_person=Decimal("0")))


def test_either_side_may_propose(thread, people):
    propose(thread, by=people["xu"], **terms())
    propose(thread, by=people["anna"], **terms(price_per_person=Decimal("4500")))
    thread.refresh_from_db()
    assert thread.status == InquiryStatus.PROPOSAL
    assert list(thread.proposals.values_list("side", flat=True)) == ["unit", "institution"]
    # A second proposal keeps the status: one move recorded.
    assert thread.events.filter(to_status=InquiryStatus.PROPOSAL).count() == 1


# Who may read, who may act.


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["yang", "bruno", "eve"])
def test_outsiders_cannot_see_the_thread(client, thread, people, name, language):
    client.force_login(people[name])
    assert client.get(f"/{language}/inquiries/{thread.pk}/").status_code == 404
    for action in ("reply", "propose", "status"):
        assert (
            client.post(
                f"/{language}/inquiries/{thread.pk}/{action}/", {"text": "x", "to": "declined"}
            ).status_code
            == 404
        )
    assert client.get(f"/{language}/inquiries/").status_code in (200, 403)
    assert f'data-inquiry="{thread.pk}"' not in client.get(f"/{language}/inquiries/").text


@pytest.mark.parametrize("language", LANGUAGES)
def test_anonymous_visitors_are_sent_to_sign_in_and_see_nothing(client, thread, language):
    for path in (f"/{language}/inquiries/{thread.pk}/", f"/{language}/inquiries/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    response = client.post(f"/{language}/inquiries/{thread.pk}/reply/", {"text": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert thread.messages.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_office_reads_every_thread_but_cannot_act(client, thread, people, language):
    client.force_login(people["olivia"])
    page = client.get(f"/{language}/inquiries/{thread.pk}/")
    assert page.status_code == 200 and "data-read-only" in page.text and 'data-move="' not in page.text
    assert f'data-inquiry="{thread.pk}"' in client.get(f"/{language}/inquiries/").text
    assert client.post(f"/{language}/inquiries/{thread.pk}/reply/", {"text": "x"}).status_code == 403
    assert client.post(f"/{language}/inquiries/{thread.pk}/propose/", proposal_post()).status_code == 403
    assert client.post(f"/{language}/inquiries/{thread.pk}/status/", {"to": "declined"}).status_code == 403
    with pytest.raises(NegotiationRefused):
        post_message(thread, by=people["olivia"], text="x")
    thread.refresh_from_db()
    assert thread.status == InquiryStatus.OPEN and thread.messages.count() == 1


def test_inquiry_list_shows_each_side_its_own_threads(client, thread, demand, people, small_catalogue):
    other = make_demand(people["unit_y"], "dm-y-farming", title="智慧农业培训", topic="设施园艺")
    other.fields.add(small_catalogue["fields"]["agriculture"])
    theirs = open_inquiry(other, small_catalogue["wur"], by=people["yang"], text="你好", side=Side.UNIT)
    expected = {
        "xu": [thread],
        "anna": [thread],
        "yang": [theirs],
        "bruno": [theirs],
        "olivia": [thread, theirs],
    }
    for name, shown in expected.items():
        client.force_login(people[name])
        html = client.get("/zh-hans/inquiries/").text
        for inquiry in (thread, theirs):
            assert (f'data-inquiry="{inquiry.pk}"' in html) == (inquiry in shown), (name, inquiry)
    client.force_login(people["eve"])
    assert client.get("/en/inquiries/").status_code == 403


def test_inquiry_list_filters_by_status(client, thread, people):
    client.force_login(people["xu"])
    assert f'data-inquiry="{thread.pk}"' in client.get("/en/inquiries/", {"status": "open"}).text
    assert f'data-inquiry="{thread.pk}"' not in client.get("/en/inquiries/", {"status": "agreed"}).text


def test_a_reply_returns_to_the_thread_and_confirms_it_was_sent(client, thread, people):
    client.force_login(people["anna"])
    response = client.post(f"/en/inquiries/{thread.pk}/reply/", {"text": "Gladly."}, follow=True)
    assert response.redirect_chain[-1][0] == f"/en/inquiries/{thread.pk}/#latest"
    assert "Your message was sent." in response.text and "Gladly." in response.text
