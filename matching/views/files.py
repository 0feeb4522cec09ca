"""Private files: the images (and their renditions) of outcomes not yet published, and uploads waiting for
an outcome, served to those who may see them. They are kept outside MEDIA_ROOT (matching.storage), so this
view is the only way to them; Wagtail's document view asks the same question (matching.wagtail_hooks)."""

from __future__ import annotations

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from wagtail.images import get_image_model

from matching.services.outcomes import may_see_file
from matching.storage import is_private


def private_file(request: HttpRequest, name: str) -> FileResponse:
    """Not found for anyone who may not see the file, so that its existence is not told either."""
    image = None
    if is_private(name):
        images = get_image_model().objects.select_related("collection")
        image = images.filter(file=name).first() or images.filter(renditions__file=name).first()
    if image is None or not may_see_file(request.user, image) or not default_storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name), content_type=content_type)
    response["Cache-Control"] = "private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
