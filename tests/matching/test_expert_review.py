"""Expert review: a unit invites an expert by email; the expert signs in and signs the opinion, which
satisfies the expert-review rule and is shown on the demand. The unit may cancel an invitation nobody has
signed; its link then says so and cannot be signed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from catalog.roles import is_expert
from matching.models import Demand, ExpertReview, Notification
from matching.rules import check
from matching.services.demands import ReviewRefused, cancel_review_invitation, sign_review
from portal.forms import SignupForm
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db

OPINION = {
    "name": "王建国",
    "affiliation": "南京大学",
    "title": "教授",
    "opinion": "培训内容与单位职能相符，德国在该领域具有优势，建议支持。",
}


@pytest.fixture
def demand(people) -> Demand:
    """Unit X's private draft, complete but for the expert review."""
    return Demand.objects.create(
        organizing_unit=people["unit_x"],
        external_id="dm-review",
        title="工业机器人应用培训",
        topic="工业机器人",
        content="学习德国机器人应用经验。",
        days=21,
        group_size=12,
        category="professional",
        participants_max_age=50,
        participants_min_years_to_retirement=8,
        special_project_stated=True,
        organizer_level="provincial",
        status="draft",
        visibility="private",
    )


def invite(client, people, demand, email="wang@example.org") -> ExpertReview:
    client.force_login(people["xu"])
    response = client.post(f"/en/demands/{demand.external_id}/reviews/invite/", {"email": email})
    assert response.status_code == 302
    client.logout()
    return ExpertReview.objects.get(demand=demand, email=email)


def test_a_unit_member_invites_an_expert_by_email(client, people, demand, django_capture_on_commit_callbacks):
    client.force_login(people["xu"])
    assert client.get(f"/en/demands/{demand.external_id}/reviews/invite/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/demands/{demand.external_id}/reviews/invite/", {"email": "wang@example.org"}
        )
    assert response.status_code == 302
    review = ExpertReview.objects.get()
    assert (review.demand, review.email, review.invited_by) == (demand, "wang@example.org", people["xu"])
    assert len(review.token) >= 32 and not review.is_signed
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wang@example.org"]
    assert f"/reviews/{review.token}/" in mail.outbox[0].body


