"""The demand board: published training demand, filtered and paginated, and each demand's page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_filters.views import FilterView

from matching.filters import DemandFilter
from matching.models import Demand


class DemandListView(FilterView):
    filterset_class = DemandFilter
    template_name = "matching/demand_list.html"
    paginate_by = 12

    def get_queryset(self):
        return (Demand.objects.visible_to(self.request.user).select_related("organizing_unit")
                .prefetch_related("fields", "destinations"))


class DemandDetailView(DetailView):
    template_name = "matching/demand_detail.html"
    context_object_name = "demand"

    def get_object(self, queryset=None):
        return get_object_or_404(Demand.objects.visible_to(self.request.user), external_id=self.kwargs["external_id"])
