"""Forms of the matching room: the "find institutions" search, the demand form and the expert review."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.choices import InstitutionStatus, Region
from catalog.models import Country, Field, Institution
from catalog.text import pick_language
from matching.choices import OrganizerLevel, SpecialProjectKind
from matching.models import Demand, DemandCategory, ExpertReview, OrganizingUnit
from matching.rules import ERROR, RULES, WARNING, Finding, check
from search.demand import MISSING, DemandRecord
from search.ranking import DEMAND_DAYS_MAX, DEMAND_TEXT_MAX_LENGTH


class FindInstitutionsForm(forms.Form):
    """A demand typed or pasted in Chinese or English, with what the person wants to pin down."""

    text = forms.CharField(
        label=_("Describe the training you need"),
        required=False,
        max_length=DEMAND_TEXT_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": _("e.g. offshore wind turbine maintenance (in English or Chinese)"),
            }
        ),
    )
    fields = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("subject", "Fields"),
        queryset=Field.objects.order_by("priority", "code"),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    destinations = forms.ModelMultipleChoiceField(
        label=_("Destinations"),
        queryset=Country.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    destinations_only = forms.BooleanField(label=_("Only these destinations"), required=False)
    days = forms.IntegerField(label=_("Days abroad"), min_value=1, max_value=DEMAND_DAYS_MAX, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *DemandCategory.choices], required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text", "").strip() and not cleaned.get("fields"):
            raise forms.ValidationError(_("Describe the training or choose at least one field."))
        if cleaned.get("destinations_only") and not cleaned.get("destinations"):
            self.add_error("destinations", _("Choose the destinations the training must go to."))
        return cleaned

    def record(self) -> DemandRecord:
        """The search as the demand record `rank()` takes."""
        data = self.cleaned_data
        return DemandRecord(
            title=data["text"].strip(),
            fields=[field.code for field in data["fields"]],
            destinations=[country.code for country in data["destinations"]],
            destinations_only=data["destinations_only"],
            days=data["days"],
            category=data["category"] or DemandCategory.PROFESSIONAL,
        )


# The demand form.

NOT_STATED, NONE_OF_THESE = "", "none"
# The question each warning rule's justification answers; a rule added later gets the generic label.
JUSTIFICATION_LABELS = {
    "cooperating-institution": _("Why plan an institution that does not cooperate with the ministry?"),
    "hotspot": _("Why go to a hotspot destination?"),
}
BACKBONE_CHOICES = [("", _("Not stated")), ("true", _("Yes")), ("false", _("No"))]


@dataclass
class Row:
    """One place in the form: the record key its findings are shown beside, and the inputs for it."""

    key: str
    fields: list
    groups: list[dict] | None = None  # grouped checkboxes, for the long multi-selects
    findings: list[dict] = dataclass_field(default_factory=list)
    justifications: list[dict] = dataclass_field(default_factory=list)

    @property
    def has_error(self) -> bool:
        return any(f.errors for f in self.fields) or any(f["severity"] == ERROR for f in self.findings)


def shown_finding(finding: Finding) -> dict:
    """A finding as the page and the check endpoint show it: with the message in the reader's language."""
    return {
        **finding.as_dict(),
        "key": finding.key,
        "message": pick_language(finding.message_zh, finding.message_en),
        "source": finding.citation,
    }


def warning_rules() -> list:
    """The rules whose findings need a written justification, in the rules' order."""
    return [declared for declared in RULES if declared.severity == WARNING]


