"""Serving benchmark: the portal under gunicorn with production settings, its public pages and the match
API driven by a bounded load from loopback clients.

    .venv/bin/python bench/serve.py [--size demo|10000] [--seconds 5] [--requests 150] [--clients 8]
                                    [--rounds 2] [--workers 2] [--load wrk|threads] [--workdir DIR]
                                    [--compare other.json | --bakerydemo CHECKOUT]

A fresh SQLite database in a temporary folder is migrated (with the cache table), filled with the demo
catalogue (`manage.py load_demo`) and, for a number, with bench/match.py's synthetic catalogue of that
many institutions; gunicorn then serves it on a free loopback port. Each page is driven anonymously and
as a signed-in member of an organizing unit, in both languages: by `wrk -t2 -c<clients>` for --seconds
when wrk is installed, else by --requests requests from --clients threads (one connection per request:
gunicorn's sync workers do not keep connections alive). Prints one table: requests/s, p50 and p99 in
milliseconds, and the answers that were not 2xx/3xx. --workdir keeps the prepared database in DIR and
reuses it the next time.

--compare FILE drives another site, served the same way and already running, in the same rounds,
alternating with the portal page by page (README, "Tests and benchmarks"): FILE is JSON, {"name":
"bakerydemo", "pages": {"institution": "http://127.0.0.1:8001/breads/bolani/", ...}, "cookie":
"sessionid=..."} keyed by this table's page names (without the language); "cookie", if given, is sent on
the signed-in rows. Its requests/s, the ratio portal/other per round and the target go beside the portal's.

--bakerydemo CHECKOUT does all of that for an unpacked copy of wagtail/bakerydemo: a virtual environment
beside it (CHECKOUT-venv) with this project's Django and Wagtail versions, its demo data
(`load_initial_data`), its production settings on SQLite with DEBUG off, a signed-in user without admin
access, and gunicorn with the same number of sync workers on another free loopback port.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
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

# The target: every public page at least this many times bakerydemo's comparable page.
TARGET_RATIO = 1.5
# wagtail/bakerydemo's comparable pages for this table's rows: a bread page beside an institution, the
# breads index beside the directory, a blog page beside a course and an outcome, the blog index beside
# the outcomes, its site search beside the ranked find page.
BAKERYDEMO_PAGES = {
    "home": "/",
    "directory": "/breads/",
    "institution": "/breads/bolani/",
    "course": "/blog/wild-yeast/",
    "outcomes": "/blog/",
    "outcome": "/blog/wild-yeast/",
    "find": "/search/?q=bread",
}
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


def wrk(url: str, *, seconds: float, clients: int, cookie: str = "", body: dict | None = None) -> Result:
    """Drive url with `wrk -t2 -c<clients>` for `seconds`; the latencies kept are wrk's percentiles (enough
    for p50 and p99), the count its requests."""
    command = [
        "wrk",
        "-t2",
        f"-c{clients}",
        f"-d{max(1, round(seconds))}s",
        # wrk drops answers slower than its default 2 s; on a loaded machine some are.
        "--timeout",
        "30s",
        "--latency",
        "-H",
        "Accept-Language: en",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if body is not None:
            script.write(
                'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                f"wrk.body = {json.dumps(json.dumps(body, ensure_ascii=True))}\n"
            )
    try:
        out = subprocess.run(
            [*command, "-s", script.name, url], capture_output=True, text=True, timeout=seconds + 60
        ).stdout
    finally:
        os.unlink(script.name)
    result = Result()
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    if not total:
        result.errors["wrk failed"] = 1
        return result
    count = int(total.group(1))
    unit = {"ms": 0.001, "s": 1.0, "m": 60.0}.get(total.group(3), 1.0)
    result.seconds = float(total.group(2)) * unit
    percentiles = {}
    for q, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE):
        percentiles[int(q)] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    # wrk reports 50/75/90/99: spread the count over them so that quantile() reads them back.
    result.latencies = sorted(
        percentiles.get(50, 0.0)
        if i < count * 0.5
        else percentiles.get(99, 0.0)
        if i >= count * 0.99
        else percentiles.get(90, 0.0)
        for i in range(count)
    )
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        result.errors["non-2xx"] = int(failed.group(1))
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sockets:
        # Sync workers close every connection, which wrk counts as read errors: only timeouts and refused
        # connections are failures.
        for name, value in (("connect", sockets.group(1)), ("timeout", sockets.group(4))):
            if int(value):
                result.errors[name] = int(value)
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


def start_server(
    app: str, port: int, workers: int, log_path: Path, *, gunicorn: Path, cwd: Path, env: dict | None = None
) -> subprocess.Popen:
    """gunicorn with `workers` sync workers on a loopback port; returns once the port answers."""
    command = [str(gunicorn), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--worker-class", "sync", "--log-level", "warning"]
    server = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(log_path.read_text()) from None
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def pinned(name: str) -> str:
    """This project's pinned version of a package, from requirements.lock."""
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(name)}==([^\s;]+)", lock, re.MULTILINE | re.IGNORECASE)
    if not found:
        raise SystemExit(f"{name} is not pinned in requirements.lock")
    return found.group(1)


