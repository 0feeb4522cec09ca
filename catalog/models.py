"""The catalogue: what exists. The field taxonomy and countries are snippets; institutions, their
courses and published training outcomes are Wagtail pages; evaluations are plain records.
Every key of the exchange format (shared EXCHANGE-FORMAT.md) has a home here."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable, Page, PageManager

from catalog.fields import WordListField, is_web_address, validate_web_address
from catalog.forms import CataloguePageForm
from catalog.quality import QualityRecord, quality_record
from catalog.querysets import (
    CatalogueUploadQuerySet,
    CourseQuerySet,
    EvaluationQuerySet,
    InstitutionQuerySet,
    OutcomeQuerySet,
    StaffInvitationQuerySet,
)
from catalog.text import bilingual, pick_language

PAGE_SIZE = 12


def new_token() -> str:
    """An unguessable token for links sent by email."""
    return secrets.token_urlsafe(32)


class Field(models.Model):
    """A field of the taxonomy (优先支持的方向 and their sub-fields), with the words people use for it."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    synonyms = WordListField(
        _("synonyms"), help_text=_("Chinese and English words for this field, one per line.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent field"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    priority = models.PositiveSmallIntegerField(_("priority direction"), null=True, blank=True)
    central_only = models.BooleanField(
        _("central departments only"),
        default=False,
        help_text=_("Training in this field is applied for by the competent central department only."),
    )

    name = bilingual("name")

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("priority")]),
        FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
        FieldPanel("synonyms"),
        FieldRowPanel([FieldPanel("parent"), FieldPanel("central_only")]),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class Region(models.TextChoices):
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    NORTH_AMERICA = "north_america", _("North America")
    LATIN_AMERICA = "latin_america", _("Latin America")
    AFRICA = "africa", _("Africa")
    OCEANIA = "oceania", _("Oceania")


class Country(ClusterableModel):
    """A destination country or region, with the fields it is strong in (优势领域)."""

    code = models.CharField(_("code"), max_length=8, unique=True, help_text=_("ISO 3166 code, e.g. DE"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    asian_or_neighbouring = models.BooleanField(
        _("Asian or neighbouring"), default=False, help_text=_("Decides the 10-day or 14-day minimum stay.")
    )
    hotspot = models.BooleanField(_("hotspot country"), default=False)
    belt_and_road = models.BooleanField(_("Belt and Road"), default=False)

    name = bilingual("name")

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("region")]),
        FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
        FieldRowPanel(
            [FieldPanel("asian_or_neighbouring"), FieldPanel("hotspot"), FieldPanel("belt_and_road")]
        ),
        InlinePanel("strengths", heading=_("Strength fields"), label=_("strength")),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class CountryStrength(Orderable):
    """How strong a country is in a field, from 0 to 1."""

    country = ParentalKey(Country, on_delete=models.CASCADE, related_name="strengths")
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(_("weight"), validators=[MinValueValidator(0), MaxValueValidator(1)])

    panels = [FieldRowPanel([FieldPanel("field"), FieldPanel("weight")])]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["country", "field"], name="unique_country_strength")]

    def __str__(self) -> str:
        return f"{self.country.code} {self.field.code} {self.weight}"


