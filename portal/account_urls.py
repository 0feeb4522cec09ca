"""The portal's own account pages: each role's dashboard and invitations."""

from django.urls import path

from portal import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
