"""The form a unit fills after a training to report its outcome, with optional images and documents.

Files that pass their checks are kept (as Wagtail images and documents) when another field fails, and shown
ticked when the form comes back, because a browser never sends a chosen file twice."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField

from catalog.models import Country, Field, Institution, Outcome
from catalog.numbers import IdChoiceField, IdMultipleChoiceField, object_id
from matching.services.outcomes import TEXT_FIELDS, pending_documents, pending_images, store_uploads

MAX_IMAGES = 8
MAX_DOCUMENTS = 5
DOCUMENT_EXTENSIONS = ("pdf", "docx", "pptx", "xlsx", "odt")
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the form, so that one bad file names itself."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [upload for upload in files if upload]


class KeptUploadsField(IdMultipleChoiceField):
    """Uploads kept from an earlier try, ticked; untick one to leave it out."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.title


def check_image(upload: UploadedFile) -> None:
    """Wagtail's own checks: a real image in a supported format, within the size and pixel limits. The
    pixels are counted from the image's header before anything is decoded: a small file can hold an image
    too big to open (WAGTAILIMAGES_MAX_IMAGE_PIXELS)."""
    field = WagtailImageField()
    try:
        field.clean(upload)
    except OSError as error:
        # The format is told from the first bytes; a file cut short after them fails only when its size is
        # read (Pillow's UnidentifiedImageError is an OSError).
        raise forms.ValidationError(field.error_messages["invalid_image"], code="invalid_image") from error
    except forms.ValidationError as error:
        if error.code != "file_too_many_pixels":
            raise
        raise forms.ValidationError(
            _(
                "This image has too many pixels (width × height); at most %(limit)s are accepted. Make it "
                "smaller."
            )
            % {"limit": f"{settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:,}"}
        ) from error


