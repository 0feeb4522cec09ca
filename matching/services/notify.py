"""Tells a person that something needs them: an in-site notification and an email, in both languages,
each text with the link to its page in that language. The email is queued with the transaction
(catalog.tasks), so a rolled-back change sends nothing and a mail server that is down loses nothing."""

from __future__ import annotations

from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from catalog.tasks import email
from matching.models import Notification


def notify(user, *, text_zh: str, text_en: str, url: str) -> Notification:
    """Notify a registered person in the site and by email."""
    notification = Notification.objects.create(user=user, text_zh=text_zh, text_en=text_en, url=url)
    if user.email:
        email_someone(user.email, text_zh=text_zh, text_en=text_en, url=url)
    return notification


def email_someone(address: str, *, text_zh: str, text_en: str, url: str) -> None:
    """Email a person who may not have an account yet (an invitation)."""
    link_zh, link_en = absolute(in_language(url, "zh-hans")), absolute(in_language(url, "en"))
    body = f"{text_zh}\n{link_zh}\n\n{text_en}\n{link_en}\n"
    email(text_en, body, [address])


def absolute(url: str) -> str:
    """A link for an email: the public site's address (PORTAL_BASE_URL), not the admin's."""
    return url if url.startswith("http") else f"{settings.PORTAL_BASE_URL.rstrip('/')}{url}"


def in_language(url: str, language: str) -> str:
    """A stored address in the given language (notifications keep it in the language of the moment)."""
    for code, _name in settings.LANGUAGES:
        if url.startswith(f"/{code}/"):
            with translation.override(code):
                return translate_url(url, language)
    return url
