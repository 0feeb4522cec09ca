from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from search.api import MatchView, SuggestView

app_name = "api"

urlpatterns = [
    path("match", MatchView.as_view(), name="match"),
    path("suggest", SuggestView.as_view(), name="suggest"),
    path("schema", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path(
        "docs",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="search/redoc.html"),
        name="docs",
    ),
]
