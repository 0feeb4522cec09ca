"""The JSON Lines files of demand records that `manage.py match` and `manage.py check_demand` read."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError


def read_demand_lines(file: str, *, returncode: int = 1) -> list[tuple[int, dict]]:
    """(line number, record) of each demand record in the file; blank lines and lines starting with # are
    passed over. Anything else that is not a demand record stops the command, naming file and line."""

    def refused(message: str) -> CommandError:
        return CommandError(f"{file}:{message}", returncode=returncode)

    path = Path(file)
    if not path.is_file():
        raise refused(" no such file")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise refused(f"{number}: not valid JSON: {error.msg}") from error
        if not isinstance(record, dict) or record.get("type", "demand") != "demand":
            raise refused(f'{number}: key "type": expected a demand record')
        records.append((number, record))
    return records
