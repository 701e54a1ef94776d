"""`make bench`: serve Parley with gunicorn on 127.0.0.1, load it with wrk, print one table.

The table (issue 11, goal 7), for an article with 79 responses and one with 1,000, every thread
on one page:
- hello: a bare Flask endpoint under the same server settings, the ceiling;
- naive render: the same number of responses as plain dicts in memory, one recursive Jinja
  loop, no database (tests/bench/hello.py), the baseline for a rendered page;
- Parley anonymous: a reader without cookies (the page cache), also with
  `Accept-Encoding: gzip` as browsers send it;
- Parley personal: a returning commenter (a signed saved-details cookie), a logged-in member
  (logged in through /login) and the author of a pending comment (the browser's signed list
  of its own responses), whose pages are rendered for them, checked once before loading;
each with req/s, p99 and its ratio (anonymous to hello, personal to the naive render), and the
SQL statements per page view. Then the mixed load (readers spread over 50 articles, first
read-only, then while another process approves one pending comment per second), the big site
(`--big`, tests/bench/big.py), the Questions page (tests/bench/questions.py) and the
WordPress import (responses per second, peak memory).

Options: `--quick` loads for 2 s instead of 8 (for development; figures are noisier),
`--big` adds the big site, `--skip questions,import,mixed` leaves sections out.
`make bench BENCH_ARGS="--big"` passes them.

With BENCH_DATABASE_URL set to a PostgreSQL database of your own, Parley is seeded and served
on it (its `public` schema is DROPPED first) and the Questions section uses it too (unless
QUESTIONS_BENCH_DATABASE_URL names another); the WordPress import stays on SQLite.

Seeding and query counting run in a child process (`--seed`), since the app reads its instance
folder once, at import; the approvals of the mixed load run in another (`--approve`).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "1",
            "--worker-class", "sync", "--log-level", "warning"]
SIZES = (79, 1000)
MIXED_ARTICLES, MIXED_RESPONSES, MIXED_PENDING = 50, 79, 8
COMMENTER = {"name": "Bench Commenter", "email": "commenter@example.org",
             "website": "https://commenter.example.org"}
MEMBER = {"name": "Bench Member", "email": "member@example.org"}
MODERATOR_EMAIL = "moderator@example.org"
MIXED_TITLE = "Mixed load article"
COMMENTER_COOKIE, MINE_COOKIE = "parley_commenter", "parley_mine"
# Who gets a personal page, and what on it shows that it was made for them.
PERSONAL = {"commenter": COMMENTER["name"], "member": MEMBER["name"],
            "author": "is awaiting moderation"}
PERSONAL_LABELS = {"commenter": "returning commenter", "member": "member",
                   "author": "pending comment's author"}
GZIP = ("-H", "Accept-Encoding: gzip")


def wrk_args() -> list[str]:
    """wrk's settings, read at each call: questions.py imports this module under its own name,
    so `--quick` reaches it through the environment."""
    seconds = os.environ.get("BENCH_WRK_SECONDS", "8")
    return ["-t2", "-c8", f"-d{seconds}s", "--latency"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def progress(message: str) -> None:
    """What the bench is doing, on stderr, so that stdout holds only the tables."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- in the seeding child ---------------------------------------------------------------------

def _thread(article, total: int, start, *, pending: int = 0) -> list[int]:
    """Store `total` approved responses under an article (every third starts a reply chain,
    as tests/bench/hello.py builds its dicts) and `pending` held ones; return the held ids."""
    from app.extensions import db
    from app.models import Response, ResponseStatus

    rows, parent = [], None
    for i in range(total + pending):
        held = i >= total
        response = Response(
            article=article,
            status=ResponseStatus.PENDING if held else ResponseStatus.APPROVED,
            author_name=f"Reader {i}", author_email=f"reader{i}@example.org",
            author_url="https://example.org" if i % 4 == 0 else "",
            body_source="A reply with a few words in it.",
            body_html="<p>A reply with a few words in it, and a second sentence.</p>",
            created_at=start + timedelta(minutes=i))
        db.session.add(response)
        rows.append((response, None if held else parent))
        parent = response if i % 3 == 0 and not held else None
    db.session.flush()
    for response, parent_row in rows:
        response.place_under(parent_row)
    return [response.id for response, _ in rows[total:]]


