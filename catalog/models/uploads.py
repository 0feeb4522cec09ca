"""Catalogue files the office uploads in the admin, checked and imported by the task worker."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import UploadStatus
from catalog.fields import acted_by
from catalog.models.base import NewestFirst
from catalog.querysets import CatalogueUploadQuerySet


class CatalogueUpload(NewestFirst):
    """A catalogue file the office uploaded in the admin, from its check (a dry run) to its import, both run
    by the task worker. The file waits here, in the database, so that every web server and the worker read
    the same bytes; they are dropped once nothing more can be done with them."""

    name = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField()
    uploaded_by = acted_by(_("uploaded by"))
    status = models.CharField(
        _("status"), max_length=20, choices=UploadStatus.choices, default=UploadStatus.CHECKING
    )
    # Bytes of the file read so far, of all (the reader's progress, written as it goes).
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    # [type, created, updated, unchanged] per record type, in the reader's order (a list: jsonb sorts keys).
    counts = models.JSONField(default=list)
    # The reader's messages, each naming file, line and key, as text and parameters (`Message.as_json()`)
    # to translate when the page shows them.
    errors = models.JSONField(default=list)
    # NewestFirst's field, with the name the upload list shows.
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CatalogueUploadQuerySet.as_manager()

    class Meta(NewestFirst.Meta):
        verbose_name = _("catalogue upload")
        verbose_name_plural = _("catalogue uploads")
        indexes = [
            # The clean-up: uploads made more than a day ago.
            models.Index(fields=["created_at"], name="catalogue_upload_age_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def working(self) -> bool:
        """Whether a task is (or will be) working on it: its page refreshes itself meanwhile."""
        return self.status in (UploadStatus.CHECKING, UploadStatus.IMPORTING)

    @property
    def changes(self) -> bool:
        """Whether importing it would change (or changed) the catalogue."""
        return any(created or updated for _name, created, updated, _unchanged in self.counts)

    @property
    def percent_read(self) -> int:
        return self.done * 100 // self.total if self.total else 0
