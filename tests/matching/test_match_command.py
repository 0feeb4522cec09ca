"""`manage.py match`: one line of match output per demand, from a file or from the board."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from matching.models import Demand, OrganizingUnit

pytestmark = pytest.mark.django_db


def run(*args) -> list[dict]:
    out = StringIO()
    call_command("match", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_match_file_prints_one_line_per_demand(tmp_path, small_catalogue):
    demands = tmp_path / "demands.jsonl"
    demands.write_text(
        "# two demands\n"
        + json.dumps({"type": "demand", "external_id": "dm-a", "title": "智能制造", "destinations": ["DE"]})
        + "\n\n"
        + json.dumps({"type": "demand", "external_id": "dm-b", "title": "Smart farming and horticulture"})
        + "\n",
        encoding="utf-8",
    )
    lines = run(str(demands), "--top", "1")
    assert [line["demand"] for line in lines] == ["dm-a", "dm-b"]
    assert lines[0]["engine"] == "embedded"
    assert [r["institution"] for r in lines[0]["results"]] == ["de-tum"]
    assert [r["institution"] for r in lines[1]["results"]] == ["nl-wur"]


def test_match_a_demand_on_the_board(small_catalogue):
    unit = OrganizingUnit.objects.create(name="某省农业农村厅")
    Demand.objects.create(
        external_id="dm-farm",
        organizing_unit=unit,
        title="设施农业与智慧温室",
        days=21,
        group_size=10,
        category="professional",
    )
    (line,) = run("--demand", "dm-farm")
    assert line["demand"] == "dm-farm" and line["results"][0]["institution"] == "nl-wur"


def test_match_names_the_bad_line(tmp_path, small_catalogue):
    demands = tmp_path / "bad.jsonl"
    demands.write_text('{"type": "demand", "title": "x"}\n{oops\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.jsonl:2"):
        run(str(demands))
    with pytest.raises(CommandError, match="no demand"):
        run("--demand", "dm-missing")
