"""URLs of the catalogue room on the site: institution staff with their invitations. Names stay global
(`staff-invitations`), as the account pages have always been named."""

from django.urls import path

from catalog.views import staff

urlpatterns = [
    path("institution/staff/", staff.institution_staff, name="staff-invitations"),
    path("institution/staff/<id:pk>/remove/", staff.remove_staff, name="staff-remove"),
    path("institution/invitations/<id:pk>/cancel/", staff.cancel_invitation, name="staff-invitation-cancel"),
    path("invitations/<str:token>/", staff.accept_invitation, name="staff-invitation-accept"),
]
