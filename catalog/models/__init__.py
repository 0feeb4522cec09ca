"""The catalogue: what exists. The field taxonomy and countries are snippets; institutions, their
courses and published training outcomes are Wagtail pages; evaluations are plain records.
Every key of the exchange format (shared EXCHANGE-FORMAT.md) has a home here.

One module per sub-domain; every name is importable from `catalog.models`, as the migrations
(`catalog.models.new_token`) and the other rooms expect."""

# isort: off
# In the order the models were declared in one module, which Django keeps for its registry.
from catalog.models.taxonomy import Country, CountryStrength, Field, Region
from catalog.models.pages import BilingualIndexPage
from catalog.models.institutions import (
    OFFICE_PERMISSION,
    Institution,
    InstitutionIndexPage,
    InstitutionKind,
    InstitutionSpecialty,
    InstitutionStatus,
)
from catalog.models.courses import Course, CourseLibraryPage, Delivery
from catalog.models.outcomes import Outcome, OutcomeDocument, OutcomeImage, OutcomeIndexPage
from catalog.models.evaluations import Evaluation, EvaluationDirection
from catalog.models.staff import InstitutionStaff, StaffInvitation, new_token
from catalog.models.admission import QualityWatch, StatusChange
from catalog.models.uploads import CatalogueUpload, UploadStatus
from catalog.models.label import QualityLabelRule
# isort: on

__all__ = [
    "OFFICE_PERMISSION",
    "BilingualIndexPage",
    "CatalogueUpload",
    "Country",
    "CountryStrength",
    "Course",
    "CourseLibraryPage",
    "Delivery",
    "Evaluation",
    "EvaluationDirection",
    "Field",
    "Institution",
    "InstitutionIndexPage",
    "InstitutionKind",
    "InstitutionSpecialty",
    "InstitutionStaff",
    "InstitutionStatus",
    "Outcome",
    "OutcomeDocument",
    "OutcomeImage",
    "OutcomeIndexPage",
    "QualityLabelRule",
    "QualityWatch",
    "Region",
    "StaffInvitation",
    "StatusChange",
    "UploadStatus",
    "new_token",
]
