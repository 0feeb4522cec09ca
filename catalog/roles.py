"""Who is who: the roles every room can ask about without importing the portal. Office reviewers, the
foreign-affairs office and experts are Django groups; institution staff and organizing-unit members are
memberships kept with what they belong to (catalog.InstitutionStaff, matching.UnitMembership)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

OFFICE_REVIEWERS = "Office reviewers"
# The foreign-affairs office (外事主管部门): the last review of an annual plan before it is filed.
FOREIGN_AFFAIRS = "Foreign affairs office"
EXPERTS = "Experts"


def in_group(user, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_group_names", None)
    if cached is None:
        cached = user._group_names = set(user.groups.values_list("name", flat=True))
    return name in cached


def is_office(user) -> bool:
    """Office reviewers of the administering office (and site admins) see and moderate everything."""
    return bool(getattr(user, "is_superuser", False)) or in_group(user, OFFICE_REVIEWERS)


def office_required(view):
    """A view of the administering office: a visitor is sent to sign in, anyone else is refused (403)."""

    @login_required
    @wraps(view)
    def office_view(request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return office_view


def is_foreign_affairs(user) -> bool:
    """Reviewers of the foreign-affairs office: the last review before a plan is filed."""
    return in_group(user, FOREIGN_AFFAIRS)


def is_expert(user) -> bool:
    return in_group(user, EXPERTS)


def staff_institution(user):
    """The institution this person works for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "institution_staff", None)
    return membership.institution if membership else None
