"""Each role's dashboard shows what needs that person now, and nothing of anybody else's."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from matching.choices import DemandStatus, InquiryStatus, Side, Visibility
from matching.models import Demand, ExpertReview, Inquiry, InquiryMessage, UnitMembership
from matching.rules import ERROR, check
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """Pages and the URLs the tests expect in them are in English unless a test says otherwise."""
    with override("en"):
        yield


def demand(unit, external_id: str, **values) -> Demand:
    fields = {
        "title": f"Demand {external_id}",
        "days": 21,
        "group_size": 12,
        "category": "professional",
        "visibility": Visibility.PRIVATE,
        **values,
    }
    return Demand.objects.create(external_id=external_id, organizing_unit=unit, **fields)


def dashboard(client, user, language: str = "en") -> str:
    client.force_login(user)
    with override(language):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, name: str) -> str:
    """The HTML of one dashboard section (empty when the page has none)."""
    start = page.find(f'data-section="{name}"')
    if start < 0:
        return ""
    end = page.find('data-section="', start + 20)
    return page[start : end if end > 0 else len(page)]


def waiting_member(unit, email: str = "li@example.org"):
    li = get_user_model().objects.create_user(username=email.split("@")[0], email=email, password="pw")
    li.emailaddress_set.create(email=email, verified=True, primary=True)
    return UnitMembership.objects.create(user=li, unit=unit)


def submit_for_review(page, user):
    page.save_revision(user=user)
    return page.get_workflow().start(page, user)


@pytest.fixture
def office(people):
    activate_totp(people["olivia"])
    return people["olivia"]


# Organizing-unit members.


def test_unit_member_sees_drafts_policy_errors_replies_and_colleagues(client, people, small_catalogue):
    draft = demand(people["unit_x"], "x-draft", status=DemandStatus.DRAFT, title="机器人研修草稿")
    too_big = demand(people["unit_x"], "x-big", group_size=30, title="Oversized group")
    answered = demand(people["unit_x"], "x-answered", title="Answered demand")
    inquiry = Inquiry.objects.create(
        demand=answered, institution=small_catalogue["tum"], opened_by=people["xu"]
    )
    InquiryMessage.objects.create(inquiry=inquiry, author=people["xu"], side=Side.UNIT, text="Hello")
    InquiryMessage.objects.create(inquiry=inquiry, author=people["anna"], side=Side.INSTITUTION, text="Yes")
    waiting_member(people["unit_x"])

    unit = section(dashboard(client, people["xu"]), "unit")
    assert "江苏省科学技术厅" in unit
    assert draft.title in section(unit, "drafts") or draft.title in unit
    errors = [finding for finding in check(too_big.as_record()) if finding.severity == ERROR]
    assert any(finding.rule == "group-size" for finding in errors)
    for finding in errors:
        assert escape(finding.message_en) in unit
    assert reverse("matching:inquiry-detail", args=[inquiry.pk]) in unit
    assert "li@example.org" in unit
    assert (
        reverse("unit-member-confirm", args=[UnitMembership.objects.get(user__email="li@example.org").pk])
        in unit
    )


def test_unit_member_sees_policy_errors_in_chinese_on_the_chinese_dashboard(client, people):
    too_big = demand(people["unit_x"], "x-big", group_size=30)
    page = dashboard(client, people["xu"], "zh-hans")
    errors = [finding for finding in check(too_big.as_record()) if finding.severity == ERROR]
    assert escape(errors[0].message_zh) in page


def test_a_thread_where_the_unit_spoke_last_does_not_wait_for_the_unit(client, people, small_catalogue):
    asked = demand(people["unit_x"], "x-asked")
    inquiry = Inquiry.objects.create(demand=asked, institution=small_catalogue["tum"], opened_by=people["xu"])
    InquiryMessage.objects.create(inquiry=inquiry, author=people["xu"], side=Side.UNIT, text="Hello")
    closed = demand(people["unit_x"], "x-closed")
    done = Inquiry.objects.create(
        demand=closed,
        institution=small_catalogue["wur"],
        status=InquiryStatus.DECLINED,
        opened_by=people["xu"],
    )
    InquiryMessage.objects.create(inquiry=done, author=people["bruno"], side=Side.INSTITUTION, text="No")
    unit = section(dashboard(client, people["xu"]), "unit")
    assert reverse("matching:inquiry-detail", args=[inquiry.pk]) not in unit
    assert reverse("matching:inquiry-detail", args=[done.pk]) not in unit


def test_unit_member_sees_nothing_of_another_unit(client, people):
    demand(people["unit_y"], "y-draft", status=DemandStatus.DRAFT, title="Yang's draft")
    demand(people["unit_y"], "y-big", group_size=40, title="Yang's oversized group")
    waiting_member(people["unit_y"])
    page = dashboard(client, people["xu"])
    assert "Yang&#x27;s" not in page and "Yang's" not in page
    assert "li@example.org" not in page


def test_unit_member_with_nothing_to_do_is_told_what_to_do_next(client, people):
    unit = section(dashboard(client, people["yang"]), "unit")
    assert "No drafts." in unit
    assert reverse("matching:demand-create") in unit


def test_a_person_waiting_for_confirmation_is_told_so(client, people):
    membership = waiting_member(people["unit_x"])
    page = dashboard(client, membership.user)
    assert section(page, "waiting")
    assert "江苏省科学技术厅" in section(page, "waiting")
    assert not section(page, "unit")


def test_a_person_without_a_role_is_shown_the_ways_in(client, people):
    nobody = get_user_model().objects.create_user(
        username="nobody", email="nobody@example.org", password="pw"
    )
    page = dashboard(client, nobody)
    assert reverse("unit-join") in section(page, "no-role")


# Institution staff.


def test_staff_see_new_inquiries_reverse_matches_and_pages_in_moderation(client, people, small_catalogue):
    tum = small_catalogue["tum"]
    new_thread = Inquiry.objects.create(
        demand=demand(people["unit_x"], "x-new"), institution=tum, opened_by=people["xu"]
    )
    InquiryMessage.objects.create(inquiry=new_thread, author=people["xu"], side=Side.UNIT, text="Can you?")
    submit_for_review(small_catalogue["course"], people["anna"])

    staff = section(dashboard(client, people["anna"]), "staff")
    assert reverse("matching:inquiry-detail", args=[new_thread.pk]) in staff
    assert reverse("matching:reverse-matches") in staff
    assert reverse("staff-invitations") in staff
    assert reverse("wagtailadmin_pages:edit", args=[tum.pk]) in staff
    assert reverse("wagtailadmin_pages:edit", args=[small_catalogue["course"].pk]) in staff

    other = section(dashboard(client, people["bruno"]), "staff")
    assert reverse("matching:inquiry-detail", args=[new_thread.pk]) not in other
    assert reverse("wagtailadmin_pages:edit", args=[small_catalogue["course"].pk]) not in other
    assert "Nothing waits for review." in other


# Experts.


def test_expert_sees_the_reviews_waiting_for_them(client, people):
    asked = demand(people["unit_x"], "x-review", title="Needs a review")
    signed = demand(people["unit_x"], "x-signed", title="Already reviewed")
    elsewhere = demand(people["unit_y"], "y-review", title="Asked of someone else")
    waiting = ExpertReview.objects.create(demand=asked, email="EVE@example.org", invited_by=people["xu"])
    ExpertReview.objects.create(
        demand=signed, email="eve@example.org", invited_by=people["xu"], signed_at="2026-01-01T00:00:00Z"
    )
    ExpertReview.objects.create(demand=elsewhere, email="frank@example.org", invited_by=people["yang"])

    expert = section(dashboard(client, people["eve"]), "expert")
    assert "Needs a review" in expert
    assert reverse("matching:review-sign", args=[waiting.token]) in expert
    assert "Already reviewed" not in expert
    assert "Asked of someone else" not in expert


def test_expert_without_reviews_is_told_how_they_come(client, people):
    expert = section(dashboard(client, people["eve"]), "expert")
    assert "No review waits for you." in expert


# The office.


def test_office_sees_pages_in_moderation_and_people_waiting_to_join(client, people, small_catalogue, office):
    submit_for_review(small_catalogue["tum"], people["anna"])
    membership = waiting_member(people["unit_y"])
    page = section(dashboard(client, office), "office")
    assert reverse("wagtailadmin_pages:edit", args=[small_catalogue["tum"].pk]) in page
    assert "anna@example.org" in page
    assert "li@example.org" in page
    assert reverse("unit-member-confirm", args=[membership.pk]) in page


def test_office_dashboard_with_nothing_waiting_says_so(client, people, office):
    page = section(dashboard(client, office), "office")
    assert "Nothing to review." in page
    assert "No one is waiting to join a unit." in page


def test_people_who_never_verified_their_email_wait_unseen(client, people, office):
    ghost = get_user_model().objects.create_user(username="ghost", email="ghost@example.org", password="pw")
    UnitMembership.objects.create(user=ghost, unit=people["unit_x"])
    assert "ghost@example.org" not in dashboard(client, office)
    assert "ghost@example.org" not in dashboard(client, people["xu"])


def test_dashboard_answers_in_both_languages(client, people):
    assert "Dashboard" in dashboard(client, people["xu"], "en")
    assert 'lang="zh-Hans"' in dashboard(client, people["xu"], "zh-hans")
