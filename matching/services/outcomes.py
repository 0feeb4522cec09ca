"""Training outcomes (培训成果) a unit submits: uploads kept as Wagtail images and documents until the outcome
is sent, the outcome created as a draft page in the office's moderation workflow, and revised by the unit
when the office asks for changes (or after it is published: the live version stays until approval)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from catalog.models import Outcome, OutcomeDocument, OutcomeImage, OutcomeIndexPage
from matching.models import Inquiry, OrganizingUnit, UnitOutcome

# Uploads wait in one collection until their outcome is sent, then move to the outcomes' collection; the
# office finds both in Wagtail's media library, and only waiting uploads can be claimed or forgotten.
UPLOAD_COLLECTION = "Outcome uploads"
OUTCOME_COLLECTION = "Training outcomes"
# Uploads never attached to an outcome are dropped after this long: the form they came with was abandoned.
ABANDONED_AFTER = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Uploads:
    """Images and documents a person uploaded for an outcome they have not sent yet."""

    images: tuple = ()
    documents: tuple = ()


def collection_named(name: str) -> Collection:
    collection = Collection.objects.filter(name=name).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=name)
    return collection


def pending_images(user) -> QuerySet:
    """Images the person uploaded for an outcome and has not sent with one yet."""
    return (
        get_image_model()
        .objects.filter(uploaded_by_user=user, collection__name=UPLOAD_COLLECTION)
        .order_by("pk")
    )


def pending_documents(user) -> QuerySet:
    """Documents the person uploaded for an outcome and has not sent with one yet."""
    return (
        get_document_model()
        .objects.filter(uploaded_by_user=user, collection__name=UPLOAD_COLLECTION)
        .order_by("pk")
    )


@transaction.atomic
def store_uploads(user, images: Iterable[UploadedFile], documents: Iterable[UploadedFile]) -> Uploads:
    """Keeps checked files as Wagtail images and documents owned by the person, so that nothing they
    uploaded is lost when another field of the form needs correcting."""
    images, documents = list(images), list(documents)
    if not images and not documents:
        return Uploads()
    forget_abandoned_uploads(user)
    collection = collection_named(UPLOAD_COLLECTION)
    return Uploads(
        tuple(
            _stored(get_image_model(), "_set_image_file_metadata", upload, collection, user)
            for upload in images
        ),
        tuple(
            _stored(get_document_model(), "_set_document_file_metadata", upload, collection, user)
            for upload in documents
        ),
    )


def _stored(model, set_metadata: str, upload: UploadedFile, collection: Collection, user):
    """One upload saved as a Wagtail image or document, with the size and hash Wagtail's own upload
    views record (`set_metadata` names the model's method for them)."""
    upload.seek(0)
    item = model(title=upload.name, file=upload, collection=collection, uploaded_by_user=user)
    getattr(item, set_metadata)()
    item.save()
    return item


def forget_abandoned_uploads(user) -> None:
    """Deletes the person's uploads (and their files) that no outcome took within a day."""
    cutoff = timezone.now() - ABANDONED_AFTER
    pending_images(user).filter(created_at__lt=cutoff).delete()
    pending_documents(user).filter(created_at__lt=cutoff).delete()


def prefill(inquiry: Inquiry) -> dict:
    """Initial values from an agreed inquiry: its institution, the demand's fields, the institution's country
    and the year the agreed programme starts."""
    proposal = inquiry.proposals.order_by("-created_at", "-pk").first()
    return {
        "institutions": [inquiry.institution.pk],
        "fields": list(inquiry.demand.fields.values_list("pk", flat=True)),
        "country": inquiry.institution.country_id,
        "year": proposal.start_date.year if proposal else timezone.localdate().year,
    }


def attachments(data: dict, *, by) -> tuple[list, list]:
    """The images and documents an outcome form sends: those of the outcome it revises that stay ticked
    (`current_*`), uploads kept from earlier tries (`kept_*`) and the files sent now, in that order. All of
    them move to the outcomes' collection, out of reach of the abandoned-upload clean-up."""
    new = store_uploads(by, data.get("images", ()), data.get("documents", ()))
    images = [*data.get("current_images", ()), *data.get("kept_images", ()), *new.images]
    documents = [*data.get("current_documents", ()), *data.get("kept_documents", ()), *new.documents]
    collection = collection_named(OUTCOME_COLLECTION)
    for item in (*images, *documents):
        if item.collection_id != collection.pk:
            item.collection = collection
            item.save(update_fields=["collection"])
    return images, documents


TEXT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "economic_benefit", "social_benefit")


def fill(outcome: Outcome, data: dict, images: list, documents: list) -> None:
    """Puts the form's values on an outcome (a page or a revision's copy of it)."""
    for name in TEXT_FIELDS:
        setattr(outcome, name, data[name])
    outcome.title = outcome.title_zh or outcome.title_en
    outcome.draft_title = outcome.title
    outcome.country = data["country"]
    outcome.year = data["year"]
    outcome.fields.set(data["fields"])
    outcome.institutions.set(data["institutions"])
    outcome.images = [OutcomeImage(image=image) for image in images]
    outcome.documents = [OutcomeDocument(document=document) for document in documents]


@transaction.atomic
def submit_outcome(unit: OrganizingUnit, data: dict, *, by) -> Outcome:
    """Creates the outcome as a draft page under the showcase, with a revision, and starts the showcase's
    moderation workflow, so it goes live only when an office reviewer approves it."""
    index = OutcomeIndexPage.objects.get()
    external_id = f"oc-{uuid.uuid4().hex[:12]}"
    outcome = Outcome(
        external_id=external_id,
        slug=external_id,  # as imported outcomes have: the address does not change with the title
        organizing_unit=unit.name,
        live=False,
        has_unpublished_changes=True,
        owner=by,
    )
    fill(outcome, data, *attachments(data, by=by))
    index.add_child(instance=outcome)
    # The unit's claim on its outcome is this link, never the name written on the page.
    UnitOutcome.objects.create(outcome=outcome, unit=unit)
    outcome.save_revision(user=by, log_action=True)
    workflow = outcome.get_workflow()
    if workflow is None:
        raise RuntimeError("The outcome showcase has no moderation workflow (portal migration 0004).")
    workflow.start(outcome, by)
    return outcome


def can_revise(outcome: Outcome) -> bool:
    """A unit revises its outcome when the office asked for changes, or once it is published (the live
    version stays until the office approves the new one); never while the office is reviewing it."""
    state = outcome.current_workflow_state
    if state is not None:
        return state.status == state.STATUS_NEEDS_CHANGES
    return outcome.live


def office_comment(outcome: Outcome) -> str:
    """What the office wrote when it asked for changes, if it asks for changes now."""
    state = outcome.current_workflow_state
    if state is None or state.status != state.STATUS_NEEDS_CHANGES or state.current_task_state is None:
        return ""
    return state.current_task_state.comment


@transaction.atomic
def revise_outcome(outcome: Outcome, data: dict, *, by) -> Outcome:
    """Saves the unit's revision as the outcome's latest revision and sends it to the office again: the
    paused review resumes, or a new one starts for a published outcome."""
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    if not can_revise(outcome):
        raise PermissionError("This outcome is being reviewed by the office.")
    revised = outcome.get_latest_revision_as_object()
    fill(revised, data, *attachments(data, by=by))
    revised.save_revision(user=by, log_action=True)
    state = outcome.current_workflow_state
    if state is not None:
        state.resume(by)
    else:
        outcome.get_workflow().start(outcome, by)
    return outcome
