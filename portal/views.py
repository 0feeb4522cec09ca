"""The portal's own pages: each role's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def dashboard(request):
    """What needs this person now, by role."""
    return render(request, "portal/dashboard.html", {})
