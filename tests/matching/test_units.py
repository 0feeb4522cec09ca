"""Organizing units are told apart by their names as compared (unit_key): no second unit reads like one that
exists, whether it is founded at sign-up, created by an import or by two people at once."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError

from catalog.exchange import Source, import_catalog
from matching.models import Demand, OrganizingUnit, unit_key

pytestmark = pytest.mark.django_db


def test_unit_names_compare_normalised():
    assert unit_key(" 江苏省科学技术厅\u3000") == unit_key("江苏省科学技术厅")
    assert unit_key("ＡＢＣ　 Training\tCentre ") == unit_key("abc training centre")
    assert unit_key("江苏省 科学技术厅") != unit_key("江苏省科学技术厅")  # inner space collapsed, not removed


def test_the_database_refuses_a_look_alike_unit():
    OrganizingUnit.objects.create(name="Ningbo Port Group")
    with pytest.raises(IntegrityError):
        OrganizingUnit.objects.create(name="ＮＩＮＧＢＯ port  group")


def test_an_imported_demand_naming_a_look_alike_belongs_to_the_known_unit(small_catalogue):
    known = OrganizingUnit.objects.create(name="Ningbo Port Group")
    names = ["ningbo port group", "ＮＩＮＧＢＯ　Port Group", "Hubei Farm Bureau", "HUBEI  farm bureau"]
    demands = [
        {
            "type": "demand",
            "external_id": f"dm-{number}",
            "title": "港口自动化培训",
            "days": 14,
            "group_size": 10,
            "category": "professional",
            "organizing_unit": name,
        }
        for number, name in enumerate(names)
    ]
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in demands)
    import_catalog([Source("demands.jsonl", lines.encode())])

    assert OrganizingUnit.objects.count() == 2  # the known unit, and one new unit for both spellings
    units = dict(Demand.objects.values_list("external_id", "organizing_unit"))
    assert units["dm-0"] == units["dm-1"] == known.pk
    assert units["dm-2"] == units["dm-3"] != known.pk
