"""Published training outcomes (培训成果), their images and documents, and the public showcase."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable, Page, PageManager

from catalog.models.institutions import Institution
from catalog.models.pages import BilingualIndexPage, TitledSummaryPage
from catalog.models.taxonomy import Country, Field
from catalog.querysets import OutcomeQuerySet


class OutcomeIndexPage(BilingualIndexPage):
    """The public showcase of training outcomes (培训成果)."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["catalog.Outcome"]
    max_count = 1

    filterset_class = "catalog.filters.OutcomeFilter"

    class Meta:
        verbose_name = _("outcome showcase")

    def listed(self):
        return (
            Outcome.objects.public()
            .select_related("country")
            .prefetch_related("fields", "images__image__renditions")
        )


class Outcome(TitledSummaryPage):
    """A published training outcome: what a group learned abroad and what it changed at home."""

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
    economic_benefit = models.TextField(_("economic benefit"), blank=True)
    social_benefit = models.TextField(_("social benefit"), blank=True)

    objects = PageManager.from_queryset(OutcomeQuerySet)()

    parent_page_types = ["catalog.OutcomeIndexPage"]

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

    @property
    def cover(self) -> OutcomeImage | None:
        """The first image, shown on the outcome's card in the showcase."""
        images = self.images.all()
        return images[0] if images else None

    def page_title(self) -> str:
        return self.title_zh or self.title_en


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
