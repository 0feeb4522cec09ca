"""Serving benchmark: the portal under gunicorn with production settings, its public pages and the match
API driven by a bounded load from loopback clients.

    .venv/bin/python bench/serve.py [--size demo|10000] [--requests 150] [--clients 8] [--rounds 2]
                                    [--workers 2] [--compare other.json]

A fresh SQLite database in a temporary folder is migrated (with the cache table), filled with the demo
catalogue (`manage.py load_demo`) and, for a number, with bench/match.py's synthetic catalogue of that
many institutions; gunicorn then serves it on a free loopback port. Each page is requested --requests
times by --clients threads (one connection per request: gunicorn's sync workers do not keep connections
alive), anonymously and as a signed-in member of an organizing unit, in both languages. Prints one
table: requests/s, p50 and p99 in milliseconds, and the answers that were not 200.

--compare FILE drives another site, served the same way and already running, in the same rounds,
alternating with the portal (README, "Tests and benchmarks"): FILE is JSON, {"name": "bakerydemo",
"pages": {"institution": "http://127.0.0.1:8001/breads/bolani/", ...}} keyed by this table's page names
(without the language); its figures and the ratio portal/other go beside the portal's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The target of issue 15: every public page at least this many times bakerydemo's comparable page.
TARGET_RATIO = 1.5
MATCH_BODY = {"title": "智能制造与工业机器人培训", "topic": "industrial robotics", "days": 14}


@dataclass
class Page:
    """One row of the table: what to request, and as whom."""

    name: str
    path: str
    signed_in: bool = False
    body: dict | None = None

    @property
    def label(self) -> str:
        return f"{self.name}{' (signed in)' if self.signed_in else ''}"


@dataclass
class Result:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, other: Result) -> None:
        self.seconds += other.seconds
        self.latencies += other.latencies
        for status, count in other.errors.items():
            self.errors[status] = self.errors.get(status, 0) + count

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def quantile(self, q: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1]


def log(message: str) -> None:
    print(f"[serve] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drive(url: str, *, requests: int, clients: int, cookie: str = "", body: dict | None = None) -> Result:
    """Send `requests` requests to url from `clients` threads, each waiting for its answer before the next."""
    target = urllib.parse.urlsplit(url)
    path = target.path + (f"?{target.query}" if target.query else "")
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"Host": target.netloc, "Connection": "close", "Accept-Language": "en"}
    if cookie:
        headers["Cookie"] = cookie
    if payload is not None:
        headers["Content-Type"] = "application/json"
    result = Result()
    lock = threading.Lock()
    remaining = [requests]

    def client() -> None:
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                connection.request("POST" if payload else "GET", path, body=payload, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                status = str(response.status)
            except OSError as error:
                status = type(error).__name__
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                result.latencies.append(elapsed)
                if status != "200":
                    result.errors[status] = result.errors.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - start
    return result


def prepare(workdir: Path, size: str) -> dict:
    """Migrate, create the cache table, load the catalogue; return the paths to drive and a session cookie
    of a unit member. Runs in this process with the server's settings (the environment is shared)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from catalog.exchange import Source, import_catalog
    from catalog.models import Course, Institution, Outcome
    from matching.models import OrganizingUnit, UnitMembership

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    # As deployed: whitenoise serves the collected files (the manifest's names are in every page).
    call_command("collectstatic", interactive=False, verbosity=0)
    log("loading the demo catalogue")
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if size != "demo":
        from bench.match import Vocabulary, catalogue

        count = int(size.replace("_", ""))
        log(f"importing a synthetic catalogue of {count:,} institutions, {count * 10:,} evaluations")
        path = workdir / "catalogue.jsonl"
        records = catalogue(count, count * 10, Vocabulary())
        with path.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        import_catalog([Source.from_path(path)])

    user = get_user_model().objects.create_user("bench", "bench@example.org", "bench-password")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    unit = OrganizingUnit.objects.first() or OrganizingUnit.objects.create(name="江苏省科学技术厅")
    UnitMembership.objects.create(user=user, unit=unit, confirmed_at=timezone.now())
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def relative(page) -> str:
        # Page.url_path starts with the home page's slug; the public path drops it.
        return page.url_path.split("/", 2)[2]

    institution = Institution.objects.filter(slug="de-tum").first() or Institution.objects.live().first()
    course = Course.objects.live().child_of(institution).first() or Course.objects.live().first()
    outcome = Outcome.objects.live().first()
    paths = {
        "home": "",
        "directory": relative(institution.get_parent()),
        "institution": relative(institution),
        "course": relative(course),
        "outcomes": relative(outcome.get_parent()),
        "outcome": relative(outcome),
        "find": "find/?q=" + urllib.parse.quote("智能制造 robotics"),
    }
    from django.db import connections

    connections.close_all()
    log(f"pages: {paths}")
    return {"paths": paths, "cookie": cookie}


