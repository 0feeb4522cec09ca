"""The page tree: each page type may live only where the catalogue's structure says."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from catalog.models import (
    Course,
    CourseLibraryPage,
    Institution,
    InstitutionIndexPage,
    Outcome,
    OutcomeIndexPage,
)
from portal.models import HomePage


class PageTreeTests(WagtailPageTestCase):
    def test_home_holds_the_three_catalogue_indexes(self):
        self.assertAllowedSubpageTypes(HomePage, {InstitutionIndexPage, CourseLibraryPage, OutcomeIndexPage})
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_institutions_live_under_the_directory_and_hold_courses(self):
        self.assertAllowedParentPageTypes(Institution, {InstitutionIndexPage})
        self.assertAllowedSubpageTypes(Institution, {Course})
        self.assertCanNotCreateAt(HomePage, Institution)
        self.assertCanNotCreateAt(OutcomeIndexPage, Institution)

    def test_courses_live_only_under_an_institution(self):
        self.assertAllowedParentPageTypes(Course, {Institution})
        self.assertAllowedSubpageTypes(Course, set())
        self.assertCanNotCreateAt(CourseLibraryPage, Course)

    def test_outcomes_live_only_in_the_showcase(self):
        self.assertAllowedParentPageTypes(Outcome, {OutcomeIndexPage})
        self.assertCanCreateAt(OutcomeIndexPage, Outcome)
        self.assertCanNotCreateAt(InstitutionIndexPage, Outcome)

    def test_the_site_tree_exists_after_migrating(self):
        home = HomePage.objects.get()
        children = {type(page) for page in home.get_children().specific()}
        self.assertEqual(children, {InstitutionIndexPage, CourseLibraryPage, OutcomeIndexPage})
        # Each index page is unique, so no second directory can be added.
        self.assertFalse(InstitutionIndexPage.can_create_at(home))
