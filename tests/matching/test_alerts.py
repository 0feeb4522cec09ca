"""Saved searches and alerts: a unit member saves a search or watches a demand and is told (dashboard and
email) when a new institution or course fits it; institution staff are told of new public demands that fit
their institution above their threshold; digests daily and weekly; a one-click unsubscribe link in every
email that works without signing in; each person sees and changes only their own alerts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Course, Institution, InstitutionIndexPage, InstitutionSpecialty
from matching.choices import AlertKind, Frequency
from matching.models import Alert, AlertHit, Demand, Notification
from matching.services.alerts import (
    AlertRefused,
    alert_from_token,
    save_alert,
    send_digests,
    unsubscribe_token,
)

pytestmark = pytest.mark.django_db

SEARCH = "text=工业机器人培训&fields=intelligent-manufacturing"


def publish_institution(small_catalogue, external_id="de-kit", name="Karlsruhe Institute of Technology"):
    """A new institution about intelligent manufacturing, published as the editor publishes it."""
    index = InstitutionIndexPage.objects.get()
    institution = Institution(
        external_id=external_id,
        name_en=name,
        name_zh="卡尔斯鲁厄理工学院",
        country=small_catalogue["countries"]["DE"],
        description_en="Robotics, industry 4.0 and production engineering for manufacturers.",
        description_zh="机器人、工业4.0与智能制造培训。",
        live=False,
    )
    institution.specialties.add(
        InstitutionSpecialty(field=small_catalogue["fields"]["manufacturing"], weight=1.0)
    )
    index.add_child(instance=institution)
    institution.save_revision().publish()
    return institution


def publish_course(institution, field, external_id="kit-robots"):
    course = Course(
        external_id=external_id, title_en="Industrial robot cells", title_zh="工业机器人单元", live=False
    )
    institution.add_child(instance=course)
    course.fields.set([field])
    course.save_revision().publish()
    return course


@pytest.fixture
def search_alert(people):
    return save_alert(
        people["xu"],
        kind=AlertKind.SEARCH,
        name="机器人",
        frequency=Frequency.IMMEDIATE,
        threshold=1.0,
        query=SEARCH,
    )


def make_demand(people, small_catalogue, external_id="x-robots", *, visibility="public", status="published"):
    demand = Demand.objects.create(
        organizing_unit=people["unit_x"],
        external_id=external_id,
        title="工业机器人应用培训",
        topic="工业机器人与智能制造",
        content="学习德国工业4.0与机器人应用经验。",
        days=21,
        group_size=12,
        category="professional",
        visibility=visibility,
        status=status,
        published_at=timezone.now() if status == "published" else None,
    )
    demand.fields.set([small_catalogue["fields"]["manufacturing"]])
    return demand


# Who may keep which alert.


def test_only_unit_members_save_searches_and_only_staff_watch_demands(people):
    for name in ("anna", "eve", "olivia"):
        with pytest.raises(AlertRefused):
            save_alert(
                people[name], kind=AlertKind.SEARCH, name="x", frequency="daily", threshold=1, query=SEARCH
            )
    for name in ("xu", "eve", "olivia"):
        with pytest.raises(AlertRefused):
            save_alert(people[name], kind=AlertKind.INSTITUTION, name="x", frequency="daily", threshold=1)
    watch = save_alert(people["anna"], kind=AlertKind.INSTITUTION, name="w", frequency="daily", threshold=1)
    assert watch.institution.external_id == "de-tum"


def test_a_unit_member_cannot_watch_another_units_demand(people, small_catalogue):
    demand = make_demand(people, small_catalogue)
    with pytest.raises(AlertRefused):
        save_alert(
            people["yang"], kind=AlertKind.DEMAND, name="x", frequency="daily", threshold=1, demand=demand
        )


def test_a_search_the_find_page_refuses_cannot_be_saved(people):
    with pytest.raises(AlertRefused):
        save_alert(
            people["xu"], kind=AlertKind.SEARCH, name="x", frequency="daily", threshold=1, query="text="
        )


# New listings.


def test_a_new_institution_that_fits_a_saved_search_is_told_on_the_dashboard_and_by_email(
    search_alert, people, small_catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_institution(small_catalogue)
    hit = AlertHit.objects.get(alert=search_alert)
    assert hit.key == "institution:de-kit" and hit.score >= 1.0 and hit.emailed_at is not None
    assert Notification.objects.filter(user=people["xu"], text_en__contains="Karlsruhe").exists()
    (message,) = [m for m in mail.outbox if "机器人" in m.subject]
    assert message.to == ["xu@example.org"]
    assert "Karlsruhe" in message.body and "卡尔斯鲁厄" in message.body
    link = re.search(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert "/alerts/unsubscribe/" in link and link in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_institution_below_the_threshold_or_off_topic_is_not_told(
    people, small_catalogue, django_capture_on_commit_callbacks
):
    high = save_alert(
        people["xu"], kind=AlertKind.SEARCH, name="high", frequency="immediate", threshold=19.5, query=SEARCH
    )
    farming = save_alert(
        people["xu"],
        kind=AlertKind.SEARCH,
        name="farming",
        frequency="immediate",
        threshold=0.0,
        query="text=智慧农业&fields=modern-agriculture",
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_institution(small_catalogue)
    assert not AlertHit.objects.filter(alert__in=[high, farming]).exists()
    assert not mail.outbox


def test_an_institution_published_again_is_not_new(
    search_alert, small_catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        institution = publish_institution(small_catalogue)
    AlertHit.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        Institution.objects.get(pk=institution.pk).save_revision().publish()  # as the editor loads it
    assert not AlertHit.objects.exists()


def test_a_paused_alert_records_nothing(search_alert, small_catalogue, django_capture_on_commit_callbacks):
    Alert.objects.filter(pk=search_alert.pk).update(paused=True)
    with django_capture_on_commit_callbacks(execute=True):
        publish_institution(small_catalogue)
    assert not AlertHit.objects.exists()


def test_a_new_course_in_the_searched_field_is_told(
    search_alert, small_catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        institution = publish_institution(small_catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        publish_course(institution, small_catalogue["fields"]["manufacturing"])
        publish_course(institution, small_catalogue["fields"]["agriculture"], external_id="kit-farming")
    keys = set(AlertHit.objects.values_list("key", flat=True))
    assert keys == {"institution:de-kit", "course:kit-robots"}


def test_a_watched_demand_is_ranked_as_it_is_now(people, small_catalogue, django_capture_on_commit_callbacks):
    demand = make_demand(people, small_catalogue)
    alert = save_alert(
        people["xu"], kind=AlertKind.DEMAND, name="d", frequency="daily", threshold=1.0, demand=demand
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_institution(small_catalogue)
    hit = AlertHit.objects.get(alert=alert)
    assert hit.emailed_at is None  # a daily alert waits for its digest
    assert not mail.outbox


# Reverse matching: new public demands for an institution.


def test_staff_are_told_of_a_new_public_demand_that_fits_their_institution(
    people, small_catalogue, django_capture_on_commit_callbacks
):
    tum = save_alert(
        people["anna"], kind=AlertKind.INSTITUTION, name="TUM", frequency="immediate", threshold=1.0
    )
    wur = save_alert(
        people["bruno"], kind=AlertKind.INSTITUTION, name="WUR", frequency="immediate", threshold=1.0
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_demand(people, small_catalogue)
    assert list(AlertHit.objects.filter(alert=tum).values_list("key", flat=True)) == ["demand:x-robots"]
    assert not AlertHit.objects.filter(alert=wur).exists()  # off topic for Wageningen
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]


def test_staff_are_not_told_of_a_private_demand_or_a_draft(
    people, small_catalogue, django_capture_on_commit_callbacks
):
    save_alert(people["anna"], kind=AlertKind.INSTITUTION, name="TUM", frequency="immediate", threshold=0.0)
    with django_capture_on_commit_callbacks(execute=True):
        make_demand(people, small_catalogue, "x-private", visibility="private")
        make_demand(people, small_catalogue, "x-draft", status="draft")
    assert not AlertHit.objects.exists()


def test_the_threshold_staff_choose_holds(people, small_catalogue, django_capture_on_commit_callbacks):
    save_alert(people["anna"], kind=AlertKind.INSTITUTION, name="TUM", frequency="immediate", threshold=19.9)
    with django_capture_on_commit_callbacks(execute=True):
        make_demand(people, small_catalogue)
    assert not AlertHit.objects.exists()


# Digests.


def test_daily_and_weekly_digests_send_what_was_not_emailed_once_their_period_has_passed(
    people, small_catalogue, django_capture_on_commit_callbacks
):
    daily = save_alert(
        people["anna"], kind=AlertKind.INSTITUTION, name="daily", frequency="daily", threshold=1
    )
    weekly = save_alert(
        people["anna"], kind=AlertKind.INSTITUTION, name="weekly", frequency="weekly", threshold=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_demand(people, small_catalogue)
    assert AlertHit.objects.filter(emailed_at__isnull=True).count() == 2
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(Frequency.DAILY, now).alerts == 0  # saved moments ago: not a day yet
        assert send_digests(Frequency.DAILY, now + datetime.timedelta(days=1)).hits == 1
        assert send_digests(Frequency.WEEKLY, now + datetime.timedelta(days=1)).alerts == 0
        assert send_digests(Frequency.WEEKLY, now + datetime.timedelta(days=7)).hits == 1
        assert send_digests(Frequency.DAILY, now + datetime.timedelta(days=3)).alerts == 0  # nothing new
    assert [m.subject.count("daily") + m.subject.count("weekly") for m in mail.outbox] == [1, 1]
    assert not AlertHit.objects.filter(alert__in=[daily, weekly], emailed_at__isnull=True).exists()


def test_the_digest_command_runs(people, small_catalogue, django_capture_on_commit_callbacks, capsys):
    call_command("send_alert_digests")
    assert "daily: 0 digest(s)" in capsys.readouterr().out


# Unsubscribing.


def test_the_unsubscribe_link_stops_the_emails_without_signing_in(client, search_alert):
    token = unsubscribe_token(search_alert)
    for prefix, question, phrase in (
        ("/zh-hans", "停止接收提醒", "不会再收到"),
        ("/en", "Stop the emails of the alert", "You will receive no more emails"),
    ):
        Alert.objects.filter(pk=search_alert.pk).update(frequency=Frequency.DAILY)
        page = client.get(f"{prefix}/alerts/unsubscribe/{token}/")
        assert page.status_code == 200 and question in page.content.decode()
        search_alert.refresh_from_db()
        assert search_alert.frequency == Frequency.DAILY  # opening the link (a mail scanner) changes nothing
        response = client.post(f"{prefix}/alerts/unsubscribe/{token}/")
        assert response.status_code == 200 and phrase in response.content.decode()
        search_alert.refresh_from_db()
        assert search_alert.frequency == Frequency.NEVER


def test_a_mail_programs_one_click_post_unsubscribes(client, search_alert):
    token = unsubscribe_token(search_alert)
    response = client.post(
        f"/en/alerts/unsubscribe/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    search_alert.refresh_from_db()
    assert search_alert.frequency == Frequency.NEVER


def test_subscribing_again_from_the_unsubscribe_page(client, search_alert):
    token = unsubscribe_token(search_alert)
    client.post(f"/en/alerts/unsubscribe/{token}/")
    client.post(f"/en/alerts/unsubscribe/{token}/", {"action": "resubscribe", "frequency": "weekly"})
    search_alert.refresh_from_db()
    assert search_alert.frequency == Frequency.WEEKLY


def test_an_altered_unsubscribe_link_changes_nothing(client, search_alert):
    token = unsubscribe_token(search_alert)
    assert alert_from_token(token[:-2] + "xx") is None
    response = client.get(f"/en/alerts/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 404
    search_alert.refresh_from_db()
    assert search_alert.frequency == Frequency.IMMEDIATE


# The pages.


def test_saving_a_search_from_the_find_page(client, people, small_catalogue):
    client.force_login(people["xu"])
    page = client.get("/en/find/?" + SEARCH).content.decode()
    assert "Save this search" in page
    link = re.search(r'href="(/en/alerts/new/\?search=[^"]+)"', page).group(1).replace("&amp;", "&")
    form = client.get(link)
    assert form.status_code == 200
    response = client.post(link, {"name": "Robots", "frequency": "weekly", "threshold": "4.5"})
    assert response.status_code == 302
    alert = Alert.objects.get(user=people["xu"])
    assert (alert.kind, alert.frequency, alert.threshold) == (AlertKind.SEARCH, "weekly", 4.5)
    assert "fields=intelligent-manufacturing" in alert.query


def test_the_alert_form_keeps_input_and_explains_errors_in_each_language(client, people):
    client.force_login(people["xu"])
    for prefix, message in (("/en", "Give the alert a name."), ("/zh-hans", "给提醒起个名字。")):
        response = client.post(
            f"{prefix}/alerts/new/", {"search": SEARCH, "name": "", "frequency": "weekly", "threshold": "7.5"}
        )
        body = response.content.decode()
        assert response.status_code == 400
        assert message in body and 'value="7.5"' in body


def test_a_visitor_is_asked_to_sign_in_to_save_a_search(client, small_catalogue):
    page = client.get("/en/find/?" + SEARCH).content.decode()
    assert "Sign in to save this search" in page


def test_alerts_are_their_owners_alone(client, people, search_alert):
    client.force_login(people["yang"])
    assert client.get(f"/en/alerts/{search_alert.pk}/").status_code == 404
    assert client.post(f"/en/alerts/{search_alert.pk}/pause/").status_code == 404
    assert client.post(f"/en/alerts/{search_alert.pk}/delete/").status_code == 404
    assert "机器人" not in client.get("/en/alerts/").content.decode()
    assert Alert.objects.filter(pk=search_alert.pk, paused=False).exists()


def test_pause_change_and_delete_an_alert(client, people, search_alert):
    client.force_login(people["xu"])
    assert "机器人" in client.get("/zh-hans/alerts/").content.decode()
    client.post(f"/en/alerts/{search_alert.pk}/pause/")
    search_alert.refresh_from_db()
    assert search_alert.paused
    client.post(
        f"/en/alerts/{search_alert.pk}/",
        {"name": "Robots", "frequency": "daily", "threshold": "3", "paused": ""},
    )
    search_alert.refresh_from_db()
    assert (search_alert.name, search_alert.frequency, search_alert.paused) == ("Robots", "daily", False)
    assert client.get(f"/en/alerts/{search_alert.pk}/delete/").status_code == 200
    client.post(f"/en/alerts/{search_alert.pk}/delete/")
    assert not Alert.objects.exists()


def test_the_dashboard_shows_the_latest_results(
    client, people, search_alert, small_catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_institution(small_catalogue)
    client.force_login(people["xu"])
    body = client.get("/zh-hans/dashboard/").content.decode()
    assert 'data-section="alerts"' in body and "卡尔斯鲁厄理工学院" in body


def test_a_person_without_a_unit_or_institution_is_told_why_they_cannot_keep_alerts(client, people):
    client.force_login(people["eve"])
    response = client.get("/en/alerts/new/?search=" + SEARCH.replace("&", "%26"))
    assert response.status_code == 403
    assert "confirmed members of an organizing unit" in response.content.decode()