def seed() -> dict:
    """Fill a fresh database (DATABASE_URL, else the instance folder's SQLite file): the two
    articles of the table, the 50 of the mixed load (with pending comments to approve), a
    member and a moderator; every thread on one page. Return paths, the database's name, the
    cookies of the personal readers (signed as the app signs them) and the queries per page.
    """
    from dataclasses import replace

    from flask_migrate import upgrade
    from itsdangerous import URLSafeSerializer
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db
    from app.models import Role
    from app.models.types import utcnow
    from app.moderation import settings as site_settings
    from tests.factories import PASSWORD, make_article, make_user

    app = create_app()
    with app.app_context():
        dialect = db.engine.dialect.name
        if dialect == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
        author = make_user(Role.AUTHOR, name="Bench Author", bio="Writes benchmarks.")
        make_user(Role.MEMBER, name=MEMBER["name"], email=MEMBER["email"], password=PASSWORD)
        make_user(Role.MODERATOR, name="Bench Moderator", email=MODERATOR_EMAIL,
                  password=PASSWORD)
        # The 1,000-response article shows all its threads (667) on one page, as the table
        # says; a discussion setting, saved as a moderator's form would save it.
        site_settings.save(replace(site_settings.load(), threads_per_page=1000))
        db.session.commit()
        start = utcnow() - timedelta(days=30)
        paths, held = {}, {}
        for total in SIZES:
            article = make_article(author, title=f"Article with {total} responses",
                                   body="A paragraph of **text**.\n\n" * 8)
            # One held comment, which only its author's browser (parley_mine) sees.
            held[total] = _thread(article, total, start, pending=1)
            db.session.commit()
            paths[total] = article.path
        mixed = []
        for n in range(MIXED_ARTICLES):
            article = make_article(author, title=f"{MIXED_TITLE} {n + 1}",
                                   body="A paragraph of **text**.\n\n" * 8)
            _thread(article, MIXED_RESPONSES, start, pending=MIXED_PENDING)
            db.session.commit()
            mixed.append(article.path)
        if dialect == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            version = db.session.scalar(text("SHOW server_version"))
            name = f"PostgreSQL {version} ({_without_password(str(db.engine.url))})"
        else:
            import sqlite3

            name = f"SQLite {sqlite3.sqlite_version} (a file in a temporary instance folder)"
        key = app.config["SECRET_KEY"]
        commenter = URLSafeSerializer(key, salt="parley-commenter").dumps(COMMENTER)
        cookies = {total: {
            "commenter": f"{COMMENTER_COOKIE}={commenter}",
            "author": f"{MINE_COOKIE}={URLSafeSerializer(key, salt='parley-mine').dumps(ids)}"}
            for total, ids in held.items()}
    return {"paths": paths, "mixed": mixed, "database": name, "cookies": cookies,
            "queries": count_queries(paths, cookies, warm=mixed[0])}


def _without_password(url: str) -> str:
    parts = urllib.parse.urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    if parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port
                                                              else "")
        parts = parts._replace(netloc=netloc)
    return urllib.parse.urlunsplit(parts)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = found and re.search(r'value="([^"]*)"', found.group(0))
    if not value:
        raise SystemExit("no csrf_token field in the log-in form")
    return value.group(1)


