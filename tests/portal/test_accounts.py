"""Accounts: sign-up by email with verification, the organizing unit chosen at sign-up (founded at once or
joined once a colleague confirms), password reset, the office's required two-factor authentication, and the
header every page shows."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from matching.choices import Visibility
from matching.models import Demand, Notification, OrganizingUnit, UnitMembership

pytestmark = pytest.mark.django_db

PASSWORD = "Kd8!vQ2#training"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts attempts in the cache; each test starts with none."""
    cache.clear()


def sign_up(client, email: str, **unit) -> object:
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD, **unit}
    )


def link_in(message, path_part: str) -> str:
    """The path of the first link in an email whose path contains `path_part`."""
    match = re.search(r"https?://[^/\s]+(/\S*" + re.escape(path_part) + r"\S*)", message.body)
    assert match, message.body
    return match.group(1)


def verify_email(client, message) -> None:
    path = link_in(message, "/accounts/confirm-email/")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def private_demand(unit: OrganizingUnit, external_id: str = "x-private") -> Demand:
    return Demand.objects.create(
        external_id=external_id,
        organizing_unit=unit,
        title="智能制造骨干研修",
        days=21,
        group_size=12,
        category="professional",
        visibility=Visibility.PRIVATE,
    )


# Sign-up, verification, sign-in.


def test_sign_up_sends_a_verification_email_and_sign_in_waits_for_it(client, people):
    response = sign_up(client, "li@example.org", new_unit="浙江省科学技术厅")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["li@example.org"]

    refused = log_in(client, "li@example.org")
    assert refused.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    verify_email(client, mail.outbox[-1])
    assert EmailAddress.objects.get(email="li@example.org").verified

    client.logout()
    response = log_in(client, "li@example.org")
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(response.url).status_code == 200


def test_sign_up_asks_for_an_organizing_unit(client, people):
    response = sign_up(client, "li@example.org")
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not get_user_model().objects.filter(email="li@example.org").exists()


@pytest.mark.parametrize(
    "spelling",
    [
        "江苏省科学技术厅",
        "江苏省科学技术厅 ",
        "\u3000江苏省科学技术厅\u3000",
        "ＮＩＮＧＢＯ  port　group",
        "ningbo port group",
    ],
)
def test_naming_an_existing_unit_in_any_spelling_asks_to_join_it(client, people, spelling):
    ningbo = OrganizingUnit.objects.create(name="Ningbo Port Group")
    sign_up(client, "li@example.org", new_unit=spelling)
    membership = UnitMembership.objects.get(user__email="li@example.org")
    assert membership.unit in (people["unit_x"], ningbo)
    assert membership.confirmed_at is None  # a colleague or the office confirms, as for choosing it
    assert OrganizingUnit.objects.count() == 3


def test_a_look_alike_name_joins_the_unit_later_too(client, people):
    client.force_login(people["eve"])
    response = client.post(reverse("unit-join"), {"new_unit": " 山东省农业农村厅\t"})
    assert response.status_code == 302
    membership = UnitMembership.objects.get(user=people["eve"])
    assert membership.unit == people["unit_y"] and membership.confirmed_at is None
    assert OrganizingUnit.objects.count() == 2


def test_sign_up_refuses_choosing_and_naming_a_unit_at_once(client, people):
    response = sign_up(client, "li@example.org", unit=people["unit_x"].pk, new_unit="新单位")
    assert response.context["form"].errors["new_unit"]


def test_sign_up_page_answers_in_both_languages(client, db):
    for language, words in (("zh-hans", "组团单位"), ("en", "organizing unit")):
        response = client.get(f"/{language}/accounts/signup/")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'class="site-header"' in page  # allauth's page inside the site's layout
        assert 'name="new_unit"' in page
        if language == "en":
            assert words in page.lower()
    assert "注册" in client.get("/zh-hans/accounts/login/").content.decode()  # allauth's own catalogue


# Founding or joining a unit.


def test_founding_a_unit_confirms_the_membership_at_once(client, people):
    sign_up(client, "li@example.org", new_unit="浙江省科学技术厅")
    membership = UnitMembership.objects.get(user__email="li@example.org")
    assert membership.unit.name == "浙江省科学技术厅"
    assert membership.confirmed_at is not None


