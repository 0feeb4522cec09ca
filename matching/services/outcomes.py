"""Training outcomes (培训成果) a unit submits: uploads kept as Wagtail images and documents until the outcome
is sent, the outcome created as a draft page in the office's moderation workflow, and revised by the unit
when the office asks for changes (or after it is published: the live version stays until approval). Its
files are private until the outcome is published (matching.storage)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from catalog.models import Outcome, OutcomeDocument, OutcomeImage, OutcomeIndexPage
from catalog.roles import is_office
from matching.models import Inquiry, OrganizingUnit, UnitMembership, UnitOutcome, member_unit
from matching.storage import is_private, private_name, public_name

# Uploads wait in one collection until their outcome is sent, then move to the collection of outcomes not
# yet published, and to the outcomes' collection when it is published; the office finds all three in
# Wagtail's media library, and only waiting uploads can be claimed or forgotten. Files of the first two are
# private: kept out of MEDIA_ROOT and served only to the office and the unit.
UPLOAD_COLLECTION = "Outcome uploads"
DRAFT_COLLECTION = "Outcomes not yet published"
OUTCOME_COLLECTION = "Training outcomes"
PRIVATE_COLLECTIONS = (UPLOAD_COLLECTION, DRAFT_COLLECTION)
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
        # The root collection comes from Wagtail's migrations; a database emptied since has none.
        root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        collection = root.add_child(name=name)
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
    views record (`set_metadata` names the model's method for them), under a private name."""
    upload.seek(0)
    file = File(upload, name=private_name(upload.name))
    item = model(title=upload.name, file=file, collection=collection, uploaded_by_user=user)
    getattr(item, set_metadata)()
    item.save()
    return item


def forget_abandoned_uploads(user=None) -> int:
    """Deletes uploads (and their files) that no outcome took within a day: those of forms abandoned or
    refused. Run daily for everyone (manage.py forget_abandoned_uploads), and for a person who uploads
    again. Returns how many it deleted."""
    cutoff = timezone.now() - ABANDONED_AFTER
    waiting = {"collection__name": UPLOAD_COLLECTION, "created_at__lt": cutoff}
    if user is not None:
        waiting["uploaded_by_user"] = user
    # An upload an outcome shows has left the uploads' collection; should one not have, it stays (deleting
    # it would take it out of the outcome too).
    images = get_image_model().objects.filter(**waiting)
    images = images.exclude(pk__in=OutcomeImage.objects.values("image"))
    documents = get_document_model().objects.filter(**waiting)
    documents = documents.exclude(pk__in=OutcomeDocument.objects.values("document"))
    count = images.count() + documents.count()
    images.delete()  # Wagtail's signal handlers delete the files (and renditions) once this is committed
    documents.delete()
    return count


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
    (`current_*`), uploads kept from earlier tries (`kept_*`) and the files sent now, in that order. The
    uploads move to the collection of outcomes not yet published, out of reach of the abandoned-upload
    clean-up; they stay private until the outcome is published."""
    new = store_uploads(by, data.get("images", ()), data.get("documents", ()))
    uploads = [*data.get("kept_images", ()), *new.images, *data.get("kept_documents", ()), *new.documents]
    drafts = collection_named(DRAFT_COLLECTION)
    for item in uploads:
        item.collection = drafts
        item.save(update_fields=["collection"])
    images = [*data.get("current_images", ()), *data.get("kept_images", ()), *new.images]
    documents = [*data.get("current_documents", ()), *data.get("kept_documents", ()), *new.documents]
    return images, documents


def may_see_file(user, item) -> bool:
    """Anyone sees a file of a published outcome (or any other image or document); a private one (an
    upload, or a file of an outcome not yet published) only the office, the person who uploaded it and
    the confirmed members of their unit see."""
    if item.collection.name not in PRIVATE_COLLECTIONS or is_office(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if item.uploaded_by_user_id == user.pk:
        return True
    unit = member_unit(user)
    return (
        unit is not None
        and UnitMembership.objects.filter(
            user_id=item.uploaded_by_user_id, unit=unit, confirmed_at__isnull=False
        ).exists()
    )


@transaction.atomic
def publish_files(outcome: Outcome) -> None:
    """Called once an outcome is published: its images and documents become public, under MEDIA_ROOT."""
    public = collection_named(OUTCOME_COLLECTION)
    for item in _files_of(outcome):
        if item.collection.name in PRIVATE_COLLECTIONS:
            _keep(item, public, private=False)


def withdraw_files(outcome: Outcome) -> None:
    """Called once an outcome is unpublished: its files that no published outcome shows become private."""
    drafts = collection_named(DRAFT_COLLECTION)
    shown_images = set(OutcomeImage.objects.filter(outcome__live=True).values_list("image_id", flat=True))
    shown_documents = set(
        OutcomeDocument.objects.filter(outcome__live=True).values_list("document_id", flat=True)
    )
    for item in _files_of(outcome):
        shown = shown_images if isinstance(item, get_image_model()) else shown_documents
        if item.pk not in shown and item.collection.name == OUTCOME_COLLECTION:
            _keep(item, drafts, private=True)


def _files_of(outcome: Outcome) -> list:
    return [
        *(row.image for row in OutcomeImage.objects.filter(outcome=outcome).select_related("image")),
        *(row.document for row in OutcomeDocument.objects.filter(outcome=outcome).select_related("document")),
    ]


def _keep(item, collection: Collection, *, private: bool) -> None:
    """Puts an image or document in the collection, its file (under a new name) where the collection's
    files are kept. The old file goes once this is committed; renditions are made again from the new one."""
    storage, old = item.file.storage, item.file.name
    if is_private(old) != private and storage.exists(old):
        with storage.open(old) as content:
            name = private_name(old) if private else public_name(old)
            item.file.name = storage.save(name, content, max_length=item.file.field.max_length)
        transaction.on_commit(lambda: storage.delete(old))
        if hasattr(item, "renditions"):
            item.renditions.all().delete()
    item.collection = collection
    item.save(update_fields=["file", "collection"])


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
