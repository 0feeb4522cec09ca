"""Read rules of the catalogue: what the public may see, and the text search the search room registers
(search/text_search.py, through catalog/filters.py: TEXT_SEARCH)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import PageQuerySet


def counted_evaluations(path: str = "") -> Q:
    """The evaluations that make an institution's quality record, its statistics and its rank: organizing
    units rating institutions, once unsealed (both sides answered, or the window closed). `path` leads from
    the model queried to the evaluations (`"evaluations__"` from an institution)."""
    return Q(**{f"{path}direction": "unit_to_institution", f"{path}sealed_until__isnull": True})


def public_institutions(path: str = "") -> Q:
    """Institutions anyone may find: admitted (suspended and withdrawn ones never appear in lists, search
    or matching) and published. `path` leads from the model queried to the institution."""
    return Q(**{f"{path}status": "active", f"{path}live": True})


class InstitutionQuerySet(PageQuerySet):
    def active(self) -> InstitutionQuerySet:
        """Admitted institutions, published or not."""
        return self.filter(status="active")

    def public(self) -> InstitutionQuerySet:
        return self.filter(public_institutions())

    def search(self, query: str) -> InstitutionQuerySet:
        """The institutions (of any status) the portal's one text search finds for `query`, in both
        languages (search/text_search.py); all of them when nothing searchable was typed."""
        from catalog.filters import TEXT_SEARCH

        found = TEXT_SEARCH["institutions-all"](query)
        return self if found is None else self.filter(pk__in=found)

    def with_quality(self) -> InstitutionQuerySet:
        """Annotate the public record's mean overall rating (plain, as `quality.public_mean`) and the number
        of counted evaluations, for the directory's list and its sort."""
        rated = counted_evaluations("evaluations__")
        return self.annotate(
            rating_mean=Avg("evaluations__overall", filter=rated),
            rating_count=Count("evaluations", filter=rated),
        )

    def with_quality_label(self, rule=None) -> InstitutionQuerySet:
        """Annotate `quality_label` (does the institution hold the label now, by the office's rule), with
        `label_count` and `label_mean`, the period's counted evaluations and smoothed mean it rests on.
        Computed by correlated subqueries, not aggregates, so the directory can filter and count by it."""
        from catalog.models import Evaluation, QualityLabelRule
        from catalog.quality import LABEL_BLOCKERS, catalogue_mean_expression, label_mean_expression

        rule = rule or QualityLabelRule.load()
        since = timezone.localdate() - datetime.timedelta(days=round(365.25 * rule.recent_years))
        period = (
            Evaluation.objects.filter(counted_evaluations(), institution=OuterRef("pk"), date__gte=since)
            .order_by()
            .values("institution")
        )
        queryset = self.annotate(
            label_count=Coalesce(Subquery(period.annotate(n=Count("pk")).values("n")[:1]), 0),
            label_total=Coalesce(
                Subquery(period.annotate(total=Sum("overall")).values("total")[:1]),
                Value(0.0),
                output_field=FloatField(),
            ),
        )
        # The catalogue mean as a subquery: a page whose list is cached never averages the evaluations.
        mean = label_mean_expression(F("label_total"), F("label_count"), catalogue_mean_expression())
        queryset = queryset.annotate(label_mean=mean)
        if not rule.enabled:
            return queryset.annotate(quality_label=Value(False, output_field=BooleanField()))
        earned = Q(status="active", label_count__gte=rule.min_evaluations, label_mean__gte=rule.min_mean)
        for blocker in LABEL_BLOCKERS:
            earned &= ~blocker(rule)
        return queryset.annotate(
            quality_label=Case(
                When(earned, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )


class CourseQuerySet(PageQuerySet):
    def public(self) -> CourseQuerySet:
        """Live courses of admitted, live institutions."""
        return self.live().filter(public_institutions("provider__"))


class OutcomeQuerySet(PageQuerySet):
    def public(self) -> OutcomeQuerySet:
        return self.live()


class EvaluationQuerySet(models.QuerySet):
    def counted(self) -> EvaluationQuerySet:
        return self.filter(counted_evaluations())


class StaffInvitationQuerySet(models.QuerySet):
    def open(self) -> StaffInvitationQuerySet:
        """Invitations still waiting for an answer: neither accepted nor cancelled."""
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)


class CatalogueUploadQuerySet(models.QuerySet):
    def without_file(self) -> CatalogueUploadQuerySet:
        """Uploads as pages show them: the file's bytes (up to 100 MB) are read only by the tasks."""
        return self.defer("data")