def test_joining_a_unit_waits_for_a_colleague_and_shows_nothing_private_until_then(client, people):
    demand = private_demand(people["unit_x"])
    sign_up(client, "li@example.org", unit=people["unit_x"].pk)
    membership = UnitMembership.objects.get(user__email="li@example.org")
    assert membership.unit == people["unit_x"]
    assert membership.confirmed_at is None
    verify_email(client, mail.outbox[-1])
    li = membership.user

    assert demand not in Demand.objects.visible_to(li)
    log_in(client, "li@example.org")
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-section="waiting"' in page
    assert 'data-section="unit"' not in page

    # Xu, a confirmed member of unit X, was told and confirms from the dashboard.
    assert Notification.objects.filter(user=people["xu"], url=reverse("dashboard")).exists()
    client.force_login(people["xu"])
    assert "li@example.org" in client.get(reverse("dashboard")).content.decode()
    response = client.post(reverse("unit-member-confirm", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.confirmed_at is not None
    li = get_user_model().objects.get(pk=li.pk)
    assert demand in Demand.objects.visible_to(li)
    assert Notification.objects.filter(user=li).exists()


def test_a_member_of_another_unit_cannot_confirm_a_colleague(client, people):
    sign_up(client, "li@example.org", unit=people["unit_x"].pk)
    membership = UnitMembership.objects.get(user__email="li@example.org")
    client.force_login(people["yang"])
    assert client.post(reverse("unit-member-confirm", args=[membership.pk])).status_code == 403
    client.force_login(people["anna"])
    assert client.post(reverse("unit-member-decline", args=[membership.pk])).status_code == 403
    membership.refresh_from_db()
    assert membership.confirmed_at is None


def test_the_office_may_decline_a_request_to_join(client, people):
    sign_up(client, "li@example.org", unit=people["unit_y"].pk)
    membership = UnitMembership.objects.get(user__email="li@example.org")
    client.force_login(people["olivia"])
    Authenticator.objects.create(user=people["olivia"], type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.post(reverse("unit-member-decline", args=[membership.pk])).status_code == 302
    assert not UnitMembership.objects.filter(pk=membership.pk).exists()


def test_a_person_without_a_unit_may_join_one_later(client, people):
    client.force_login(people["eve"])
    assert client.get(reverse("unit-join")).status_code == 200
    response = client.post(reverse("unit-join"), {"unit": people["unit_y"].pk})
    assert response.status_code == 302
    assert UnitMembership.objects.get(user=people["eve"]).confirmed_at is None
    # A member already has a unit.
    client.force_login(people["xu"])
    assert client.get(reverse("unit-join")).status_code == 302


# Password reset.


def test_password_reset_emails_a_link_that_sets_a_new_password(client, people):
    response = client.post(reverse("account_reset_password"), {"email": "xu@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = link_in(mail.outbox[0], "/accounts/password/reset/key/")
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    new_password = "Zq7!pLm3#renewed"
    response = client.post(action, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    client.logout()
    assert log_in(client, "xu@example.org", new_password).url == reverse("dashboard")


def test_password_reset_for_an_unknown_address_sends_no_link(client, people):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert all("/password/reset/key/" not in message.body for message in mail.outbox)


# The office's two-factor authentication.


def test_office_reviewer_without_an_authenticator_is_sent_to_set_one_up(client, people):
    assert log_in(client, "olivia@example.org", "pw").url == reverse("dashboard")
    for path in (reverse("dashboard"), "/admin/", reverse("matching:demand-list")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("mfa_activate_totp")
    # The set-up page itself (after allauth asks for the password again) and signing out stay reachable; the
    # account's other pages wait for the authenticator.
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == 200
    assert "totp" in response.content.decode().lower()
    assert client.get(reverse("account_email")).url == reverse("mfa_activate_totp")
    assert client.post(reverse("account_logout")).status_code == 302


def test_office_reviewer_with_an_authenticator_goes_where_they_asked(client, people):
    TOTP.activate(people["olivia"], generate_totp_secret())
    client.force_login(people["olivia"])
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_office_reviewer_cannot_switch_off_the_authenticator(client, people):
    TOTP.activate(people["olivia"], generate_totp_secret())
    client.force_login(people["olivia"])
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=people["olivia"], type=Authenticator.Type.TOTP).exists()


def test_a_site_admin_is_sent_to_set_up_an_authenticator_and_cannot_switch_it_off(client, people):
    admin = get_user_model().objects.create_superuser("sam", "sam@office.example.org", "pw")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    TOTP.activate(admin, generate_totp_secret())
    assert client.get("/admin/").status_code == 200
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()


def test_other_roles_are_not_asked_for_two_factor_authentication(client, people):
    for name in ("xu", "anna", "eve"):
        client.force_login(people[name])
        assert client.get(reverse("dashboard")).status_code == 200, name


# The header.


def test_header_offers_sign_in_and_sign_up_to_visitors(client, db):
    page = client.get(reverse("matching:demand-list")).content.decode()
    assert reverse("account_login") in page
    assert reverse("account_signup") in page


def test_header_shows_the_unread_notification_count(client, people):
    for n in range(3):
        Notification.objects.create(user=people["xu"], text_zh=f"通知{n}", text_en=f"Note {n}", url="/")
    Notification.objects.create(user=people["yang"], text_zh="别人的", text_en="Someone else's", url="/")
    client.force_login(people["xu"])
    page = client.get(reverse("dashboard")).content.decode()
    assert re.search(r'class="unread-count">.*?3</span>', page, re.S)
    assert reverse("matching:notifications") in page
    assert reverse("account_logout") in page
    assert reverse("account_signup") not in page


def test_header_shows_no_count_without_unread_notifications(client, people):
    client.force_login(people["yang"])
    page = client.get(reverse("dashboard")).content.decode()
    assert 'class="unread-count"' not in page


def test_dashboard_needs_a_signed_in_person(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
