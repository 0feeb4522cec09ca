from django.apps import AppConfig
from django.utils.translation import gettext_noop

# Django ends every form label with gettext(":") and its own Chinese catalogue keeps the ASCII colon; this
# marks the string for the portal's catalogue, which gives the full-width colon Chinese readers expect.
LABEL_SUFFIX = gettext_noop(":")


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from portal import signals  # noqa: F401  (connects the receivers)
