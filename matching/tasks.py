"""Matching's background work on the task queue: checking new listings and new public demands against the
saved alerts (`matching.services.alerts`), so that publishing a page or a demand does not wait for it."""

from __future__ import annotations

from django_tasks import task

from matching.services import alerts


@task()
def check_new_listings(institution_ids: list[int], course_ids: list[int]) -> int:
    """Alerts told of newly published institutions and courses. Returns the number of hits."""
    return alerts.listings_published(institution_ids, course_ids)


@task()
def check_new_demand(demand_id: int) -> int:
    """Institutions' watches told of a newly published demand. Returns the number of hits."""
    return alerts.demand_published(demand_id)
