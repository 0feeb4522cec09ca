"""Matching's side of the catalogue's events: when an institution leaves "active" (suspended or withdrawn),
its open negotiations are marked and the units concerned are told; re-admitted, the mark is lifted. When an
outcome is published its files become public, and private again when it is unpublished. A new institution,
course or published demand is checked against the saved alerts on the task queue."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from catalog.choices import InstitutionStatus
from catalog.exchange import catalog_imported
from catalog.models import Course, Institution, Outcome
from catalog.signals import bump_after_commit
from catalog.tasks import enqueue_with_transaction
from matching.choices import DemandStatus, InquiryStatus, Side
from matching.models import Demand, Inquiry, Report
from matching.services.negotiation import TITLE_SHOWN, inquiry_url, people_of
from matching.services.notify import notify
from matching.services.outcomes import publish_files, withdraw_files
from matching.tasks import check_new_demand, check_new_listings


@receiver(post_save, sender=Report)
@receiver(post_delete, sender=Report)
def report_changed(sender, **kwargs) -> None:
    """A report upheld or dismissed may give or take an institution's quality label, which its cards show."""
    bump_after_commit()


@receiver(post_save, sender=Institution)
def institution_status_changed(sender, instance: Institution, created: bool, **kwargs) -> None:
    if created:
        return
    open_threads = Inquiry.objects.filter(institution_id=instance.pk).exclude(
        status__in=InquiryStatus.closed()
    )
    if instance.status == InstitutionStatus.ACTIVE:
        open_threads.filter(institution_inactive=True).update(institution_inactive=False)
        return
    # Only the threads not yet marked: saving a suspended institution again tells nobody twice.
    newly_marked = list(open_threads.filter(institution_inactive=False).select_related("demand"))
    if not newly_marked:
        return
    Inquiry.objects.filter(pk__in=[inquiry.pk for inquiry in newly_marked]).update(institution_inactive=True)
    for inquiry in newly_marked:
        _tell_unit(inquiry, instance)


def _tell_unit(inquiry: Inquiry, institution: Institution) -> None:
    title = inquiry.demand.title
    title = title if len(title) <= TITLE_SHOWN else f"{title[: TITLE_SHOWN - 1]}…"
    name_zh = institution.name_zh or institution.name_en
    state_zh = "已被暂停" if institution.status == InstitutionStatus.SUSPENDED else "已退出平台"
    state_en = (
        "has been suspended"
        if institution.status == InstitutionStatus.SUSPENDED
        else "has been withdrawn from the portal"
    )
    url = inquiry_url(inquiry)
    for person in people_of(inquiry, Side.UNIT):
        notify(
            person,
            text_zh=f"{name_zh}{state_zh}，关于培训需求「{title}」的洽谈已标记"[:255],
            text_en=f"{institution.name_en} {state_en}; the negotiation on “{title}” is marked"[:255],
            url=url,
        )


@receiver(page_published, sender=Outcome)
def outcome_published(sender, instance: Outcome, **kwargs) -> None:
    # Once the publication is committed: a publication rolled back must not leave public copies behind.
    transaction.on_commit(lambda: publish_files(instance))


@receiver(page_unpublished, sender=Outcome)
def outcome_unpublished(sender, instance: Outcome, **kwargs) -> None:
    withdraw_files(instance)


# Alerts: a listing or a demand published for the first time is checked against the saved alerts, on the
# task queue once the publication is committed.


@receiver(page_published, sender=Institution)
def institution_published(sender, instance: Institution, **kwargs) -> None:
    if _first_publication(instance):
        enqueue_with_transaction(check_new_listings, [instance.pk], [])


@receiver(page_published, sender=Course)
def course_published(sender, instance: Course, **kwargs) -> None:
    if _first_publication(instance):
        enqueue_with_transaction(check_new_listings, [], [instance.pk])


def _first_publication(page) -> bool:
    return page.first_published_at is not None and page.first_published_at == page.last_published_at


@receiver(catalog_imported)
def catalogue_imported(sender, institution_ids=(), **kwargs) -> None:
    ids = list(institution_ids)
    if ids:
        course_ids = list(Course.objects.filter(provider_id__in=ids).values_list("pk", flat=True))
        enqueue_with_transaction(check_new_listings, ids, course_ids)


@receiver(post_save, sender=Demand)
def demand_saved(sender, instance: Demand, created: bool, update_fields=None, **kwargs) -> None:
    # Publishing saves the status; an edit of a published demand checks again (a hit is told once).
    if instance.status == DemandStatus.PUBLISHED and (
        created or not update_fields or "status" in update_fields
    ):
        enqueue_with_transaction(check_new_demand, instance.pk)
