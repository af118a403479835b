"""Load: N concurrent users for a while across the journeys, against gunicorn on the scale data.

    make load                                   # 50 users for 300 s
    .venv/bin/python -m tests.perf.load_journeys --users 50 --duration 60

What runs, on this machine only (loopback):

- The database `jissen_load`, migrated and filled once with `seed_scale` (the national size,
  or `--small`); a later run reuses it (`--reseed` rebuilds it). Entries made by a run stay.
- gunicorn with the production settings (`config.settings.production`, 3 sync workers like the
  image) and the static files collected into a temporary folder (a settings module in that
  folder only moves STATIC_ROOT there), Redis as broker and cache (database 12), a Celery
  worker whose mail goes to a local SMTP sink.
- N virtual users, each in its own thread with its own client address (127.0.x.y, so the
  per-address rate limits see N people, not one), think time between requests, its first
  page's CSS and scripts fetched once. The mix is 40 % anonymous visitors, 40 % students, 20 %
  host members:
  * anonymous: home, the project index with filters, keywords, sorting and pages, project
    pages, regions;
  * student (a seeded student, logged in through the allauth form): My page, the index, a
    project page, its entry form, an entry (POST) and its confirmation page, the entry's page;
    now and then a project that is closed (409 expected), and every few rounds a logout and a
    new login;
  * host member (a member of a seeded host with entries): the host dashboard, a project's entry
    list (also filtered by status), entry pages.

A request fails when it gets no answer or a status other than 2xx/3xx, when a logged-in page
sends the user to the login page, or when a login is refused. A 409 for an entry into a closed
project is expected and counted apart. Prints a table per route; exits 1 on any failure.
"""

