"""URLs for editing demands, publishing them and expert reviews (names in the `matching` namespace).
Included before the demand page's `demands/<external_id>/`, so `new`, `check` and `mine` are ours."""

from django.urls import path

from matching.views import board, demands, reviews

urlpatterns = [
    path("demands/new/", demands.demand_create, name="demand-create"),
    path("demands/check/", demands.demand_check, name="demand-check"),
    path("demands/mine/", board.MyDemandsView.as_view(), name="demand-mine"),
    path("demands/<slug:external_id>/edit/", demands.demand_edit, name="demand-edit"),
    path("demands/<slug:external_id>/publish/", demands.demand_publish, name="demand-publish"),
    path("demands/<slug:external_id>/withdraw/", demands.demand_withdraw, name="demand-withdraw"),
    path("demands/<slug:external_id>/reviews/invite/", reviews.review_invite, name="review-invite"),
    path(
        "demands/<slug:external_id>/reviews/<id:pk>/cancel/",
        reviews.review_cancel,
        name="review-cancel",
    ),
    path("reviews/<str:token>/", reviews.review_sign, name="review-sign"),
]