def check_document(upload: UploadedFile) -> None:
    extension = Path(upload.name).suffix.lower().lstrip(".")
    if extension not in DOCUMENT_EXTENSIONS:
        raise forms.ValidationError(
            _("Not a supported document type. Supported types: %(types)s.")
            % {"types": ", ".join(DOCUMENT_EXTENSIONS).upper()}
        )
    if upload.size > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(
            _("This file is too big (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_DOCUMENT_BYTES)}
        )
    if upload.size == 0:
        raise forms.ValidationError(_("This file is empty."))


def upload_fields(
    current: str, kept: str, new: str, accept: str
) -> tuple[KeptUploadsField, KeptUploadsField, MultipleFileField]:
    """The three fields of one kind of file, labelled in this order: the files of the outcome being revised,
    those kept from earlier tries of this form, and new ones (of the types `accept` names)."""
    return (
        KeptUploadsField(label=current, queryset=None, required=False),
        KeptUploadsField(label=kept, queryset=None, required=False),
        MultipleFileField(label=new, required=False, widget=MultipleFileInput(attrs={"accept": accept})),
    )


class OutcomeForm(forms.Form):
    """What a unit reports after a training, in both languages, with pictures and documents if it has them."""

    title_zh = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=255)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=255)
    summary_zh = forms.CharField(label=gettext_lazy("Summary (Chinese)"), widget=forms.Textarea)
    summary_en = forms.CharField(label=gettext_lazy("Summary (English)"), widget=forms.Textarea)
    economic_benefit = forms.CharField(
        label=gettext_lazy("Economic benefit"), widget=forms.Textarea(attrs={"rows": 4})
    )
    social_benefit = forms.CharField(
        label=gettext_lazy("Social benefit"), widget=forms.Textarea(attrs={"rows": 4})
    )
    fields = IdMultipleChoiceField(label=pgettext_lazy("subject", "Fields"), queryset=Field.objects.all())
    country = IdChoiceField(label=gettext_lazy("Country"), queryset=Country.objects.all())
    institutions = IdMultipleChoiceField(
        label=gettext_lazy("Institutions"), queryset=Institution.objects.active(), required=False
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1978, max_value=2100)
    current_images, kept_images, images = upload_fields(
        gettext_lazy("Images of this outcome"),
        gettext_lazy("Images already uploaded"),
        gettext_lazy("Images"),
        accept="image/jpeg,image/png,image/webp,image/gif",
    )
    current_documents, kept_documents, documents = upload_fields(
        gettext_lazy("Documents of this outcome"),
        gettext_lazy("Documents already uploaded"),
        gettext_lazy("Documents"),
        accept=",".join(f".{ext}" for ext in DOCUMENT_EXTENSIONS),
    )

    def __init__(self, *args, uploader, outcome: Outcome | None = None, **kwargs):
        """`outcome`: the outcome being revised; its latest version's images and documents are offered,
        ticked, to keep."""
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        self.outcome = outcome
        self.accepted: dict[str, list[UploadedFile]] = {"images": [], "documents": []}
        latest = outcome.get_latest_revision_as_object() if outcome is not None else None
        for name, model, items, key in (
            ("current_images", get_image_model(), latest.images.all() if latest else (), "image_id"),
            (
                "current_documents",
                get_document_model(),
                latest.documents.all() if latest else (),
                "document_id",
            ),
        ):
            ids = [getattr(item, key) for item in items]
            if ids:
                self.fields[name].queryset = model.objects.filter(pk__in=ids).order_by("pk")
                self.fields[name].initial = ids
            else:
                del self.fields[name]
        # Only what this form's earlier tries kept is offered; a fresh form starts with none.
        for name, pending in (("kept_images", pending_images), ("kept_documents", pending_documents)):
            kept = self.data.getlist(name) if self.is_bound else []
            if kept:
                self.fields[name].queryset = pending(uploader).filter(
                    pk__in=[pk for pk in map(object_id, kept) if pk]
                )
            else:
                del self.fields[name]
        self.fields["images"].help_text = _(
            "Optional: photographs from the training or of what it changed, up to %(count)s, %(limit)s each."
        ) % {"count": MAX_IMAGES, "limit": filesizeformat(WagtailImageField().max_upload_size)}
        self.fields["documents"].help_text = _(
            "Optional: reports or presentations (%(types)s), up to %(count)s, %(limit)s each."
        ) % {
            "types": ", ".join(DOCUMENT_EXTENSIONS).upper(),
            "count": MAX_DOCUMENTS,
            "limit": filesizeformat(MAX_DOCUMENT_BYTES),
        }

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(
                _("An outcome is reported after the training; the year is in the future.")
            )
        return year

    def clean_images(self) -> list[UploadedFile]:
        return self._check_each("images", check_image, MAX_IMAGES)

    def clean_documents(self) -> list[UploadedFile]:
        return self._check_each("documents", check_document, MAX_DOCUMENTS)

    def _check_each(self, name: str, check, limit: int) -> list[UploadedFile]:
        """Checks every file on its own; the good ones are remembered even when another one fails. Too many
        files, with those kept from the outcome and from earlier tries, are refused before any is opened,
        and none is kept."""
        count = sum(
            len(self.cleaned_data.get(field) or ()) for field in (f"current_{name}", f"kept_{name}", name)
        )
        if count > limit:
            raise forms.ValidationError(
                _("At most %(limit)s files; there are %(count)s. Untick or leave out %(extra)s.")
                % {"limit": limit, "count": count, "extra": count - limit}
            )
        errors = []
        for upload in self.cleaned_data[name]:
            try:
                check(upload)
            except forms.ValidationError as error:
                errors.extend(f"{upload.name}: {message}" for message in error.messages)
            else:
                self.accepted[name].append(upload)
        if errors:
            raise forms.ValidationError(errors)
        return self.accepted[name]

    @staticmethod
    def initial_from(outcome: Outcome) -> dict:
        """The form's values from the outcome's latest version, for a revision."""
        latest = outcome.get_latest_revision_as_object()
        values = {name: getattr(latest, name) for name in TEXT_FIELDS}
        return {
            **values,
            "country": latest.country_id,
            "year": latest.year,
            "fields": [field.pk for field in latest.fields.all()],
            "institutions": [institution.pk for institution in latest.institutions.all()],
        }

    def keeping_uploads(self) -> OutcomeForm:
        """The form to show again after a failed validation: the files that passed their checks are stored
        and ticked, the errors of those that did not are kept."""
        stored = store_uploads(self.uploader, self.accepted["images"], self.accepted["documents"])
        data = self.data.copy()
        for name, new in (("kept_images", stored.images), ("kept_documents", stored.documents)):
            data.setlist(name, [*self.data.getlist(name), *(str(item.pk) for item in new)])
        form = type(self)(data, uploader=self.uploader, outcome=self.outcome)
        form.full_clean()
        for name in ("images", "documents"):
            for error in self.errors.get(name, ()):
                if error not in form.errors.get(name, ()):
                    form.add_error(name, error)
        return form
