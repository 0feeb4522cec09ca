"""Training outcomes (培训成果) a unit submits: uploads kept as Wagtail images and documents until the outcome
is sent, and the outcome itself created as a draft page in the office's moderation workflow."""

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
from matching.models import Inquiry, OrganizingUnit

# Uploads live in their own collection, so the office finds them together in Wagtail's media library.
UPLOAD_COLLECTION = "Outcome submissions"
# Uploads never attached to an outcome are dropped after this long: the form they came with was abandoned.
ABANDONED_AFTER = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Uploads:
    """Images and documents a person uploaded for an outcome they have not sent yet."""

    images: tuple = ()
    documents: tuple = ()


def upload_collection() -> Collection:
    collection = Collection.objects.filter(name=UPLOAD_COLLECTION).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=UPLOAD_COLLECTION)
    return collection


def pending_images(user) -> QuerySet:
    """Images the person uploaded for an outcome and has not attached to one yet."""
    return (
        get_image_model()
        .objects.filter(uploaded_by_user=user, collection__name=UPLOAD_COLLECTION)
        .exclude(pk__in=OutcomeImage.objects.values("image"))
        .order_by("pk")
    )


def pending_documents(user) -> QuerySet:
    """Documents the person uploaded for an outcome and has not attached to one yet."""
    return (
        get_document_model()
        .objects.filter(uploaded_by_user=user, collection__name=UPLOAD_COLLECTION)
        .exclude(pk__in=OutcomeDocument.objects.values("document"))
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
    collection = upload_collection()
    stored_images = []
    for upload in images:
        upload.seek(0)
        image = get_image_model()(
            title=upload.name, file=upload, collection=collection, uploaded_by_user=user
        )
        image._set_image_file_metadata()
        image.save()
        stored_images.append(image)
    stored_documents = []
    for upload in documents:
        upload.seek(0)
        document = get_document_model()(
            title=upload.name, file=upload, collection=collection, uploaded_by_user=user
        )
        document._set_document_file_metadata()
        document.save()
        stored_documents.append(document)
    return Uploads(tuple(stored_images), tuple(stored_documents))


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


@transaction.atomic
def submit_outcome(unit: OrganizingUnit, data: dict, *, by) -> Outcome:
    """Creates the outcome as a draft page under the showcase, with a revision, and starts the showcase's
    moderation workflow, so it goes live only when an office reviewer approves it. Its images and documents
    are the uploads kept from earlier tries (`kept_images`, `kept_documents`) and the files sent now."""
    new = store_uploads(by, data.get("images", ()), data.get("documents", ()))
    images = [*data.get("kept_images", ()), *new.images]
    documents = [*data.get("kept_documents", ()), *new.documents]
    index = OutcomeIndexPage.objects.get()
    external_id = f"oc-{uuid.uuid4().hex[:12]}"
    outcome = Outcome(
        external_id=external_id,
        slug=external_id,  # as imported outcomes have: the address does not change with the title
        title_zh=data["title_zh"],
        title_en=data["title_en"],
        summary_zh=data["summary_zh"],
        summary_en=data["summary_en"],
        economic_benefit=data["economic_benefit"],
        social_benefit=data["social_benefit"],
        country=data["country"],
        year=data["year"],
        organizing_unit=unit.name,
        live=False,
        has_unpublished_changes=True,
        owner=by,
    )
    outcome.fields.set(data["fields"])
    outcome.institutions.set(data["institutions"])
    outcome.images = [OutcomeImage(image=image) for image in images]
    outcome.documents = [OutcomeDocument(document=document) for document in documents]
    index.add_child(instance=outcome)
    outcome.save_revision(user=by, log_action=True)
    workflow = outcome.get_workflow()
    if workflow is None:
        raise RuntimeError("The outcome showcase has no moderation workflow (portal migration 0004).")
    workflow.start(outcome, by)
    return outcome
