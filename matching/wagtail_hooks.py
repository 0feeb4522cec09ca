"""Wagtail's document view serves a private document (of an outcome not yet published) only to those who
may see it, as matching.views.files does for images."""

from __future__ import annotations

from django.http import Http404
from wagtail import hooks

from matching.services.outcomes import may_see_file


@hooks.register("before_serve_document")
def refuse_private_documents(document, request) -> None:
    if not may_see_file(request.user, document):
        raise Http404
