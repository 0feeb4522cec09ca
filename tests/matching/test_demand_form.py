"""The demand form: create, edit, check, publish and withdraw, with the policy checks beside the fields."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from matching.choices import DemandStatus
from matching.forms.demands import DemandForm
from matching.models import Demand, UnitMembership
from matching.rules import check
from search.demand import MISSING
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(people):
    """The shared people; Olivia has set up her authenticator app, as the office must."""
    activate_totp(people["olivia"])
    return people


REVIEW = {"opinion": "必要且可行。", "expert": "王教授", "affiliation": "南京大学", "title": "教授"}


def form_data(**changes) -> dict:
    """What a unit member types for a demand that passes every rule but the expert review."""
    data = {
        "title": "智能制造与工业4.0培训",
        "topic": "数字化工厂与机器人应用",
        "content": "学习德国工业4.0经验，国内无法解决。",
        "fields": ["intelligent-manufacturing"],
        "category": "professional",
        "destinations": ["DE"],
        "days": "21",
        "cities": "2",
        "group_size": "12",
        "participants_max_age": "50",
        "participants_min_years_to_retirement": "8",
        "special_project_kind": "none",
        "special_project_name": "",
        "special_project_year": "",
        "backbone_plan": "",
        "organizer_level": "provincial",
        "institutions": ["de-tum"],
        "funding_funder": "",
        "funding_institution": "",
        "funding_content": "",
        "funding_amount": "",
        "visibility": "public",
        "action": "save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def drafted(client, **changes) -> Demand:
    response = client.post("/en/demands/new/", form_data(**changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Demand.objects.latest("created_at")


def reviewed(demand: Demand) -> Demand:
    demand.expert_review = REVIEW
    demand.save()
    return demand


# Creating and editing.


def test_unit_member_creates_a_draft_with_every_exchange_format_key(client, people):
    client.force_login(people["xu"])
    demand = drafted(
        client,
        days="120",
        special_project_kind="",
        backbone_plan="true",
        double_cross="on",
        destinations_only="on",
        organizer_level="central",
        foreign_funded="on",
        funding_funder="DAAD",
        funding_institution="TUM",
        funding_content="学费",
        funding_amount="50000",
        visibility="registered",
    )
    assert re.fullmatch(rf"dm-{timezone.localdate().year}-[0-9a-f]{{6}}", demand.external_id)
    assert demand.status == DemandStatus.DRAFT
    assert demand.organizing_unit == people["unit_x"]
    assert demand.created_by == people["xu"]
    assert demand.visibility == "registered"
    record = demand.as_record()
    assert record.fields == ["intelligent-manufacturing"]
    assert record.destinations == ["DE"]
    assert record.destinations_only is True
    assert record.institutions == ["de-tum"]
    assert (record.days, record.cities, record.group_size) == (120, 2, 12)
    assert record.participants_max_age == 50
    assert record.participants_min_years_to_retirement == 8
    assert record.backbone_plan is True
    assert record.double_cross is True
    assert record.organizer_level == "central"
    assert record.foreign_funding == {
        "funder": "DAAD",
        "institution": "TUM",
        "content": "学费",
        "amount": 50000,
    }
    assert record.special_project is MISSING  # not stated


def test_special_project_none_of_these_is_stated_as_null(client, people):
    client.force_login(people["xu"])
    demand = drafted(client, special_project_kind="none")
    assert demand.special_project_stated is True
    assert demand.as_record().special_project is None
    assert not [f for f in check(demand.as_record()) if f.rule == "classification"]


def test_special_project_with_kind_name_and_year_is_stored_as_the_exchange_format_object(client, people):
    client.force_login(people["xu"])
    demand = drafted(
        client, special_project_kind="key_rd", special_project_name="智能机器人", special_project_year="2019"
    )
    assert demand.as_record().special_project == {"kind": "key_rd", "name": "智能机器人", "year": 2019}


def test_unit_member_edits_own_units_demand_and_the_form_shows_the_stored_values(client, people):
    client.force_login(people["xu"])
    demand = drafted(
        client, special_project_kind="key_rd", special_project_name="芯片", special_project_year="2020"
    )
    page = client.get(f"/en/demands/{demand.external_id}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'value="key_rd"[^>]*checked', html)
    assert 'value="intelligent-manufacturing" checked' in html
    assert 'value="芯片"' in html
    response = client.post(
        f"/en/demands/{demand.external_id}/edit/", form_data(title="改过的标题", group_size="8")
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.title, demand.group_size) == ("改过的标题", 8)


def test_the_form_keeps_the_input_when_validation_fails(client, people):
    client.force_login(people["xu"])
    response = client.post("/en/demands/new/", form_data(title="保留我的输入", days="many", topic="先进封装"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="保留我的输入"' in html
    assert "先进封装" in html
    assert 'value="DE" checked' in html
    assert "Enter a whole number." in html
    assert not Demand.objects.exists()


def test_check_without_script_renders_the_findings_beside_their_fields(client, people):
    client.force_login(people["xu"])
    response = client.post("/en/demands/new/", form_data(group_size="30", action="check"))
    assert response.status_code == 200
    html = response.content.decode()
    beside = html.split('data-findings-for="group_size"')[1].split("</ul>")[0]
    assert 'data-rule="group-size"' in beside
    assert "The group has 30 people; the limit is 25." in beside
    assert not Demand.objects.exists()


def test_check_shows_the_message_in_the_readers_language(client, people):
    client.force_login(people["xu"])
    response = client.post("/zh-hans/demands/new/", form_data(group_size="30", action="check"))
    assert "团组人数30人，超过25人的上限。" in response.content.decode()


def test_check_endpoint_returns_findings_with_their_keys(client, people):
    client.force_login(people["xu"])
    response = client.post("/en/demands/check/", form_data(group_size="30", destinations=["DE"], days="10"))
    assert response.status_code == 200
    result = response.json()
    found = {(f["rule"], f["key"], f["severity"]) for f in result["findings"]}
    assert ("group-size", "group_size", "error") in found
    assert ("min-days", "days", "error") in found
    assert ("expert-review", "expert_review", "error") in found
    assert result["ok"] is False and result["publishable"] is False
    message = next(f for f in result["findings"] if f["rule"] == "group-size")
    assert message["message"] == message["message_en"]
    assert not Demand.objects.exists()


def test_check_endpoint_answers_in_chinese_under_the_chinese_prefix(client, people):
    client.force_login(people["xu"])
    result = client.post("/zh-hans/demands/check/", form_data(group_size="30")).json()
    finding = next(f for f in result["findings"] if f["rule"] == "group-size")
    assert finding["message"] == finding["message_zh"]


def test_check_endpoint_reads_the_expert_review_of_the_demand_being_edited(client, people):
    client.force_login(people["xu"])
    demand = reviewed(drafted(client))
    result = client.post(f"/en/demands/check/?demand={demand.external_id}", form_data()).json()
    assert result["findings"] == []
    assert result["publishable"] is True


def test_check_endpoint_reports_form_errors_and_leaves_their_keys_to_the_form(client, people):
    client.force_login(people["xu"])
    result = client.post("/en/demands/check/", form_data(days="many")).json()
    assert "days" in result["errors"]
    assert not [f for f in result["findings"] if f["key"] == "days"]


@pytest.mark.parametrize("who", [None, "anna", "eve", "olivia"])
def test_check_endpoint_refuses_people_who_are_not_unit_members(client, people, who):
    if who:
        client.force_login(people[who])
    assert client.post("/en/demands/check/", form_data()).status_code == 403


def test_check_endpoint_refuses_a_get(client, people):
    client.force_login(people["xu"])
    assert client.get("/en/demands/check/").status_code == 405


# Publishing.


def test_publishing_is_blocked_by_an_error_and_allowed_after_fixing_it(client, people):
    client.force_login(people["xu"])
    response = client.post("/en/demands/new/", form_data(group_size="30", action="publish"))
    demand = Demand.objects.get()
    # The draft is kept, and the person is sent back to the form, which shows why.
    assert response.status_code == 302 and response["Location"].endswith(
        f"/demands/{demand.external_id}/edit/"
    )
    assert demand.status == DemandStatus.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "cannot be published yet" in page
    assert 'data-rule="group-size"' in page
    reviewed(demand)
    response = client.post(f"/en/demands/{demand.external_id}/edit/", form_data(action="publish"))
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == DemandStatus.PUBLISHED
    assert demand.published_at is not None


def test_publishing_without_an_expert_review_is_blocked(client, people):
    client.force_login(people["xu"])
    drafted(client)
    demand = Demand.objects.get()
    client.post(f"/en/demands/{demand.external_id}/publish/")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.DRAFT


def test_a_warning_needs_a_written_justification_before_publishing(client, people):
    client.force_login(people["xu"])
    # A management group planning a non-cooperating institution: a warning.
    demand = reviewed(drafted(client, category="management", institutions=["nl-wur"]))
    assert [f.rule for f in check(demand.as_record())] == ["cooperating-institution"]
    client.post(f"/en/demands/{demand.external_id}/publish/")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.DRAFT
    page = client.get(f"/en/demands/{demand.external_id}/edit/").content.decode()
    box = page.split('data-justify="cooperating-institution"')[1][:40]
    assert "hidden" not in box  # the textarea is shown beside the warning
    reason = "瓦赫宁根大学是该领域唯一可提供此课程的机构。"
    response = client.post(
        f"/en/demands/{demand.external_id}/edit/",
        form_data(category="management", institutions=["nl-wur"], action="publish", **{
            "justify_cooperating-institution": reason
        }),
    )  # fmt: skip
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == DemandStatus.PUBLISHED
    assert demand.justifications == {"cooperating-institution": reason}


def test_an_info_finding_is_shown_and_does_not_block_publishing(client, people):
    client.force_login(people["xu"])
    demand = reviewed(
        drafted(client, group_size="4", days="120", backbone_plan="false", special_project_kind="")
    )
    client.post(f"/en/demands/{demand.external_id}/publish/")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.PUBLISHED
    page = client.get(f"/en/demands/{demand.external_id}/").content.decode()
    assert 'data-rule="small-group-long-term"' in page


def test_saving_a_published_demand_rechecks_it_and_refuses_an_error_keeping_the_input(client, people):
    client.force_login(people["xu"])
    demand = reviewed(drafted(client))
    client.post(f"/en/demands/{demand.external_id}/publish/")
    response = client.post(
        f"/en/demands/{demand.external_id}/edit/", form_data(title="太大的团组", group_size="40")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your changes were not saved." in html
    assert 'value="太大的团组"' in html and 'value="40"' in html
    demand.refresh_from_db()
    assert (demand.status, demand.group_size, demand.title) == (
        DemandStatus.PUBLISHED,
        12,
        "智能制造与工业4.0培训",
    )


def test_withdrawing_takes_a_published_demand_off_the_board_and_it_can_be_published_again(client, people):
    client.force_login(people["xu"])
    demand = reviewed(drafted(client))
    client.post(f"/en/demands/{demand.external_id}/publish/")
    response = client.post(f"/en/demands/{demand.external_id}/withdraw/")
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == DemandStatus.WITHDRAWN
    client.logout()
    hidden = client.get(f"/en/demands/{demand.external_id}/")  # a visitor is asked to sign in, told nothing
    assert hidden.status_code == 302 and "/accounts/login/" in hidden.url
    client.force_login(people["yang"])
    assert client.get(f"/en/demands/{demand.external_id}/").status_code == 404
    client.force_login(people["xu"])
    client.post(f"/en/demands/{demand.external_id}/publish/")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.PUBLISHED


def test_the_forms_record_is_judged_like_the_demand_it_stores(client, people):
    client.force_login(people["xu"])
    typed = form_data(
        group_size="30", category="management", institutions=["nl-wur"], special_project_kind=""
    )
    demand = drafted(client, **typed)
    form = DemandForm(typed, instance=demand, unit=people["unit_x"])
    assert form.is_valid()
    assert check(form.record()) == check(demand.as_record())
    assert {f.rule for f in check(form.record())} == {
        "group-size",
        "classification",
        "expert-review",
        "cooperating-institution",
    }


def test_the_form_builds_the_demand_and_leaves_writing_it_to_the_service(people):
    form = DemandForm(form_data(), instance=Demand(organizing_unit=people["unit_x"]), unit=people["unit_x"])
    assert form.is_valid()
    assert form.unsaved_demand().pk is None and form.unsaved_demand().special_project_stated
    with pytest.raises(NotImplementedError):
        form.save()
    assert not Demand.objects.exists()


# Who may edit.


def test_anonymous_visitor_is_sent_to_sign_in_to_create_a_demand(client, people):
    response = client.get("/en/demands/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["anna", "eve", "olivia"])
def test_people_outside_organizing_units_cannot_create_demands(client, people, who):
    client.force_login(people[who])
    assert client.get("/en/demands/new/").status_code == 403
    assert client.post("/en/demands/new/", form_data()).status_code == 403
    assert not Demand.objects.exists()


def test_unconfirmed_member_cannot_create_or_edit(client, people, django_user_model):
    zhao = django_user_model.objects.create_user("zhao", "zhao@example.org", "pw")
    UnitMembership.objects.create(user=zhao, unit=people["unit_x"])  # not confirmed yet
    client.force_login(people["xu"])
    demand = drafted(client, visibility="public")
    client.force_login(zhao)
    assert client.get("/en/demands/new/").status_code == 403
    # A draft of the unit is not visible to an unconfirmed member.
    assert client.get(f"/en/demands/{demand.external_id}/edit/").status_code == 404
    demand.status = DemandStatus.PUBLISHED
    demand.save()
    assert client.get(f"/en/demands/{demand.external_id}/edit/").status_code == 403
    assert client.post(f"/en/demands/{demand.external_id}/edit/", form_data(title="x")).status_code == 403


def test_other_units_member_gets_403_on_a_visible_demand_and_404_on_a_private_one(client, people):
    client.force_login(people["xu"])
    public = reviewed(drafted(client))
    client.post(f"/en/demands/{public.external_id}/publish/")
    private = reviewed(drafted(client, visibility="private"))
    client.post(f"/en/demands/{private.external_id}/publish/")
    client.force_login(people["yang"])
    for url in ("edit/", "reviews/invite/"):
        assert client.get(f"/en/demands/{public.external_id}/{url}").status_code == 403
        assert client.get(f"/en/demands/{private.external_id}/{url}").status_code == 404
    for url in ("publish/", "withdraw/"):
        assert client.post(f"/en/demands/{public.external_id}/{url}").status_code == 403
        assert client.post(f"/en/demands/{private.external_id}/{url}").status_code == 404
    assert client.post(f"/en/demands/check/?demand={public.external_id}", form_data()).status_code == 403
    public.refresh_from_db()
    assert public.status == DemandStatus.PUBLISHED


def test_office_reviewer_reads_every_demand_but_cannot_edit_one(client, people):
    client.force_login(people["xu"])
    demand = drafted(client, visibility="private")
    client.force_login(people["olivia"])
    assert client.get(f"/en/demands/{demand.external_id}/").status_code == 200
    assert client.get(f"/en/demands/{demand.external_id}/edit/").status_code == 403


def test_publish_and_withdraw_accept_only_posts(client, people):
    client.force_login(people["xu"])
    demand = drafted(client)
    assert client.get(f"/en/demands/{demand.external_id}/publish/").status_code == 405
    assert client.get(f"/en/demands/{demand.external_id}/withdraw/").status_code == 405


# The choices offered.


def test_planned_institutions_offer_only_admitted_ones(client, people):
    client.force_login(people["xu"])
    html = client.get("/en/demands/new/").content.decode()
    assert 'value="de-tum"' in html and 'value="nl-wur"' in html
    assert 'value="de-lapsed"' not in html
    response = client.post("/en/demands/new/", form_data(institutions=["de-lapsed"]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_planned_institution_suspended_later_stays_visible_with_its_error(client, people, small_catalogue):
    client.force_login(people["xu"])
    demand = drafted(client, institutions=["de-tum"])
    tum = small_catalogue["tum"]
    tum.status = "suspended"
    tum.save()
    html = client.get(f"/en/demands/{demand.external_id}/edit/").content.decode()
    assert 'value="de-tum" checked' in html
    assert 'data-rule="inactive-institution"' in html.split('data-findings-for="institutions"')[1]


@pytest.mark.parametrize("prefix", ["/zh-hans", "/en"])
def test_the_form_renders_in_both_languages(client, people, prefix):
    client.force_login(people["xu"])
    response = client.get(f"{prefix}/demands/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-check-url="' + prefix + '/demands/check/"' in html
    assert "matching/demand_form.js" in html
    demand = drafted(client)
    assert client.get(f"{prefix}/demands/{demand.external_id}/edit/").status_code == 200


@pytest.mark.parametrize(
    ("language", "told"), [("en", "Someone else saved this demand"), ("zh-hans", "其他人")]
)
def test_saving_a_form_opened_before_someone_elses_save_overwrites_nothing_and_keeps_the_input(
    client, people, language, told
):
    """Two members edit the same demand: the later save of the older form is refused with the person's
    input kept; saving it again from the page it gets back (a deliberate choice) goes through."""
    client.force_login(people["xu"])
    demand = drafted(client)
    url = f"/{language}/demands/{demand.external_id}/edit/"
    opened = client.get(url).context["form"]["version"].value()
    assert opened == demand.version
    # A colleague saves first, from a form opened at the same time.
    assert client.post(url, form_data(title="Robotics (colleague)", version=opened)).status_code == 302
    # Xu saves the form he opened before that save.
    response = client.post(url, form_data(title="Robotics (Xu)", version=opened))
    assert response.status_code == 200
    assert told in response.text
    assert 'value="Robotics (Xu)"' in response.text
    demand.refresh_from_db()
    assert demand.title == "Robotics (colleague)"
    # The page he got back carries the stored version: saving it again replaces the colleague's.
    shown = response.context["form"]["version"].value()
    assert shown == demand.version != opened
    assert client.post(url, form_data(title="Robotics (Xu)", version=shown)).status_code == 302
    demand.refresh_from_db()
    assert demand.title == "Robotics (Xu)"
