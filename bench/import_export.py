"""Benchmark of the exchange format: import, no-op re-import and export of a synthetic catalogue.

    .venv/bin/python bench/import_export.py [--institutions 10000] [--evaluations 100000] [--postgres]

Runs against a fresh temporary SQLite file (or, with --postgres, a fresh database on the local server,
dropped afterwards) and prints: step, rows, seconds, rows/s, peak MB (the process's peak RSS so far).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ["asia", "europe", "north_america", "latin_america", "africa", "oceania"]
# Issue 15's targets for the import of 10,000 institutions with 100,000 evaluations.
IMPORT_TARGET_S = {"SQLite": 12.0, "PostgreSQL": 20.0}
KINDS = [
    "university",
    "research_institute",
    "international_organization",
    "enterprise_rnd",
    "training_provider",
    "government_agency",
]


def generate(path: Path, **counts: int) -> int:
    """Write a synthetic catalogue (see `catalogue_records`); returns the number of records."""
    records = catalogue_records(**counts)
    with path.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return len(records)


def catalogue_records(
    *,
    fields: int,
    countries: int,
    institutions: int,
    courses: int,
    evaluations: int,
    outcomes: int,
) -> list[dict]:
    """A synthetic catalogue as exchange-format records (fields, countries, institutions, courses,
    evaluations, outcomes, in that order); the same counts always give the same records."""
    rng = random.Random(20200101)
    field_codes = [f"field-{n:02d}" for n in range(fields)]
    country_codes = [f"C{n:02d}" for n in range(countries)]
    institution_ids = [f"inst-{n:05d}" for n in range(institutions)]
    records = []
    for n, code in enumerate(field_codes):
        records.append(
            {
                "type": "field",
                "code": code,
                "name_zh": f"领域{n}",
                "name_en": f"Field {n}",
                "synonyms": [f"同义词{n}", f"synonym {n}"],
                "parent": field_codes[n // 5] if n >= 5 else None,
                "priority": n % 8 + 1,
            }
        )
    for n, code in enumerate(country_codes):
        records.append(
            {
                "type": "country",
                "code": code,
                "name_zh": f"国家{n}",
                "name_en": f"Country {n}",
                "region": REGIONS[n % len(REGIONS)],
                "asian_or_neighbouring": n % 6 == 0,
                "hotspot": n % 7 == 0,
                "belt_and_road": n % 2 == 0,
                "strengths": [
                    {"field": code, "weight": round(rng.random(), 2)} for code in rng.sample(field_codes, 3)
                ],
            }
        )
    for n, external_id in enumerate(institution_ids):
        records.append(
            {
                "type": "institution",
                "external_id": external_id,
                "name_en": f"Institute {n}",
                "name_zh": f"培训机构{n}",
                "country": rng.choice(country_codes),
                "city": f"City {n % 97}",
                "kind": rng.choice(KINDS),
                "cooperating": n % 3 == 0,
                "status": "active",
                "specialties": [
                    {"field": code, "weight": round(rng.random(), 2)} for code in rng.sample(field_codes, 2)
                ],
                "description_en": f"Programmes in applied research number {n}.",
                "description_zh": f"第{n}号应用研究培训项目。",
                "languages": ["en"],
                "website": f"https://example.org/{n}",
                "max_group_size": 25,
            }
        )
    for n in range(courses):
        records.append(
            {
                "type": "course",
                "external_id": f"course-{n:06d}",
                "institution": institution_ids[n % institutions],
                "title_en": f"Course {n}",
                "title_zh": f"课程{n}",
                "fields": rng.sample(field_codes, 2),
                "days": 14 + n % 21,
                "language": "en",
                "delivery": "on-site",
                "premium": n % 10 == 0,
            }
        )
    for n in range(evaluations):
        records.append(
            {
                "type": "evaluation",
                "external_id": f"ev-{n:07d}",
                "institution": rng.choice(institution_ids),
                "direction": "unit_to_institution",
                "date": f"{2015 + n % 9}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                "overall": round(rng.uniform(1, 5), 1),
                "scores": {"curriculum": rng.randint(1, 5), "teaching": rng.randint(1, 5)},
                "group_size": 10 + n % 15,
                "days": 14 + n % 21,
            }
        )
    for n in range(outcomes):
        records.append(
            {
                "type": "outcome",
                "external_id": f"oc-{n:04d}",
                "title_zh": f"培训成果{n}",
                "title_en": f"Outcome {n}",
                "organizing_unit": f"某单位{n % 50}",
                "institutions": rng.sample(institution_ids, 2),
                "fields": rng.sample(field_codes, 1),
                "country": rng.choice(country_codes),
                "year": 2015 + n % 9,
            }
        )
    return records


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Table:
    """Rows of step, rows, seconds, CPU seconds, rows/s, peak MB. The CPU seconds are this process's: with
    SQLite they are what the step costs on a machine doing other work too (the database runs in the
    process); PostgreSQL works in its own processes, so there the wall time is the measure."""

    def __init__(self, judge_on_cpu: bool) -> None:
        self.rows: list[tuple[str, int, float, float | None]] = []
        self.peaks: list[float] = []
        self.targets: dict[str, float] = {}  # step → seconds
        self.judge_on_cpu = judge_on_cpu

    def add(self, step: str, rows: int, seconds: float, cpu: float | None = None) -> None:
        self.rows.append((step, rows, seconds, cpu))
        self.peaks.append(peak_mb())

    def timed(self, step: str, action, rows=0):
        """Run action(); `rows` is a number or a function of the result."""
        start, start_cpu = time.perf_counter(), time.process_time()
        value = action()
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        self.add(step, rows(value) if callable(rows) else rows, seconds, cpu)
        return value

    def print(self) -> None:
        print(
            f"| {'step':<22} | {'rows':>8} | {'seconds':>8} | {'CPU s':>8} | {'rows/s':>9} | {'peak MB':>8} "
            f"| {'target':<18} |"
        )
        print(f"|{'-' * 24}|{'-' * 9}:|{'-' * 9}:|{'-' * 9}:|{'-' * 10}:|{'-' * 9}:|{'-' * 20}|")
        for (step, rows, seconds, cpu), peak in zip(self.rows, self.peaks, strict=True):
            rate = f"{rows / seconds:>9.0f}" if rows and seconds else f"{'':>9}"
            target = self.targets.get(step)
            judged, measure = (cpu, "CPU") if self.judge_on_cpu and cpu is not None else (seconds, "wall")
            verdict = f"≤ {target:g} s {measure} {'ok' if judged <= target else 'MISSED'}" if target else ""
            shown_cpu = f"{cpu:>8.2f}" if cpu is not None else f"{'':>8}"
            print(
                f"| {step:<22} | {rows or '':>8} | {seconds:>8.2f} | {shown_cpu} | {rate} | {peak:>8.0f} "
                f"| {verdict:<18} |"
            )


def time_hooks(spent: dict[str, float]) -> None:
    """Clock the receivers of `catalog_imported` (the search room's profiles) and the post-commit part of an
    import (queueing Wagtail's page index), so the table can show what the reader itself costs."""
    from catalog.exchange import reader

    def clocked(name, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    reader.after_import = clocked("after commit", reader.after_import)
    reader.catalog_imported.send = clocked("receivers", reader.catalog_imported.send)


def fresh_postgres() -> tuple[str, str]:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}", name


def drop_postgres(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fields", type=int, default=30)
    parser.add_argument("--countries", type=int, default=20)
    parser.add_argument("--institutions", type=int, default=10_000)
    parser.add_argument("--courses", type=int, default=20_000)
    parser.add_argument("--evaluations", type=int, default=100_000)
    parser.add_argument("--outcomes", type=int, default=500)
    parser.add_argument("--postgres", action="store_true", help="use a fresh PostgreSQL database")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-exchange-"))
    postgres_name = None
    if args.postgres:
        os.environ["DATABASE_URL"], postgres_name = fresh_postgres()
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    from catalog.exchange import Source, export_catalog, import_catalog

    table = Table(judge_on_cpu=not args.postgres)
    spent: dict[str, float] = {}
    time_hooks(spent)
    path = workdir / "catalog.jsonl"
    try:
        table.timed("migrate", lambda: call_command("migrate", verbosity=0))
        records = table.timed(
            "generate",
            lambda: generate(
                path,
                fields=args.fields,
                countries=args.countries,
                institutions=args.institutions,
                courses=args.courses,
                evaluations=args.evaluations,
                outcomes=args.outcomes,
            ),
            rows=lambda n: n,
        )
        first = table.timed("import", lambda: import_catalog([Source.from_path(path)]), rows=records)
        table.targets["import"] = IMPORT_TARGET_S["PostgreSQL" if args.postgres else "SQLite"]
        table.add("· catalog_imported", args.institutions, spent.get("receivers", 0.0))
        table.add(
            "· page index queued",
            args.institutions + args.courses + args.outcomes,
            spent.get("after commit", 0.0),
        )
        # What the task worker does next (manage.py db_worker): Wagtail's page index in bulk, off the import.
        table.timed(
            "worker: page index",
            lambda: call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0),
            rows=args.institutions + args.courses + args.outcomes,
        )
        second = table.timed(
            "re-import (no-op)", lambda: import_catalog([Source.from_path(path)]), rows=records
        )
        out = io.StringIO()
        table.timed("export", lambda: export_catalog(out), rows=lambda counts: sum(counts.values()))
    finally:
        if postgres_name:
            drop_postgres(postgres_name)
        size = path.stat().st_size / 1e6 if path.exists() else 0
        shutil.rmtree(workdir, ignore_errors=True)

    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\n{database}, {os.cpu_count()} cores; {size:.1f} MB of JSON Lines\n")
    table.print()
    print("\n· = part of the import above: the search room's receivers of catalog_imported (the profiles,")
    print("in the import's transaction), and after the commit the tasks that index the pages in Wagtail's")
    print("search index (the admin's page search), queued in bulk; the worker's run of them follows.")
    print("Peak MB: the process's peak resident memory so far.\n")
    print("first import: ", " ".join(f"{name}={c.created}" for name, c in first.counts.items()))
    print("re-import:    ", "changed" if second.changed else "nothing changed")


if __name__ == "__main__":
    main()
