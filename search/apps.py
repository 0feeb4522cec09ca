from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Matching engines")

    def ready(self):
        from search import signals  # noqa: F401 - keeps the index current on every save
        from search.text_search import register

        register()
