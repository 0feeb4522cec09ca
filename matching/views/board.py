"""The demand board (the training demand a reader may see, filtered and paginated, each with its matches and
policy findings), the unit's own demands, and the "find institutions" search."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.generic import DetailView
from django_filters.views import FilterView

from catalog.roles import is_office, staff_institution
from catalog.text import reader_is_chinese
from matching.choices import DemandStatus
from matching.filters import DemandFilter
from matching.forms.demands import FindInstitutionsForm, shown_finding
from matching.models import Demand, member_unit
from matching.presenters import present_matches
from matching.rules import WARNING, check
from matching.services.demands import blockers
from matching.views.negotiation import negotiation_context
from search.gloss import gloss
from search.ranking import rank

MATCHES_SHOWN = 10


class DemandListView(FilterView):
    filterset_class = DemandFilter
    template_name = "matching/demand_list.html"
    paginate_by = 12

    def demands(self):
        """The demands listed, before the filters."""
        return Demand.objects.visible_to(self.request.user)

    def get_queryset(self):
        return self.demands().select_related("organizing_unit").prefetch_related("fields", "destinations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unit"] = member_unit(self.request.user)
        return context


class MyDemandsView(LoginRequiredMixin, DemandListView):
    """The reader's own unit's demands, drafts and withdrawn ones included."""

    def demands(self):
        return Demand.objects.editable_by(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mine"] = True
        membership = getattr(self.request.user, "unit_membership", None)
        context["pending_unit"] = membership.unit if membership and not context["unit"] else None
        return context


class DemandDetailView(DetailView):
    template_name = "matching/demand_detail.html"
    context_object_name = "demand"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Demand.objects.visible_to(self.request.user)
            .select_related("organizing_unit")
            .prefetch_related("fields", "destinations", "institutions"),
            external_id=self.kwargs["external_id"],
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if request.user.is_authenticated:
                raise
            # A link to a demand only members may read: signing in may open it. Any demand the visitor
            # may not see is answered so, existing or not, so the answer tells nothing of it.
            return redirect_to_login(request.get_full_path())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        demand, user = self.object, self.request.user
        record = demand.as_record()
        matches = rank(record, top=MATCHES_SHOWN, language=get_language())
        context["matches"] = present_matches(matches)
        can_edit = Demand.objects.editable_by(user).filter(pk=demand.pk).exists()
        # The unit and the office read the justifications and the pending invitations; others the verdicts.
        insider = can_edit or is_office(user)
        findings = check(record)
        shown = [shown_finding(finding) for finding in findings]
        if insider:
            for finding in shown:
                if finding["severity"] == WARNING:
                    finding["justification"] = demand.justifications.get(finding["rule"], "")
        reviews = list(demand.reviews.all())
        context.update(
            can_edit=can_edit,
            insider=insider,
            findings=shown,
            blocked=blockers(findings, demand.justifications),
            signed_reviews=[review for review in reviews if review.is_signed],
            pending_reviews=[review for review in reviews if review.is_open] if insider else [],
            can_publish=can_edit and demand.status != DemandStatus.PUBLISHED,
            can_withdraw=can_edit and demand.status == DemandStatus.PUBLISHED,
        )
        # Who may contact the matched institutions, and the demand's inquiries (the negotiation pages').
        context.update(negotiation_context(demand, user))
        context["glossary"] = glossary_for(demand, user)
        return context


def glossary_for(demand: Demand, user) -> list:
    """A glossary of the demand's key terms for foreign readers (the English site, institution staff) when
    the unit wrote no English title or summary; nothing otherwise."""
    if demand.title_en or demand.summary_en:
        return []
    if reader_is_chinese() and staff_institution(user) is None:
        return []
    return gloss(demand.title, demand.topic, demand.content)


def find_institutions(request):
    """Ranks institutions for what the person typed; the search lives in the URL so it can be shared."""
    form = FindInstitutionsForm(request.GET or None)
    matches = None
    if form.is_valid():
        matches = present_matches(rank(form.record(), top=MATCHES_SHOWN, language=get_language()))
    return render(request, "matching/find_institutions.html", {"form": form, "matches": matches})
