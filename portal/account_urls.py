"""The portal's own account pages: each role's dashboard, organizing-unit membership, and institution staff
with their invitations."""

from django.urls import path

from catalog import views_staff
from portal import office_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("unit/join/", views.join_unit, name="unit-join"),
    path("unit/members/<id:pk>/confirm/", views.confirm_member, name="unit-member-confirm"),
    path("unit/members/<id:pk>/decline/", views.decline_member, name="unit-member-decline"),
    path("institution/staff/", views_staff.institution_staff, name="staff-invitations"),
    path("institution/staff/<id:pk>/remove/", views_staff.remove_staff, name="staff-remove"),
    path(
        "institution/invitations/<id:pk>/cancel/",
        views_staff.cancel_invitation,
        name="staff-invitation-cancel",
    ),
    path("invitations/<str:token>/", views_staff.accept_invitation, name="staff-invitation-accept"),
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
