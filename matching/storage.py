"""Where uploaded files are kept. Files of outcomes not yet published (and uploads waiting for an outcome)
are kept under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, so that no web server serving /media/ can hand them
out; the portal serves them to those who may see them (matching.views.files). Everything else is under
MEDIA_ROOT as usual.

A file's name says where it is: its base name starts with PRIVATE_MARK. Wagtail names an image's renditions
after the original's base name, so they are kept privately with it."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils._os import safe_join

PRIVATE_MARK = "private_"


def is_private(name: str) -> bool:
    return os.path.basename(name).startswith(PRIVATE_MARK)


def private_name(name: str) -> str:
    """The name a file gets while it is kept privately (in the same folder)."""
    folder, base = os.path.split(public_name(name))
    return os.path.join(folder, PRIVATE_MARK + base)


def public_name(name: str) -> str:
    """The name a file gets when it is published: the one it was uploaded with."""
    folder, base = os.path.split(name)
    while base.startswith(PRIVATE_MARK):
        base = base[len(PRIVATE_MARK) :]
    return os.path.join(folder, base or "file")


def private_root() -> str:
    root, media = Path(settings.PRIVATE_MEDIA_ROOT).resolve(), Path(settings.MEDIA_ROOT).resolve()
    if root == media or media in root.parents:
        raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must be outside MEDIA_ROOT, which is served as it is.")
    return str(root)


class MediaStorage(FileSystemStorage):
    """The default storage: MEDIA_ROOT, except for private files (see the module)."""

    def path(self, name: str) -> str:
        if is_private(name):
            return safe_join(private_root(), name)
        return super().path(name)

    def _save(self, name: str, content) -> str:
        if is_private(name):
            # The name it returns is relative to the private root, as this storage's names are.
            return FileSystemStorage(location=private_root())._save(name, content)
        return super()._save(name, content)

    def url(self, name: str) -> str:
        if is_private(name):
            return reverse("private-file", kwargs={"name": name})
        return super().url(name)
