from django.urls import include, path

from matching.views import board

app_name = "matching"

urlpatterns = [
    path("demands/", board.DemandListView.as_view(), name="demand-list"),
    path("find/", board.find_institutions, name="find-institutions"),
    # Editing demands, publishing them, expert reviews.
    path("", include("matching.demand_urls")),
    # Inquiries, proposals, notifications, reverse matching.
    path("", include("matching.negotiation_urls")),
    path("", include("matching.statistics_urls")),
    path("", include("matching.training_urls")),
    path("", include("matching.outcome_urls")),
    # The project library, annual plans, their review up the chain and the office's planning pages.
    path("", include("matching.planning_urls")),
    path("demands/<slug:external_id>/", board.DemandDetailView.as_view(), name="demand-detail"),
]