def test_an_invitation_needs_a_valid_email(client, people, demand):
    client.force_login(people["xu"])
    response = client.post(f"/en/demands/{demand.external_id}/reviews/invite/", {"email": "not an email"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not ExpertReview.objects.exists()


@pytest.mark.parametrize("who, status", [("yang", 404), ("anna", 404), ("eve", 404)])
def test_only_the_unit_invites_experts_for_its_demand(client, people, demand, who, status):
    client.force_login(people[who])
    response = client.post(f"/en/demands/{demand.external_id}/reviews/invite/", {"email": "x@example.org"})
    assert response.status_code == status
    assert not ExpertReview.objects.exists()


def test_a_signed_out_expert_is_asked_to_sign_in_or_up_and_come_back(client, people, demand):
    review = invite(client, people, demand)
    response = client.get(f"/en/reviews/{review.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"next=%2Fen%2Freviews%2F{review.token}%2F" in html
    assert "/en/accounts/login/" in html and "/en/accounts/signup/" in html
    assert demand.title in html


def test_signing_in_from_the_invitation_brings_the_expert_back_to_the_review(client, people, demand):
    review = invite(client, people, demand)
    here = f"/en/reviews/{review.token}/"
    response = client.post(
        f"/en/accounts/login/?next={here}", {"login": "eve@example.org", "password": "pw", "next": here}
    )
    assert response.status_code == 302
    assert response["Location"] == here
    assert 'name="opinion"' in client.get(here).content.decode()


def test_the_expert_signs_the_opinion_and_satisfies_the_rule(client, people, demand, django_user_model):
    assert "expert-review" in {finding.rule for finding in check(demand.as_record())}
    review = invite(client, people, demand)
    wang = django_user_model.objects.create_user("wang", "wang@example.org", "pw")
    wang.emailaddress_set.create(email="wang@example.org", verified=True, primary=True)
    client.force_login(wang)
    page = client.get(f"/en/reviews/{review.token}/")
    assert page.status_code == 200
    assert "学习德国机器人应用经验。" in page.content.decode()  # the expert reads the private draft
    response = client.post(f"/en/reviews/{review.token}/", OPINION)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_signed and review.expert == wang
    assert (review.name, review.affiliation, review.title) == ("王建国", "南京大学", "教授")
    assert is_expert(django_user_model.objects.get(pk=wang.pk))
    demand.refresh_from_db()
    assert demand.expert_review == {
        "opinion": OPINION["opinion"],
        "expert": "王建国",
        "affiliation": "南京大学",
        "title": "教授",
    }
    assert check(demand.as_record()) == []
    notice = Notification.objects.get(user=people["xu"])
    assert "王建国" in notice.text_zh and notice.url == "/en/demands/dm-review/"
    assert not Notification.objects.filter(user=people["yang"]).exists()
    # The unit can now publish, and the opinion is on the demand's page.
    client.force_login(people["xu"])
    client.post("/en/demands/dm-review/publish/")
    demand.refresh_from_db()
    assert demand.status == "published"
    assert OPINION["opinion"] in client.get("/en/demands/dm-review/").content.decode()


def test_every_part_of_the_opinion_is_required(client, people, demand):
    review = invite(client, people, demand)
    client.force_login(people["eve"])
    response = client.post(f"/en/reviews/{review.token}/", {**OPINION, "affiliation": "", "title": ""})
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2
    assert OPINION["opinion"] in response.content.decode()  # the input is kept
    review.refresh_from_db()
    assert not review.is_signed
    demand.refresh_from_db()
    assert demand.expert_review is None


def test_a_used_link_says_so_and_the_signer_sees_the_thanks(client, people, demand):
    review = invite(client, people, demand, email="eve@example.org")
    client.force_login(people["eve"])
    client.post(f"/en/reviews/{review.token}/", OPINION)
    thanks = client.get(f"/en/reviews/{review.token}/")
    assert thanks.status_code == 200 and "Your review opinion is signed" in thanks.content.decode()
    client.force_login(people["anna"])
    used = client.get(f"/en/reviews/{review.token}/")
    assert used.status_code == 410
    assert "This review link has been used" in used.content.decode()
    assert client.post(f"/en/reviews/{review.token}/", {**OPINION, "name": "冒名"}).status_code == 410
    review.refresh_from_db()
    assert review.name == "王建国" and review.expert == people["eve"]
    client.logout()
    assert client.get(f"/en/reviews/{review.token}/").status_code == 410


def test_a_wrong_token_is_404(client, people, demand):
    invite(client, people, demand)
    assert client.get("/en/reviews/not-a-token/").status_code == 404
    client.force_login(people["eve"])
    assert client.post("/en/reviews/not-a-token/", OPINION).status_code == 404


def test_a_member_of_the_unit_cannot_review_its_own_demand(client, people, demand):
    review = invite(client, people, demand)
    client.force_login(people["xu"])
    response = client.post(f"/en/reviews/{review.token}/", OPINION)
    assert response.status_code == 200
    assert "must come from outside the organizing unit" in response.content.decode()
    review.refresh_from_db()
    assert not review.is_signed


@pytest.mark.parametrize("prefix", ["/zh-hans", "/en"])
def test_the_review_pages_render_in_both_languages(client, people, demand, prefix):
    review = invite(client, people, demand)
    assert client.get(f"{prefix}/reviews/{review.token}/").status_code == 200
    client.force_login(people["eve"])
    assert client.get(f"{prefix}/reviews/{review.token}/").status_code == 200
    client.force_login(people["xu"])
    assert client.get(f"{prefix}/demands/{demand.external_id}/reviews/invite/").status_code == 200


def test_only_the_invited_address_can_sign_the_review(client, people, demand):
    review = invite(client, people, demand)
    client.force_login(people["eve"])  # an expert, but the invitation went to wang@example.org
    response = client.post(f"/en/reviews/{review.token}/", OPINION)
    assert response.status_code == 200 and "wang@example.org" in response.content.decode()
    review.refresh_from_db()
    assert not review.is_signed


def cancel_url(review: ExpertReview, prefix: str = "/en") -> str:
    return f"{prefix}/demands/{review.demand.external_id}/reviews/{review.pk}/cancel/"


def test_the_unit_cancels_an_invitation_and_its_link_says_so(client, people, demand):
    review = invite(client, people, demand, email="eve@example.org")
    client.force_login(people["eve"])
    assert f"/reviews/{review.token}/" in client.get("/en/dashboard/").content.decode()
    client.force_login(people["xu"])
    page = client.get(f"/en/demands/{demand.external_id}/").content.decode()
    assert "eve@example.org" in page and cancel_url(review) in page
    response = client.post(cancel_url(review), follow=True)
    assert response.redirect_chain == [(f"/en/demands/{demand.external_id}/#reviews", 302)]
    assert "The invitation to eve@example.org was cancelled." in response.content.decode()
    review.refresh_from_db()
    assert review.cancelled_at is not None and not review.is_signed
    # Gone from the demand's invitations, and nothing counts it towards the expert-review rule.
    assert response.context["pending_reviews"] == []
    assert cancel_url(review) not in response.content.decode()
    assert "expert-review" in {finding.rule for finding in check(demand.as_record())}
    # The emailed link explains instead of asking for an opinion, in both languages, and cannot be signed.
    client.logout()
    for prefix in ("/en", "/zh-hans"):
        cancelled = client.get(f"{prefix}/reviews/{review.token}/")
        assert cancelled.status_code == 410
        assert 'name="opinion"' not in cancelled.content.decode()
    assert "This invitation was cancelled" in client.get(f"/en/reviews/{review.token}/").content.decode()
    client.force_login(people["eve"])
    assert f"/reviews/{review.token}/" not in client.get("/en/dashboard/").content.decode()
    assert client.post(f"/en/reviews/{review.token}/", OPINION).status_code == 410
    with pytest.raises(ReviewRefused):
        sign_review(review, expert=people["eve"], **OPINION)
    review.refresh_from_db()
    demand.refresh_from_db()
    assert not review.is_signed and demand.expert_review is None


def test_cancelling_a_cancelled_invitation_changes_nothing(client, people, demand):
    review = cancel_review_invitation(invite(client, people, demand), people["xu"])
    cancelled_at = review.cancelled_at
    assert cancel_review_invitation(review, people["xu"]).cancelled_at == cancelled_at
    client.force_login(people["xu"])
    assert client.post(cancel_url(review)).status_code == 302
    review.refresh_from_db()
    assert review.cancelled_at == cancelled_at


@pytest.mark.parametrize("who, status", [("yang", 404), ("anna", 404), ("eve", 404), ("olivia", 403)])
def test_only_the_unit_cancels_its_invitations(client, people, demand, who, status):
    review = invite(client, people, demand)
    activate_totp(people["olivia"])  # the office reads the demand but does not act for the unit
    client.force_login(people[who])
    assert client.post(cancel_url(review)).status_code == status
    review.refresh_from_db()
    assert review.cancelled_at is None


def test_another_units_invitation_cannot_be_cancelled_through_ones_own_demand(client, people, demand):
    theirs = Demand.objects.create(
        organizing_unit=people["unit_y"],
        external_id="dm-theirs",
        title="农业机器人培训",
        days=21,
        group_size=12,
        category="professional",
        status="draft",
        visibility="private",
    )
    review = ExpertReview.objects.create(demand=theirs, email="wang@example.org", invited_by=people["yang"])
    client.force_login(people["xu"])
    assert client.post(f"/en/demands/{demand.external_id}/reviews/{review.pk}/cancel/").status_code == 404
    assert client.post(cancel_url(review)).status_code == 404
    review.refresh_from_db()
    assert review.cancelled_at is None


def test_cancelling_is_a_post(client, people, demand):
    review = invite(client, people, demand)
    client.force_login(people["xu"])
    assert client.get(cancel_url(review)).status_code == 405
    review.refresh_from_db()
    assert review.cancelled_at is None


def test_a_signed_review_cannot_be_cancelled(client, people, demand):
    review = invite(client, people, demand, email="eve@example.org")
    client.force_login(people["eve"])
    client.post(f"/en/reviews/{review.token}/", OPINION)
    client.force_login(people["xu"])
    response = client.post(cancel_url(review), follow=True)
    assert response.redirect_chain == [(f"/en/demands/{demand.external_id}/#reviews", 302)]
    assert "it cannot be cancelled" in response.content.decode()
    with pytest.raises(ValidationError):
        cancel_review_invitation(review, people["xu"])
    review.refresh_from_db()
    demand.refresh_from_db()
    assert review.is_signed and review.cancelled_at is None
    assert demand.expert_review["expert"] == OPINION["name"]


def test_inviting_the_same_address_again_after_cancelling_gives_a_working_link(
    client, people, demand, django_user_model
):
    first = invite(client, people, demand)
    cancel_review_invitation(first, people["xu"])
    # A cancelled invitation no longer lets its address sign up without an organizing unit.
    assert not SignupForm().unit_is_optional({"email": "wang@example.org"})
    client.force_login(people["xu"])
    client.post(f"/en/demands/{demand.external_id}/reviews/invite/", {"email": "wang@example.org"})
    again = ExpertReview.objects.get(demand=demand, email="wang@example.org", cancelled_at__isnull=True)
    assert again.token != first.token
    assert SignupForm().unit_is_optional({"email": "wang@example.org"})
    assert [review.pk for review in ExpertReview.objects.filter(demand=demand).open()] == [again.pk]
    wang = django_user_model.objects.create_user("wang", "wang@example.org", "pw")
    wang.emailaddress_set.create(email="wang@example.org", verified=True, primary=True)
    client.force_login(wang)
    assert client.get(f"/en/reviews/{first.token}/").status_code == 410
    assert 'name="opinion"' in client.get(f"/en/reviews/{again.token}/").content.decode()
    assert client.post(f"/en/reviews/{again.token}/", OPINION).status_code == 302
    again.refresh_from_db()
    demand.refresh_from_db()
    assert again.is_signed and check(demand.as_record()) == []
