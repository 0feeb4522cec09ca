"""The portal's own account pages: each role's dashboard and organizing-unit membership."""

from django.urls import path

from portal import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("unit/join/", views.join_unit, name="unit-join"),
    path("unit/members/<id:pk>/confirm/", views.confirm_member, name="unit-member-confirm"),
    path("unit/members/<id:pk>/decline/", views.decline_member, name="unit-member-decline"),
]
