"""URLs of the catalogue room on the site: institution staff with their invitations, the office's admission
and exit of institutions with its quality watch, and the open data downloads. Names stay global
(`staff-invitations`, `office-institutions`), as the account pages have always been named."""

from django.urls import path

from catalog.views import office, open_data, quality_label, staff

urlpatterns = [
    path("institution/staff/", staff.institution_staff, name="staff-invitations"),
    path("institution/staff/<id:pk>/remove/", staff.remove_staff, name="staff-remove"),
    path("institution/invitations/<id:pk>/cancel/", staff.cancel_invitation, name="staff-invitation-cancel"),
    path("invitations/<str:token>/", staff.accept_invitation, name="staff-invitation-accept"),
    path("office/institutions/", office.institutions, name="office-institutions"),
    path("office/quality/", office.quality_watch, name="office-quality"),
    path("office/institutions/<id:pk>/status/", office.institution_status, name="office-institution-status"),
    path("quality-label/", quality_label.rule, name="quality-label"),
    path("open-data/", open_data.page, name="open-data"),
    path("open-data/catalogue.jsonl", open_data.catalogue_jsonl, name="open-data-jsonl"),
    path("open-data/<slug:name>.csv", open_data.catalogue_csv, name="open-data-csv"),
]
