"""The office's catalogue upload in the Wagtail admin: the file is kept in the database, a task checks it
while its page shows the progress, the office confirms the preview, and another task imports it, all or
nothing."""

from __future__ import annotations

import datetime
import json
import re
from contextlib import nullcontext

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catalog.choices import UploadStatus
from catalog.exchange import Message
from catalog.models import CatalogueUpload, Country, Field, Institution
from catalog.tasks import forget_old_uploads
from tests.factories import activate_totp, ensure_site_tree, make_country

pytestmark = pytest.mark.django_db

URL = "/admin/catalogue/import/"
CONFIRM_FORM = 'id="confirm-import"'
RECORDS = [
    {"type": "field", "code": "rail-transit", "name_zh": "轨道交通", "name_en": "Rail transit"},
    {
        "type": "country",
        "code": "AT",
        "name_en": "Austria",
        "strengths": [{"field": "rail-transit", "weight": 0.8}],
    },
    {"type": "institution", "external_id": "at-rail", "name_en": "Alpine Rail Academy", "country": "AT"},
]


def upload(records, name: str = "catalog.jsonl") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jsonl(records), content_type="application/octet-stream")


def jsonl(records) -> bytes:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()


def admin_user(username: str, *permissions: str):
    """A Wagtail admin user holding the given permissions (app_label.codename)."""
    user = get_user_model().objects.create_user(username, f"{username}@office.example.org", "pw")
    for name in ("wagtailadmin.access_admin", *permissions):
        app_label, codename = name.split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        user.user_permissions.add(permission)
    return user


@pytest.fixture
def office(client):
    """Sofia administers the site and the catalogue as a superuser."""
    user = get_user_model().objects.create_superuser("sofia", "sofia@office.example.org", "pw")
    activate_totp(user)
    client.force_login(user)
    return client


@pytest.fixture
def tasks(django_capture_on_commit_callbacks):
    """Runs the tasks a request queued, as the immediate backend does once the request has committed (the
    test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def refused(response) -> bool:
    """Whether the page says there was nothing to import (an error message)."""
    return [message.level_tag for message in response.context["messages"]] == ["error"]


def english(upload_: CatalogueUpload) -> list[str]:
    """The upload's errors as the command line prints them."""
    return [Message.from_json(error).english() for error in upload_.errors]


def page_of(upload_: CatalogueUpload) -> str:
    return f"{URL}{upload_.pk}/"


def preview(client, tasks, records, name: str = "catalog.jsonl"):
    """Upload a file, let its check run, and open its page."""
    with tasks():
        response = client.post(URL, {"file": upload(records, name)})
    assert response.status_code == 302
    return client.get(response.url)


def confirm(client, tasks, upload_: CatalogueUpload, *, run: bool = True):
    with tasks() if run else nullcontext():
        response = client.post(page_of(upload_))
    assert response.status_code == 302 and response.url == page_of(upload_)
    return client.get(response.url)


def test_the_urls_and_menu_item_are_registered(office):
    assert reverse("catalog_import") == URL
    assert reverse("catalog_import_upload", args=[7]) == f"{URL}7/"
    page = office.get(URL).content.decode()
    # Wagtail's generic admin page: the title in <title> and in the header, with the page's icon.
    assert "<title>导入目录数据 - Wagtail</title>" in page
    header = r'<h1 class="w-header__title"[^>]*>\s*<svg class="icon icon-upload[^>]*>.*?</svg>\s*导入目录数据'
    assert re.search(header, page)
    assert URL in office.get(reverse("wagtailadmin_home")).content.decode()


def test_the_file_is_kept_in_the_database_and_its_check_shows_the_counts(office, tasks):
    response = preview(office, tasks, RECORDS)

    upload_ = CatalogueUpload.objects.get()
    assert response.context["upload"] == upload_ and upload_.status == UploadStatus.PREVIEWED
    assert bytes(upload_.data) == jsonl(RECORDS)  # the file waits for the confirmation in the database
    assert upload_.uploaded_by.username == "sofia" and upload_.name == "catalog.jsonl"
    assert [row[1:] for row in response.context["rows"]] == [
        ("field", 1, 0, 0),
        ("country", 1, 0, 0),
        ("institution", 1, 0, 0),
    ]
    assert CONFIRM_FORM in response.text and 'http-equiv="refresh"' not in response.text
    assert Institution.objects.count() == 0 and Field.objects.count() == 0


def test_until_the_worker_has_run_the_page_says_so_and_refreshes_itself(office):
    response = office.post(URL, {"file": upload(RECORDS)}, follow=True)  # no task runs

    assert response.context["upload"].status == UploadStatus.CHECKING
    assert '<meta http-equiv="refresh"' in response.text
    assert 'data-waiting-for="worker"' in response.text


