"""In-site notifications: what happened that a person should look at; the header shows the unread count."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from catalog.models.base import NewestFirst


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(NewestFirst):
    """One line for one person, in both languages, with the page it is about."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text_zh = models.CharField(max_length=255)
    text_en = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta(NewestFirst.Meta):
        indexes = [
            # The unread count in the header, on every page.
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.text_en
