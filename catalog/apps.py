from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from django.urls import register_converter

        from catalog.numbers import IdConverter

        # Before any URLconf is read: every app's patterns take ids as `<id:pk>`.
        register_converter(IdConverter, "id")

        from catalog import signals  # noqa: F401  (connects the receivers)
