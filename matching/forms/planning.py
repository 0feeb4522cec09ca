"""Forms of planning: a project of the library, the choice of a plan's projects, one level's review of one
project, the summary after training, and the office's plan years, quotas and settings."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.forms import DateInput
from catalog.models import Country, Field, Institution
from catalog.numbers import IdChoiceField, IdMultipleChoiceField
from matching.choices import ItemStatus
from matching.forms.negotiation import PlannedDateField
from matching.models import Demand, OrganizingUnit, UnitOutcome
from matching.models.planning import (
    PlanningSettings,
    PlanYear,
    Project,
    Quota,
    SupervisingDepartment,
    library_years,
)
from matching.services.planning import PROJECT_FIELDS

TEXT_MAX = 10000


class ProjectForm(forms.ModelForm):
    """A project's terms; the plan year is one of the library's years (or the year it already has)."""

    plan_year = forms.TypedChoiceField(label=_("Plan year"), coerce=int)
    fields = IdMultipleChoiceField(
        label=pgettext_lazy("subject", "Fields"), queryset=Field.objects.all(), required=False
    )
    destinations = IdMultipleChoiceField(label=_("Destinations"), queryset=Country.objects.all())
    institutions = IdMultipleChoiceField(
        label=_("Planned institutions"), queryset=Institution.objects.order_by("title"), required=False
    )
    demand = IdChoiceField(
        label=_("From the demand"), queryset=Demand.objects.none(), required=False,
        help_text=_("The demand's expert review, participants and funding count for the entry criteria."),
    )  # fmt: skip

    class Meta:
        model = Project
        fields = [*PROJECT_FIELDS, "fields", "destinations", "institutions", "demand"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX})}

    def __init__(self, *args, demands=None, **kwargs):
        super().__init__(*args, **kwargs)
        if demands is None:
            del self.fields["demand"]
        else:
            self.fields["demand"].queryset = demands
        years = library_years()
        if self.instance.pk and self.instance.plan_year not in years:
            years = [self.instance.plan_year, *years]
        self.fields["plan_year"].choices = [(year, str(year)) for year in years]
        self.fields["content"].max_length = TEXT_MAX
        for name in ("headcount", "days", "cities"):
            self.fields[name].validators.append(MaxValueValidator(9999))

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["fields"] = list(data["fields"])
        data["destinations"] = list(data["destinations"])
        data["institutions"] = list(data["institutions"])
        return data


class PlanProjectsForm(forms.Form):
    """The plan's projects, chosen from the library's projects of its year."""

    projects = IdMultipleChoiceField(
        label=_("Projects of the library"), queryset=Project.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, library, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = library


class ReviewForm(forms.Form):
    """One level's decision on one project, its opinion and its importance rank."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(s, s.label) for s in (ItemStatus.APPROVED, ItemStatus.RETURNED, ItemStatus.REJECTED)],
    )
    opinion = forms.CharField(
        label=_("Review opinion"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rank = forms.IntegerField(label=_("Rank"), validators=[MinValueValidator(1), MaxValueValidator(999)])


class SummaryForm(forms.Form):
    returned_on = PlannedDateField(label=_("Group returned on"))
    summary = forms.CharField(
        label=_("Project summary"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )


class FollowUpForm(forms.Form):
    """The outcome's follow-up six months after closure; the outcome to revise is asked only of a project
    that has none linked yet."""

    what_changed = forms.CharField(
        label=_("What changed"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    economic_benefit = forms.CharField(
        label=_("Economic benefit"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    social_benefit = forms.CharField(
        label=_("Social benefit"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = IdChoiceField(
        label=_("The outcome in the showcase it updates"), queryset=UnitOutcome.objects.none(),
        required=False, help_text=_("Without one, the office reads the follow-up with the project."),
    )  # fmt: skip

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        if project.outcome_id is None:
            self.fields["outcome"].queryset = UnitOutcome.objects.filter(unit=project.unit).select_related(
                "outcome"
            )
        else:
            del self.fields["outcome"]


class PlanYearForm(forms.ModelForm):
    class Meta:
        model = PlanYear
        fields = ["year", "deadline"]
        widgets = {"deadline": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].validators.append(MaxValueValidator(2100))


class QuotaForm(forms.ModelForm):
    """A year's headcount quota for a region or department (its units' plans together) or for one unit."""

    department = IdChoiceField(
        label=_("Region or department"), queryset=SupervisingDepartment.objects.all(), required=False,
        help_text=_("Regions and central enterprises may apply for 120%; departments plan within the quota."),
    )  # fmt: skip
    unit = IdChoiceField(
        label=_("or one organizing unit"), queryset=OrganizingUnit.objects.all(), required=False
    )

    class Meta:
        model = Quota
        fields = ["year", "department", "unit", "headcount", "local_or_enterprise"]
        labels = {"local_or_enterprise": _("A unit's local or enterprise plan (may apply up to 120%)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].validators.append(MaxValueValidator(2100))
        self.fields["headcount"].validators.append(MaxValueValidator(100000))

    def clean(self):
        data = super().clean()
        if bool(data.get("department")) == bool(data.get("unit")):
            raise forms.ValidationError(_("Choose either a region or department, or one organizing unit."))
        return data

    def validate_unique(self):
        # A second quota for the same holder and year replaces the first (the view updates it).
        pass


class PlanningSettingsForm(forms.ModelForm):
    class Meta:
        model = PlanningSettings
        exclude: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.validators.append(MaxValueValidator(10000))
