"""URLs of organizing-unit membership: joining a unit and deciding on a colleague who asked to. Included by
portal.urls outside the `matching` namespace: the names stay global (`unit-join`), as they always were."""

from django.urls import path

from matching.views import units

urlpatterns = [
    path("unit/join/", units.join_unit, name="unit-join"),
    path("unit/members/<id:pk>/confirm/", units.confirm_member, name="unit-member-confirm"),
    path("unit/members/<id:pk>/decline/", units.decline_member, name="unit-member-decline"),
]
