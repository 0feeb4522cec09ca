"""Pages of a training group: opening it from an agreed inquiry, its page with the training log and the
evaluation results, the log as CSV, the printable QR-code page and the phone-friendly evaluation form."""

from __future__ import annotations

import csv

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from catalog.forms import DateInput
from catalog.spreadsheets import cells
from matching.choices import Side
from matching.forms.negotiation import PlannedDateField
from matching.models import Inquiry, LogEntry, TrainingGroup
from matching.services import negotiation
from matching.services import training as services
from matching.services.notify import absolute
from matching.services.training import CRITERIA, TrainingRefused
from matching.views.steps import permitted

# Forms.

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class GroupForm(forms.ModelForm):
    class Meta:
        model = TrainingGroup
        fields = ["start_date", "end_date", "cities", "participants", "leader_name"]
        field_classes = {"start_date": PlannedDateField, "end_date": PlannedDateField}

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The group cannot end before it starts."))
        return data


class LogEntryForm(forms.ModelForm):
    class Meta:
        model = LogEntry
        fields = ["date", "place", "content", "hours", "notes"]
        widgets = {
            "date": DateInput,
            "content": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class EvaluationForm(forms.Form):
    comment = forms.CharField(
        label=pgettext_lazy("evaluation", "Comment"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, side: str, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {
            name: forms.TypedChoiceField(
                label=label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
            )
            for name, label in CRITERIA[side].items()
        }
        self.fields = {**scores, "comment": self.fields["comment"]}

    def scores(self) -> dict[str, int]:
        return {name: value for name, value in self.cleaned_data.items() if name != "comment"}


# Opening a group.


@login_required
def group_open(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = permitted(
        request, get_object_or_404(Inquiry.objects.visible_to(request.user), pk=pk), services.can_open_group
    )
    latest = inquiry.proposals.order_by("-created_at", "-pk").first()
    initial = {"participants": inquiry.demand.group_size}
    if latest is not None:
        initial |= {"start_date": latest.start_date, "end_date": latest.end_date, "cities": latest.cities}
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.open_training_group(inquiry, by=request.user, **form.cleaned_data)
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The training group is open."))
            return redirect("matching:training-group", group.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "matching/training_open.html", {"inquiry": inquiry, "form": form}, status=status)


# The group's page and its log.


def _visible_group(request: HttpRequest, pk: int) -> TrainingGroup:
    return get_object_or_404(TrainingGroup.objects.visible_to(request.user), pk=pk)


def _render_group(
    request: HttpRequest, group: TrainingGroup, log_form=None, status: int = 200
) -> HttpResponse:
    side = negotiation.side_of(request.user, group.inquiry)
    evaluations = services.visible_evaluations(group, request.user)
    context = {
        "group": group,
        "inquiry": group.inquiry,
        "entries": group.log_entries.select_related("author"),
        "side": side,
        "can_write": side is not None,
        "log_form": log_form or LogEntryForm(),
        "sealed": group.is_sealed(),
        "unit_evaluation": evaluations[Side.UNIT],
        "institution_evaluation": evaluations[Side.INSTITUTION],
        "labels": CRITERIA[Side.UNIT] | CRITERIA[Side.INSTITUTION],
    }
    return render(request, "matching/training_group.html", context, status=status)


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_group(request, _visible_group(request, pk))


@login_required
@require_POST
def log_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = permitted(request, _visible_group(request, pk), services.can_write_log)
    form = LogEntryForm(request.POST)
    if form.is_valid():
        try:
            services.add_log_entry(group, by=request.user, **form.cleaned_data)
        except TrainingRefused as refused:
            form.add_error("date", refused.message)
    if not form.is_valid():
        return _render_group(request, group, log_form=form, status=400)
    messages.success(request, _("The log entry was added."))
    return redirect(f"{reverse('matching:training-group', args=[group.pk])}#log")


@login_required
def log_export(request: HttpRequest, pk: int) -> HttpResponse:
    group = _visible_group(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-log-{group.pk}.csv"'
    # A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(cells([_("Date"), _("Place"), _("Content"), _("Hours"), _("Notes"), _("Side")]))
    for entry in group.log_entries.all():
        writer.writerow(
            cells(
                [f"{entry.date:%Y-%m-%d}", entry.place, entry.content, entry.hours, entry.notes, entry.side]
            )
        )
    return response


# The printable QR codes and the evaluation form.


def qr_svg(url: str) -> str:
    """An inline SVG QR code for a link, made here (no outside service sees the token)."""
    return segno.make(url, error="m").svg_inline(scale=4, omitsize=True)


@login_required
def group_qr(request: HttpRequest, pk: int) -> HttpResponse:
    group = _visible_group(request, pk)
    # The links are the keys to the forms: each side prints its own, never the other's.
    side = negotiation.side_of(request.user, group.inquiry)
    if side is None:
        raise PermissionDenied
    token, title = {
        Side.UNIT: (group.unit_token, _("The group rates the institution")),
        Side.INSTITUTION: (group.institution_token, _("The institution rates the group")),
    }[side]
    url = absolute(reverse("matching:training-evaluate", args=[token]))
    links = [{"side": side, "title": title, "url": url, "svg": mark_safe(qr_svg(url))}]
    return render(request, "matching/training_qr.html", {"group": group, "links": links})


def evaluate(request: HttpRequest, token: str) -> HttpResponse:
    group, side = services.group_for_token(token)
    context = {"group": group, "side": side}
    # The link is for the people of its side; a signed-in person of the other side may not rate themselves.
    if negotiation.side_of(request.user, group.inquiry) not in (None, side):
        raise PermissionDenied
    if services.has_submitted(group, side):
        return render(request, "matching/training_evaluate.html", {**context, "done": True})
    if timezone.localdate() < services.evaluation_opens_on(group):
        context["opens_on"] = services.evaluation_opens_on(group)
        return render(request, "matching/training_evaluate.html", context)
    form = EvaluationForm(request.POST or None, side=side)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_evaluation(token, form.scores(), form.cleaned_data["comment"])
        except TrainingRefused as refused:
            return render(
                request,
                "matching/training_evaluate.html",
                {**context, "done": True, "error": refused.message},
            )
        return render(request, "matching/training_evaluate.html", {**context, "done": True, "thanks": True})
    status = 400 if request.method == "POST" else 200
    return render(request, "matching/training_evaluate.html", {**context, "form": form}, status=status)
