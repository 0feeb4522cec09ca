"""Training outcomes submitted by a unit: a draft page in the office's moderation workflow, public only
once an office reviewer approves it, then in the showcase and on the institution's page."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import PIL.Image
import PIL.ImageFile
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from catalog.models import Outcome, OutcomeImage, OutcomeIndexPage
from matching.choices import Side
from matching.forms.outcomes import MAX_DOCUMENTS, MAX_IMAGES
from matching.models import member_unit
from matching.services.negotiation import move_status, open_inquiry, post_message, propose
from matching.services.outcomes import pending_documents, pending_images, store_uploads
from matching.storage import is_private, private_root
from tests.factories import activate_totp, make_outcome
from tests.matching.test_negotiation import make_demand, terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(people, small_catalogue):
    """Unit X agreed with TUM on a programme starting in two months."""
    activate_totp(people["olivia"])
    demand = make_demand(people["unit_x"])
    demand.fields.add(small_catalogue["fields"]["manufacturing"])
    inquiry = open_inquiry(demand, small_catalogue["tum"], by=people["xu"], text="请介绍。", side=Side.UNIT)
    post_message(inquiry, by=people["anna"], text="Gladly.")
    propose(inquiry, by=people["anna"], **terms())
    return move_status(inquiry, "agreed", by=people["xu"])


def outcome_post(small_catalogue, **extra) -> dict:
    values = {
        "title_zh": "机器人产线改造成果",
        "title_en": "Robot line retrofit",
        "summary_zh": "学员回国后改造了三条产线。",
        "summary_en": "Back home the group retrofitted three production lines.",
        "economic_benefit": "产能提高20%。",
        "social_benefit": "培养了40名技术骨干。",
        "fields": [small_catalogue["fields"]["manufacturing"].pk],
        "country": small_catalogue["countries"]["DE"].pk,
        "institutions": [small_catalogue["tum"].pk],
        "year": timezone.localdate().year,
    }
    return {**values, **extra}


def approve(outcome: Outcome, reviewer) -> None:
    """An office reviewer approves the current task through Wagtail's workflow API."""
    task_state = outcome.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")


def test_the_showcase_is_moderated_by_the_office_review_workflow(small_catalogue):
    assert OutcomeIndexPage.objects.get().get_workflow().name == "Office review"


def test_the_form_is_prefilled_from_an_agreed_inquiry(client, people, agreed, small_catalogue):
    client.force_login(people["xu"])
    page = client.get(f"/en/outcomes/submit/?inquiry={agreed.pk}")
    assert page.status_code == 200 and "data-prefilled" in page.text
    form = page.context["form"]
    assert form.initial["institutions"] == [small_catalogue["tum"].pk]
    assert form.initial["country"] == small_catalogue["countries"]["DE"].pk
    assert form.initial["fields"] == [small_catalogue["fields"]["manufacturing"].pk]
    assert form.initial["year"] == terms()["start_date"].year


def test_submission_is_a_draft_in_moderation_until_the_office_approves(
    client, people, agreed, small_catalogue, django_capture_on_commit_callbacks
):
    client.force_login(people["xu"])
    response = client.post("/en/outcomes/submit/", outcome_post(small_catalogue))
    assert response.status_code == 302

    outcome = Outcome.objects.get(title_en="Robot line retrofit")
    assert not outcome.live and outcome.organizing_unit == "江苏省科学技术厅"
    assert outcome.latest_revision is not None and outcome.workflow_in_progress
    assert list(outcome.institutions.all()) == [small_catalogue["tum"]]
    assert not Outcome.objects.public().filter(pk=outcome.pk).exists()

    mine = client.get("/en/outcomes/mine/")
    assert f'data-outcome="{outcome.external_id}" data-state="in_review"' in mine.text
    client.logout()
    assert client.get(outcome.url_path.replace("/home", "/en", 1)).status_code == 404
    assert "Robot line retrofit" not in client.get("/en/outcomes/").text
    assert "Robot line retrofit" not in client.get(small_catalogue["tum"].url).text

    with django_capture_on_commit_callbacks(execute=True):
        approve(outcome, people["olivia"])
    outcome.refresh_from_db()
    assert outcome.live and not outcome.workflow_in_progress
    assert Outcome.objects.public().filter(pk=outcome.pk).exists()
    assert "Robot line retrofit" in client.get("/en/outcomes/").text
    assert "Robot line retrofit" in client.get(small_catalogue["tum"].url).text

    client.force_login(people["xu"])
    assert 'data-state="published"' in client.get("/en/outcomes/mine/").text


