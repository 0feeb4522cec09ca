"""Read rules of the catalogue: what the public may see, and the directory's text search."""

from __future__ import annotations

from django.db import models
from django.db.models import Avg, Count, Q
from wagtail.models import PageQuerySet

from catalog.text import query_terms


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
        """Every word of the query must occur in the institution's search text (both languages)."""
        result = self
        for term in query_terms(query):
            result = result.filter(search_text__icontains=term)
        return result

    def with_quality(self) -> InstitutionQuerySet:
        """Annotate the public record's mean overall rating (plain, as `quality.public_mean`) and the number
        of counted evaluations, for the directory's list and its sort."""
        rated = counted_evaluations("evaluations__")
        return self.annotate(
            rating_mean=Avg("evaluations__overall", filter=rated),
            rating_count=Count("evaluations", filter=rated),
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