def test_confirming_the_preview_imports_it_once(office, tasks):
    preview(office, tasks, RECORDS)
    upload_ = CatalogueUpload.objects.get()

    response = confirm(office, tasks, upload_)

    upload_.refresh_from_db()
    assert upload_.status == UploadStatus.DONE and bytes(upload_.data) == b""  # the file is not kept
    assert [row[1:] for row in response.context["rows"]][-1] == ("institution", 1, 0, 0)
    assert 'data-upload-status="done"' in response.text
    assert Institution.objects.get().title == "Alpine Rail Academy"
    # A second click imports nothing again.
    assert refused(confirm(office, tasks, upload_))
    assert Institution.objects.count() == 1


def test_a_confirmation_queued_twice_imports_once(office, tasks):
    preview(office, tasks, RECORDS)
    upload_ = CatalogueUpload.objects.get()
    waiting = confirm(office, tasks, upload_, run=False)  # the worker has not started the import yet
    assert waiting.context["upload"].status == UploadStatus.IMPORTING
    assert '<meta http-equiv="refresh"' in waiting.text

    assert refused(confirm(office, tasks, upload_))
    assert Institution.objects.count() == 0


def test_a_file_that_changes_nothing_offers_nothing_to_confirm(office, tasks):
    preview(office, tasks, RECORDS)
    confirm(office, tasks, CatalogueUpload.objects.get())

    response = preview(office, tasks, RECORDS)

    assert response.context["upload"].status == UploadStatus.PREVIEWED
    assert CONFIRM_FORM not in response.text
    assert bytes(response.context["upload"].data) == b""
    assert refused(confirm(office, tasks, response.context["upload"]))


def test_bad_file_shows_file_line_and_key_and_changes_nothing(office, tasks):
    records = [*RECORDS[:2], {**RECORDS[2], "country": "XX"}]

    response = preview(office, tasks, records, "institutions.jsonl")

    upload_ = response.context["upload"]
    assert upload_.status == UploadStatus.FAILED
    assert english(upload_) == [
        'institutions.jsonl:3: institution "at-rail": key "country": unknown country "XX"'
    ]
    assert "institutions.jsonl 第 3 行" in response.text and CONFIRM_FORM not in response.text
    assert bytes(CatalogueUpload.objects.get().data) == b""
    assert Field.objects.count() == 0


def test_an_upload_is_checked_as_the_command_checks_it(office, tasks):
    records = [*RECORDS[:2], {**RECORDS[2], "website": "javascript:alert(1)"}]

    response = preview(office, tasks, records)

    assert english(response.context["upload"]) == [
        'catalog.jsonl:3: institution "at-rail": key "website": "javascript:alert(1)" is not an http or '
        "https address"
    ]
    assert Institution.objects.count() == 0


def test_a_catalogue_changed_since_the_preview_stops_the_import_whole(office, tasks):
    make_country("DE", "Germany")
    records = [RECORDS[0], {**RECORDS[2], "country": "DE"}]
    preview(office, tasks, records)
    Country.objects.filter(code="DE").delete()

    response = confirm(office, tasks, CatalogueUpload.objects.get())

    assert english(response.context["upload"]) == [
        'catalog.jsonl:2: institution "at-rail": key "country": unknown country "DE"'
    ]
    assert "catalog.jsonl 第 2 行" in response.text
    assert Field.objects.count() == 0 and Institution.objects.count() == 0


# A bad value on one line, as the office reads it in Chinese: the words are Chinese; what is left in Latin
# letters is quoted from the file (its name, the record's type, key and value) for the office to find.
BAD_GROUP_SIZE = {**RECORDS[2], "max_group_size": 0}
IN_CHINESE = (
    "catalog.jsonl 第 3 行：“institution”记录“at-rail”，键“max_group_size”：0 超出范围（1 至 2147483647）"
)


def test_an_import_error_reads_in_chinese_in_a_chinese_admin(office, tasks):
    response = preview(office, tasks, [*RECORDS[:2], BAD_GROUP_SIZE])

    assert response.context["errors"] == [IN_CHINESE]
    assert IN_CHINESE in response.text
    words = re.sub(r"“[^”]*”", "", IN_CHINESE.removeprefix("catalog.jsonl"))
    assert not re.search(r"[A-Za-z]", words), words
    # All or nothing: the good lines before it were not written either.
    assert Field.objects.count() == 0 and Country.objects.count() == 0


def test_the_same_error_reads_in_english_for_an_admin_in_english(office, tasks):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(get_user_model().objects.get(username="sofia"))
    profile.preferred_language = "en"
    profile.save()

    response = preview(office, tasks, [*RECORDS[:2], BAD_GROUP_SIZE])

    assert response.context["errors"] == [
        'catalog.jsonl:3: institution "at-rail": key "max_group_size": 0 is out of range (1 to 2147483647)'
    ]


def test_only_jsonl_files_are_accepted(office):
    response = office.post(URL, {"file": upload(RECORDS, "catalog.xlsx")})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not CatalogueUpload.objects.exists()


def test_the_import_page_lists_the_latest_uploads(office, tasks):
    preview(office, tasks, RECORDS, "rail.jsonl")
    page = office.get(URL)
    assert [upload_.name for upload_ in page.context["uploads"]] == ["rail.jsonl"]
    assert page_of(CatalogueUpload.objects.get()) in page.text


