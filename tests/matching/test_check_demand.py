"""`manage.py check_demand FILE`: one JSON line of findings per demand, exit 1 when a demand breaks a rule,
2 on input it cannot read; and the verdicts on the demo demands."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.exchange import Source, import_catalog
from tests.factories import make_country
from tests.matching.test_rules import valid_demand

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "catalog" / "demo_data"


@pytest.fixture
def germany():
    return make_country("DE", "Germany", "德国", region="europe")


def write(tmp_path: Path, *lines: dict | str) -> str:
    """A JSON Lines file; a string is written as it is (blank lines, comments, broken JSON)."""
    path = tmp_path / "demands.jsonl"
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines
    )
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(file: str) -> tuple[int, str]:
    """The exit status and standard output of the command."""
    out = StringIO()
    try:
        call_command("check_demand", file, stdout=out)
    except SystemExit as stop:
        return stop.code, out.getvalue()
    return 0, out.getvalue()


def demand(**overrides) -> dict:
    return valid_demand(institutions=[], fields=[], **overrides)


def test_valid_demands_print_ok_lines_and_exit_0(tmp_path, germany):
    file = write(tmp_path, "# two demands", demand(external_id="dm-a"), "", demand(external_id="dm-b"))
    status, out = run(file)
    assert status == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"demand": "dm-a", "ok": True, "findings": []},
        {"demand": "dm-b", "ok": True, "findings": []},
    ]


def test_a_demand_breaking_a_rule_prints_its_findings_in_chinese_unescaped_and_exits_1(tmp_path, germany):
    status, out = run(
        write(tmp_path, demand(external_id="dm-a"), demand(external_id="dm-big", group_size=30))
    )
    assert status == 1
    first, second = out.splitlines()
    assert json.loads(first)["ok"] is True
    assert json.loads(second) == {
        "demand": "dm-big",
        "ok": False,
        "findings": [
            {
                "rule": "group-size",
                "severity": "error",
                "message_zh": "团组人数30人，超过25人的上限。",
                "message_en": "The group has 30 people; the limit is 25.",
                "source": "2020 guide (notice), 三、3; 13th FYP guidance, 二（二）四",
            }
        ],
    }
    assert "团组人数30人" in second


def test_warnings_and_information_leave_a_demand_ok(tmp_path, germany):
    make_country("US", "United States", "美国", hotspot=True)
    status, out = run(write(tmp_path, demand(destinations=["US"])))
    line = json.loads(out)
    assert status == 0 and line["ok"] is True
    assert [finding["rule"] for finding in line["findings"]] == ["hotspot"]


def test_a_missing_key_is_reported_by_its_rule(tmp_path, germany):
    status, out = run(write(tmp_path, demand(participants_max_age=None)))
    (finding,) = json.loads(out)["findings"]
    assert status == 1
    assert finding["rule"] == "participant-age" and "participants_max_age" in finding["message_en"]


def test_bad_json_names_the_file_and_line_and_exits_2(tmp_path, germany):
    file = write(tmp_path, "# a comment", demand(), "{oops")
    with pytest.raises(CommandError, match=r"demands\.jsonl:3: not valid JSON") as error:
        run(file)
    assert error.value.returncode == 2


def test_a_record_of_another_type_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"demands\.jsonl:1: .*expected a demand record") as error:
        run(write(tmp_path, {"type": "country", "code": "DE"}))
    assert error.value.returncode == 2


def test_a_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError, match="no such file") as error:
        run(str(tmp_path / "nowhere.jsonl"))
    assert error.value.returncode == 2


def test_the_demo_demands_pass_except_those_built_to_break_a_rule():
    import_catalog(
        [
            Source(path.name, path.read_bytes())
            for path in sorted(DEMO.glob("*.jsonl"))
            if "demands" not in path.name
        ]
    )
    status, out = run(str(DEMO / "07_demands.jsonl"))
    lines = {line["demand"]: line for line in map(json.loads, out.splitlines())}
    assert status == 1
    assert len(lines) == 18

    def rules(external_id: str) -> list[tuple[str, str]]:
        return [(finding["rule"], finding["severity"]) for finding in lines[external_id]["findings"]]

    assert rules("dm-2025-006") == [("group-size", "error")]
    assert rules("dm-2025-007") == [("min-days", "error")]
    assert rules("dm-2025-008") == [("organizer-level", "error")]
    assert rules("dm-2025-009") == [("hotspot", "warning")] and lines["dm-2025-009"]["ok"] is True
    broken = {"dm-2025-006", "dm-2025-007", "dm-2025-008"}
    assert {external_id for external_id, line in lines.items() if not line["ok"]} == broken