def bakerydemo(checkout: Path, workers: int) -> tuple[dict, subprocess.Popen]:
    """Serve an unpacked wagtail/bakerydemo the way this portal is served: its own virtual environment with
    this project's Django and Wagtail (its requirements name newer ones), production settings, SQLite,
    DEBUG off, no HTTPS redirect on loopback, static files through whitenoise, gunicorn with `workers`
    sync workers. The database and the venv are kept beside the checkout and reused."""
    checkout = checkout.resolve()
    if not (checkout / "bakerydemo" / "settings" / "production.py").exists():
        raise SystemExit(f"{checkout} is not a copy of wagtail/bakerydemo")
    venv = checkout.with_name(checkout.name + "-venv")
    python = venv / "bin" / "python"
    requirements = checkout / "requirements-bench.txt"
    requirements.write_text(
        # bakerydemo's own requirements (requirements/base.txt and production.txt) with this project's
        # Django and Wagtail; its Elasticsearch, S3 and Redis extras are not used here.
        f"Django=={pinned('django')}\nwagtail=={pinned('wagtail')}\n"
        "python-dotenv>=1.2.1,<2\nwagtail-font-awesome-svg>=1,<2\ndjango-debug-toolbar>=4.2,<5\n"
        "django-extensions>=4.1,<5\ndjango-csp>=3.8,<4\ndj-database-url>=3.1.0,<4\n"
        f"whitenoise=={pinned('whitenoise')}\ngunicorn=={pinned('gunicorn')}\n",
        encoding="utf-8",
    )
    if not (venv / ".installed").exists() or (venv / ".installed").read_text() != requirements.read_text():
        log(f"installing bakerydemo's requirements into {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(requirements)], check=True)
        (venv / ".installed").write_text(requirements.read_text())
    database = checkout / "bench.sqlite3"
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO", "DATABASE", "SECRET", "SECURE"))
        },
        "DJANGO_SETTINGS_MODULE": "bakerydemo.settings.production",
        "DJANGO_SECRET_KEY": "bench-bakerydemo-" + os.urandom(16).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
    }

    def manage(*command: str) -> str:
        done = subprocess.run(
            [str(python), "manage.py", *command], cwd=checkout, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(done.stdout + done.stderr)
        return done.stdout

    if not database.exists():
        log("loading bakerydemo's initial data")
        manage("migrate", "-v0")
        manage("load_initial_data")
        manage("collectstatic", "--noinput", "-v0")
    cookie = (
        manage(
            "shell",
            "-c",
            "from django.conf import settings\n"
            "from django.contrib.auth import get_user_model\n"
            "from django.test import Client\n"
            "user, _ = get_user_model().objects.get_or_create(username='bench', email='bench@example.org')\n"
            "client = Client()\nclient.force_login(user)\n"
            "name = settings.SESSION_COOKIE_NAME\n"
            "print('COOKIE', name + '=' + client.cookies[name].value)",
        )
        .split("COOKIE ")[-1]
        .strip()
    )
    port = free_port()
    server = start_server(
        "bakerydemo.wsgi",
        port,
        workers,
        checkout / "gunicorn.log",
        gunicorn=venv / "bin" / "gunicorn",
        cwd=checkout,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    return {
        "name": "bakerydemo",
        "pages": {k: base + v for k, v in BAKERYDEMO_PAGES.items()},
        "cookie": cookie,
    }, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="demo", help="'demo', or a number of institutions")
    parser.add_argument("--seconds", type=int, default=5, help="with wrk: seconds per page and round")
    parser.add_argument("--requests", type=int, default=150, help="without wrk: requests per page and round")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (connections)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--load", choices=("wrk", "threads"), default="wrk" if shutil.which("wrk") else "threads"
    )
    parser.add_argument("--workdir", type=Path, help="keep the prepared database here and reuse it")
    parser.add_argument("--only", help="comma-separated page names to drive (home, directory, ...)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--compare", type=Path, help="JSON map of another site's pages (see above)")
    group.add_argument("--bakerydemo", type=Path, help="an unpacked copy of wagtail/bakerydemo to serve")
    args = parser.parse_args()

    # A benchmark stopped with SIGTERM still stops the servers it started (the finally clause below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    other = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else None
    if args.workdir:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    port = free_port()
    # Kept with the database: the saved session cookie is signed with it.
    secret = workdir / "secret.txt"
    if not secret.exists():
        secret.write_text("bench-serve-" + os.urandom(16).hex())
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secret.read_text(),
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
    server = other_server = None

    def load(url: str, cookie: str, body: dict | None) -> Result:
        if args.load == "wrk":
            return wrk(url, seconds=args.seconds, clients=args.clients, cookie=cookie, body=body)
        return drive(url, requests=args.requests, clients=args.clients, cookie=cookie, body=body)

    try:
        saved = workdir / "prepared.json"
        if args.workdir and saved.exists() and saved.read_text().strip():
            prepared = json.loads(saved.read_text())
            if prepared.get("size") != args.size:
                raise SystemExit(
                    f"{workdir} holds a catalogue of size {prepared.get('size')}, not {args.size}"
                )
            log(f"reusing the database in {workdir}")
        else:
            prepared = {**prepare(workdir, args.size), "size": args.size}
            saved.write_text(json.dumps(prepared))
        # As deployed: whitenoise serves the collected files (the manifest's names are in every page).
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, cwd=ROOT, check=True)
        if args.bakerydemo:
            other, other_server = bakerydemo(args.bakerydemo, args.workers)
            log(f"bakerydemo: {other['pages']}")
        server = start_server(
            "portal.wsgi",
            port,
            args.workers,
            workdir / "gunicorn.log",
            gunicorn=Path(sys.executable).parent / "gunicorn",
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        rows = pages(prepared["paths"])
        if args.only:
            wanted = set(args.only.split(","))
            rows = [row for row in rows if row.name.split(" /")[0] in wanted]
        totals = {row.label: Result() for row in rows}
        others = {row.label: Result() for row in rows}
        ratios: dict[str, list[float]] = {row.label: [] for row in rows}
        # Warm both servers' workers (imports, caches, renditions) before timing.
        for row in rows:
            cookie = prepared["cookie"] if row.signed_in else ""
            drive(
                base + row.path, requests=args.workers * 4, clients=args.workers, cookie=cookie, body=row.body
            )
            target = other and other["pages"].get(row.name.split(" /")[0])
            if target:
                cookie = other.get("cookie", "") if row.signed_in else ""
                drive(target, requests=args.workers * 4, clients=args.workers, cookie=cookie)
        for number in range(args.rounds):
            log(f"round {number + 1} of {args.rounds}")
            for row in rows:
                mine = load(base + row.path, prepared["cookie"] if row.signed_in else "", row.body)
                totals[row.label].add(mine)
                target = other and other["pages"].get(row.name.split(" /")[0])
                if target:
                    theirs = load(target, other.get("cookie", "") if row.signed_in else "", None)
                    others[row.label].add(theirs)
                    if theirs.rate:
                        ratios[row.label].append(mine.rate / theirs.rate)
    finally:
        for name, running, path in (
            ("portal", server, workdir / "gunicorn.log"),
            ("bakerydemo", other_server, args.bakerydemo and args.bakerydemo / "gunicorn.log"),
        ):
            if running is not None:
                running.terminate()
                running.wait(timeout=30)
                server_log = Path(path).read_text(errors="replace")
                if "Traceback" in server_log:
                    log(f"the {name} server's log ends:\n" + server_log[-3000:])
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    load_text = (
        f"wrk -t2 -c{args.clients}, {args.seconds} s per page and round"
        if args.load == "wrk"
        else f"{args.clients} client threads, {args.requests} requests per page and round"
    )
    print(
        f"\ngunicorn, {args.workers} sync workers, production settings, SQLite; catalogue: {args.size}; "
        f"{os.cpu_count()} cores; {load_text}; {args.rounds} rounds, the two sites alternating page by page\n"
    )
    header = f"| {'page':<40} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>8} |"
    rule = f"|{'-' * 42}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 9}:|"
    if other:
        header += f" {other['name'] + ' req/s':>18} | {'ratio':>11} | {'target':>6} | {'met':>3} |"
        rule += f"{'-' * 19}:|{'-' * 12}:|{'-' * 7}:|{'-' * 4}:|"
    print(header)
    print(rule)
    below, missing = [], []
    for row in rows:
        mine = totals[row.label]
        errors = " ".join(f"{status}×{count}" for status, count in mine.errors.items()) or "0"
        p50, p99 = mine.quantile(50), mine.quantile(99)
        line = f"| {row.label:<40} | {mine.rate:>7.1f} | {p50:>7.0f} | {p99:>7.0f} | {errors:>8} |"
        theirs, spread = others[row.label], ratios[row.label]
        if other and theirs.seconds:
            # A round in which the other site answered nothing within the time gives no ratio.
            ratio = f"{min(spread):.2f}–{max(spread):.2f}" if spread else "none"
            met = ("yes" if min(spread) >= TARGET_RATIO else "no") if spread else "?"
            if spread and min(spread) < TARGET_RATIO:
                below.append(row.label)
            if len(spread) < args.rounds:
                missing.append(row.label)
            line += f" {theirs.rate:>18.1f} | {ratio:>11} | {'≥ ' + str(TARGET_RATIO):>6} | {met:>3} |"
        elif other:
            line += f" {'':>18} | {'':>11} | {'':>6} | {'':>3} |"
        print(line)
    print("\nreq/s: requests answered per second of wall time, all rounds; ratio: this portal's req/s over")
    print("the other site's, per round (lowest–highest). Absolute figures depend on the load on the machine.")
    if other:
        print(f"Below the target in some round: {', '.join(below) or 'none'}.")
        if missing:
            print(f"Rounds without a ratio (the other site answered nothing in time): {', '.join(missing)}.")


if __name__ == "__main__":
    main()
