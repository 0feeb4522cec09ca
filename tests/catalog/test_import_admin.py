"""The office's catalogue upload in the Wagtail admin: preview what would change, then confirm."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog import views_admin
from catalog.models import Field, Institution
from catalog.views_admin import SESSION_KEY
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db

URL = "/admin/catalogue/import/"
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
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def admin_user(username: str, *permissions: str):
    """A Wagtail admin user holding the given permissions (app_label.codename)."""
    user = get_user_model().objects.create_user(username, f"{username}@office.example.org", "pw")
    for name in ("wagtailadmin.access_admin", *permissions):
        app_label, codename = name.split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        user.user_permissions.add(permission)
    return user


@pytest.fixture(autouse=True)
def stash(tmp_path, monkeypatch):
    """Uploads waiting for confirmation go to the test's own directory."""
    monkeypatch.setattr(views_admin, "STASH", tmp_path / "stash")
    return tmp_path / "stash"


@pytest.fixture
def office(client):
    """Olivia administers the catalogue as a superuser."""
    user = get_user_model().objects.create_superuser("olivia", "olivia@office.example.org", "pw")
    activate_totp(user)
    client.force_login(user)
    return client


def preview(client, records, name: str = "catalog.jsonl"):
    return client.post(URL, {"file": upload(records, name)})


def test_the_url_and_menu_item_are_registered(office):
    assert reverse("catalog_import") == URL
    assert office.get(URL).status_code == 200
    assert URL in office.get(reverse("wagtailadmin_home")).content.decode()


def test_preview_shows_the_counts_and_writes_nothing(office):
    response = preview(office, RECORDS)

    assert response.status_code == 200
    assert [row[1:] for row in response.context["rows"]] == [
        ("field", 1, 0, 0),
        ("country", 1, 0, 0),
        ("institution", 1, 0, 0),
    ]
    assert response.context["token"]
    assert 'name="token"' in response.content.decode()
    assert Institution.objects.count() == 0 and Field.objects.count() == 0


def test_confirming_the_preview_applies_it_once(office, stash):
    token = preview(office, RECORDS).context["token"]
    assert (stash / f"{token}.jsonl").exists()

    response = office.post(URL, {"token": token})

    assert response.status_code == 200
    assert [row[1:] for row in response.context["rows"]][-1] == ("institution", 1, 0, 0)
    assert Institution.objects.get().title == "Alpine Rail Academy"
    assert SESSION_KEY not in office.session and not (stash / f"{token}.jsonl").exists()
    # The same token cannot be applied twice.
    assert office.post(URL, {"token": token}).status_code == 302


def test_a_file_that_changes_nothing_offers_nothing_to_confirm(office):
    office.post(URL, {"token": preview(office, RECORDS).context["token"]})

    response = preview(office, RECORDS)

    assert response.context["token"] is None
    assert 'name="token"' not in response.content.decode()


def test_bad_file_shows_file_line_and_key_and_stashes_nothing(office):
    records = [*RECORDS[:2], {**RECORDS[2], "country": "XX"}]

    response = preview(office, records, "institutions.jsonl")

    assert response.status_code == 200
    assert response.context["errors"] == [
        'institutions.jsonl:3: institution "at-rail": key "country": unknown country "XX"'
    ]
    assert "institutions.jsonl:3" in response.content.decode()
    assert SESSION_KEY not in office.session
    assert Field.objects.count() == 0


def test_an_upload_is_checked_as_the_command_checks_it(office):
    records = [*RECORDS[:2], {**RECORDS[2], "website": "javascript:alert(1)"}]

    response = preview(office, records)

    assert response.context["errors"] == [
        'catalog.jsonl:3: institution "at-rail": key "website": "javascript:alert(1)" is not an http or '
        "https address"
    ]
    assert SESSION_KEY not in office.session
    assert Institution.objects.count() == 0


def test_only_jsonl_files_are_accepted(office):
    response = preview(office, RECORDS, "catalog.xlsx")
    assert response.context["form"].errors["file"]
    assert "report" not in response.context


def test_a_made_up_token_applies_nothing(office):
    response = office.post(URL, {"token": "../../etc/passwd"})
    assert response.status_code == 302
    assert Institution.objects.count() == 0


def test_another_session_cannot_confirm_a_preview(office):
    token = preview(office, RECORDS).context["token"]
    other = Client()
    other.force_login(admin_user("irene", "catalog.add_institution"))

    assert other.post(URL, {"token": token}).status_code == 302
    assert Institution.objects.count() == 0


def test_an_office_reviewer_may_import_as_the_readme_says(client, people):
    from django.contrib.auth.models import Group

    from catalog.roles import OFFICE_REVIEWERS

    olivia = people["olivia"]
    assert olivia.groups.filter(name=OFFICE_REVIEWERS).exists() and not olivia.is_superuser
    activate_totp(olivia)
    client.force_login(olivia)
    assert client.get(URL).status_code == 200
    assert URL in client.get(reverse("wagtailadmin_home")).content.decode()
    assert preview(client, RECORDS).status_code == 200
    assert Group.objects.filter(name=OFFICE_REVIEWERS).exists()


def test_an_editor_outside_the_office_may_not_import_whatever_permissions_they_hold(client):
    client.force_login(admin_user("irene", "catalog.add_institution"))
    refused = client.get(URL)  # Wagtail's admin sends a refused person back to its home with a message
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")


def test_an_admin_user_without_the_permission_is_refused(client):
    """Rita reviews demands in the admin; she must not replace the catalogue."""
    client.force_login(admin_user("rita"))

    assert client.get(URL).status_code == 302
    assert preview(client, RECORDS).status_code == 302
    assert URL not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert Field.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