# Granted to the office reviewers' group (and held by site admins), never to institution staff: the fields
# behind it (an institution's status, cooperation, a course's premium mark) are the office's decisions.
OFFICE_PERMISSION = "catalog.change_institution"


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    ENTERPRISE_RND = "enterprise_rnd", _("Enterprise R&D centre")
    TRAINING_PROVIDER = "training_provider", _("Training provider")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BilingualIndexPage(Page):
    """An index page with an introduction in both languages."""

    title_zh = models.CharField(_("title (Chinese)"), max_length=255, blank=True)
    intro_zh = models.TextField(_("introduction (Chinese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    intro = bilingual("intro")
    content_panels = Page.content_panels + [
        FieldPanel("title_zh"),
        FieldPanel("intro_zh"),
        FieldPanel("intro_en"),
    ]

    class Meta:
        abstract = True

    @property
    def heading(self) -> str:
        return pick_language(self.title_zh, self.title)

    @staticmethod
    def paginate(request, items, size: int = PAGE_SIZE):
        # Lazy: the template's cached fragment usually holds the page already, and counting is a query.
        return SimpleLazyObject(lambda: Paginator(items, size).get_page(request.GET.get("page")))


class InstitutionIndexPage(BilingualIndexPage):
    """The institution directory: facets, text search, sorting and pagination."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["catalog.Institution"]
    max_count = 1

    class Meta:
        verbose_name = _("institution directory")

    def get_context(self, request, *args, **kwargs):
        from catalog.filters import InstitutionFilter

        context = super().get_context(request, *args, **kwargs)
        directory = InstitutionFilter(
            request.GET, queryset=Institution.objects.public().with_quality(), request=request
        )
        context["filter"] = directory
        context["page_obj"] = self.paginate(request, directory.qs.select_related("country"))
        return context


class Institution(Page):
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
    # Names, texts, specialties and course titles in both languages, for the directory's search.
    search_text = models.TextField(editable=False, blank=True)

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

    def __str__(self) -> str:
        return self.name

    @property
    def is_admitted(self) -> bool:
        return self.status == InstitutionStatus.ACTIVE

    @property
    def website_link(self) -> str:
        """The website as a link target: only an http or https address, whatever an old row may hold."""
        return self.website if is_web_address(self.website) else ""

    def full_clean(self, *args, **kwargs):
        # The page title is the English name; set it before Wagtail derives the slug from it.
        self.title = self.name_en
        if not self.slug:
            self.slug = self.external_id
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.title = self.name_en
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_search_text(self, courses=None, specialty_fields=None) -> str:
        if specialty_fields is None:
            specialty_fields = [specialty.field for specialty in self.specialties.all()]
        if courses is None:
            courses = (
                Course.objects.filter(provider_id=self.pk).only("title_en", "title_zh") if self.pk else []
            )
        parts = [
            self.external_id,
            self.name_en,
            self.name_zh,
            self.city,
            self.description_en,
            self.description_zh,
            self.country.code,
            self.country.name_en,
            self.country.name_zh,
        ]
        for field in specialty_fields:
            parts += [field.name_en, field.name_zh, *field.synonyms]
        for course in courses:
            parts += [course.title_en, course.title_zh]
        return " ".join(part for part in parts if part).lower()

    def refresh_search_text(self) -> None:
        Institution.objects.filter(pk=self.pk).update(search_text=self.build_search_text())

    def quality_record(self) -> QualityRecord:
        """What organizing units said of it: mean per dimension, number of evaluations, yearly trend."""
        return quality_record(self.evaluations.counted().values_list("overall", "scores", "date"))

    def get_context(self, request, *args, **kwargs):
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


class Delivery(models.TextChoices):
    ON_SITE = "on-site", _("On site")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class Course(Page):
    """A course an institution offers; premium courses form the course library (精品课程资源库)."""

    external_id = models.SlugField(_("external id"), max_length=100, unique=True)
    # The institution that offers it (its parent page), kept as a key for the library's queries.
    provider = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, related_name="courses", editable=False, null=True
    )
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=255, blank=True)
    fields = ParentalManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="courses")
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    language = models.CharField(_("teaching language"), max_length=20, blank=True)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    premium = models.BooleanField(_("premium course"), default=False)

    base_form_class = CataloguePageForm
    objects = PageManager.from_queryset(CourseQuerySet)()

    name = bilingual("title")
    summary = bilingual("summary")

    parent_page_types = ["catalog.Institution"]
    subpage_types: list[str] = []

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

    def __str__(self) -> str:
        return self.name

    def full_clean(self, *args, **kwargs):
        self.title = self.title_en or self.title_zh
        if not self.slug:
            self.slug = self.external_id
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.title = self.title_en or self.title_zh
        if self.provider_id is None and self.depth:
            self.provider = self.get_parent().specific
        super().save(*args, **kwargs)
        if self.provider is not None:
            self.provider.refresh_search_text()

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

    class Meta:
        verbose_name = _("course library")

    def get_context(self, request, *args, **kwargs):
        from catalog.filters import CourseFilter

        context = super().get_context(request, *args, **kwargs)
        courses = Course.objects.public().filter(premium=True).select_related("provider__country")
        library = CourseFilter(request.GET, queryset=courses, request=request)
        context["filter"] = library
        context["page_obj"] = self.paginate(request, library.qs)
        return context


class OutcomeIndexPage(BilingualIndexPage):
    """The public showcase of training outcomes (培训成果)."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["catalog.Outcome"]
    max_count = 1

    class Meta:
        verbose_name = _("outcome showcase")

    def get_context(self, request, *args, **kwargs):
        from catalog.filters import OutcomeFilter

        context = super().get_context(request, *args, **kwargs)
        outcomes = (
            Outcome.objects.public()
            .select_related("country")
            .prefetch_related("fields", "images__image__renditions")
        )
        showcase = OutcomeFilter(request.GET, queryset=outcomes, request=request)
        context["filter"] = showcase
        context["page_obj"] = self.paginate(request, showcase.qs)
        return context


class Outcome(Page):
    """A published training outcome: what a group learned abroad and what it changed at home."""

    external_id = models.SlugField(_("external id"), max_length=100, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=255, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    organizing_unit = models.CharField(_("organizing unit"), max_length=255, blank=True)
    institutions = ParentalManyToManyField(
        Institution, verbose_name=_("institutions"), blank=True, related_name="outcomes"
    )
    fields = ParentalManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="outcomes")
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    economic_benefit = models.TextField(_("economic benefit"), blank=True)
    social_benefit = models.TextField(_("social benefit"), blank=True)

    base_form_class = CataloguePageForm
    objects = PageManager.from_queryset(OutcomeQuerySet)()

    name = bilingual("title")
    summary = bilingual("summary")

    parent_page_types = ["catalog.OutcomeIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        FieldRowPanel([FieldPanel("title_zh"), FieldPanel("title_en")]),
        FieldRowPanel([FieldPanel("organizing_unit"), FieldPanel("year"), FieldPanel("country")]),
        FieldPanel("institutions"),
        FieldPanel("fields"),
        FieldPanel("summary_zh"),
        FieldPanel("summary_en"),
        FieldRowPanel([FieldPanel("economic_benefit"), FieldPanel("social_benefit")]),
        InlinePanel("images", heading=_("Images"), label=_("image")),
        InlinePanel("documents", heading=_("Documents"), label=_("document")),
    ]
    settings_panels = Page.settings_panels + [FieldPanel("external_id")]

    class Meta:
        verbose_name = _("training outcome")
        verbose_name_plural = _("training outcomes")

    def __str__(self) -> str:
        return self.name

    @property
    def cover(self) -> OutcomeImage | None:
        """The first image, shown on the outcome's card in the showcase."""
        images = self.images.all()
        return images[0] if images else None

    def full_clean(self, *args, **kwargs):
        self.title = self.title_zh or self.title_en
        if not self.slug:
            self.slug = self.external_id
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.title = self.title_zh or self.title_en
        super().save(*args, **kwargs)


class OutcomeImage(Orderable):
    """A picture from the training or of what it changed at home, shown in the outcome's gallery."""

    outcome = ParentalKey(Outcome, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("outcome image")
        verbose_name_plural = _("outcome images")


class OutcomeDocument(Orderable):
    """A report, a presentation or a data sheet behind the outcome, offered for download."""

    outcome = ParentalKey(Outcome, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")


class EvaluationDirection(models.TextChoices):
    UNIT_TO_INSTITUTION = "unit_to_institution", _("Unit rates institution")
    INSTITUTION_TO_UNIT = "institution_to_unit", _("Institution rates unit")


class Evaluation(models.Model):
    """One side's evaluation after a training (双向评估); unit-to-institution ones make the quality record."""

    external_id = models.SlugField(_("external id"), max_length=100, unique=True)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="evaluations"
    )
    direction = models.CharField(_("direction"), max_length=30, choices=EvaluationDirection.choices)
    date = models.DateField(_("date"))
    overall = models.FloatField(_("overall"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    group_size = models.PositiveIntegerField(_("group size"), null=True, blank=True)
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # A two-way evaluation stays sealed, read by nobody else and counted nowhere, until the other side has
    # answered or until this day, when the evaluation window closes (matching.services.training unseals it).
    sealed_until = models.DateField(_("sealed until"), null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "external_id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [
            # The quality summary and the quality signal: one institution's evaluations of one direction.
            models.Index(fields=["institution", "direction", "date"], name="evaluation_quality_idx"),
            # The office's statistics and quality watch: counted evaluations by institution, read from the
            # index alone (mean and count per institution, in its order, from a date).
            models.Index(
                fields=["direction", "institution", "date", "overall"],
                condition=models.Q(sealed_until__isnull=True),
                name="evaluation_counted_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.institution_id}, {self.overall})"


class InstitutionStaff(models.Model):
    """A person who works for one institution and keeps its profile and courses up to date."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_staff"
    )
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="staff")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("institution staff member")
        verbose_name_plural = _("institution staff")

    def __str__(self) -> str:
        return f"{self.user} ({self.institution.external_id})"


class StaffInvitation(models.Model):
    """An invitation by email to join an institution's staff, sent by the office or a colleague."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="staff_invitations")
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = StaffInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff invitation")

    def __str__(self) -> str:
        return f"{self.email} → {self.institution.external_id}"


class StatusChange(models.Model):
    """One decision of the office on an institution's admission: from what, to what, why, by whom, when.
    The history is kept for the office; the reason is also emailed to the institution's staff."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=InstitutionStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=InstitutionStatus.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            # The office's history of one institution, newest first.
            models.Index(fields=["institution", "-changed_at"], name="status_change_history_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.institution.external_id}: {self.from_status} → {self.to_status}"


@register_setting(icon="warning")
class QualityWatch(BaseGenericSetting):
    """Where the office draws the line: institutions whose recent mean rating falls below the threshold
    are listed for its attention (admission and exit by quality)."""

    threshold = models.FloatField(
        _("threshold"),
        default=3.5,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Mean overall rating (1–5) below which an institution is listed."),
    )
    recent_years = models.PositiveSmallIntegerField(
        _("recent years"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Only evaluations of the last this many years count."),
    )

    class Meta:
        verbose_name = _("quality watch")


class UploadStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    PREVIEWED = "previewed", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")


class CatalogueUpload(models.Model):
    """A catalogue file the office uploaded in the admin, from its check (a dry run) to its import, both run
    by the task worker. The file waits here, in the database, so that every web server and the worker read
    the same bytes; they are dropped once nothing more can be done with them."""

    name = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=UploadStatus.choices, default=UploadStatus.CHECKING
    )
    # Bytes of the file read so far, of all (the reader's progress, written as it goes).
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    # [type, created, updated, unchanged] per record type, in the reader's order (a list: jsonb sorts keys).
    counts = models.JSONField(default=list)
    # The reader's messages, each naming file, line and key.
    errors = models.JSONField(default=list)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CatalogueUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("catalogue upload")
        verbose_name_plural = _("catalogue uploads")
        indexes = [
            # The clean-up: uploads made more than a day ago.
            models.Index(fields=["created_at"], name="catalogue_upload_age_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def working(self) -> bool:
        """Whether a task is (or will be) working on it: its page refreshes itself meanwhile."""
        return self.status in (UploadStatus.CHECKING, UploadStatus.IMPORTING)

    @property
    def changes(self) -> bool:
        """Whether importing it would change (or changed) the catalogue."""
        return any(created or updated for _name, created, updated, _unchanged in self.counts)

    @property
    def percent_read(self) -> int:
        return self.done * 100 // self.total if self.total else 0
