"""Foreign training institutions (境外培训机构) as Wagtail pages, their specialties and the directory."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page, PageManager

from catalog.choices import InstitutionKind, InstitutionStatus
from catalog.fields import WordListField, is_web_address, validate_web_address
from catalog.forms import CataloguePageForm
from catalog.models.pages import BilingualIndexPage, ExchangedPage
from catalog.models.taxonomy import Country, Field
from catalog.quality import QualityRecord, quality_record
from catalog.querysets import InstitutionQuerySet
from catalog.text import bilingual

# Granted to the office reviewers' group (and held by site admins), never to institution staff: the fields
# behind it (an institution's status, cooperation, a course's premium mark) are the office's decisions.
OFFICE_PERMISSION = "catalog.change_institution"


class InstitutionIndexPage(BilingualIndexPage):
    """The institution directory: facets, text search, sorting and pagination."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["catalog.Institution"]
    max_count = 1

    filterset_class = "catalog.filters.InstitutionFilter"

    class Meta:
        verbose_name = _("institution directory")

    def listed(self):
        return Institution.objects.public().with_quality().with_quality_label().select_related("country")


class Institution(ExchangedPage, Page):
    """A foreign training institution (境外培训机构); staff keep its profile, the office sets its status."""

    external_id = models.SlugField(_("external id"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=255)
    name_zh = models.CharField(_("name (Chinese)"), max_length=255, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="institutions"
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    kind = models.CharField(
        _("kind"), max_length=40, choices=InstitutionKind.choices, default=InstitutionKind.UNIVERSITY
    )
    cooperating = models.BooleanField(
        _("cooperating institution"),
        default=False,
        help_text=_("Has a cooperation agreement with the ministry (与科技部引智司建立合作关系)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=InstitutionStatus.choices, default=InstitutionStatus.ACTIVE
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    languages = WordListField(_("teaching languages"), help_text=_("Language codes, e.g. en, de."))
    website = models.URLField(_("website"), max_length=300, blank=True, validators=[validate_web_address])
    contact_email = models.EmailField(_("contact email"), blank=True)
    max_group_size = models.PositiveIntegerField(_("largest group"), null=True, blank=True)

    base_form_class = CataloguePageForm
    objects = PageManager.from_queryset(InstitutionQuerySet)()

    name = bilingual("name")
    description = bilingual("description")

    parent_page_types = ["catalog.InstitutionIndexPage"]
    subpage_types = ["catalog.Course"]

    content_panels = [
        FieldRowPanel([FieldPanel("name_en"), FieldPanel("name_zh")]),
        FieldRowPanel([FieldPanel("country"), FieldPanel("city"), FieldPanel("kind")]),
        FieldPanel("description_zh"),
        FieldPanel("description_en"),
        InlinePanel("specialties", heading=_("Specialties"), label=_("specialty")),
        MultiFieldPanel(
            [
                FieldPanel("languages"),
                FieldPanel("website"),
                FieldPanel("contact_email"),
                FieldPanel("max_group_size"),
            ],
            heading=_("Contact and groups"),
        ),
    ]
    settings_panels = Page.settings_panels + [
        # The office's decisions: institution staff (who lack this permission) do not see these fields.
        MultiFieldPanel(
            [
                FieldPanel("external_id", permission=OFFICE_PERMISSION),
                FieldPanel("status", permission=OFFICE_PERMISSION),
                FieldPanel("cooperating", permission=OFFICE_PERMISSION),
            ],
            heading=_("Administering office"),
        ),
    ]

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        indexes = [
            # The office's statistics count institutions by status from this index alone (the rows carry
            # long descriptions: scanning them took 50 ms at 10,000 institutions).
            models.Index(fields=["status"], name="institution_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_admitted(self) -> bool:
        return self.status == InstitutionStatus.ACTIVE

    @property
    def website_link(self) -> str:
        """The website as a link target: only an http or https address, whatever an old row may hold."""
        return self.website if is_web_address(self.website) else ""

    def page_title(self) -> str:
        return self.name_en

    def holds_quality_label(self) -> bool:
        """Does it hold the quality label now, by the office's rule (catalog/models/label.py)?"""
        held = (
            Institution.objects.filter(pk=self.pk)
            .with_quality_label()
            .values_list("quality_label", flat=True)
        )
        return bool(held.first())

    def quality_record(self) -> QualityRecord:
        """What organizing units said of it: mean per dimension, number of evaluations, yearly trend."""
        return quality_record(self.evaluations.counted().values_list("overall", "scores", "date"))

    def get_context(self, request, *args, **kwargs):
        # Courses and outcomes point to institutions, so their modules import this one, not the reverse.
        from catalog.models.courses import Course
        from catalog.models.outcomes import Outcome

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = Course.objects.public().child_of(self).order_by("-premium", "title")
        # Lazy, like the querysets beside it: a cached fragment of the page needs none of them.
        context["quality"] = SimpleLazyObject(self.quality_record)
        context["specialties"] = self.specialties.select_related("field").order_by("-weight")
        context["outcomes"] = Outcome.objects.public().filter(institutions=self).order_by("-year")[:6]
        return context


class InstitutionSpecialty(Orderable):
    """A field the institution is good at, weighted from 0 to 1 (机构特长)."""

    institution = ParentalKey(Institution, on_delete=models.CASCADE, related_name="specialties")
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(
        _("weight"), default=1.0, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )

    panels = [FieldRowPanel([FieldPanel("field"), FieldPanel("weight")])]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["institution", "field"], name="unique_specialty")]

    def __str__(self) -> str:
        return f"{self.field.code} {self.weight}"
