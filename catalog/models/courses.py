"""Courses institutions offer (child pages of their institution) and the premium course library."""

from __future__ import annotations

from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page, PageManager

from catalog.choices import Delivery
from catalog.models.institutions import OFFICE_PERMISSION, Institution
from catalog.models.pages import BilingualIndexPage, TitledSummaryPage
from catalog.models.taxonomy import Field
from catalog.querysets import CourseQuerySet


class Course(TitledSummaryPage):
    """A course an institution offers; premium courses form the course library (精品课程资源库)."""

    # The institution that offers it (its parent page), kept as a key for the library's queries.
    provider = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, related_name="courses", editable=False, null=True
    )
    fields = ParentalManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="courses")
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    language = models.CharField(_("teaching language"), max_length=20, blank=True)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices, blank=True)
    premium = models.BooleanField(_("premium course"), default=False)

    objects = PageManager.from_queryset(CourseQuerySet)()

    parent_page_types = ["catalog.Institution"]

    content_panels = [
        FieldRowPanel([FieldPanel("title_zh"), FieldPanel("title_en")]),
        FieldPanel("summary_zh"),
        FieldPanel("summary_en"),
        FieldPanel("fields"),
        FieldRowPanel([FieldPanel("days"), FieldPanel("language"), FieldPanel("delivery")]),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [FieldPanel("external_id"), FieldPanel("premium", permission=OFFICE_PERMISSION)],
            heading=_("Administering office"),
        ),
    ]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def page_title(self) -> str:
        return self.title_en or self.title_zh

    def save(self, *args, **kwargs):
        if self.provider_id is None and self.depth:
            self.provider = self.get_parent().specific
        super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: only the page's fragment reads it, when the cache does not hold it.
        context["institution"] = SimpleLazyObject(lambda: self.provider)
        return context


class CourseLibraryPage(BilingualIndexPage):
    """The premium course library: premium courses of all admitted institutions."""

    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    filterset_class = "catalog.filters.CourseFilter"

    class Meta:
        verbose_name = _("course library")

    def listed(self):
        return Course.objects.public().filter(premium=True).select_related("provider__country")
