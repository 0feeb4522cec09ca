"""Admin forms of the catalogue's pages, and the date input every form of the site uses."""

from __future__ import annotations

from django import forms
from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminPageForm


class CataloguePageForm(WagtailAdminPageForm):
    """The page's title and slug come from its names and external id, so the editor need not type them;
    a slug typed in the promote tab still wins."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug"):
            key = cleaned.get("external_id") or self.instance.external_id
            names = [cleaned.get(name) for name in ("name_en", "title_en", "title_zh")]
            cleaned["slug"] = key or slugify(next((n for n in names if n), ""), allow_unicode=True)
            self.instance.slug = cleaned["slug"]
        return cleaned


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and sends only ISO dates (2027-04-05), so its value is ISO in
    every language, never the locale's 2027/04/05, which the picker would show as empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
