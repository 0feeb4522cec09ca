"""URLs for the office's statistics (names in the `matching` namespace)."""

from django.urls import path

from matching.views import statistics

urlpatterns = [
    path("office/statistics/", statistics.statistics, name="statistics"),
]
