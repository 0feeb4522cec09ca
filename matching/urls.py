from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("", views.DemandListView.as_view(), name="demand-list"),
    path("<slug:external_id>/", views.DemandDetailView.as_view(), name="demand-detail"),
]
