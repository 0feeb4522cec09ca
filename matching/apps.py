from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Demand board")

    def ready(self):
        from matching import exchange  # noqa: F401 - registers the demand record type with the catalogue
