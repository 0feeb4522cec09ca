"""Keeps the matching index current: every save that changes what a ranking sees rebuilds the profiles
concerned in the same transaction, so the index never runs ahead of or behind the catalogue."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from catalog.exchange import catalog_imported
from catalog.models import (
    Country,
    CountryStrength,
    Course,
    Evaluation,
    Field,
    Institution,
    InstitutionSpecialty,
)
from search.indexing import elasticsearch_enabled, enqueue, sync_after_commit
from search.models import IndexVersion, InstitutionProfile
from search.profiles import rebuild_profiles

ALL = "all"


def refresh(institution_ids) -> None:
    """Rebuild these institutions' profiles (or ALL) in the saving transaction, so the index commits or
    rolls back with the change, and queue them for Elasticsearch when it is the engine."""
    ids = (
        list(Institution.objects.values_list("pk", flat=True))
        if institution_ids == ALL
        else [pk for pk in institution_ids if pk is not None]
    )
    if ids:
        rebuild_profiles(ids)
        if elasticsearch_enabled():
            enqueue(ids)


@receiver(post_save, sender=Institution)
@receiver(post_delete, sender=Institution)
def institution_changed(sender, instance, **kwargs):
    if kwargs.get("signal") is post_delete:
        # Deleting its specialties and courses first rebuilt the profile of the institution going away.
        InstitutionProfile.objects.filter(institution_id=instance.pk).delete()
        IndexVersion.bump()
        if elasticsearch_enabled():
            enqueue([instance.pk])
    else:
        refresh([instance.pk])


@receiver(post_save, sender=InstitutionSpecialty)
@receiver(post_delete, sender=InstitutionSpecialty)
def specialty_changed(sender, instance, **kwargs):
    refresh([instance.institution_id])


@receiver(post_save, sender=Course)
@receiver(post_delete, sender=Course)
def course_changed(sender, instance, **kwargs):
    refresh([instance.provider_id])


@receiver(m2m_changed, sender=Course.fields.through)
def course_fields_changed(sender, instance, **kwargs):
    if isinstance(instance, Course):
        refresh([instance.provider_id])


@receiver(post_save, sender=Evaluation)
@receiver(post_delete, sender=Evaluation)
def evaluation_changed(sender, instance, **kwargs):
    # The catalogue mean moves too, but by little; the next full rebuild takes it in.
    refresh([instance.institution_id])


@receiver(post_save, sender=Field)
@receiver(post_delete, sender=Field)
def taxonomy_changed(sender, instance, **kwargs):
    IndexVersion.bump(taxonomy=True)
    refresh(ALL)


@receiver(post_save, sender=Country)
@receiver(post_delete, sender=Country)
@receiver(post_save, sender=CountryStrength)
@receiver(post_delete, sender=CountryStrength)
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
        institution_ids = list(Institution.objects.values_list("pk", flat=True))
    if institution_ids:
        rebuild_profiles(institution_ids)
    else:
        IndexVersion.bump()
    # Index in bulk now when the search server answers; otherwise the worker drains the queue later.
    sync_after_commit(institution_ids, try_now=True)