def test_a_form_error_is_shown_next_to_the_field(client, people, small_catalogue):
    client.force_login(people["xu"])
    response = client.post("/en/outcomes/submit/", outcome_post(small_catalogue, title_en=""))
    assert response.status_code == 400
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("who", ["anna", "eve"])
def test_only_unit_members_submit_outcomes(client, people, who):
    client.force_login(people[who])
    assert client.get("/en/outcomes/submit/").status_code == 403
    assert client.get("/en/outcomes/mine/").status_code == 403


def test_another_units_inquiry_does_not_prefill(client, people, agreed):
    client.force_login(people["yang"])
    page = client.get(f"/en/outcomes/submit/?inquiry={agreed.pk}")
    assert page.status_code == 200 and "data-prefilled" not in page.text


@pytest.mark.parametrize("value", ["²", "1" * 30])
def test_an_inquiry_that_cannot_be_an_id_prefills_nothing(client, people, agreed, value):
    client.force_login(people["xu"])
    page = client.get("/en/outcomes/submit/", {"inquiry": value})
    assert page.status_code == 200 and "data-prefilled" not in page.text


@pytest.mark.parametrize("value", ["²", "①", "1" * 30])
@pytest.mark.parametrize("name", ["kept_documents", "kept_images", "fields", "institutions"])
def test_choices_that_cannot_be_ids_are_form_errors_in_the_readers_language(
    client, people, small_catalogue, name, value
):
    client.force_login(people["xu"])
    response = client.post("/zh-hans/outcomes/submit/", outcome_post(small_catalogue, **{name: [value]}))
    assert response.status_code == 400
    with translation.override("zh-hans"):
        invalid = gettext("“%(pk)s” is not a valid value.") % {"pk": value}
    assert response.context["form"].errors[name] == [invalid]
    assert not Outcome.objects.exists()


def test_a_unit_sees_only_its_own_outcomes(client, people, agreed, small_catalogue):
    client.force_login(people["xu"])
    client.post("/en/outcomes/submit/", outcome_post(small_catalogue))
    client.force_login(people["yang"])
    assert "Robot line retrofit" not in client.get("/en/outcomes/mine/").text


