"""The demand board (published training demand, filtered and paginated, each with its matches) and the
"find institutions" search."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.generic import DetailView
from django_filters.views import FilterView

from matching.filters import DemandFilter
from matching.forms import FindInstitutionsForm
from matching.models import Demand
from matching.presenters import present_matches
from search.ranking import rank

MATCHES_SHOWN = 10


class DemandListView(FilterView):
    filterset_class = DemandFilter
    template_name = "matching/demand_list.html"
    paginate_by = 12

    def get_queryset(self):
        return (
            Demand.objects.visible_to(self.request.user)
            .select_related("organizing_unit")
            .prefetch_related("fields", "destinations")
        )


class DemandDetailView(DetailView):
    template_name = "matching/demand_detail.html"
    context_object_name = "demand"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Demand.objects.visible_to(self.request.user), external_id=self.kwargs["external_id"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matches = rank(self.object.as_record(), top=MATCHES_SHOWN, language=get_language())
        context["matches"] = present_matches(matches)
        return context


def find_institutions(request):
    """Ranks institutions for what the person typed; the search lives in the URL so it can be shared."""
    form = FindInstitutionsForm(request.GET or None)
    matches = None
    if form.is_valid():
        matches = present_matches(rank(form.as_demand(), top=MATCHES_SHOWN, language=get_language()))
    return render(request, "matching/find_institutions.html", {"form": form, "matches": matches})