def count_queries(paths: dict, cookies: dict, warm: str) -> dict:
    """SQL statements (transaction control left out) for one view of each article, through
    the app that gunicorn serves (wsgi.app, whatever wraps it): anonymous rendered (the first
    view), anonymous again (from the cache), then each personal reader: a returning commenter,
    a logged-in member, the author of a pending comment. Another article (`warm`) is viewed
    first, by each of them: what a process loads once (a connection, templates, lists it keeps)
    is not a page's cost."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from werkzeug.test import Client

    import wsgi
    from tests.factories import PASSWORD

    statements: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", statement, re.I):
            statements.append(statement)

    def measure(client, path, **kwargs) -> tuple[int, object]:
        statements.clear()
        response = client.get(path, **kwargs)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return len(statements), response

    anonymous, member = Client(wsgi.app), Client(wsgi.app)
    form = member.get("/login").get_data(as_text=True)
    logged_in = member.post("/login", data={"email": MEMBER["email"], "password": PASSWORD,
                                            "csrf_token": csrf_token(form)})
    if logged_in.status_code != 302:
        raise SystemExit(f"the member could not log in ({logged_in.status_code})")
    anonymous.get(warm)
    member.get(warm)
    for cookie in cookies[SIZES[0]].values():
        Client(wsgi.app, use_cookies=False).get(warm, headers={"Cookie": cookie})
    counts = {}
    event.listen(Engine, "before_cursor_execute", record)
    try:
        for total, path in paths.items():
            rendered, _ = measure(anonymous, path)
            cached, again = measure(anonymous, path)
            counts[total] = {"rendered": rendered, "cached": cached,
                             "hit": again.headers.get("X-Parley-Cache") == "hit",
                             "member": measure(member, path)[0]}
            for who, cookie in cookies[total].items():
                # No cookie jar: a client's own jar would replace the Cookie header given.
                counts[total][who] = measure(Client(wsgi.app, use_cookies=False), path,
                                             headers={"Cookie": cookie})[0]
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    return counts


# --- in the approving child -------------------------------------------------------------------

def approve_every(seconds: float) -> None:
    """Approve one pending comment (a random one of the mixed load's articles) every `seconds`,
    through the moderation service as the queue's button does, until SIGTERM; then print how
    many were approved."""
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.models import Article, Response, ResponseStatus, User
    from app.models.types import utcnow
    from app.moderation.services import apply

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    app = create_app()
    approved = 0
    with app.app_context():
        moderator = db.session.scalar(select(User).where(User.email == MODERATOR_EMAIL))
        mixed = list(db.session.scalars(select(Article.id).where(
            Article.title.startswith(MIXED_TITLE))))
        db.session.commit()
        print("ready", flush=True)
        next_at = time.monotonic()
        while not stopping:
            response = db.session.scalar(
                select(Response).where(Response.status == ResponseStatus.PENDING,
                                       Response.article_id.in_(mixed))
                .order_by(func.random()).limit(1))
            if response is None:
                break
            apply(response, "approve", moderator, seen=ResponseStatus.PENDING, now=utcnow())
            db.session.commit()
            approved += 1
            next_at += seconds
            while not stopping and time.monotonic() < next_at:
                time.sleep(min(0.05, max(next_at - time.monotonic(), 0)))
    print(json.dumps({"approved": approved}), flush=True)


# --- serving and loading ----------------------------------------------------------------------

def serve(module: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen([*GUNICORN, "--bind", f"127.0.0.1:{port}", module],
                               cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except urllib.error.HTTPError:
            return process  # answering, even if with 404
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn for {module} did not start")


def stop(*processes: subprocess.Popen | None) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.terminate()
    for process in processes:
        if process is not None:
            process.wait()


def _run_wrk(url: str, extra: tuple[str, ...]) -> str:
    subprocess.run(["wrk", "-t1", "-c4", "-d1s", *extra, url], capture_output=True,
                   check=True)  # warm
    return subprocess.run(["wrk", *wrk_args(), *extra, url], capture_output=True, text=True,
                          check=True).stdout


def _figures(url: str, output: str) -> tuple[float, str, str]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    average = re.search(r"Latency\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses\n{output}")
    return rps, average, p99


def wrk(url: str, *extra: str) -> tuple[float, str, str]:
    """Return requests/second, average and 99th percentile latency for a URL (`extra`: more
    wrk arguments, such as a header)."""
    return _figures(url, _run_wrk(url, extra))


def fetch(url: str, headers: dict | None = None, opener=None) -> tuple[int, dict, bytes]:
    """One GET: status, headers (lower-case names), body as sent (not decompressed)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, \
                response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def member_cookie(base: str) -> str:
    """Log the bench's member in through /login, as a browser does (the form's CSRF token,
    every cookie the site sets kept); return the Cookie header that browser then sends."""
    from tests.factories import PASSWORD

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, _, body = fetch(f"{base}/login", opener=opener)
    form = urllib.parse.urlencode({"email": MEMBER["email"], "password": PASSWORD,
                                   "csrf_token": csrf_token(body.decode())}).encode()
    with opener.open(urllib.request.Request(f"{base}/login", data=form), timeout=30) as answer:
        if answer.status != 200 or urllib.parse.urlsplit(answer.url).path == "/login":
            raise SystemExit("the member could not log in through /login")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def check_pages(base: str, paths: dict, cookies: dict) -> dict:
    """Before loading: whether the anonymous page comes from the cache once viewed and is
    compressed when asked; that each personal page is rendered for its reader (no cache hit,
    and what shows it: the commenter's saved name in the form, the member's name, the
    author's comment awaiting moderation; fatal if not). Return the pages' sizes."""
    checked = {}
    for total, path in paths.items():
        url = base + path
        # Each gunicorn worker keeps its own pages: a few views reach both.
        views = [fetch(url) for _ in range(6)]
        body = views[-1][2]
        _, zipped_headers, zipped = fetch(url, {"Accept-Encoding": "gzip"})
        row = {"anonymous": len(body),
               "hit": any(h.get("x-parley-cache") == "hit" for _, h, _ in views),
               "gzip": len(zipped), "compressed": zipped_headers.get("content-encoding") == "gzip"}
        for who, expected in PERSONAL.items():
            status, headers, body = fetch(url, {"Cookie": cookies[total][who]})
            # A returning commenter's page is stored once for all of them, with their saved
            # details filled in per request (checked below); the others are rendered.
            if status != 200 or (who != "commenter" and headers.get("x-parley-cache") == "hit"):
                raise SystemExit(f"{path} for the {who}: {status}, "
                                 f"cache {headers.get('x-parley-cache')}: not a personal page")
            if expected.encode() not in body:
                raise SystemExit(f"{path} for the {who} does not show “{expected}”")
            row[who] = len(body)
        checked[total] = row
    return checked


MIXED_SCRIPT = """
-- Each request reads one of the articles, picked at random; responses from the page cache
-- are counted (X-Parley-Cache: hit) and summed over wrk's threads at the end.
local paths = {%s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  hits, seen = 0, 0
end
function request() return wrk.format("GET", paths[math.random(#paths)]) end
function response(status, headers, body)
  seen = seen + 1
  if headers["X-Parley-Cache"] == "hit" or headers["x-parley-cache"] == "hit" then
    hits = hits + 1
  end
end
function done(summary, latency, requests)
  local h, s = 0, 0
  for _, thread in ipairs(threads) do h = h + thread:get("hits"); s = s + thread:get("seen") end
  io.write(string.format("CACHE-HITS %%d %%d\\n", h, s))
end
"""


def mixed_load(base: str, paths: list[str], env: dict) -> dict:
    """Readers spread over the articles, read-only, then while one comment a second is
    approved by another process."""
    script = Path(tempfile.mkdtemp(prefix="parley-bench-lua-")) / "mixed.lua"
    try:
        return _mixed_load(base, paths, env, script)
    finally:
        shutil.rmtree(script.parent, ignore_errors=True)


def _mixed_load(base: str, paths: list[str], env: dict, script: Path) -> dict:
    script.write_text(MIXED_SCRIPT % ", ".join(json.dumps(p) for p in paths))

    def hit_ratio(output: str) -> float | None:
        hits = re.search(r"CACHE-HITS (\d+) (\d+)", output)
        return int(hits.group(1)) / max(int(hits.group(2)), 1) if hits else None

    def load() -> dict:
        output = _run_wrk(base + "/", ("-s", str(script)))
        rps, average, p99 = _figures(base, output)
        return {"rps": rps, "avg": average, "p99": p99, "hits": hit_ratio(output)}

    # Warm until both workers hold every page (each keeps its own), so that the read-only
    # figure is the steady state rather than the first renders.
    for _ in range(10):
        warm = subprocess.run(["wrk", "-t2", "-c8", "-d2s", "-s", str(script), base + "/"],
                              capture_output=True, text=True, check=True).stdout
        if (hit_ratio(warm) or 0) >= 0.995:
            break
    read_only = load()
    approver = subprocess.Popen([sys.executable, "-m", "tests.bench.run", "--approve"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        if approver.stdout.readline().strip() != "ready":
            raise SystemExit("the approving process did not start")
        writing = load()
    finally:
        approver.terminate()
        tail = approver.communicate()[0]
    if approver.returncode != 0 or not tail.strip().endswith("}"):
        raise SystemExit(f"the approving process failed (exit {approver.returncode}): the "
                         "mixed load's second figure would mean nothing")
    approved = json.loads(tail.strip().splitlines()[-1])["approved"]
    if not approved:
        raise SystemExit("no comment was approved during the mixed load")
    return {"read_only": read_only, "writing": writing, "approved": approved}


# --- the report -------------------------------------------------------------------------------

def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{model}, {os.cpu_count()} cores (load average {load:.2f} at the start)"


def _goal(value: float, goal: float) -> str:
    return "met" if value >= goal else "NOT met"


def report_table(seeded: dict, rows: list[tuple], checked: dict) -> None:
    print()
    print(f"{'page':<40}{'req/s':>9}{'avg':>10}{'p99':>10}  {'ratio':<16}{'goal':<17}"
          f"{'KB':>7}")
    for label, (rps, average, p99), ratio, goal, size in rows:
        print(f"{label:<40}{rps:>9,.0f}{average:>10}{p99:>10}  {ratio:<16}{goal:<17}"
              f"{size / 1024:>7.0f}")
    notes = []
    for total, row in checked.items():
        if not row["hit"]:
            notes.append(f"the anonymous {total:,} page was not served from the cache "
                         "(no X-Parley-Cache: hit on a second view)")
        if not row["compressed"]:
            notes.append(f"the {total:,} page was not compressed for Accept-Encoding: gzip")
    print("(anonymous: no cookies, to hello; personal, to the naive render: a returning "
          "commenter's saved-details cookie (a page stored for all of them, their details "
          "filled in), a member's session and the author's cookie of their own pending "
          "comment (rendered for them from cached fragments); KB as sent)")
    for note in notes:
        print(f"note: {note}")

    queries = seeded["queries"]
    print()
    print("SQL statements per page view, as the app runs them through SQLAlchemy (BEGIN and "
          "COMMIT not counted; a cache hit's version check on a connection of its own is not "
          "seen)")
    print(f"{'responses':>10}{'anonymous, rendered':>22}{'anonymous, cached':>20}"
          + "".join(f"{who:>11}" for who in PERSONAL))
    for total in SIZES:
        q = queries[str(total)]
        cached = f"{q['cached']}" + ("" if q["hit"] else " (no hit)")
        print(f"{total:>10,}{q['rendered']:>22}{cached:>20}"
              + "".join(f"{q[who]:>11}" for who in PERSONAL))
    small, large = queries[str(SIZES[0])], queries[str(SIZES[1])]
    constant = all(small[k] == large[k] for k in ("rendered", "cached", *PERSONAL))
    print(f"Constant in the number of responses: {'yes' if constant else 'NO'}")


def report_mixed(mixed: dict, seconds: str) -> None:
    read_only, writing = mixed["read_only"], mixed["writing"]
    ratio = writing["rps"] / read_only["rps"]
    print()
    print(f"Mixed load: readers at random among {MIXED_ARTICLES} articles of "
          f"{MIXED_RESPONSES} responses (wrk -s, {seconds} s each), anonymous")
    print(f"{'load':<44}{'req/s':>9}{'avg':>10}{'p99':>10}{'cache hits':>12}  ratio")
    for label, row, share in (
            ("read-only", read_only, "100%"),
            (f"one approval per second ({mixed['approved']} approved)", writing,
             f"{ratio:.0%} of read-only (goal >= 80%: {_goal(ratio, 0.8)})")):
        hits = "-" if row["hits"] is None else f"{row['hits']:.1%}"
        print(f"{label:<44}{row['rps']:>9,.0f}{row['avg']:>10}{row['p99']:>10}{hits:>12}  "
              f"{share}")
    print("(the script reads each response's headers to count cache hits, which costs wrk "
          "some of the machine: compare these two rows with each other)")


def report_imports(imports: list[dict]) -> None:
    print()
    print("WXR import (generated export, SQLite, an import job committing in short batches)")
    print(f"{'comments':>10}{'file MB':>10}{'seconds':>10}{'responses/s':>14}{'batches':>10}"
          f"{'peak RSS MB':>14}")
    for row in imports:
        print(f"{row['comments']:>10,}{row['size_mb']:>10.1f}{row['seconds']:>10.1f}"
              f"{row['responses'] / row['seconds']:>14,.0f}{row['batches']:>10,}"
              f"{row['peak_kib'] / 1024:>14.0f}")


def bench_import(sizes=((100, 100), (1000, 100))) -> list[dict]:
    """Import generated exports of 10,000 and 100,000 comments; measure speed and memory."""
    from tests.bench.wxr_gen import write_export

    results = []
    for posts, per_post in sizes:
        work = Path(tempfile.mkdtemp(prefix="parley-bench-wxr-"))
        try:
            export = work / "export.xml"
            comments = write_export(export, posts, per_post)
            output = subprocess.run(
                [sys.executable, "-m", "tests.bench.import_run", str(export),
                 str(work / "inst")], cwd=ROOT, capture_output=True, text=True, check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
            measured = json.loads(output.strip().splitlines()[-1])
            results.append({"comments": comments, "size_mb": export.stat().st_size / 1e6,
                            **measured})
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return results


def table_rows(ceiling, naive, parley, checked, naive_sizes) -> list[tuple]:
    """The rows of the table: (label, figures, ratio, goal, bytes)."""
    rows = [("hello (the ceiling)", ceiling, "100% of hello", "", len(b"hello"))]
    anonymous_goal = {79: 0.6, 1000: 0.4}
    for total in SIZES:
        base = naive[total]
        sizes = checked[total]
        rows.append((f"naive render, {total:,} responses", base, "baseline", "",
                     naive_sizes[total]))
        for key, label in (("anonymous", "anonymous"), ("gzip", "anonymous, gzip")):
            share = parley[total][key][0] / ceiling[0]
            goal = anonymous_goal.get(total)
            rows.append((f"Parley {label}, {total:,}", parley[total][key], f"{share:.0%} of hello",
                         f">={goal:.0%}: {_goal(share, goal)}", sizes[key]))
        for key in PERSONAL:
            times = parley[total][key][0] / base[0]
            rows.append((f"Parley {PERSONAL_LABELS[key]}, {total:,}", parley[total][key],
                         f"{times:.2f}x naive", f">=1.5x: {_goal(times, 1.5)}", sizes[key]))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="load for 2 s instead of 8")
    parser.add_argument("--big", action="store_true", help="add the big site (tests/bench/big.py)")
    parser.add_argument("--skip", default="", help="sections to leave out: questions,import,mixed")
    options = parser.parse_args(argv)
    skip = {s.strip() for s in options.skip.split(",") if s.strip()}
    if options.quick:
        os.environ["BENCH_WRK_SECONDS"] = "2"
    database_url = os.environ.get("BENCH_DATABASE_URL", "")

    instance = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    env = {**os.environ, "PARLEY_INSTANCE": str(instance), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    progress("seeding the bench site and counting queries")
    child = subprocess.run([sys.executable, "-m", "tests.bench.run", "--seed"], cwd=ROOT,
                           env=env, capture_output=True, text=True)
    if child.returncode:
        raise SystemExit(f"seeding failed (instance kept: {instance}):\n{child.stderr}")
    seeded = json.loads(child.stdout.strip().splitlines()[-1])
    paths = {int(total): path for total, path in seeded["paths"].items()}

    print(f"Parley benchmark, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {machine()}")
    print(f"gunicorn 2 sync workers; wrk {' '.join(wrk_args())}; database: {seeded['database']}")
    print(f"articles: {', '.join(f'{t:,}' for t in SIZES)} responses, every thread on one page")
    sys.stdout.flush()

    parley_port, hello_port = free_port(), free_port()
    hello = parley = None
    try:
        hello = serve("tests.bench.hello:app", hello_port, env)
        parley = serve("wsgi:app", parley_port, env)
        base, hello_base = f"http://127.0.0.1:{parley_port}", f"http://127.0.0.1:{hello_port}"
        member = member_cookie(base)
        cookies = {int(total): {**found, "member": member}
                   for total, found in seeded["cookies"].items()}
        checked = check_pages(base, paths, cookies)
        naive_sizes = {total: len(fetch(f"{hello_base}/naive/{total}")[2]) for total in SIZES}
        progress("hello")
        ceiling = wrk(f"{hello_base}/hello")
        naive, parley_figures = {}, {}
        for total, path in paths.items():
            # The baseline just before the pages read against it: the machine may be shared.
            progress(f"the naive render and Parley, {total:,} responses")
            naive[total] = wrk(f"{hello_base}/naive/{total}")
            url = base + path
            parley_figures[total] = {"anonymous": wrk(url), "gzip": wrk(url, *GZIP)}
            for who in PERSONAL:
                parley_figures[total][who] = wrk(url, "-H", f"Cookie: {cookies[total][who]}")
        stop(hello)
        hello = None
        report_table(seeded, table_rows(ceiling, naive, parley_figures, checked, naive_sizes),
                     checked)
        sys.stdout.flush()
        if "mixed" not in skip:
            progress("mixed load")
            report_mixed(mixed_load(base, seeded["mixed"], env),
                         os.environ.get("BENCH_WRK_SECONDS", "8"))
            sys.stdout.flush()
    finally:
        stop(hello, parley)
        shutil.rmtree(instance, ignore_errors=True)

    print()
    if not options.big:
        print("Big site: not run (make bench BENCH_ARGS=--big)")
    else:
        try:
            from tests.bench import big
        except ModuleNotFoundError as missing:
            if missing.name != "tests.bench.big":
                raise
            print("Big site: skipped (tests/bench/big.py is not there yet)")
        else:
            progress("the big site")
            big.report(big.run())
    sys.stdout.flush()

    if "questions" not in skip:
        progress("the Questions page")
        if database_url and not os.environ.get("QUESTIONS_BENCH_DATABASE_URL"):
            os.environ["QUESTIONS_BENCH_DATABASE_URL"] = database_url
        from tests.bench import questions as question_bench

        question_bench.report(question_bench.run(ceiling))
        sys.stdout.flush()
    if "import" not in skip:
        progress("the WordPress import")
        report_imports(bench_import())


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        print(json.dumps(seed()))
    elif sys.argv[1:] == ["--approve"]:
        approve_every(1.0)
    else:
        main()
