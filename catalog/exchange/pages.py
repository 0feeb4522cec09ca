"""Bulk writes for the catalogue's Wagtail pages: thousands of children without one `add_child` each.

Treebeard's `add_child` costs several queries and a page instance per page; an import of 10,000
institutions cannot afford that. Here the materialised paths are computed from each parent's last child,
the `wagtailcore_page` rows are inserted in bulk, their ids read back by path, and the rows of the page
type's own table inserted next (Django refuses `bulk_create` on multi-table-inherited models).
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_tasks import task
from wagtail.models import Page

from catalog.exchange.bulk import Row, chunked, insert_rows, update_rows

#: What add_children needs to know of a parent page.
PARENT_COLUMNS = ("pk", "path", "depth", "url_path", "locale_id", "numchild")


def parent_rows(queryset) -> list[Row]:
    """Parent pages to add children to, locked until the import commits: two imports at once would
    otherwise compute the same paths for their new children (PostgreSQL; SQLite writes one at a time)."""
    return [Row(values) for values in queryset.select_for_update().values(*PARENT_COLUMNS)]


def add_children(model: type[Page], pairs: list[tuple[Row, Row]]) -> None:
    """Insert pages of `model`, each given as (parent row, row of the page's own columns plus title and
    slug), as the last children of their parents, live, like `parent.add_child()` followed by publishing.

    Sets each child row's `page_ptr_id` and updates the parents' `numchild`.
    """
    if not pairs:
        return
    by_parent: dict[int, tuple[Row, list[Row]]] = {}
    for parent, child in pairs:
        by_parent.setdefault(parent.pk, (parent, []))[1].append(child)
    last = _last_child_positions([parent for parent, _children in by_parent.values()])
    content_type_id = ContentType.objects.get_for_model(model).pk
    now = timezone.now()
    base_rows = []
    for parent, children in by_parent.values():
        position = last.get(parent.pk, 0)
        for child in children:
            position += 1
            depth = parent.depth + 1
            base_rows.append(
                Row(
                    path=Page._get_path(parent.path, depth, position),
                    depth=depth,
                    numchild=0,
                    url_path=f"{parent.url_path}{child.slug}/",
                    locale_id=parent.locale_id,
                    content_type_id=content_type_id,
                    title=child.title,
                    draft_title=child.title,
                    slug=child.slug,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                )
            )
        parent.numchild += len(children)
    # The new pages' ids are read back by path from the pages above the largest id before the insert: ids
    # only grow, and pages another transaction adds meanwhile have paths of their own. One query, where
    # naming every path took one per 900 pages.
    newest = Page.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    insert_rows(Page, base_rows)
    ids = dict(Page.objects.filter(pk__gt=newest).values_list("path", "pk"))
    children = [child for _parent, group in by_parent.values() for child in group]
    for child, base in zip(children, base_rows, strict=True):
        child.page_ptr_id = ids[base.path]
    insert_rows(model, children)
    update_rows(
        Page, [Row(pk=parent.pk, numchild=parent.numchild) for parent, _ in by_parent.values()], ["numchild"]
    )


def _last_child_positions(parents: list[Row]) -> dict[int, int]:
    """Each parent's last child position, read from the paths (like treebeard, trusting numchild=0)."""
    positions: dict[int, int] = {}
    by_path = {parent.path: parent.pk for parent in parents if parent.numchild}
    if not by_path:
        return positions
    depth = parents[0].depth
    prefix = _common_prefix(list(by_path))
    for path in Page.objects.filter(depth=depth + 1, path__startswith=prefix).values_list("path", flat=True):
        parent_pk = by_path.get(path[: len(path) - Page.steplen])
        if parent_pk is not None:
            positions[parent_pk] = max(positions.get(parent_pk, 0), Page._str2int(path[-Page.steplen :]))
    return positions


def _common_prefix(paths: list[str]) -> str:
    low, high = min(paths), max(paths)
    size = 0
    while size < min(len(low), len(high)) and low[size] == high[size]:
        size += 1
    return low[:size]


@task()
def index_pages(model_label: str, pks: list[int], batch: int = 2000) -> None:
    """Add created and updated pages to Wagtail's own search index (the admin's page search) in bulk.

    A task: it runs at once with the default immediate backend, and on a worker when TASKS names a
    queue, since on PostgreSQL Wagtail's indexer needs about a millisecond a page.
    """
    from wagtail.search.backends import get_search_backends

    model = apps.get_model(model_label)
    backends = list(get_search_backends(with_auto_update=True))
    for chunk in chunked(sorted(pks), batch):
        pages = list(model.objects.filter(pk__in=chunk))
        for backend in backends:
            backend.add_bulk(model, pages)
