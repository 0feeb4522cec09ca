"""Model fields of the catalogue and of the rooms above it, and the check of the web addresses it links to."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\n,，、;；]+")

#: The web addresses the catalogue imports and links to: http or https, never `javascript:` or `data:`.
validate_web_address = URLValidator(schemes=["http", "https"])


def acted_by(verbose_name=None, **options) -> models.ForeignKey:
    """Who did something to a record (uploaded, decided, wrote, reviewed it). The record outlives the account:
    deleting a person empties the reference instead of taking the history with it, and a person grows no
    reverse accessor for every kind of record they touched."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **options,
    )


def evaluation_years(verbose_name) -> models.PositiveSmallIntegerField:
    """The period a quality setting reads: the evaluations of the last this many years."""
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Only evaluations of the last this many years count."),
    )


def is_web_address(value: str) -> bool:
    try:
        validate_web_address(value)
    except ValidationError:
        return False
    return True


class WordListFormField(forms.CharField):
    """A list of words edited as text: one per line, or separated by commas (Chinese or English)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(word).strip() for word in value if str(word).strip()]
        text = super().to_python(value) or ""
        return list(dict.fromkeys(word.strip() for word in _SEPARATORS.split(text) if word.strip()))


class WordListField(models.JSONField):
    """A JSON list of words (synonyms, teaching languages) that editors see as plain text."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return WordListFormField(
            label=kwargs.get("label", self.verbose_name.capitalize()),
            required=not self.blank,
            help_text=self.help_text or _("One per line, or separated by commas."),
        )
