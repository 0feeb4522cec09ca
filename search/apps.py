from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "matchsearch"
    verbose_name = "Matching engines"
