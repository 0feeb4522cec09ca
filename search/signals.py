"""Keeps the matching index current. A save that changes what a ranking sees rebuilds the profiles concerned
in its own transaction (`rebuild_now`), so the index never runs ahead of or behind the catalogue; a change of
the field taxonomy, which touches every profile, queues the full rebuild as a task instead."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from catalog import models as catalogue
from catalog.exchange import catalog_imported
from catalog.tasks import enqueue_with_transaction
from search.models import IndexVersion, InstitutionProfile
from search.profiles import rebuild_profiles
from search.tasks import index_later, rebuild_all_profiles

# The institutions whose profiles wait for the end of a `rebuilding_once` block, when one is open.
_waiting: ContextVar[set[int] | None] = ContextVar("profiles_waiting", default=None)


def rebuild_now(institution_ids: Iterable[int | None]) -> None:
    """Rebuild these institutions' profiles synchronously, in the saving transaction, so they commit or roll
    back with the change; and queue their documents for Elasticsearch when it is the engine."""
    ids = [pk for pk in institution_ids if pk is not None]
    if (waiting := _waiting.get()) is not None:
        waiting.update(ids)
    elif ids:
        rebuild_profiles(ids)
        index_later(ids)



@contextmanager
def rebuilding_once() -> Iterator[None]:
    """Saves inside the block rebuild each profile they touch once, when it ends, still in the caller's
    transaction: for code that builds a catalogue piece by piece (the demo data, test fixtures), where each
    save of an institution, a specialty, a course or an evaluation would rebuild the profile again."""
    if _waiting.get() is not None:
        yield
        return
    waiting: set[int] = set()
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    rebuild_now(waiting)

@receiver(post_save, sender=catalogue.Institution)
@receiver(post_delete, sender=catalogue.Institution)
def institution_changed(sender, instance, **kwargs):
    if kwargs.get("signal") is post_delete:
        # Deleting its specialties and courses first rebuilt the profile of the institution going away.
        InstitutionProfile.objects.filter(institution_id=instance.pk).delete()
        IndexVersion.bump()
        index_later([instance.pk])
    else:
        rebuild_now([instance.pk])


# The rows that go into an institution's profile, and the key that names their institution. An evaluation
# moves the catalogue mean too, but by little; the next full rebuild takes it in.
INSTITUTION_OF = {
    catalogue.InstitutionSpecialty: "institution_id",
    catalogue.Course: "provider_id",
    catalogue.Evaluation: "institution_id",
}


@receiver(post_save, sender=catalogue.InstitutionSpecialty)
@receiver(post_delete, sender=catalogue.InstitutionSpecialty)
@receiver(post_save, sender=catalogue.Course)
@receiver(post_delete, sender=catalogue.Course)
@receiver(post_save, sender=catalogue.Evaluation)
@receiver(post_delete, sender=catalogue.Evaluation)
def profile_row_changed(sender, instance, **kwargs):
    rebuild_now([getattr(instance, INSTITUTION_OF[sender])])


@receiver(m2m_changed, sender=catalogue.Course.fields.through)
def course_fields_changed(sender, instance, **kwargs):
    if isinstance(instance, catalogue.Course):
        rebuild_now([instance.provider_id])


@receiver(post_save, sender=catalogue.Field)
@receiver(post_delete, sender=catalogue.Field)
def taxonomy_changed(sender, instance, **kwargs):
    # Rebuilding every profile inside the admin's request would make saving one field take as long as the
    # whole catalogue. So demands are read with the new taxonomy at once (its stamp moves now), and the
    # profiles follow when the worker has run the task: until then an institution is ranked on words and
    # fields detected with the old taxonomy, a little stale. Who may be found is decided at query time and
    # is never stale. An import that changes fields rebuilds in its own transaction (below).
    IndexVersion.bump(taxonomy=True)
    enqueue_with_transaction(rebuild_all_profiles)


@receiver(post_save, sender=catalogue.Country)
@receiver(post_delete, sender=catalogue.Country)
@receiver(post_save, sender=catalogue.CountryStrength)
@receiver(post_delete, sender=catalogue.CountryStrength)
def country_changed(sender, instance, **kwargs):
    IndexVersion.bump(taxonomy=True)


def changed(report, record_type: str) -> bool:
    counts = report.counts.get(record_type)
    return counts is not None and bool(counts.created or counts.updated)


@receiver(catalog_imported)
def catalogue_imported(sender, institution_ids, report, **kwargs):
    """In the import's transaction: the profiles commit with the catalogue they describe."""
    if changed(report, "field") or changed(report, "country"):
        IndexVersion.bump(taxonomy=True)
    if changed(report, "field"):
        institution_ids = list(catalogue.Institution.objects.values_list("pk", flat=True))
    if institution_ids:
        rebuild_profiles(institution_ids)
    else:
        IndexVersion.bump()
    index_later(institution_ids)
