"""The portal's own account pages: each role's dashboard, organizing-unit membership, and the office's
admission of institutions."""

from django.urls import path

from portal import office_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("unit/join/", views.join_unit, name="unit-join"),
    path("unit/members/<id:pk>/confirm/", views.confirm_member, name="unit-member-confirm"),
    path("unit/members/<id:pk>/decline/", views.decline_member, name="unit-member-decline"),
]

urlpatterns += [
    path("office/institutions/", office_views.institutions, name="office-institutions"),
    path("office/quality/", office_views.quality_watch, name="office-quality"),
    path(
        "office/institutions/<id:pk>/status/",
        office_views.institution_status,
        name="office-institution-status",
    ),
]
