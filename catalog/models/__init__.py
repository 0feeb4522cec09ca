"""The catalogue: what exists. The field taxonomy and countries are snippets; institutions, their
courses and published training outcomes are Wagtail pages; evaluations are plain records.
Every key of the exchange format (shared EXCHANGE-FORMAT.md) has a home here.

One module per sub-domain; every model is importable from `catalog.models`, as the migrations
(`catalog.models.new_token`) and the other rooms expect. The vocabularies are in `catalog.choices`."""

# isort: off
# In the order the models were declared in one module, which Django keeps for its registry.
from catalog.models.taxonomy import Country, CountryStrength, Field
from catalog.models.pages import BilingualIndexPage
from catalog.models.institutions import (
    OFFICE_PERMISSION,
    Institution,
    InstitutionIndexPage,
    InstitutionSpecialty,
)
from catalog.models.courses import Course, CourseLibraryPage
from catalog.models.outcomes import Outcome, OutcomeDocument, OutcomeImage, OutcomeIndexPage
from catalog.models.evaluations import Evaluation
from catalog.models.staff import InstitutionStaff, StaffInvitation, new_token
from catalog.models.admission import QualityWatch, StatusChange
from catalog.models.uploads import CatalogueUpload
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
    "Evaluation",
    "Field",
    "Institution",
    "InstitutionIndexPage",
    "InstitutionSpecialty",
    "InstitutionStaff",
    "Outcome",
    "OutcomeDocument",
    "OutcomeImage",
    "OutcomeIndexPage",
    "QualityLabelRule",
    "QualityWatch",
    "StaffInvitation",
    "StatusChange",
    "new_token",
]
