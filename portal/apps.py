import PIL.Image
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_noop

# Django ends every form label with gettext(":") and its own Chinese catalogue keeps the ASCII colon; this
# marks the string for the portal's catalogue, which gives the full-width colon Chinese readers expect.
LABEL_SUFFIX = gettext_noop(":")


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from portal import signals  # noqa: F401  (connects the receivers)

        # Pillow warns above its limit and refuses twice as many pixels, wherever an image is opened
        # (renditions of what editors upload too): it gets the limit uploads are checked against.
        PIL.Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