def test_an_unknown_upload_is_not_found(office):
    assert office.get(f"{URL}999/", follow=True).status_code == 404
    assert office.post(f"{URL}999/", follow=True).status_code == 404


def test_another_office_member_sees_the_upload_and_may_confirm_it(office, tasks, people):
    preview(office, tasks, RECORDS)
    upload_ = CatalogueUpload.objects.get()
    colleague = Client()
    activate_totp(people["olivia"])  # an office reviewer, not a superuser
    colleague.force_login(people["olivia"])

    assert colleague.get(page_of(upload_)).status_code == 200
    confirm(colleague, tasks, upload_)
    assert Institution.objects.filter(external_id="at-rail").exists()


def test_someone_outside_the_office_may_neither_see_nor_confirm_an_upload(office, tasks):
    preview(office, tasks, RECORDS)
    upload_ = CatalogueUpload.objects.get()
    other = Client()
    other.force_login(admin_user("irene", "catalog.add_institution"))

    # Wagtail's admin sends a refused person back to its home with a message.
    assert other.get(page_of(upload_)).url == reverse("wagtailadmin_home")
    with tasks():
        assert other.post(page_of(upload_)).url == reverse("wagtailadmin_home")
    assert CatalogueUpload.objects.get().status == UploadStatus.PREVIEWED
    assert Institution.objects.count() == 0


def test_an_office_reviewer_may_import_as_the_readme_says(client, people, tasks):
    from django.contrib.auth.models import Group

    from catalog.roles import OFFICE_REVIEWERS

    olivia = people["olivia"]
    assert olivia.groups.filter(name=OFFICE_REVIEWERS).exists() and not olivia.is_superuser
    activate_totp(olivia)
    client.force_login(olivia)
    assert client.get(URL).status_code == 200
    assert URL in client.get(reverse("wagtailadmin_home")).content.decode()
    assert preview(client, tasks, RECORDS).status_code == 200
    assert Group.objects.filter(name=OFFICE_REVIEWERS).exists()


def test_an_editor_outside_the_office_may_not_import_whatever_permissions_they_hold(client):
    client.force_login(admin_user("irene", "catalog.add_institution"))
    refused = client.get(URL)  # Wagtail's admin sends a refused person back to its home with a message
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")


def test_an_admin_user_without_the_permission_is_refused(client):
    """Rita reviews demands in the admin; she must not replace the catalogue."""
    client.force_login(admin_user("rita"))

    assert client.get(URL).status_code == 302
    assert client.post(URL, {"file": upload(RECORDS)}).status_code == 302
    assert URL not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert not CatalogueUpload.objects.exists() and Field.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_uploads_are_forgotten_a_day_after_they_were_made(office, tasks):
    for name in ("old.jsonl", "stuck.jsonl", "busy.jsonl", "new.jsonl"):
        CatalogueUpload.objects.create(name=name, data=b"{}", status=UploadStatus.PREVIEWED)
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    CatalogueUpload.objects.exclude(name="new.jsonl").update(created_at=two_days_ago, updated_at=two_days_ago)
    # A task has worked on this one within the day (a late confirmation): it stays until it is done.
    CatalogueUpload.objects.filter(name="busy.jsonl").update(
        status=UploadStatus.IMPORTING, updated_at=timezone.now()
    )
    # This one's task was lost (a worker killed) long ago.
    CatalogueUpload.objects.filter(name="stuck.jsonl").update(status=UploadStatus.CHECKING)

    assert forget_old_uploads.call() == 2
    assert sorted(CatalogueUpload.objects.values_list("name", flat=True)) == ["busy.jsonl", "new.jsonl"]


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_checks_and_imports_an_upload(office, settings):
    """With the database backend the request only stores the file and queues the work; the worker does it."""
    ensure_site_tree()  # a transactional test builds the page tree it imports into
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def run_worker() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    page = office.post(URL, {"file": upload(RECORDS)}, follow=True)
    assert 'data-waiting-for="worker"' in page.text
    assert DBTaskResult.objects.filter(task_path="catalog.tasks.check_upload").count() == 1
    # The clean-up is queued with the upload, to run once it is a day old.
    clean_up = DBTaskResult.objects.get(task_path="catalog.tasks.forget_old_uploads")
    assert clean_up.run_after > timezone.now() + datetime.timedelta(hours=23)

    run_worker()
    upload_ = CatalogueUpload.objects.get()
    assert upload_.status == UploadStatus.PREVIEWED
    assert upload_.done == upload_.total == len(jsonl(RECORDS))  # the reading's progress, written as it went
    assert Institution.objects.count() == 0

    confirm(office, nullcontext, upload_)
    assert Institution.objects.count() == 0  # the request only queued the import
    run_worker()
    assert CatalogueUpload.objects.get().status == UploadStatus.DONE
    assert Institution.objects.get().title == "Alpine Rail Academy"
    assert 'data-upload-status="done"' in office.get(page_of(upload_)).text
