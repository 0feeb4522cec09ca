"""The unread-notification count every page's header shows."""

from __future__ import annotations

from matching.models import Notification


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": Notification.objects.filter(user=user).unread().count()}
