"""Side effects of catalogue changes: people made staff anywhere (services, the Django admin, fixtures) get
the Wagtail permissions of their institution, and lose them when they leave; every change a public page
shows moves the catalogue's stamp once it commits, so cached fragments of the pages are not served again."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalog.cache import bump_catalogue_stamp
from catalog.exchange import catalog_imported
from catalog.models import (
    Country,
    CountryStrength,
    Course,
    Evaluation,
    Field,
    Institution,
    InstitutionSpecialty,
    InstitutionStaff,
    Outcome,
    OutcomeDocument,
    OutcomeImage,
    QualityLabelRule,
)
from catalog.services import grant_page_permissions, revoke_page_permissions

# What the public pages (home, directory, institution, course, outcomes) and the navigation read.
SHOWN = (
    Field,
    Country,
    CountryStrength,
    Institution,
    InstitutionSpecialty,
    Course,
    Outcome,
    OutcomeImage,
    OutcomeDocument,
    Evaluation,
    QualityLabelRule,  # who holds the label, on the cards and pages
    Page,
    # Routes to pages are cached with their site and view restrictions (catalog.cache).
    PageViewRestriction,
    Site,
)
SHOWN_RELATIONS = (
    Course.fields.through,
    Outcome.fields.through,
    Outcome.institutions.through,
    PageViewRestriction.groups.through,
)


@receiver(post_save, sender=InstitutionStaff)
def staff_joined(sender, instance: InstitutionStaff, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        grant_page_permissions(instance.user, instance.institution)


@receiver(post_delete, sender=InstitutionStaff)
def staff_left(sender, instance: InstitutionStaff, **kwargs) -> None:
    revoke_page_permissions(instance.user, instance.institution)


def bump_after_commit(**kwargs) -> None:
    """Move the stamp now and again after the commit: a page rendered from the rows before the commit is
    then stored under a stamp no later request reads. The second move is queued once per transaction,
    however many rows it changes."""
    bump_catalogue_stamp()
    connection = transaction.get_connection()
    if not any(entry[1] is bump_catalogue_stamp for entry in connection.run_on_commit):
        transaction.on_commit(bump_catalogue_stamp)


@receiver(post_save)
@receiver(post_delete)
def catalogue_row_changed(sender, **kwargs) -> None:
    if issubclass(sender, SHOWN):
        bump_after_commit()


@receiver(m2m_changed)
def catalogue_relation_changed(sender, action: str, **kwargs) -> None:
    if sender in SHOWN_RELATIONS and action.startswith("post_"):
        bump_after_commit()


page_published.connect(bump_after_commit, dispatch_uid="catalog-stamp-published")
page_unpublished.connect(bump_after_commit, dispatch_uid="catalog-stamp-unpublished")
post_page_move.connect(bump_after_commit, dispatch_uid="catalog-stamp-moved")
catalog_imported.connect(bump_after_commit, dispatch_uid="catalog-stamp-imported")
