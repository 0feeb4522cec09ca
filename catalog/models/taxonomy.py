"""The taxonomy the catalogue is described in: fields (优先支持的方向 and their sub-fields) and destination
countries with the fields they are strong in. Both are snippets the office keeps in the admin."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from catalog.choices import Region
from catalog.fields import WordListField
from catalog.text import bilingual


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
