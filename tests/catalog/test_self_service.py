"""Institution self-service: staff join only by invitation, then edit their own institution's page and courses
in the Wagtail admin, never another's; their changes go to an office reviewer before going live."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from catalog.models import Institution, InstitutionStaff, StaffInvitation
from catalog.services import STAFF_GROUP_PREFIX, accept_staff_invitation, invite_staff
from tests.factories import activate_totp

pytestmark = pytest.mark.django_db

PASSWORD = "Kd8!vQ2#training"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def office(client, people):
    """Olivia, signed in with her authenticator app set up (the office must use two-factor)."""
    activate_totp(people["olivia"])
    return people["olivia"]


def invitation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S*/invitations/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def form_data(form) -> dict:
    """What the browser would post back for a Wagtail edit form left as it was: every field's current value,
    the inline formsets with their management forms."""

    def value_of(bound):
        value = bound.field.prepare_value(bound.value())
        if isinstance(value, bool):
            return "on" if value else None
        if value is None:
            return ""
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return str(value)

    def add(bound_fields):
        for bound in bound_fields:
            value = value_of(bound)
            if value is not None:
                data[bound.html_name] = value

    data: dict = {}
    add(form)
    for formset in getattr(form, "formsets", {}).values():
        add(formset.management_form)
        for child in formset.forms:
            add(child)
    return data


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


# Invitations.


def test_office_invites_staff_who_sign_up_from_the_link_and_accept(
    client, people, office, django_capture_on_commit_callbacks
):
    tum = people["anna"].institution_staff.institution
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff-invitations"), {"email": "carl@tum.example", "institution": tum.pk}
        )
    assert response.status_code == 302
    invitation = StaffInvitation.objects.get(email="carl@tum.example")
    assert invitation.institution == tum
    assert invitation.invited_by == office
    assert len(mail.outbox) == 1
    path = invitation_path(mail.outbox[0])
    client.logout()

    page = client.get(path)
    assert page.status_code == 200
    assert page.context["state"] == "anonymous"
    # The link proves the address: the sign-up needs no second verification, and no organizing unit.
    response = client.post(
        f"{reverse('account_signup')}?next={path}",
        {"email": "carl@tum.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == path
    assert client.get(path).context["state"] == "accept"
    response = client.post(path)
    assert response.status_code == 302
    carl = get_user_model().objects.get(email="carl@tum.example")
    assert InstitutionStaff.objects.get(user=carl).institution == tum
    assert carl.groups.filter(name=f"{STAFF_GROUP_PREFIX}{tum.external_id}").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(edit_url(tum)).status_code == 200
    # A used link cannot be used again.
    assert client.get(path).context["state"] == "used"


def test_an_existing_account_signs_in_with_the_invited_address_and_accepts(client, people):
    wur = people["bruno"].institution_staff.institution
    invitation = invite_staff(wur, "XU@example.org", invited_by=people["bruno"])
    path = reverse("staff-invitation-accept", args=[invitation.token])
    assert client.get(path).status_code == 200
    response = client.post(
        f"{reverse('account_login')}?next={path}", {"login": "xu@example.org", "password": "pw"}
    )
    assert response.url == path
    assert client.post(path).status_code == 302
    assert InstitutionStaff.objects.get(user=people["xu"]).institution == wur


def test_signing_in_after_opening_an_invitation_leads_back_to_it(client, people):
    invitation = invite_staff(
        people["anna"].institution_staff.institution, "yang@example.org", invited_by=None
    )
    path = reverse("staff-invitation-accept", args=[invitation.token])
    client.get(path)
    response = client.post(reverse("account_login"), {"login": "yang@example.org", "password": "pw"})
    assert response.url == path


def test_an_invitation_cannot_be_accepted_by_another_account(client, people):
    tum = people["anna"].institution_staff.institution
    invitation = invite_staff(tum, "carl@tum.example", invited_by=people["anna"])
    path = reverse("staff-invitation-accept", args=[invitation.token])
    client.force_login(people["yang"])
    assert client.get(path).status_code == 403
    assert client.post(path).status_code == 403
    assert not InstitutionStaff.objects.filter(user=people["yang"]).exists()


def test_a_colleague_invites_to_their_own_institution_only(client, people):
    tum, wur = (people[name].institution_staff.institution for name in ("anna", "bruno"))
    client.force_login(people["anna"])
    page = client.get(reverse("staff-invitations"))
    assert page.status_code == 200
    assert "anna@example.org" in page.content.decode()
    assert "bruno@example.org" not in page.content.decode()
    client.post(reverse("staff-invitations"), {"email": "dora@example.org", "institution": wur.pk})
    assert StaffInvitation.objects.get(email="dora@example.org").institution == tum
    assert "dora@example.org" in client.get(reverse("staff-invitations")).content.decode()


def test_someone_already_on_staff_is_not_invited_again(client, people):
    client.force_login(people["anna"])
    response = client.post(reverse("staff-invitations"), {"email": "bruno@example.org"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not StaffInvitation.objects.exists()


@pytest.mark.parametrize("name", ["xu", "eve"])
def test_people_who_are_not_staff_cannot_invite(client, people, name):
    client.force_login(people[name])
    assert client.get(reverse("staff-invitations")).status_code == 403
    assert client.post(reverse("staff-invitations"), {"email": "z@example.org"}).status_code == 403


def test_visitors_are_asked_to_sign_in_before_inviting(client, people):
    response = client.get(reverse("staff-invitations"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_colleague_cancels_an_invitation_and_its_link_says_so(client, people):
    tum = people["anna"].institution_staff.institution
    invitation = invite_staff(tum, "dora@example.org", invited_by=people["anna"])
    cancel = reverse("staff-invitation-cancel", args=[invitation.pk])
    client.force_login(people["bruno"])
    assert client.post(cancel).status_code == 403
    client.force_login(people["anna"])
    assert client.post(cancel).status_code == 302
    assert not client.get(reverse("staff-invitations")).context["invitations"]
    # The emailed link now explains instead of inviting, and cannot be accepted.
    client.logout()
    page = client.get(reverse("staff-invitation-accept", args=[invitation.token]))
    assert page.status_code == 410 and page.context["state"] == "cancelled"
    with pytest.raises(ValidationError):
        accept_staff_invitation(invitation, people["yang"])
    # Inviting the same address again sends a new, working link.
    again = invite_staff(tum, "dora@example.org", invited_by=people["anna"])
    assert again.pk != invitation.pk
    assert client.get(reverse("staff-invitation-accept", args=[again.token])).status_code == 200


def test_the_office_cancels_any_institutions_invitation(client, people, office):
    wur = people["bruno"].institution_staff.institution
    invitation = invite_staff(wur, "dora@example.org", invited_by=people["bruno"])
    client.force_login(office)
    response = client.post(reverse("staff-invitation-cancel", args=[invitation.pk]))
    assert response.url.endswith(f"?institution={wur.external_id}")
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    assert client.post(reverse("staff-invitation-cancel", args=[invitation.pk])).status_code == 404


def test_only_the_office_removes_staff(client, people, office):
    anna_staff = people["anna"].institution_staff
    client.force_login(people["anna"])
    assert (
        client.post(reverse("staff-remove", args=[people["bruno"].institution_staff.pk])).status_code == 403
    )
    client.force_login(office)
    assert client.post(reverse("staff-remove", args=[anna_staff.pk])).status_code == 302
    assert not InstitutionStaff.objects.filter(user=people["anna"]).exists()
    assert not people["anna"].groups.filter(name__startswith=STAFF_GROUP_PREFIX).exists()


# Wagtail page permissions.


def test_staff_edit_their_own_institution_page_and_add_courses(client, people):
    tum = people["anna"].institution_staff.institution
    client.force_login(people["anna"])
    assert client.get(edit_url(tum)).status_code == 200
    assert (
        client.get(edit_url(people["anna"].institution_staff.institution.courses.first())).status_code == 200
    )
    assert (
        client.get(reverse("wagtailadmin_pages:add", args=["catalog", "course", tum.pk])).status_code == 200
    )


def test_staff_cannot_see_or_edit_another_institution(client, people):
    wur = people["bruno"].institution_staff.institution
    client.force_login(people["anna"])
    refused = {302, 403, 404}
    for url in (
        edit_url(wur),
        reverse("wagtailadmin_explore", args=[wur.pk]),
        reverse("wagtailadmin_pages:revisions_index", args=[wur.pk]),
        reverse("wagtailadmin_pages:history", args=[wur.pk]),
        reverse("wagtailadmin_pages:preview_on_edit", args=[wur.pk]),
        reverse("wagtailadmin_pages:add", args=["catalog", "course", wur.pk]),
        reverse("wagtailadmin_pages:delete", args=[wur.pk]),
    ):
        assert client.get(url).status_code in refused, url
    # Nor do other institutions show in the explorer or the admin search.
    explorer = client.get(reverse("wagtailadmin_explore_root"), follow=True).content.decode()
    assert "Wageningen" not in explorer
    search = client.get(reverse("wagtailadmin_pages:search"), {"q": "Wageningen"}).content.decode()
    assert "Wageningen University" not in search


def test_staff_changes_go_to_the_office_not_live(client, people, office):
    tum = people["anna"].institution_staff.institution
    client.force_login(people["anna"])
    form = client.get(edit_url(tum)).context["form"]
    assert "status" not in form.fields and "cooperating" not in form.fields  # the office's decisions
    data = form_data(form)
    data["name_en"] = "Technical University of Munich (TUM)"
    data["action-publish"] = "action-publish"  # publishing is not hers: it is ignored
    client.post(edit_url(tum), data)
    data.pop("action-publish")
    data["action-submit"] = "action-submit"
    response = client.post(edit_url(tum), data)
    assert response.status_code == 302

    live = Institution.objects.get(pk=tum.pk)
    assert live.name_en == "Technical University of Munich"
    assert live.has_unpublished_changes
    assert live.get_latest_revision_as_object().name_en == "Technical University of Munich (TUM)"
    state = WorkflowState.objects.get(object_id=str(tum.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    assert state.workflow.name == "Office review"
    assert state.current_task_state.task.name == "Office review"

    # The office approves; then the change is live.
    client.force_login(office)
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[tum.pk, "approve", state.current_task_state.pk]
    )
    assert client.post(approve, {"comment": ""}).status_code in {200, 302}
    assert Institution.objects.get(pk=tum.pk).name_en == "Technical University of Munich (TUM)"


def test_staff_of_another_institution_cannot_post_to_its_edit_view(client, people):
    wur = people["bruno"].institution_staff.institution
    client.force_login(people["bruno"])
    data = form_data(client.get(edit_url(wur)).context["form"])
    data["name_en"] = "Hijacked"
    data["action-submit"] = "action-submit"
    client.force_login(people["anna"])
    assert client.post(edit_url(wur), data).status_code in {302, 403}
    assert Page.objects.get(pk=wur.pk).specific.get_latest_revision_as_object().name_en != "Hijacked"


def test_the_office_sees_the_whole_directory(client, people, office):
    wur = people["bruno"].institution_staff.institution
    client.force_login(office)
    assert client.get(edit_url(wur)).status_code == 200
    assert "status" in client.get(edit_url(wur)).context["form"].fields
