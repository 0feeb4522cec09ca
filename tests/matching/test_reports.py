"""Reports of listings: anyone signed in reports an institution, a course, an outcome or a demand they may
see; the office decides each (dismiss, or uphold with a note) once, recorded with who and when; the reporter
is told in the site and by email; the institution's staff read the decided reports about them."""

from __future__ import annotations

import pytest
from django.core import mail

from matching.choices import ReportKind, ReportStatus
from matching.models import Demand, Notification, Report
from matching.services.reports import ReportRefused, file_report, handle_report
from tests.factories import activate_totp, make_course, make_outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(people):
    activate_totp(people["olivia"])
    return people


@pytest.fixture
def course(small_catalogue):
    return make_course("tum-robots", small_catalogue["tum"], "Robot cells", "机器人单元")


def private_demand(people):
    return Demand.objects.create(
        organizing_unit=people["unit_x"],
        external_id="x-secret",
        title="保密的培训",
        days=14,
        group_size=10,
        category="professional",
        visibility="private",
    )


def test_anyone_signed_in_reports_an_institution_in_either_language(client, people):
    client.force_login(people["eve"])
    page = client.get("/zh-hans/report/institution/de-tum/").content.decode()
    assert "举报此条目" in page and "红顶中介" in page
    response = client.post(
        "/en/report/institution/de-tum/", {"reason": "agency", "text": "A travel agency sells the visits."}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.kind, report.institution.external_id) == (
        people["eve"],
        "institution",
        "de-tum",
    )
    assert report.status == ReportStatus.OPEN


def test_other_needs_a_text_and_the_form_keeps_input(client, people):
    client.force_login(people["xu"])
    for prefix, message in (("/en", "Say what is wrong."), ("/zh-hans", "请说明问题所在。")):
        response = client.post(f"{prefix}/report/institution/de-tum/", {"reason": "other", "text": "  "})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Report.objects.exists()


def test_a_course_an_outcome_and_a_demand_can_be_reported(client, people, small_catalogue, course):
    make_outcome("o-robots", "机器人成果", institutions=[small_catalogue["tum"]])
    private_demand(people)
    client.force_login(people["xu"])
    for kind, key in (("course", "tum-robots"), ("outcome", "o-robots"), ("demand", "x-secret")):
        response = client.post(f"/en/report/{kind}/{key}/", {"reason": "wrong"})
        assert response.status_code == 302, kind
    assert sorted(Report.objects.values_list("kind", flat=True)) == ["course", "demand", "outcome"]


def test_a_listing_the_person_may_not_see_cannot_be_reported(client, people):
    private_demand(people)
    client.force_login(people["yang"])
    assert client.get("/en/report/demand/x-secret/").status_code == 404
    assert client.post("/en/report/demand/x-secret/", {"reason": "wrong"}).status_code == 404
    assert client.get("/en/report/planet/de-tum/").status_code == 404
    assert not Report.objects.exists()


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get("/en/report/institution/de-tum/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_office_upholds_a_report_and_the_reporter_is_told(
    client, people, small_catalogue, django_capture_on_commit_callbacks
):
    report = file_report(
        people["eve"], ReportKind.INSTITUTION, small_catalogue["tum"], reason="wrong", text="x"
    )
    client.force_login(people["olivia"])
    queue = client.get("/zh-hans/office/reports/").content.decode()
    assert "慕尼黑工业大学" in queue
    detail = client.get(f"/en/office/reports/{report.pk}/").content.decode()
    assert f"/office/institutions/{small_catalogue['tum'].pk}/status/" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/office/reports/{report.pk}/", {"decision": "uphold", "resolution": "Corrected the address."}
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.handled_by, report.resolution) == (
        "upheld",
        people["olivia"],
        "Corrected the address.",
    )
    assert report.handled_at is not None
    note = Notification.objects.get(user=people["eve"])
    assert "已采纳" in note.text_zh and "upheld" in note.text_en
    assert [m.to for m in mail.outbox] == [["eve@example.org"]]


def test_a_report_is_decided_once(people, small_catalogue):
    report = file_report(
        people["eve"], ReportKind.INSTITUTION, small_catalogue["tum"], reason="wrong", text=""
    )
    handle_report(report, by=people["olivia"], upheld=False, resolution="Nothing wrong.")
    with pytest.raises(ReportRefused):
        handle_report(report, by=people["olivia"], upheld=True, resolution="Again.")


def test_the_queue_filters_and_shows_open_reports_first(client, people, small_catalogue, course):
    open_one = file_report(people["eve"], ReportKind.COURSE, course, reason="misconduct", text="")
    done = file_report(people["xu"], ReportKind.INSTITUTION, small_catalogue["wur"], reason="wrong", text="")
    handle_report(done, by=people["olivia"], upheld=False, resolution="Checked.")
    client.force_login(people["olivia"])
    default = client.get("/en/office/reports/").content.decode()
    assert f'data-report="{open_one.pk}"' in default and f'data-report="{done.pk}"' not in default
    everything = client.get("/en/office/reports/?status=").content.decode()
    assert f'data-report="{done.pk}"' in everything
    by_kind = client.get("/en/office/reports/?status=&kind=institution").content.decode()
    assert f'data-report="{open_one.pk}"' not in by_kind
    assert client.get("/en/office/reports/?status=bogus&page=x").status_code == 200


def test_only_the_office_handles_reports(client, people, small_catalogue):
    report = file_report(
        people["eve"], ReportKind.INSTITUTION, small_catalogue["tum"], reason="wrong", text=""
    )
    for name in ("anna", "xu", "eve"):
        client.force_login(people[name])
        assert client.get("/en/office/reports/").status_code == 403
        response = client.post(f"/en/office/reports/{report.pk}/", {"decision": "uphold", "resolution": "x"})
        assert response.status_code == 403
    report.refresh_from_db()
    assert report.is_open


def test_staff_see_reports_about_their_institution_once_decided(client, people, small_catalogue, course):
    on_course = file_report(
        people["eve"], ReportKind.COURSE, course, reason="wrong", text="SECRET-REPORTER-TEXT"
    )
    on_wur = file_report(
        people["eve"], ReportKind.INSTITUTION, small_catalogue["wur"], reason="wrong", text=""
    )
    client.force_login(people["anna"])
    assert f'data-report="{on_course.pk}"' not in client.get("/en/institution/reports/").content.decode()
    handle_report(on_course, by=people["olivia"], upheld=True, resolution="Course title corrected.")
    handle_report(on_wur, by=people["olivia"], upheld=True, resolution="Fixed.")
    page = client.get("/zh-hans/institution/reports/").content.decode()
    assert f'data-report="{on_course.pk}"' in page and "Course title corrected." in page
    assert f'data-report="{on_wur.pk}"' not in page
    assert "SECRET-REPORTER-TEXT" not in page and "eve" not in page
    client.force_login(people["xu"])
    assert client.get("/en/institution/reports/").status_code == 403


def test_the_reporter_reads_their_own_reports(client, people, small_catalogue):
    file_report(people["eve"], ReportKind.INSTITUTION, small_catalogue["tum"], reason="wrong", text="")
    client.force_login(people["eve"])
    assert "data-report=" in client.get("/en/reports/mine/").content.decode()
    client.force_login(people["xu"])
    assert "data-report=" not in client.get("/en/reports/mine/").content.decode()
