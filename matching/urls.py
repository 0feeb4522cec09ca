from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("demands/", views.DemandListView.as_view(), name="demand-list"),
    path("demands/<slug:external_id>/", views.DemandDetailView.as_view(), name="demand-detail"),
    path("find/", views.find_institutions, name="find-institutions"),
]
