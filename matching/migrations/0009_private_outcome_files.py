"""Files of outcomes not yet published, and uploads waiting for an outcome, leave MEDIA_ROOT: they get private
names (kept under PRIVATE_MEDIA_ROOT, matching.storage), and the attached ones move to the collection of
outcomes not yet published. Their renditions are deleted; Wagtail makes them again, privately."""

import os

from django.db import migrations

MARK = "private_"  # matching.storage.PRIVATE_MARK
UPLOADS, DRAFTS, PUBLIC = "Outcome uploads", "Outcomes not yet published", "Training outcomes"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, as Wagtail uses it for collections


def drafts_collection(Collection):
    """The collection, added under the root as Collection.add_child would (historical models cannot)."""
    existing = Collection.objects.filter(name=DRAFTS).first()
    if existing is not None:
        return existing
    root = Collection.objects.get(depth=1)
    last = Collection.objects.filter(depth=2, path__startswith=root.path).order_by("-path").first()
    number = int(last.path[-4:], 36) + 1 if last else 1
    step = ""
    while number or len(step) < 4:
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    root.numchild += 1
    root.save(update_fields=["numchild"])
    return Collection.objects.create(name=DRAFTS, path=root.path + step, depth=2, numchild=0)


def make_private(item, collection, renditions) -> None:
    storage, old = item.file.storage, item.file.name
    folder, base = os.path.split(old)
    if not base.startswith(MARK) and storage.exists(old):
        with storage.open(old) as content:
            item.file.name = storage.save(os.path.join(folder, MARK + base), content, max_length=100)
        storage.delete(old)
    for rendition in renditions:
        storage.delete(rendition.file.name)
        rendition.delete()
    item.collection = collection
    item.save(update_fields=["file", "collection"])


def privatise(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    Document = apps.get_model("wagtaildocs", "Document")
    OutcomeImage = apps.get_model("catalog", "OutcomeImage")
    OutcomeDocument = apps.get_model("catalog", "OutcomeDocument")
    # Uploaded through the portal, by a unit's member: the office may have put files of its own there.
    members = apps.get_model("matching", "UnitMembership").objects.values_list("user_id", flat=True)
    uploads = Collection.objects.filter(name=UPLOADS).first()
    public = Collection.objects.filter(name=PUBLIC).first()
    waiting = {"images": [], "documents": []}
    unpublished = {"images": [], "documents": []}
    if uploads is not None:
        waiting["images"] = list(Image.objects.filter(collection=uploads, uploaded_by_user__in=members))
        waiting["documents"] = list(Document.objects.filter(collection=uploads, uploaded_by_user__in=members))
    if public is not None:
        shown_images = OutcomeImage.objects.filter(outcome__live=True).values_list("image_id", flat=True)
        shown_documents = OutcomeDocument.objects.filter(outcome__live=True).values_list("document_id", flat=True)
        images = Image.objects.filter(collection=public, uploaded_by_user__in=members)
        documents = Document.objects.filter(collection=public, uploaded_by_user__in=members)
        unpublished["images"] = list(images.exclude(pk__in=shown_images))
        unpublished["documents"] = list(documents.exclude(pk__in=shown_documents))
    if not any([*waiting.values(), *unpublished.values()]):
        return
    drafts = drafts_collection(Collection)
    for items, collection in ((waiting, uploads), (unpublished, drafts)):
        for image in items["images"]:
            make_private(image, collection, Rendition.objects.filter(image=image))
        for document in items["documents"]:
            make_private(document, collection, ())


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0008_unit_key_unique"),
        ("catalog", "0006_outcome_attachments"),
    ]

    operations = [
        migrations.RunPython(privatise, migrations.RunPython.noop),
    ]