import argparse
import base64
import http.client
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SERVER = os.environ.get("LOAD_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
SCALE_DOMAIN = "scale.jissen.jp"
SCALE_PASSWORD = "scale-pass-2027"  # seed_scale's published password
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ASSET = re.compile(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"')


# ------------------------------------------------------------------------------------------
# The platform: gunicorn with the production settings (shared with fault_postgres_restart)
# ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Platform:
    """gunicorn (production settings) on a free loopback port; optionally a Celery worker
    whose mail goes to a local SMTP sink. Use as a context manager."""

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        workers: int = 3,
        with_worker: bool = False,
        gunicorn_args: tuple[str, ...] = (),
    ):
        self.database_url = database_url
        self.redis_url = redis_url
        self.workers = workers
        self.with_worker = with_worker
        self.gunicorn_args = gunicorn_args
        self.folder = Path(tempfile.mkdtemp(prefix="jissen-perf-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.web_log = self.folder / "gunicorn.log"
        self.worker_log = self.folder / "worker.log"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.sink = None
        self.handler = None

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(self.folder), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "perf_settings",
            "DJANGO_SECRET_KEY": self.secret,
            "MFA_ENCRYPTION_KEYS": self.mfa_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "LOG_LEVEL": "WARNING",
            "SITE_URL": self.base,
            "MEDIA_ROOT": str(self.folder / "media"),
        }
        if self.handler is not None:
            env["EMAIL_URL"] = f"smtp://127.0.0.1:{self.sink.port}"
        return env

    def __enter__(self) -> "Platform":
        self.secret = secrets.token_urlsafe(50)
        self.mfa_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        # The production settings, with the collected static files in this run's folder.
        (self.folder / "perf_settings.py").write_text(
            "from config.settings.production import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(self.folder / 'static')!r}\n"
        )
        if self.with_worker:
            from tests.smtp_sink import CountingHandler, start_sink

            self.handler = CountingHandler()
            self.sink = start_sink(self.handler)
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env(),
            check=True,
        )
        with self.web_log.open("a") as out:
            self.web = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--access-logfile",
                    "-",
                    *self.gunicorn_args,
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if self.with_worker:
            with self.worker_log.open("a") as out:
                self.worker = subprocess.Popen(
                    [PYTHON, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "info"],
                    cwd=ROOT,
                    env=self.env(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.web_log.read_text()[-3000:]}")
            if Browser(self.base).request("GET", "/healthz").status == 200:
                return self
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /healthz:\n{self.web_log.read_text()[-3000:]}")

    def __exit__(self, *exc) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self.sink is not None:
            self.sink.stop()

    def web_worker_pids(self) -> set[int]:
        """The gunicorn worker processes (children of the master) right now."""
        if self.web is None:
            return set()
        children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children")
        try:
            return {int(p) for p in children.read_text().split()}
        except OSError:
            return set()

    def log_problems(self) -> list[str]:
        """Lines of the gunicorn log that tell of a problem (errors, timeouts, tracebacks)."""
        marks = ("[ERROR]", "[CRITICAL]", "WORKER TIMEOUT", "Traceback", "ERROR ")
        lines = self.web_log.read_text(errors="replace").splitlines()
        return [line for line in lines if any(m in line for m in marks)]


@dataclass
class Result:
    status: int  # 0: no answer
    body: bytes
    location: str
    seconds: float
    error: str = ""


class Browser:
    """One visitor: its cookies and its own loopback address; one connection per request."""

    def __init__(self, base: str, source_ip: str = "127.0.0.1", timeout: float = 30):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.source_ip = source_ip
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.assets_fetched = False

    def request(self, method: str, path: str, form: dict | None = None) -> Result:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "jissen-load/1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=self.timeout, source_address=(self.source_ip, 0)
        )
        try:
            connection.request(method, quote(path, safe="/?=&%:+,;@"), body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                self._store(header)
            return Result(
                response.status,
                data,
                response.headers.get("Location", ""),
                time.monotonic() - started,
            )
        except (OSError, http.client.HTTPException) as exc:
            return Result(0, b"", "", time.monotonic() - started, f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    def _store(self, header: str) -> None:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def csrf(self, page: bytes) -> str:
        match = CSRF_FIELD.search(page)
        return match.group(1).decode() if match else self.cookies.get("csrftoken", "")


# ------------------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------------------


@dataclass
class Record:
    route: str
    status: int
    seconds: float
    failed: bool
    expected_409: bool = False
    note: str = ""


@dataclass
class Catalogue:
    """What the users pick from: ids read from the seeded database before the run."""

    open_projects: list[int]
    closed_projects: list[int]
    public_projects: list[int]
    regions: list[str]
    themes: list[str]
    terms: list[str]
    students: list[str]
    hosts: list[tuple[str, list[int], list[int]]] = field(default_factory=list)


class VirtualUser:
    def __init__(self, number: int, kind: str, base: str, catalogue: Catalogue, args, sink):
        self.kind = kind
        self.catalogue = catalogue
        self.args = args
        self.sink = sink
        self.rng = random.Random(args.seed * 100_003 + number)
        # Each user has its own loopback address: 127.0.<1 + n // 250>.<1 + n % 250>; with
        # --same-address all come from 127.0.0.1, as behind a proxy that the settings ignore.
        address = f"127.0.{1 + number // 250}.{1 + number % 250}"
        self.browser = Browser(base, "127.0.0.1" if args.same_address else address)
        self.account = None
        if kind == "student":
            # Another set of students on each run (by the seed), so entries are new ones.
            self.account = catalogue.students[(args.seed + number) % len(catalogue.students)]
        elif kind == "host":
            self.account, self.projects, self.entries = catalogue.hosts[
                number % len(catalogue.hosts)
            ]
        self.logged_in = False

    # Requests ---------------------------------------------------------------------------

    def hit(
        self,
        route: str,
        path: str,
        *,
        method: str = "GET",
        form: dict | None = None,
        expect_409: bool = False,
        logged_in_page: bool = False,
        expect: tuple[int, ...] = (),
    ) -> Result:
        """One request, recorded. `expect`: the only statuses that count as success (else any
        2xx/3xx); `expect_409`: a 409 is the right answer (a closed project)."""
        result = self.browser.request(method, path, form)
        failed, note, expected = False, result.error, False
        if result.status == 0:
            failed = True
        elif result.status == 409 and expect_409:
            expected = True
        elif not 200 <= result.status < 400 or (expect and result.status not in expect):
            failed = True
            note = f"HTTP {result.status}"
        elif logged_in_page and "/accounts/login/" in result.location:
            failed, note = True, "sent to the login page"
        self.sink(Record(route, result.status, result.seconds, failed, expected, note))
        if not self.browser.assets_fetched and result.status == 200 and method == "GET":
            self.browser.assets_fetched = True
            for asset in dict.fromkeys(ASSET.findall(result.body)):
                self.hit("GET /static/…", asset.decode())
        return result

    def think(self) -> None:
        time.sleep(self.rng.uniform(self.args.think_min, self.args.think_max))

    # Journeys ---------------------------------------------------------------------------

    def run(self, deadline: float) -> None:
        rounds = 0
        while time.monotonic() < deadline:
            if self.kind == "anonymous":
                self.browse(deadline)
            else:
                if not self.logged_in or (rounds and rounds % 8 == 0):
                    if self.logged_in:
                        self.logout()
                    self.login()
                    if not self.logged_in:
                        self.think()
                        continue
                if self.kind == "student":
                    self.student_round(deadline)
                else:
                    self.host_round(deadline)
            rounds += 1

    def steps(self, deadline: float, *calls) -> None:
        for call in calls:
            if time.monotonic() >= deadline:
                return
            call()
            self.think()

    def browse(self, deadline: float) -> None:
        c, rng = self.catalogue, self.rng
        self.steps(
            deadline,
            lambda: self.hit("GET /", "/"),
            lambda: self.hit("GET /projects/", "/projects/"),
            lambda: self.hit("GET /projects/?filters", "/projects/?" + self.filters()),
            lambda: self.hit("GET /projects/?page=n", f"/projects/?page={rng.randint(2, 60)}"),
            lambda: self.hit("GET /projects/<pk>/", f"/projects/{rng.choice(c.public_projects)}/"),
            lambda: self.hit("GET /projects/<pk>/", f"/projects/{rng.choice(c.public_projects)}/"),
            lambda: self.hit("GET /regions/…", rng.choice(["/regions/", *self.region_paths()])),
        )

    def student_round(self, deadline: float) -> None:
        c, rng = self.catalogue, self.rng
        closed = rng.random() < 0.15
        project = rng.choice(c.closed_projects if closed else c.open_projects)
        entered: dict = {}

        def enter() -> None:
            page = self.hit(
                "GET /projects/<pk>/entry/", f"/projects/{project}/entry/", logged_in_page=True
            )
            if page.status != 200:
                return
            result = self.hit(
                "POST /projects/<pk>/entry/",
                f"/projects/{project}/entry/",
                method="POST",
                form={
                    "csrfmiddlewaretoken": self.browser.csrf(page.body),
                    "motivation": "地域の現場で、受入先の方と一緒に挑戦したいと考えています。",
                    "consent": "on",
                },
                expect_409=closed,
                logged_in_page=True,
                expect=(302,),
            )
            if result.status == 302:
                entered["done"] = result.location

        def done() -> None:
            if "done" in entered:
                self.hit("GET /me/entries/<pk>/done/", entered["done"], logged_in_page=True)
                entry = entered["done"].rstrip("/").rsplit("/", 1)[0] + "/"
                self.hit("GET /me/entries/<pk>/", entry, logged_in_page=True)

        self.steps(
            deadline,
            lambda: self.hit("GET /me/", "/me/", logged_in_page=True),
            lambda: self.hit(
                "GET /projects/?filters", "/projects/?" + self.filters(open_only=True)
            ),
            lambda: self.hit("GET /projects/<pk>/", f"/projects/{project}/"),
            enter,
            done,
        )

    def host_round(self, deadline: float) -> None:
        rng = self.rng
        project = rng.choice(self.projects)
        status = rng.choice(["", "submitted", "screening", "interviewing", "rejected"])
        query = f"?status={status}" if status else ""
        self.steps(
            deadline,
            lambda: self.hit("GET /host/", "/host/", logged_in_page=True),
            lambda: self.hit(
                "GET /host/projects/<pk>/entries/",
                f"/host/projects/{project}/entries/{query}",
                logged_in_page=True,
            ),
            lambda: self.hit(
                "GET /host/entries/<pk>/",
                f"/host/entries/{rng.choice(self.entries)}/",
                logged_in_page=True,
            ),
            lambda: self.hit(
                "GET /host/entries/<pk>/",
                f"/host/entries/{rng.choice(self.entries)}/",
                logged_in_page=True,
            ),
        )

    def login(self) -> None:
        page = self.hit("GET /accounts/login/", "/accounts/login/")
        if page.status != 200:
            return
        result = self.browser.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": self.browser.csrf(page.body),
                "login": self.account,
                "password": SCALE_PASSWORD,
            },
        )
        ok = result.status == 302 and "sessionid" in self.browser.cookies
        note = result.error or ("" if ok else f"HTTP {result.status}, login refused")
        self.sink(
            Record("POST /accounts/login/", result.status, result.seconds, not ok, False, note)
        )
        self.logged_in = ok
        self.think()

    def logout(self) -> None:
        page = self.hit("GET /me/" if self.kind == "student" else "GET /host/", self.home())
        self.hit(
            "POST /accounts/logout/",
            "/accounts/logout/",
            method="POST",
            form={"csrfmiddlewaretoken": self.browser.csrf(page.body)},
        )
        self.browser.cookies.pop("sessionid", None)
        self.logged_in = False

    def home(self) -> str:
        return "/me/" if self.kind == "student" else "/host/"

    # Query strings ------------------------------------------------------------------------

    def filters(self, open_only: bool = False) -> str:
        c, rng = self.catalogue, self.rng
        choices = {
            "region": c.regions,
            "term": c.terms,
            "season": ["summer", "spring"],
            "duration": ["1-2", "3-5", "6-12"],
            "style": ["commute", "residential", "remote", "hybrid"],
            "theme": c.themes,
            "kind": ["company", "npo", "municipality", "school"],
            "q": ["観光", "食", "十勝", "農業", "DX", "まちづくり", "tourism", "函館"],
            "sort": ["new", "deadline", "short", "long"],
        }
        picked = rng.sample(sorted(choices), k=rng.randint(1, 3))
        query = {name: rng.choice(choices[name]) for name in picked if choices[name]}
        if open_only or rng.random() < 0.3:
            query["open"] = "on"
        if rng.random() < 0.2:
            query["page"] = "2"
        return urlencode(query)

    def region_paths(self) -> list[str]:
        return [f"/regions/{slug}/" for slug in self.catalogue.regions]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (300)")
    parser.add_argument("--ramp", type=float, default=10, help="seconds to start all users")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--small", action="store_true", help="seed_scale --small, not full")
    parser.add_argument("--reseed", action="store_true", help="rebuild jissen_load first")
    parser.add_argument("--no-worker", action="store_true", help="no Celery worker")
    parser.add_argument("--seed", type=int, help="random seed (default: a new one, printed)")
    parser.add_argument(
        "--same-address",
        action="store_true",
        help="every user from 127.0.0.1 (as behind a proxy): shows the per-address limits",
    )
    args = parser.parse_args()
    if not 0 < args.users <= 250 * 200:
        parser.error("--users: 1 to 50000")
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(100_000)

    database_url = f"{SERVER}/jissen_load"
    redis_url = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/12")
    prepare_database(database_url, small=args.small, reseed=args.reseed)
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # this run's database number only
    catalogue = read_catalogue(database_url)
    print(
        f"catalogue: {len(catalogue.public_projects)} public projects "
        f"({len(catalogue.open_projects)} open), {len(catalogue.students)} students, "
        f"{len(catalogue.hosts)} host members with entries"
    )
    sys.path.insert(0, str(ROOT))
    records: list[Record] = []
    kinds = ["anonymous", "anonymous", "student", "student", "host"]
    with Platform(
        database_url=database_url,
        redis_url=redis_url,
        workers=args.web_workers,
        with_worker=not args.no_worker,
    ) as platform:
        pids_before = platform.web_worker_pids()
        print(
            f"gunicorn on {platform.base} ({args.web_workers} workers, production settings); "
            f"{args.users} users for {args.duration} s (ramp {args.ramp:.0f} s, think "
            f"{args.think_min}–{args.think_max} s, seed {args.seed}); logs in {platform.folder}"
        )
        started = time.monotonic()
        deadline = started + args.duration
        threads = []
        for n in range(args.users):
            user = VirtualUser(
                n, kinds[n % len(kinds)], platform.base, catalogue, args, records.append
            )

            def run(user=user, delay=args.ramp * n / args.users) -> None:
                time.sleep(delay)
                user.run(deadline)

            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            threads.append(thread)
        progress(records, started, deadline)
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.monotonic() - started
        pids_after = platform.web_worker_pids()
        mail = platform.handler.accepted if platform.handler else None
        problems = platform.log_problems()
    return summary(records, elapsed, args, pids_before, pids_after, problems, mail)


def progress(records: list[Record], started: float, deadline: float) -> None:
    while time.monotonic() < deadline:
        time.sleep(min(15, max(0.1, deadline - time.monotonic())))
        done = list(records)
        failed = sum(r.failed for r in done)
        print(
            f"  {time.monotonic() - started:5.0f} s: {len(done)} requests, {failed} failed",
            flush=True,
        )


def summary(records, elapsed, args, pids_before, pids_after, problems, mail) -> int:
    by_route: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_route[r.route].append(r)
    print()
    header = f"| {'route':<36} | requests | failed | 409 expected | p50 ms | p95 ms | max ms |"
    print(header)
    print("|" + "-" * 38 + "|---------:|-------:|-------------:|-------:|-------:|-------:|")
    for route in sorted(by_route):
        rows = by_route[route]
        times = sorted(r.seconds * 1000 for r in rows if r.status)
        p50 = statistics.median(times) if times else 0
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))] if times else 0
        worst = times[-1] if times else 0
        print(
            f"| {route:<36} | {len(rows):>8} | {sum(r.failed for r in rows):>6} | "
            f"{sum(r.expected_409 for r in rows):>12} | {p50:>6.0f} | {p95:>6.0f} | {worst:>6.0f} |"
        )
    total = len(records)
    failed = [r for r in records if r.failed]
    times = sorted(r.seconds * 1000 for r in records if r.status)
    print()
    print(
        f"{args.users} users, {elapsed:.0f} s: {total} requests ({total / elapsed:.1f}/s), "
        f"{len(failed)} failed, {sum(r.expected_409 for r in records)} expected 409s; "
        f"p50 {statistics.median(times):.0f} ms, "
        f"p95 {times[int(len(times) * 0.95)]:.0f} ms, max {times[-1]:.0f} ms"
        if times
        else f"{total} requests, none answered"
    )
    if mail is not None:
        print(f"emails delivered to the sink during the run: {mail}")
    same = pids_before == pids_after
    print(f"gunicorn workers replaced during the run: {'none' if same else 'YES'}")
    if failed:
        reasons = defaultdict(int)
        for r in failed:
            reasons[(r.route, r.status, r.note)] += 1
        print("failures:")
        for (route, status, note), n in sorted(reasons.items(), key=lambda x: -x[1])[:15]:
            print(f"  {n:>5} × {route} → {status} {note}")
    if problems:
        print(f"gunicorn log: {len(problems)} problem lines, the first ones:")
        for line in problems[:10]:
            print("  " + line[:200])
    ok = total > 0 and not failed and same
    print("RESULT:", "0 failed requests" if ok else "FAILED")
    return 0 if ok else 1


