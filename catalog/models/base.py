"""What models of every room share."""

from __future__ import annotations

from django.db import models


class NewestFirst(models.Model):
    """A record read in a list newest first: catalogue uploads, alerts, their hits, notifications, the
    office's queue of reports. Records made in the same instant are listed in the reverse of the order they
    were made in."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