def png(name: str = "line.png", size: tuple[int, int] = (64, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PIL.Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% outcome report\n", content_type="application/pdf")


def test_images_and_documents_go_with_the_outcome_to_review_and_to_the_public_page(
    client, people, small_catalogue, django_capture_on_commit_callbacks
):
    client.force_login(people["xu"])
    post = outcome_post(small_catalogue, images=[png("line.png"), png("team.png")], documents=[pdf()])
    assert client.post("/en/outcomes/submit/", post).status_code == 302

    outcome = Outcome.objects.get(title_en="Robot line retrofit")
    assert [item.image.title for item in outcome.images.all()] == ["line.png", "team.png"]
    assert [item.document.title for item in outcome.documents.all()] == ["report.pdf"]
    # The office reviews the revision, so the attachments must be in it.
    revision = outcome.latest_revision.as_object()
    assert [item.image.title for item in revision.images.all()] == ["line.png", "team.png"]

    with django_capture_on_commit_callbacks(execute=True):
        approve(outcome, people["olivia"])
    client.logout()
    page = client.get(outcome.url_path.replace("/home", "/en", 1))
    assert page.status_code == 200
    assert page.text.count('class="gallery"') == 1 and page.text.count("<figure>") == 2
    assert "download>report.pdf</a>" in page.text and "PDF" in page.text
    card = client.get("/en/outcomes/").text
    assert 'class="card-cover"' in card


def test_files_that_pass_are_kept_when_another_field_fails(client, people, small_catalogue):
    client.force_login(people["xu"])
    first = client.post(
        "/en/outcomes/submit/", outcome_post(small_catalogue, title_en="", images=[png()], documents=[pdf()])
    )
    assert first.status_code == 400
    form = first.context["form"]
    kept_image = form["kept_images"].value()
    kept_document = form["kept_documents"].value()
    assert len(kept_image) == 1 and len(kept_document) == 1
    assert 'name="kept_images"' in first.text and "checked" in first.text and "line.png" in first.text

    # The person fixes the title; the ticked uploads come back with the form.
    second = client.post(
        "/en/outcomes/submit/",
        outcome_post(small_catalogue, kept_images=kept_image, kept_documents=kept_document),
    )
    assert second.status_code == 302
    outcome = Outcome.objects.get()
    assert [item.image.title for item in outcome.images.all()] == ["line.png"]
    assert [item.document.title for item in outcome.documents.all()] == ["report.pdf"]


def test_a_bad_file_is_named_in_the_readers_language_and_the_good_one_kept(client, people, small_catalogue):
    client.force_login(people["xu"])
    fake = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    response = client.post(
        "/zh-hans/outcomes/submit/",
        outcome_post(small_catalogue, images=[png("good.png"), fake], documents=[pdf("slides.exe")]),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["images"][0].startswith("photo.png: ")
    with translation.override("zh-hans"):
        unsupported = gettext("Not a supported document type. Supported types: %(types)s.")
    assert errors["documents"][0].startswith("slides.exe: " + unsupported.split("%")[0])
    assert [image.title for image in pending_images(people["xu"])] == ["good.png"]
    assert not Outcome.objects.exists()


def test_an_image_cut_short_after_its_header_is_a_form_error(client, people, small_catalogue):
    """Found by tests/test_fuzz.py: the header says PNG, so the format check passes, but Pillow cannot read
    the size (it used to be a 500)."""
    client.force_login(people["xu"])
    cut = SimpleUploadedFile("cut.png", png().read()[:40], content_type="image/png")
    response = client.post("/zh-hans/outcomes/submit/", outcome_post(small_catalogue, images=[cut]))
    assert response.status_code == 400
    assert response.context["form"].errors["images"][0].startswith("cut.png: ")
    assert not Outcome.objects.exists() and not pending_images(people["xu"]).exists()


def test_unticked_uploads_stay_out_and_others_uploads_cannot_be_claimed(client, people, small_catalogue):
    theirs = store_uploads(people["yang"], [png("theirs.png")], []).images[0]
    mine = store_uploads(people["xu"], [png("mine.png")], []).images[0]
    client.force_login(people["xu"])
    claimed = client.post("/en/outcomes/submit/", outcome_post(small_catalogue, kept_images=[str(theirs.pk)]))
    assert claimed.status_code == 400 and "kept_images" in claimed.context["form"].errors
    assert not Outcome.objects.exists()

    assert client.post("/en/outcomes/submit/", outcome_post(small_catalogue)).status_code == 302
    assert not Outcome.objects.get().images.exists()
    # Left unticked, it stays the person's to attach to a later outcome.
    assert list(pending_images(people["xu"])) == [mine]
    assert list(pending_images(people["yang"])) == [theirs]


def test_at_most_eight_images(client, people, small_catalogue):
    client.force_login(people["xu"])
    images = [png(f"p{number}.png") for number in range(MAX_IMAGES + 1)]
    response = client.post("/en/outcomes/submit/", outcome_post(small_catalogue, images=images))
    assert response.status_code == 400
    assert "At most 8 files; there are 9." in response.context["form"].errors["images"][0]
    assert not Outcome.objects.exists()


def test_uploads_no_outcome_took_within_a_day_are_forgotten(people):
    abandoned = store_uploads(people["xu"], [png("old.png")], [pdf("old.pdf")])
    get_image_model().objects.filter(pk=abandoned.images[0].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    get_document_model().objects.filter(pk=abandoned.documents[0].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    fresh = store_uploads(people["xu"], [png("new.png")], [])
    assert list(pending_images(people["xu"])) == [fresh.images[0]]
    assert not pending_documents(people["xu"]).exists()


# Limits: too many files, or an image of too many pixels, are refused before anything is stored; what a
# refused form left behind is deleted by the daily clean-up.


@pytest.fixture
def fresh_media(settings, tmp_path) -> None:
    """Empty upload folders, so that the files counted there are this test's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def stored() -> tuple[int, int, int]:
    """Image and document rows, and files in both upload folders."""
    folders = (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    files = sum(1 for folder in folders for path in folder.rglob("*") if path.is_file())
    return get_image_model().objects.count(), get_document_model().objects.count(), files


@pytest.mark.parametrize("name, count", [("documents", 60), ("images", 9), ("images", 90)])
def test_too_many_files_are_refused_before_any_is_stored(
    client, people, small_catalogue, fresh_media, name, count
):
    files = [pdf(f"r{n}.pdf") if name == "documents" else png(f"p{n}.png") for n in range(count)]
    limit = MAX_DOCUMENTS if name == "documents" else MAX_IMAGES
    client.force_login(people["xu"])
    before = stored()
    response = client.post("/zh-hans/outcomes/submit/", outcome_post(small_catalogue, **{name: files}))

    assert response.status_code == 400
    with translation.override("zh-hans"):
        message = gettext("At most %(limit)s files; there are %(count)s. Untick or leave out %(extra)s.")
    assert response.context["form"].errors[name] == [
        message % {"limit": limit, "count": count, "extra": count - limit}
    ]
    assert stored() == before
    assert not Outcome.objects.exists()


def test_an_image_of_too_many_pixels_is_refused_from_its_header(
    client, people, small_catalogue, fresh_media, monkeypatch
):
    buffer = io.BytesIO()
    PIL.Image.new("1", (11000, 11000)).save(buffer, "PNG")
    bomb = SimpleUploadedFile("scan.png", buffer.getvalue(), content_type="image/png")
    assert bomb.size < 20_000  # 121 million pixels in a few kilobytes

    def decoded(*args):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(PIL.ImageFile.ImageFile, "load", decoded)
    client.force_login(people["xu"])
    before = stored()
    response = client.post(
        "/zh-hans/outcomes/submit/", outcome_post(small_catalogue, images=[bomb], documents=[pdf()])
    )

    assert response.status_code == 400
    with translation.override("zh-hans"):
        message = gettext(
            "This image has too many pixels (width × height); at most %(limit)s are accepted. Make it "
            "smaller."
        )
    assert message.startswith("该图片像素过多")
    assert response.context["form"].errors["images"] == ["scan.png: " + message % {"limit": "50,000,000"}]
    # The good document is kept for the next try (and the clean-up's if there is none); the image is not.
    assert stored() == (before[0], before[1] + 1, before[2] + 1)


def test_the_daily_clean_up_deletes_old_uploads_no_outcome_took(
    client, people, small_catalogue, fresh_media, django_capture_on_commit_callbacks
):
    abandoned = store_uploads(people["yang"], [png("abandoned.png")], [pdf("abandoned.pdf")])
    abandoned.images[0].get_rendition("fill-64x40")
    store_uploads(people["xu"], [png("recent.png")], [pdf("recent.pdf")])
    submitted(client, people, small_catalogue, images=[png("sent.png")], documents=[pdf("sent.pdf")])
    # An upload an outcome shows though it never left the uploads' collection is not abandoned either.
    shown = store_uploads(people["xu"], [png("shown.png")], []).images[0]
    OutcomeImage.objects.create(outcome=Outcome.objects.get(), image=shown)
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    for model in (get_image_model(), get_document_model()):
        model.objects.exclude(title__startswith="recent").update(created_at=two_days_ago)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("forget_abandoned_uploads", stdout=io.StringIO())

    images = set(get_image_model().objects.values_list("title", flat=True))
    assert images == {"recent.png", "sent.png", "shown.png"}
    assert set(get_document_model().objects.values_list("title", flat=True)) == {"recent.pdf", "sent.pdf"}
    folders = (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    left = [path.name for folder in folders for path in folder.rglob("*") if path.is_file()]
    assert not [name for name in left if "abandoned" in name]  # the files and the rendition too
    assert len(left) == 5


# Revising an outcome.


def request_changes(outcome: Outcome, reviewer, comment: str) -> None:
    """An office reviewer sends the outcome back with a comment, through Wagtail's workflow API."""
    task_state = outcome.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "reject", comment=comment)


def submitted(client, people, small_catalogue, **extra) -> Outcome:
    client.force_login(people["xu"])
    assert client.post("/en/outcomes/submit/", outcome_post(small_catalogue, **extra)).status_code == 302
    return Outcome.objects.get()


def revise_url(outcome: Outcome) -> str:
    return f"/en/outcomes/mine/{outcome.external_id}/revise/"


def test_the_unit_makes_the_changes_the_office_asked_for_and_sends_them_back(
    client, people, small_catalogue, django_capture_on_commit_callbacks
):
    outcome = submitted(client, people, small_catalogue, images=[png("keep.png"), png("drop.png")])
    request_changes(outcome, people["olivia"], "Please quantify the economic benefit.")

    mine = client.get("/en/outcomes/mine/").text
    assert f'data-outcome="{outcome.external_id}" data-state="needs_changes"' in mine
    assert "Please quantify the economic benefit." in mine and revise_url(outcome) in mine

    form_page = client.get(revise_url(outcome))
    assert form_page.status_code == 200 and "Please quantify the economic benefit." in form_page.text
    form = form_page.context["form"]
    assert form.initial["title_en"] == "Robot line retrofit"
    kept = [image for image in form.fields["current_images"].queryset if image.title == "keep.png"]
    revised = outcome_post(
        small_catalogue,
        economic_benefit="产能提高20%，年增产值1200万元。",
        current_images=[str(kept[0].pk)],
        images=[png("new.png")],
    )
    assert client.post(revise_url(outcome), revised).status_code == 302

    outcome.refresh_from_db()
    assert outcome.workflow_in_progress and not outcome.live
    latest = outcome.get_latest_revision_as_object()
    assert latest.economic_benefit == "产能提高20%，年增产值1200万元。"
    assert [item.image.title for item in latest.images.all()] == ["keep.png", "new.png"]
    # The office sees the revision in its review and approves it: that is what goes live.
    with django_capture_on_commit_callbacks(execute=True):
        approve(outcome, people["olivia"])
    outcome.refresh_from_db()
    assert outcome.live and outcome.economic_benefit == "产能提高20%，年增产值1200万元。"
    assert [item.image.title for item in outcome.images.all()] == ["keep.png", "new.png"]


def test_a_published_outcome_stays_as_it_was_until_the_office_approves_the_revision(
    client, people, small_catalogue, django_capture_on_commit_callbacks
):
    outcome = submitted(client, people, small_catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        approve(outcome, people["olivia"])
    revised = outcome_post(small_catalogue, title_en="Robot line retrofit, second phase")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(revise_url(outcome), revised).status_code == 302

    public = outcome.url_path.replace("/home", "/en", 1)
    client.logout()
    assert "second phase" not in client.get(public).text
    client.force_login(people["xu"])
    assert 'data-state="in_review"' in client.get("/en/outcomes/mine/").text
    # While the office reviews it, the unit cannot change it under the reviewer's eyes.
    assert client.get(revise_url(outcome)).status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        approve(Outcome.objects.get(pk=outcome.pk), people["olivia"])
    client.logout()
    assert "second phase" in client.get(public).text


# Whose outcome it is: the unit that submitted it, never the name written on it.

IMPORTED_UNIT = "某市交通运输局"


def sign_up(client, email: str, unit_name: str):
    """Signs up through allauth's form naming a unit, and returns the new person signed in."""
    password = "Kd8!vQ2#training"
    client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password, "new_unit": unit_name},
    )
    person = get_user_model().objects.get(email=email)
    client.force_login(person)
    return person


def test_a_stranger_founding_a_unit_named_like_an_imported_outcomes_unit_cannot_take_it_over(
    client, people, small_catalogue
):
    imported = make_outcome("oc-2019-007", "公路养护成果", "Road upkeep", organizing_unit=IMPORTED_UNIT)
    revisions = imported.revisions.count()

    stranger = sign_up(client, "stranger@example.org", IMPORTED_UNIT)
    assert member_unit(stranger).name == IMPORTED_UNIT  # nobody had founded it: the stranger did
    mine = client.get("/en/outcomes/mine/")
    assert mine.status_code == 200 and not mine.context["rows"]
    assert "Road upkeep" not in mine.text
    assert client.get(revise_url(imported)).status_code == 404
    taken = outcome_post(small_catalogue, title_en="Taken over")
    assert client.post(revise_url(imported), taken).status_code == 404

    imported.refresh_from_db()
    assert imported.revisions.count() == revisions and not imported.workflow_in_progress
    assert imported.title_en == "Road upkeep" and imported.live


def test_a_look_alike_of_a_units_name_joins_it_and_sees_no_outcome_until_confirmed(
    client, people, small_catalogue
):
    outcome = submitted(client, people, small_catalogue)
    request_changes(outcome, people["olivia"], "Add the benefits.")
    client.logout()

    stranger = sign_up(client, "lookalike@example.org", "江苏省科学技术厅\u3000")
    assert stranger.unit_membership.unit == people["unit_x"]
    assert stranger.unit_membership.confirmed_at is None
    assert client.get("/en/outcomes/mine/").status_code == 403
    assert client.post(revise_url(outcome), outcome_post(small_catalogue)).status_code == 403
    assert Outcome.objects.get().get_latest_revision_as_object().title_en == "Robot line retrofit"


def test_the_unit_sees_and_revises_what_it_submitted_not_what_is_imported_under_its_name(
    client, people, small_catalogue
):
    outcome = submitted(client, people, small_catalogue)
    imported = make_outcome("oc-2018-003", "旧成果", "Imported outcome", organizing_unit="江苏省科学技术厅")
    request_changes(outcome, people["olivia"], "Add the benefits.")
    rows = client.get("/en/outcomes/mine/").context["rows"]
    assert [row.outcome for row in rows] == [outcome]
    assert client.get(revise_url(imported)).status_code == 404
    assert client.post(revise_url(outcome), outcome_post(small_catalogue)).status_code == 302


# The files of an outcome not yet published are private (the access matrix asks every role).


def test_a_revisions_new_image_stays_private_until_the_office_approves_it(
    client, people, small_catalogue, django_capture_on_commit_callbacks
):
    outcome = submitted(client, people, small_catalogue, images=[png("old.png")])
    with django_capture_on_commit_callbacks(execute=True):
        approve(outcome, people["olivia"])
    old = get_image_model().objects.get(title="old.png")
    assert old.file.url.startswith(settings.MEDIA_URL) and old.collection.name == "Training outcomes"

    revised = outcome_post(small_catalogue, current_images=[str(old.pk)], images=[png("new.png")])
    assert client.post(revise_url(outcome), revised).status_code == 302
    new = get_image_model().objects.get(title="new.png")
    assert is_private(new.file.name) and new.file.url.startswith("/private-files/")
    assert client.get(new.file.url).status_code == 200
    client.logout()
    assert client.get(new.file.url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        approve(Outcome.objects.get(pk=outcome.pk), people["olivia"])
    new.refresh_from_db()
    assert new.file.url.startswith(settings.MEDIA_URL) and new.collection.name == "Training outcomes"
    assert (Path(settings.MEDIA_ROOT) / new.file.name).is_file()


def test_an_unpublished_outcomes_files_are_private_again(
    client, people, small_catalogue, django_capture_on_commit_callbacks
):
    outcome = submitted(client, people, small_catalogue, images=[png()], documents=[pdf()])
    with django_capture_on_commit_callbacks(execute=True):
        approve(outcome, people["olivia"])
    document = get_document_model().objects.get()
    assert client.get(document.url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        Outcome.objects.get(pk=outcome.pk).unpublish()
    document.refresh_from_db()
    image = get_image_model().objects.get()
    assert is_private(image.file.name) and is_private(document.file.name)
    client.logout()
    assert client.get(image.file.url).status_code == 404
    assert client.get(document.url).status_code == 404


def test_waiting_uploads_are_private(client, people):
    upload = store_uploads(people["xu"], [png()], [pdf()])
    image, document = upload.images[0], upload.documents[0]
    assert not (Path(settings.MEDIA_ROOT) / image.file.name).exists()
    for who, status in (("xu", 200), ("yang", 404), ("anna", 404)):
        client.force_login(people[who])
        assert client.get(image.file.url).status_code == status, who
        assert client.get(document.url).status_code == status, who


def test_private_files_are_never_kept_inside_media_root(settings):
    settings.PRIVATE_MEDIA_ROOT = Path(settings.MEDIA_ROOT) / "private"
    with pytest.raises(ImproperlyConfigured):
        private_root()


def test_another_unit_cannot_revise_the_outcome(client, people, small_catalogue):
    outcome = submitted(client, people, small_catalogue)
    request_changes(outcome, people["olivia"], "Add the benefits.")
    client.force_login(people["yang"])
    assert client.get(revise_url(outcome)).status_code == 404
    assert client.post(revise_url(outcome), outcome_post(small_catalogue)).status_code == 404
    client.force_login(people["anna"])
    assert client.get(revise_url(outcome)).status_code == 403


def test_the_office_is_told_of_a_submission_in_both_languages(
    client, people, agreed, small_catalogue, django_capture_on_commit_callbacks, mailoutbox
):
    """Wagtail writes its moderation emails in the language of the person who submitted (English here); the
    portal's templates give the office both."""
    client.force_login(people["xu"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/outcomes/submit/", outcome_post(small_catalogue))
    assert response.status_code == 302
    to_office = [message for message in mailoutbox if people["olivia"].email in message.to]
    assert to_office
    for message in to_office:
        assert "\n" not in message.subject
        assert "提交" in message.subject and "submitted" in message.subject, message.subject
        assert "提交" in message.body and "submitted" in message.body, message.body
        html = message.alternatives[0][0] if message.alternatives else ""
        assert not html or ('<div lang="zh-hans">' in html and '<div lang="en">' in html)