# ------------------------------------------------------------------------------------------
# The data
# ------------------------------------------------------------------------------------------


def prepare_database(url: str, *, small: bool, reseed: bool) -> None:
    """Create, migrate and seed `url` once; later runs reuse it."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if reseed:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "False",
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "EMAIL_URL": "",
    }
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    with psycopg.connect(url) as conn:
        seeded = conn.execute(
            "SELECT count(*) FROM accounts_user WHERE email LIKE %s", [f"%@{SCALE_DOMAIN}"]
        ).fetchone()[0]
    if seeded:
        print(f"{name}: scale data present ({seeded} accounts); reusing it")
        return
    command = [PYTHON, "manage.py", "seed_scale", *(["--small"] if small else [])]
    print(f"{name}: seeding with {' '.join(command[1:])} (once; later runs reuse it)", flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"{name}: seeded in {time.monotonic() - started:.0f} s")


def read_catalogue(url: str) -> Catalogue:
    import psycopg

    with psycopg.connect(url) as conn:
        q = conn.execute
        public = q(
            "SELECT id, status, entry_deadline IS NULL OR entry_deadline > now() + interval '1 day'"
            " FROM projects_project WHERE status IN ('published', 'closed') ORDER BY id"
        ).fetchall()
        regions = [r[0] for r in q("SELECT slug FROM programs_region ORDER BY position, id")]
        themes = [r[0] for r in q("SELECT slug FROM projects_theme ORDER BY slug")]
        terms = [str(r[0]) for r in q("SELECT id FROM programs_term ORDER BY id")]
        students = [
            r[0]
            for r in q(
                "SELECT u.email FROM accounts_user u"
                " JOIN applicants_studentprofile p ON p.user_id = u.id"
                " JOIN account_emailaddress e ON e.user_id = u.id AND e.verified"
                " WHERE u.email LIKE %s AND u.is_active"
                " AND p.university <> '' AND p.faculty <> '' AND p.year IS NOT NULL"
                " AND p.current_residence <> '' AND p.bio <> ''"
                " ORDER BY u.id LIMIT 2000",
                [f"student%@{SCALE_DOMAIN}"],
            )
        ]
        hosts = []
        members = q(
            "SELECT u.email, m.organization_id FROM projects_hostmembership m"
            " JOIN accounts_user u ON u.id = m.user_id"
            " JOIN account_emailaddress e ON e.user_id = u.id AND e.verified"
            " WHERE u.email LIKE %s AND u.is_active AND NOT u.is_staff ORDER BY u.id",
            [f"host%@{SCALE_DOMAIN}"],
        ).fetchall()
        for email, organization in members:
            rows = q(
                "SELECT a.project_id, a.id FROM applicants_application a"
                " JOIN projects_project p ON p.id = a.project_id"
                " WHERE p.organization_id = %s ORDER BY a.id DESC LIMIT 200",
                [organization],
            ).fetchall()
            if rows:
                projects = sorted({r[0] for r in rows})
                hosts.append((email, projects, [r[1] for r in rows]))
            if len(hosts) >= 200:
                break
    catalogue = Catalogue(
        open_projects=[pk for pk, status, open_ in public if status == "published" and open_],
        closed_projects=[pk for pk, status, _ in public if status == "closed"],
        public_projects=[pk for pk, _, _ in public],
        regions=regions,
        themes=themes,
        terms=terms,
        students=students,
        hosts=hosts,
    )
    missing = [
        name
        for name in ("open_projects", "closed_projects", "students", "hosts")
        if not getattr(catalogue, name)
    ]
    if missing:
        raise SystemExit(f"the seeded database has no {', '.join(missing)}")
    return catalogue


if __name__ == "__main__":
    raise SystemExit(main())
