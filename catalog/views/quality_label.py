"""The public page of the quality label: the office's current rule in the reader's language, and how many
institutions hold the label now, with a link to them in the directory."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.models import Institution, InstitutionIndexPage, QualityLabelRule
from catalog.quality import PRIOR_WEIGHT, catalogue_mean, shown_mean
from catalog.roles import is_office


def rule(request: HttpRequest) -> HttpResponse:
    setting = QualityLabelRule.load(request_or_site=request)
    holders = (
        Institution.objects.public().with_quality_label(setting).filter(quality_label=True).count()
        if setting.enabled
        else 0
    )
    directory = InstitutionIndexPage.objects.live().first()
    return render(
        request,
        "catalog/quality_label.html",
        {
            "rule": setting,
            "holders": holders,
            "directory_url": f"{directory.url}?label=True" if directory else "",
            "prior_weight": int(PRIOR_WEIGHT),
            "catalogue_mean": shown_mean(catalogue_mean()),
            "is_office": is_office(request.user),
        },
    )
