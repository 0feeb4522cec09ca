from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Demand board")

    def ready(self):
        # exchange registers the demand record type with the catalogue; signals mark the negotiations of an
        # institution that leaves.
        from matching import exchange, signals  # noqa: F401