class DemandForm(forms.ModelForm):
    """A training demand with every key of the exchange format; `record()` is what the rules judge, and
    `unsaved_demand()` what services.demands.save_demand writes.

    The special project distinguishes "not stated" from "none of these" (a stated null), as the
    exchange format does; foreign funding is an object only when the demand is foreign-funded; each
    warning rule has a written justification."""

    fields = forms.MultipleChoiceField(label=pgettext_lazy("subject", "Fields"), required=False)
    destinations = forms.MultipleChoiceField(label=_("Destinations"), required=False)
    # The version of the demand the form was opened on, so that saving over a newer one is noticed.
    version = forms.CharField(required=False, widget=forms.HiddenInput)
    institutions = forms.MultipleChoiceField(
        label=_("Planned institutions"),
        required=False,
        help_text=_("Only admitted institutions can be chosen."),
    )
    special_project_kind = forms.ChoiceField(
        label=_("Special project"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (NOT_STATED, _("Not stated yet")),
            (NONE_OF_THESE, _("None of these")),
            *SpecialProjectKind.choices,
        ],
        help_text=_("Short-term demands (under 90 days) must state whether they support one of these."),
    )
    special_project_name = forms.CharField(label=_("Project name"), required=False, max_length=255)
    special_project_year = forms.IntegerField(
        label=_("Year approved"), required=False, min_value=1900, max_value=2100
    )
    backbone_plan = forms.NullBooleanField(
        label=_("Applies under the S&T backbone overseas training plan"),
        required=False,
        widget=forms.RadioSelect(choices=BACKBONE_CHOICES),
        help_text=_("Mid/long-term demands (90 days or more) must say yes or no."),
    )
    foreign_funded = forms.BooleanField(label=_("Foreign-funded"), required=False)
    funding_funder = forms.CharField(label=_("Funder"), required=False, max_length=255)
    funding_institution = forms.CharField(label=_("Institution funded"), required=False, max_length=255)
    funding_content = forms.CharField(
        label=_("Funded content"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    funding_amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0, max_digits=14, decimal_places=2
    )

    class Meta:
        model = Demand
        fields = [
            "title",
            "topic",
            "content",
            "title_en",
            "summary_en",
            "category",
            "destinations_only",
            "days",
            "cities",
            "group_size",
            "participants_max_age",
            "participants_min_years_to_retirement",
            "organizer_level",
            "double_cross",
            "backbone_plan",
            "visibility",
        ]
        widgets = {
            "topic": forms.Textarea(attrs={"rows": 2}),
            "content": forms.Textarea(attrs={"rows": 6}),
            "summary_en": forms.Textarea(attrs={"rows": 4}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "content": _("What the training covers and why it cannot be done at home."),
            "title_en": _(
                "Optional. Foreign institutions read it; without it they see a glossary of key terms."
            ),
            "summary_en": _("Optional. A few sentences in English on what the group wants to learn."),
            "days": _("At least 10 days for Asian and neighbouring destinations, 14 elsewhere."),
            "cities": _("Short-term training: at most two cities."),
            "group_size": _("Normally at most 25 people."),
            "participants_max_age": _("At most 55."),
            "participants_min_years_to_retirement": _("At least 5 years."),
            "double_cross": _("Only central bodies with foreign-affairs approval may organize one."),
        }

    # Where each part of the form goes, and the record key its findings are shown beside.
    SECTIONS = [
        (_("The training"), ["title", "topic", "content", "fields", "category"]),
        (_("In English, for foreign institutions (optional)"), ["title_en", "summary_en"]),
        (
            _("Where and how long"),
            [("destinations", ["destinations", "destinations_only"]), "days", "cities"],
        ),
        (_("Participants"), ["group_size", "participants_max_age", "participants_min_years_to_retirement"]),
        (
            _("Classification"),
            [
                ("special_project", ["special_project_kind", "special_project_name", "special_project_year"]),
                "backbone_plan",
            ],
        ),
        (_("Organizer and institutions"), ["organizer_level", "double_cross", "institutions"]),
        (
            _("Foreign funding"),
            [
                (
                    "foreign_funding",
                    [
                        "foreign_funded",
                        "funding_funder",
                        "funding_institution",
                        "funding_content",
                        "funding_amount",
                    ],
                )
            ],
        ),
        (_("Expert review"), [("expert_review", [])]),
        (_("Who may see it"), ["visibility"]),
    ]
    GROUPED = ("fields", "destinations", "institutions")

    def __init__(self, *args, unit: OrganizingUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.label_suffix = ""
        demand = self.instance
        if demand.pk is not None:
            self.fields["version"].initial = demand.version
        for name in ("days", "group_size", "cities"):
            self.fields[name].widget.attrs["min"] = 1
        self.fields["title"].widget.attrs["placeholder"] = _("e.g. Advanced packaging of integrated circuits")
        self.fields["organizer_level"].choices = [("", _("Not stated")), *OrganizerLevel.choices]
        self.fields["category"].choices = [("", _("Choose…")), *DemandCategory.choices]
        self._groups = {
            "fields": self._field_groups(),
            "destinations": self._country_groups(),
            "institutions": self._institution_groups(demand),
        }
        for name, groups in self._groups.items():
            self.fields[name].choices = [(o["value"], o["label"]) for g in groups for o in g["options"]]
        for declared in warning_rules():
            self.fields[f"justify_{declared.code}"] = forms.CharField(
                label=JUSTIFICATION_LABELS.get(declared.code, _("Justification")),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("A warning needs a written reason before the demand can be published."),
            )
        if demand.pk:
            self.initial.update(self._initial_of(demand))

    # The choices, grouped.

    def _field_groups(self) -> list[dict]:
        fields = list(Field.objects.order_by("priority", "code"))
        roots = [f for f in fields if f.parent_id is None]
        children: dict[int, list[Field]] = {}
        for f in fields:
            if f.parent_id is not None:
                children.setdefault(f.parent_id, []).append(f)
        grouped, loose = [], []
        for root in roots:
            if root.pk in children:
                grouped.append({"label": root.name, "options": [root, *children[root.pk]]})
            else:
                loose.append(root)
        orphans = [f for f in fields if f.parent_id is not None and f.parent_id not in {r.pk for r in roots}]
        groups = [*grouped, {"label": _("Other fields") if grouped else "", "options": [*loose, *orphans]}]
        return [
            {"label": g["label"], "options": [_option(f.code, f.name, f.name_zh, f.name_en, *f.synonyms)
                                              for f in g["options"]]}
            for g in groups
            if g["options"]
        ]  # fmt: skip

    def _country_groups(self) -> list[dict]:
        regions = dict(Region.choices)
        by_region: dict[str, list[dict]] = {}
        for country in Country.objects.order_by("code"):
            option = _option(country.code, country.name, country.code, country.name_zh, country.name_en)
            if country.hotspot:
                option["note"] = _("hotspot")
            by_region.setdefault(country.region, []).append(option)
        order = [*regions, ""]
        return [
            {"label": regions.get(region, _("Other")), "options": sorted(by_region[region], key=_by_label)}
            for region in order
            if region in by_region
        ]

    def _institution_groups(self, demand: Demand) -> list[dict]:
        # Admitted institutions, and any the demand planned before they were suspended or withdrawn:
        # those stay visible so the inactive-institution finding can say why they must go.
        admitted = Q(pk__in=Institution.objects.public().values("pk"))
        if demand.pk:
            admitted |= Q(pk__in=demand.institutions.values("pk"))
        by_country: dict[Country, list[dict]] = {}
        for inst in Institution.objects.filter(admitted).select_related("country").order_by("title"):
            option = _option(inst.external_id, inst.name, inst.name_zh, inst.name_en, inst.city)
            if inst.status != InstitutionStatus.ACTIVE:
                option["note"] = inst.get_status_display()
            elif inst.cooperating:
                option["note"] = _("cooperating")
            by_country.setdefault(inst.country, []).append(option)
        return [
            {"label": country.name, "options": sorted(options, key=_by_label)}
            for country, options in sorted(by_country.items(), key=lambda item: str(item[0].name))
        ]

    def option_groups(self, name: str) -> list[dict]:
        """The choices of a grouped multi-select, each marked checked from the input (or the initial)."""
        value = self[name].value() or []
        chosen = {str(v) for v in value}
        return [
            {"label": g["label"], "options": [{**o, "checked": o["value"] in chosen} for o in g["options"]]}
            for g in self._groups[name]
        ]

    # From the demand and back.

    @staticmethod
    def _initial_of(demand: Demand) -> dict:
        project = demand.special_project or {}
        funding = demand.foreign_funding or {}
        initial = {
            "fields": list(demand.fields.values_list("code", flat=True)),
            "destinations": list(demand.destinations.values_list("code", flat=True)),
            "institutions": list(demand.institutions.values_list("external_id", flat=True)),
            "special_project_kind": _stated_kind(demand),
            "special_project_name": project.get("name", ""),
            "special_project_year": project.get("year"),
            "foreign_funded": demand.foreign_funding is not None,
            "funding_funder": funding.get("funder", ""),
            "funding_institution": funding.get("institution", ""),
            "funding_content": funding.get("content", ""),
            "funding_amount": funding.get("amount"),
        }
        for code, text in (demand.justifications or {}).items():
            initial[f"justify_{code}"] = text
        return initial

    def _special_project(self, data: dict) -> tuple[bool, dict | None]:
        """(stated, value) as the exchange format means them: a stated null is "none of these"."""
        kind = data.get("special_project_kind", NOT_STATED)
        if kind == NOT_STATED:
            return False, None
        if kind == NONE_OF_THESE:
            return True, None
        project: dict = {"kind": kind, "name": data.get("special_project_name", "").strip()}
        if data.get("special_project_year") is not None:
            project["year"] = data["special_project_year"]
        return True, project

    def _foreign_funding(self, data: dict) -> dict | None:
        if not data.get("foreign_funded"):
            return None
        funding = {
            "funder": data.get("funding_funder", "").strip(),
            "institution": data.get("funding_institution", "").strip(),
            "content": data.get("funding_content", "").strip(),
        }
        amount = data.get("funding_amount")
        if amount is not None:
            funding["amount"] = int(amount) if amount == amount.to_integral_value() else float(amount)
        return funding

    def justifications(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        texts = {
            declared.code: data.get(f"justify_{declared.code}", "").strip() for declared in warning_rules()
        }
        return {code: text for code, text in texts.items() if text}

    def record(self) -> DemandRecord:
        """What was typed, as the demand record `check()` judges. Only the parts that passed validation are in
        it; a key left out is one the rules report as missing."""
        data = getattr(self, "cleaned_data", {})
        stated, project = self._special_project(data) if "special_project_kind" in data else (False, None)
        return DemandRecord(
            external_id=self.instance.external_id or "new",
            organizing_unit=self.unit.name,
            title=data.get("title", ""),
            topic=data.get("topic", ""),
            content=data.get("content", ""),
            fields=data.get("fields", ()),
            destinations=data.get("destinations", ()),
            destinations_only=data.get("destinations_only", False),
            days=data.get("days"),
            group_size=data.get("group_size"),
            cities=data.get("cities"),
            category=data.get("category") or None,
            participants_max_age=data.get("participants_max_age"),
            participants_min_years_to_retirement=data.get("participants_min_years_to_retirement"),
            special_project=project if stated else MISSING,
            backbone_plan=data.get("backbone_plan"),
            expert_review=self.instance.expert_review,
            foreign_funding=self._foreign_funding(data),
            double_cross=data.get("double_cross", False),
            organizer_level=data.get("organizer_level") or None,
            institutions=data.get("institutions", ()),
        )

    def findings(self) -> list[Finding]:
        """The rules' findings on what was typed, leaving out keys whose input is invalid (the form says
        what is wrong with those)."""
        invalid = {name for name in self.errors}
        return [finding for finding in check(self.record()) if finding.key not in invalid]

    def unsaved_demand(self) -> Demand:
        """The demand with what was typed, not yet written: services.demands.save_demand writes it."""
        demand = super().save(commit=False)
        demand.special_project_stated, demand.special_project = self._special_project(self.cleaned_data)
        demand.foreign_funding = self._foreign_funding(self.cleaned_data)
        demand.justifications = self.justifications()
        return demand

    def save(self, commit: bool = True):
        # A demand is written by services.demands.save_demand (version check, relations, re-publishing).
        raise NotImplementedError("take unsaved_demand() and write it with services.demands.save_demand")

    def refresh_version(self, version: str) -> None:
        """After an edit conflict: the next save of this form, reviewed by its author, replaces `version`."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = version

    def relations(self) -> dict[str, list]:
        """The many-to-many choices, as the rows to set."""
        data = self.cleaned_data
        return {
            "fields": list(Field.objects.filter(code__in=data["fields"])),
            "destinations": list(Country.objects.filter(code__in=data["destinations"])),
            "institutions": list(Institution.objects.filter(external_id__in=data["institutions"])),
        }

    # For the template.

    def layout(self, findings: list[Finding] | None) -> tuple[list[dict], list[dict]]:
        """The sections of the form with each row's findings and justifications, and the findings that
        belong to no row (shown at the top)."""
        shown = [shown_finding(f) for f in findings or []]
        firing = {f["rule"] for f in shown}
        placed: set[int] = set()
        sections = []
        for title, rows in self.SECTIONS:
            built = []
            for entry in rows:
                key, names = (entry, [entry]) if isinstance(entry, str) else entry
                row = Row(key=key, fields=[self[name] for name in names])
                if names and names[0] in self.GROUPED:
                    row.groups = self.option_groups(names[0])
                for index, finding in enumerate(shown):
                    if finding["key"] == key:
                        row.findings.append(finding)
                        placed.add(index)
                for declared in warning_rules():
                    if declared.key == key:
                        bound = self[f"justify_{declared.code}"]
                        row.justifications.append(
                            {"rule": declared.code, "field": bound,
                             "shown": declared.code in firing or bool(bound.value())}
                        )  # fmt: skip
                built.append(row)
            sections.append({"title": title, "rows": built})
        general = [finding for index, finding in enumerate(shown) if index not in placed]
        return sections, general


def _stated_kind(demand: Demand) -> str:
    if not demand.special_project_stated:
        return NOT_STATED
    if demand.special_project is None:
        return NONE_OF_THESE
    return demand.special_project.get("kind") or NOT_STATED


def _option(value: str, label, *names: str) -> dict:
    """A checkbox with the words a filter box finds it by (both languages, synonyms)."""
    words = " ".join(str(n) for n in (value, label, *names) if n)
    return {"value": value, "label": label, "search": words.lower(), "note": ""}


def _by_label(option: dict) -> str:
    return str(option["label"])


# Expert review.


class InviteExpertForm(forms.Form):
    email = forms.EmailField(
        label=_("Expert's email"),
        help_text=_("The expert receives a link to sign in (or sign up) and write the review opinion."),
    )


class SignReviewForm(forms.ModelForm):
    """The expert's signed opinion (专家评审意见): every part is required."""

    class Meta:
        model = ExpertReview
        fields = ["name", "affiliation", "title", "opinion"]
        widgets = {"opinion": forms.Textarea(attrs={"rows": 10})}
        # A person's name (姓名), not a thing's (名称).
        labels = {"name": pgettext_lazy("person", "Name")}
        help_texts = {
            "title": _("e.g. Professor, Research Fellow"),
            "opinion": _(
                "Whether the training is necessary, fits the unit's work and the destination's strengths."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