def pages(paths: dict[str, str]) -> list[Page]:
    rows = []
    for signed_in in (False, True):
        for language in ("zh-hans", "en"):
            for name, path in paths.items():
                rows.append(Page(f"{name} /{language}/", f"/{language}/{path}", signed_in))
    rows.append(Page("POST /api/v1/match", "/api/v1/match", body=MATCH_BODY))
    return rows


def start_server(port: int, workers: int, workdir: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "portal.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=(workdir / "gunicorn.log").open("w"), stderr=subprocess.STDOUT
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit((workdir / "gunicorn.log").read_text()) from None
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="demo", help="'demo', or a number of institutions")
    parser.add_argument("--requests", type=int, default=150, help="requests per page and round")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--compare", type=Path, help="JSON map of another site's pages (see above)")
    args = parser.parse_args()

    other = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else None
    workdir = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    port = free_port()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="bench-serve-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to HTTPS, no HSTS.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"sqlite:///{workdir / 'serve.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        PRIVATE_MEDIA_ROOT=str(workdir / "private"),
        # The benchmark is one client address sending thousands of requests.
        API_ANON_RATE="1000000/minute",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    server = None
    try:
        prepared = prepare(workdir, args.size)
        server = start_server(port, args.workers, workdir)
        base = f"http://127.0.0.1:{port}"
        rows = pages(prepared["paths"])
        totals = {row.label: Result() for row in rows}
        others = {row.label: Result() for row in rows}
        ratios: dict[str, list[float]] = {row.label: [] for row in rows}
        # Warm both workers' caches and imports before timing.
        for row in rows:
            drive(base + row.path, requests=args.workers * 2, clients=args.workers, body=row.body)
        for number in range(args.rounds):
            log(f"round {number + 1} of {args.rounds}")
            for row in rows:
                cookie = prepared["cookie"] if row.signed_in else ""
                mine = drive(
                    base + row.path,
                    requests=args.requests,
                    clients=args.clients,
                    cookie=cookie,
                    body=row.body,
                )
                totals[row.label].add(mine)
                target = other and other["pages"].get(row.name.split(" /")[0])
                if target:
                    theirs = drive(target, requests=args.requests, clients=args.clients)
                    others[row.label].add(theirs)
                    if theirs.rate:
                        ratios[row.label].append(mine.rate / theirs.rate)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
            server_log = (workdir / "gunicorn.log").read_text(errors="replace")
            if "Traceback" in server_log:
                log("the server's log ends:\n" + server_log[-3000:])
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"\ngunicorn, {args.workers} sync workers, production settings, SQLite; catalogue: {args.size}; "
        f"{os.cpu_count()} cores; {args.clients} clients, {args.requests} requests per page and round, "
        f"{args.rounds} rounds\n"
    )
    header = f"| {'page':<40} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>8} |"
    rule = f"|{'-' * 42}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 9}:|"
    if other:
        header += f" {other['name'] + ' req/s':>18} | {'ratio':>11} | {'target':>6} |"
        rule += f"{'-' * 19}:|{'-' * 12}:|{'-' * 7}:|"
    print(header)
    print(rule)
    for row in rows:
        mine = totals[row.label]
        errors = " ".join(f"{status}×{count}" for status, count in mine.errors.items()) or "0"
        p50, p99 = mine.quantile(50), mine.quantile(99)
        line = f"| {row.label:<40} | {mine.rate:>7.1f} | {p50:>7.0f} | {p99:>7.0f} | {errors:>8} |"
        if other:
            theirs, spread = others[row.label], ratios[row.label]
            ratio = f"{min(spread):.2f}–{max(spread):.2f}" if spread else ""
            rate = f"{theirs.rate:.1f}" if theirs.latencies else ""
            line += f" {rate:>18} | {ratio:>11} | {'≥ ' + str(TARGET_RATIO) if spread else '':>6} |"
        print(line)
    print("\nreq/s: requests answered per second of wall time, all rounds; ratio: this portal's req/s over")
    print("the other site's, per round (lowest–highest). Absolute figures depend on the load on the machine.")


if __name__ == "__main__":
    main()
