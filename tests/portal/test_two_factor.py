"""Every way into the office's pages and the admin passes the second factor: Wagtail's own sign-in form is
never served, a session signed in with a password alone is asked for a code, and failed passwords are counted
per account."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from tests.factories import activate_totp, current_totp_code

pytestmark = pytest.mark.django_db

OFFICE_PAGES = ("/admin/", "/admin/users/", "/zh-hans/office/institutions/", "/en/office/quality/")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def admin(db):
    sam = get_user_model().objects.create_superuser("sam", "sam@office.example.org", "pw")
    sam.emailaddress_set.create(email=sam.email, verified=True, primary=True)
    activate_totp(sam)
    return sam


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_wagtail_sign_in_form_is_not_served_and_takes_no_password(client, people, admin):
    activate_totp(people["olivia"])
    response = client.get("/admin/login/?next=/admin/users/")
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2Fusers%2F"
    for username, password in (("sam", "pw"), ("olivia", "pw"), ("sam@office.example.org", "pw")):
        response = client.post("/admin/login/", {"username": username, "password": password})
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
        assert not signed_in(client)
    response = client.get("/admin/users/")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_wagtail_sign_in_ignores_a_next_address_elsewhere(client, db):
    response = client.get("/admin/login/?next=https://evil.example.org/")
    assert response.url == reverse("account_login")


@pytest.mark.parametrize("who", ["olivia", "sam"])
def test_a_session_that_never_passed_the_second_factor_is_asked_for_a_code(client, people, admin, who):
    user = admin if who == "sam" else people["olivia"]
    activate_totp(user)
    client.force_login(user)
    # What Wagtail's form left behind before: a session with the password alone.
    session = client.session
    session["account_authentication_methods"] = [
        record for record in session["account_authentication_methods"] if record["method"] != "mfa"
    ]
    session.save()
    for path in OFFICE_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("mfa_reauthenticate")), path
    response = client.post(reverse("mfa_reauthenticate"), {"code": current_totp_code(user)})
    assert response.status_code == 302
    for path in OFFICE_PAGES:
        response = client.get(path)
        # A reviewer is not a site admin: Wagtail sends her from its user list back to the admin's home.
        assert response.status_code == 200 or response.url == "/admin/", path


def test_signing_in_with_the_password_alone_does_not_open_the_admin(client, people):
    olivia = people["olivia"]
    activate_totp(olivia)
    response = client.post(reverse("account_login"), {"login": olivia.email, "password": "pw"})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(olivia)})
    assert response.status_code == 302 and signed_in(client)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth announces the new app on commit, within the request
def test_setting_up_the_authenticator_counts_as_passing_it(client, people):
    """A reviewer without an app signs in with the password, sets one up with its first code, goes on."""
    olivia = people["olivia"]
    response = client.post(reverse("account_login"), {"login": olivia.email, "password": "pw"})
    assert signed_in(client)
    assert client.get("/zh-hans/office/institutions/").url == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": "pw"})
    response = client.get(reverse("mfa_activate_totp"))
    code = format_hotp_value(hotp_value(response.context["form"].secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    # An office page that needs the office's group alone (the admin also needs the permissions that the
    # migrations grant, which a transactional test's database may have lost).
    assert client.get("/zh-hans/office/institutions/").status_code == 200


def test_failed_passwords_lock_the_sign_in_whatever_the_form(client, people):
    """allauth counts failed sign-ins per account; Wagtail's form, which counted nothing, is gone."""
    olivia = people["olivia"]
    for _ in range(10):
        client.post("/admin/login/", {"username": "olivia", "password": "wrong"})
        client.post(reverse("account_login"), {"login": olivia.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": olivia.email, "password": "pw"})
    assert not signed_in(client)
    assert response.status_code in (200, 429)
