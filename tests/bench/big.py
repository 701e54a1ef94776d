"""The big site (issue 11, goal 6): 1,000,000 responses over 20,000 articles, built here and
never committed, and the server time of the pages a big site makes slow.

What is built, into the real schema (`flask_migrate.upgrade`, every index and trigger of the
migrations), with bulk inserts (`executemany` on SQLite, `COPY` on PostgreSQL):
- 20,000 articles over ten years (a few drafts and scheduled ones, which have no responses),
  their responses spread unevenly (a few articles have thousands, most a few dozen);
- responses in a realistic mix: mostly approved comments, some pending, spam and trash;
  threads with replies (`path`, `depth`, `thread_id` and `parent_id` exactly as
  `Response.place_under` sets them at the default thread depth: a sample is checked against
  it); pingbacks, trackbacks and webmentions; about 2 % questions with tags, answers (some of
  them the asker's own follow-ups, some held), accepted answers, and questions asked about no
  article; some authors are members.

What is measured, in-process through the Flask test client of the real app on that database
(`wsgi.app`, whatever wraps it), many requests a page, median and 90th percentile of the time
`client.get` takes (the server's whole work: routing, queries, rendering):
- every moderation queue tab with its counts, as a logged-in moderator, unfiltered and with
  the kind and article filters, and a page deep in the Approved tab;
- `/questions` with its status filters, a tag, the "most active" order and a later page,
  rendered for every request (a reader with a personal cookie, as members get it);
- for information, outside the goal: the queue's text search and "Looks like a question"
  filter, and a Questions search.

`run()` builds and measures in a child process (the app reads its instance folder once, at
import) and returns a dict; `report(results)` prints the table. Alone:
`python -m tests.bench.big`. SQLite by default (a temporary instance folder); with
BENCH_DATABASE_URL (postgresql://…/<db>) on that PostgreSQL database, created if missing, its
`public` schema DROPPED first. BIG_BENCH_RESPONSES and BIG_BENCH_ARTICLES make a smaller
site for development (the goal is measured at the defaults).
"""

from __future__ import annotations

import html
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = int(os.environ.get("BIG_BENCH_ARTICLES", 20_000))
RESPONSES = int(os.environ.get("BIG_BENCH_RESPONSES", 1_000_000))
MEMBERS = 2_000
# The thread depth the site runs with (the default setting): paths are built for it.
THREAD_DEPTH = 5
MODERATOR_EMAIL = "moderator@big.example"
PASSWORD = "a long bench passphrase"
# A cookie that makes a page personal (app/core/pagecache.py), so every request renders it.
PERSONAL_COOKIE = ("parley_commenter", "bench")
GOAL_MS = 50.0
# Requests per page: at least MIN_REQUESTS, then more until REQUESTS or SECONDS_PER_PAGE.
REQUESTS, MIN_REQUESTS, SECONDS_PER_PAGE = 40, 5, 6.0
BATCH = 5_000
NOW = datetime.now(UTC).replace(microsecond=0)

_WORDS = ("roadmap", "pricing", "stakeholder", "backlog", "interview", "discovery", "sprint",
          "customer", "metric", "launch", "onboarding", "research", "prototype", "feedback",
          "strategy", "career", "mentor", "portfolio", "certificate", "team")
_SENTENCES = (
    "I tried this with my team last quarter and it worked better than I expected.",
    "The part about the {w} is what I keep coming back to.",
    "We did the opposite and regretted it within a month.",
    "Thanks for writing this up, I am sharing it with my manager.",
    "How would this work for a team of three people with no {w}?",
    "My experience with the {w} was quite different, to be honest.",
    "This matches what our {w} data showed.",
    "I would add that the {w} needs an owner, or nobody looks at it.",
    "Could you say more about how you handled the {w}?",
    "Great post, though I disagree about the {w}.",
)
_SPAM = ("Cheap pills and watches at http://spam.example/{n} best prices",
         "Earn money from home!!! visit http://cash.example/{n}",
         "nice blog, check my site http://seo.example/{n}")
_QUESTION_TITLES = (
    "Should I get a {w} certificate before applying for product roles?",
    "How do I prepare for a product interview about {w}?",
    "Is moving from sales into product work realistic without a {w}?",
    "Which is better for a first job: {w} or a bigger company?",
    "How should I present my {w} in a portfolio?",
)

RESPONSE_COLUMNS = (
    "id", "article_id", "parent_id", "kind", "status", "path", "depth", "thread_id",
    "author_name", "author_email", "author_url", "author_ip", "user_agent", "user_id",
    "body_source", "body_html", "moderation_reason", "created_at", "approved_at",
    "previous_status", "status_changed_at", "source_url", "source_title", "source_site",
    "mention_type", "title", "helpful_count")
ARTICLE_COLUMNS = (
    "id", "title", "slug", "path", "body_source", "body_format", "body_html", "excerpt",
    "summary", "status", "published_at", "created_at", "updated_at", "author_id",
    "reprint_note", "reprint_url", "comments_open", "pings_open", "trackback_urls")
USER_COLUMNS = ("id", "email", "name", "slug", "role", "bio", "job_title", "social_handle",
                "website", "created_at", "session_version")


def moderation_pages(big_article: int) -> list[tuple[str, str, bool]]:
    """(label, address, counted in the goal) of the queue views measured."""
    pages = [(f"queue: {tab}", f"/moderation/?status={tab}", True)
             for tab in ("pending", "approved", "spam", "trash", "all")]
    return pages + [
        ("queue: all, kind=comment", "/moderation/?status=all&kind=comment", True),
        ("queue: approved, kind=comment", "/moderation/?status=approved&kind=comment", True),
        ("queue: pending, kind=pingback", "/moderation/?status=pending&kind=pingback", True),
        ("queue: all, kind=question", "/moderation/?status=all&kind=question", True),
        ("queue: spam, kind=webmention", "/moderation/?status=spam&kind=webmention", True),
        ("queue: approved, largest article", f"/moderation/?status=approved&article={big_article}",
         True),
        ("queue: all, largest article", f"/moderation/?status=all&article={big_article}", True),
        ("queue: approved, page 50", "/moderation/?status=approved&page=50", True),
        ("queue: search text (info)", "/moderation/?status=all&q=roadmap", False),
        ("queue: looks like a question (info)", "/moderation/?status=all&looks=question", False),
    ]


QUESTION_PAGES = [
    ("questions", "/questions", True),
    ("questions: unanswered", "/questions?status=unanswered", True),
    ("questions: answered", "/questions?status=answered", True),
    ("questions: accepted", "/questions?status=accepted", True),
    ("questions: tag", "/questions?tag=interviews", True),
    ("questions: unanswered + tag", "/questions?status=unanswered&tag=first-job", True),
    ("questions: most active", "/questions?sort=active", True),
    ("questions: unanswered, most active", "/questions?status=unanswered&sort=active", True),
    ("questions: page 20", "/questions?page=20", True),
    ("questions: search (info)", "/questions?q=interview", False),
]


# --- the site's rows ---------------------------------------------------------------------------

class Row:
    """One response while the site is generated (ids are given once all are sorted by time)."""

    __slots__ = ("id", "article_id", "parent", "parent_id", "kind", "status", "path", "depth",
                 "thread_id", "when", "author", "body", "title", "helpful", "extra")

    def __init__(self, article_id, when, kind, status, parent=None, author=None, body="",
                 title="", helpful=0, extra=None):
        self.id = self.parent_id = self.thread_id = None
        self.path, self.depth = "", 0
        self.article_id, self.when, self.kind, self.status = article_id, when, kind, status
        self.parent, self.author, self.body, self.title = parent, author, body, title
        self.helpful, self.extra = helpful, extra


def place(row: Row, width: int = 10, levels: int = 91) -> None:
    """`Response.place_under(parent, THREAD_DEPTH)` on a plain row: path, depth, thread and
    the parent it is stored under (a reply below the last level hangs from the level above)."""
    segment = f"{row.id:0{width}d}"
    parent = row.parent
    if parent is None:
        row.parent_id, row.path, row.depth, row.thread_id = None, segment, 0, row.id
        return
    allowed = min(max(THREAD_DEPTH, 2), levels)
    above = parent.path.split(".")
    row.thread_id = parent.thread_id
    if len(above) < allowed:
        row.parent_id = parent.id
    else:
        above = above[:allowed - 1]
        row.parent_id = int(above[-1])
    row.path = ".".join([*above, segment])
    row.depth = len(above)


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(_SENTENCES).format(w=rng.choice(_WORDS))
                    for _ in range(sentences))


def _weights(rng: random.Random, n: int) -> list[float]:
    # Lognormal: most articles have a few dozen responses, a few have thousands.
    return [rng.lognormvariate(0, 1.2) for _ in range(n)]


def generate(rng: random.Random, live: list[tuple[int, datetime]], members: list[tuple]):
    """Every response of the site, in id order (ids follow time), placed in its thread.

    `live` is (article id, publication time) of the articles that take responses; a bucket
    with article None holds the questions asked on the Questions page and their answers."""
    without_article = max(RESPONSES // 125, 10)
    weights = _weights(rng, len(live))
    scale = (RESPONSES - without_article) / sum(weights)
    sizes = [int(w * scale) for w in weights]
    sizes[max(range(len(sizes)), key=sizes.__getitem__)] += \
        RESPONSES - without_article - sum(sizes)
    buckets = [*zip(live, sizes, strict=True),
               ((None, NOW - timedelta(days=3 * 365)), without_article)]
    rows: list[Row] = []
    guest = 0
    for (article_id, published), size in buckets:
        span = max((NOW - published).total_seconds() - 60, 60)
        offsets = sorted(rng.expovariate(1 / (30 * 86400)) % span for _ in range(size))
        candidates: list[Row] = []  # approved comments a reply may answer
        questions: list[Row] = []
        for n, offset in enumerate(offsets):
            when = published + timedelta(seconds=offset, microseconds=n)
            guest += 1
            if rng.random() < 0.08:
                author = rng.choice(members)
            else:
                author = (None, f"Reader {guest % 50_000}",
                          f"reader{guest % 50_000}@mail.example", f"198.51.{guest % 250}.{n % 250}")
            roll = rng.random()
            if article_id is None:
                roll = 0.03 if not questions or rng.random() < 0.25 else 0.5
            if article_id is not None and roll < 0.03:
                kind = rng.choices(("pingback", "trackback", "webmention"), (4, 2, 4))[0]
                status = rng.choices(("approved", "spam", "pending"), (75, 20, 5))[0]
                rows.append(Row(article_id, when, kind, status, extra=rng.random()))
                continue
            if roll < 0.05:
                status = rng.choices(("approved", "pending", "spam"), (90, 6, 4))[0]
                title = rng.choice(_QUESTION_TITLES).format(w=rng.choice(_WORDS))
                question = Row(article_id, when, "question", status, author=author,
                               body=f"{title} {_text(rng, 2)}", title=title)
                rows.append(question)
                if status == "approved":
                    questions.append(question)
                continue
            status = rng.choices(("approved", "pending", "spam", "trash"), (88, 3.5, 6.5, 2))[0]
            parent = None
            if questions and (article_id is None or rng.random() < 0.12):
                parent = rng.choice(questions[-5:])
                if rng.random() < 0.1:  # the asker's follow-up, not an answer
                    author = parent.author
            elif candidates and rng.random() < 0.45:
                parent = rng.choice(candidates[-30:])
            if status == "spam":
                body = rng.choice(_SPAM).format(n=guest)
            else:
                body = _text(rng, rng.randint(1, 3))
            row = Row(article_id, when, "comment", status, parent=parent, author=author,
                      body=body, helpful=rng.choice((0, 0, 0, 0, 1, 2, 5)) if parent else 0)
            rows.append(row)
            if status == "approved" and (parent is None or parent.kind == "comment"):
                candidates.append(row)
    rows.sort(key=lambda r: r.when)
    for number, row in enumerate(rows, start=1):
        row.id = number
    for row in rows:
        place(row)
    return rows


def check_placement(rows: list[Row]) -> None:
    """Compare a sample of generated threads with what `Response.place_under` does."""
    from app.models import Response

    objects: dict[int, Response] = {}

    def as_response(row: Row) -> Response:
        if row.id not in objects:
            parent = as_response(row.parent) if row.parent is not None else None
            response = Response(id=row.id)
            response.place_under(parent, THREAD_DEPTH)
            objects[row.id] = response
        return objects[row.id]

    deep = [r for r in rows if r.depth >= THREAD_DEPTH - 1][:100]
    for row in deep + rows[::max(len(rows) // 400, 1)]:
        made = as_response(row)
        if (made.path, made.depth, made.thread_id, made.parent_id) != \
                (row.path, row.depth, row.thread_id, row.parent_id):
            raise SystemExit(f"generated thread differs from place_under for #{row.id}")


def response_values(row: Row, stamp) -> tuple:
    """The row's values in RESPONSE_COLUMNS order."""
    user_id, name, email, ip = row.author or (None, "", "", "203.0.113.1")
    kind, status, when = row.kind, row.status, row.when
    source_url = source_title = source_site = mention = ""
    title, body = row.title, row.body
    author_url = ""
    if kind in ("pingback", "trackback", "webmention"):
        site = f"blog{row.id % 900}.example.net"
        source_url = f"https://{site}/{row.id}/a-post/"
        source_title, source_site = f"A post that links here {row.id % 97}", f"Blog {row.id % 900}"
        name, email, author_url = ("Linking Author" if kind == "webmention" else ""), "", source_url
        body = f"{_WORDS[row.id % len(_WORDS)]} and more, as this post says about it"
        if kind == "webmention":
            mention = "like" if row.extra < 0.3 else "reply" if row.extra < 0.6 else "mention"
    trashed = status == "trash"
    return (row.id, row.article_id, row.parent_id, kind, status, row.path, row.depth,
            row.thread_id, name, email, author_url, ip, "Mozilla/5.0 (bench)", user_id, body,
            f"<p>{html.escape(body)}</p>",
            "held: moderation" if status == "pending" else "spam: words" if status == "spam"
            else "", stamp(when), stamp(when) if status == "approved" else None,
            "approved" if trashed else None, stamp(when + timedelta(days=1)) if trashed else None,
            source_url, source_title, source_site, mention, title, row.helpful)


# --- building -------------------------------------------------------------------------------

def _insert(dbapi, dialect: str, table: str, columns: tuple, rows) -> None:
    """Bulk-insert tuples: COPY on PostgreSQL, executemany in batches on SQLite."""
    if dialect == "postgresql":
        cursor = dbapi.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.close()
        return
    statement = (f"INSERT INTO {table} ({', '.join(columns)}) "
                 f"VALUES ({', '.join('?' * len(columns))})")
    cursor = dbapi.cursor()
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            cursor.executemany(statement, batch)
            batch.clear()
    if batch:
        cursor.executemany(statement, batch)
    cursor.close()


def _reset_database(url: str) -> None:
    """Create the PostgreSQL database when it is missing, and empty its public schema."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": target.database}):
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = create_engine(target, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build(app) -> dict:
    """Fill the app's (empty) database with the big site; return what was built."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Response, Role
    from app.models.question import QuestionTag
    from tests.factories import make_user

    rng = random.Random(6)
    with app.app_context():
        dialect = db.engine.dialect.name
        upgrade(directory=str(ROOT / "migrations"))
        migrated = time.perf_counter()
        make_user(Role.MODERATOR, name="Big Moderator", email=MODERATOR_EMAIL,
                  password=PASSWORD)
        author = make_user(Role.AUTHOR, name="Big Author")
        tag_ids = list(db.session.scalars(select(QuestionTag.id).order_by(QuestionTag.id)))
        first_user = db.session.scalar(select(func.max(db.metadata.tables["users"].c.id))) + 1
        db.session.commit()

        if dialect == "sqlite":
            def stamp(value):
                return value.strftime("%Y-%m-%d %H:%M:%S.%f") if value else None
        else:
            def stamp(value):
                return value

        started = time.perf_counter()
        members = []
        user_rows = []
        for n in range(MEMBERS):
            uid = first_user + n
            email = f"member{n}@members.example"
            members.append((uid, f"Member {n}", email, f"192.0.2.{n % 250}"))
            user_rows.append((uid, email, f"Member {n}", f"member-{n}", "member", "", "", "",
                              "", stamp(NOW - timedelta(days=2000)), 0))
        span = 10 * 365 * 86400
        article_rows, live = [], []
        for n in range(1, ARTICLES + 1):
            published = NOW - timedelta(seconds=span * (1 - n / (ARTICLES + 1)) + 3600)
            status = "published"
            if n % 100 == 0:
                status, published = "draft", None
            elif n % 100 == 50:
                status, published = "scheduled", NOW + timedelta(days=n % 30 + 1)
            else:
                live.append((n, published))
            day = published or NOW
            title = f"Notes on the {_WORDS[n % len(_WORDS)]}, part {n}"
            path = f"/{day:%Y/%m/%d}/notes-{n}/" if published else None
            article_rows.append((
                n, title, f"notes-{n}", path, "Some **text**.", "markdown", "<p>Some text.</p>",
                "", "Some text.", status, stamp(published), stamp(day - timedelta(days=1)),
                stamp(day), author.id, "", "", True, True, ""))

        rows = generate(rng, live, members)
        check_placement(rows)
        generated = time.perf_counter()

        questions = [r for r in rows if r.kind == "question"]
        links = [(q.id, tag) for q in questions
                 for tag in rng.sample(tag_ids, rng.choice((0, 1, 1, 2, 3)))]
        accepted = []
        by_question: dict[int, list[Row]] = {}
        for row in rows:
            if row.parent is not None and row.parent.kind == "question" and \
                    row.status == "approved" and row.author[2] != row.parent.author[2]:
                by_question.setdefault(row.parent.id, []).append(row)
        for qid, answers in by_question.items():
            if rng.random() < 0.35:
                accepted.append((rng.choice(answers).id, qid))

        db.session.commit()  # no snapshot older than the rows below stays open
        connection = db.engine.raw_connection()
        dbapi = connection.driver_connection
        cursor = dbapi.cursor()
        if dialect == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
            cursor.execute("BEGIN")
        _insert(dbapi, dialect, "users", USER_COLUMNS, user_rows)
        _insert(dbapi, dialect, "articles", ARTICLE_COLUMNS, article_rows)
        _insert(dbapi, dialect, "responses", RESPONSE_COLUMNS,
                (response_values(r, stamp) for r in rows))
        _insert(dbapi, dialect, "question_tag_links", ("response_id", "tag_id"), links)
        mark = "?" if dialect == "sqlite" else "%s"
        cursor.executemany(f"UPDATE responses SET accepted_answer_id = {mark} "
                           f"WHERE id = {mark}", accepted)
        if dialect == "postgresql":
            for table in ("users", "articles", "responses"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
        dbapi.commit() if dialect == "postgresql" else cursor.execute("COMMIT")
        inserted = time.perf_counter()
        if dialect == "sqlite":
            # No ANALYZE: Parley never runs it, so a real SQLite site has no statistics and
            # the planner must do without them (its defaults guess 10 rows per index key).
            cursor.execute("PRAGMA synchronous=FULL")
        else:
            # What autovacuum does on a live site: statistics, and the visibility map that
            # index-only scans need.
            dbapi.autocommit = True
            cursor.execute("VACUUM ANALYZE")
            dbapi.autocommit = False
        cursor.close()
        connection.close()
        analysed = time.perf_counter()
        db.engine.dispose()

        table = Response.__table__
        mix = {f"{kind}/{status}": n for kind, status, n in db.session.execute(
            select(table.c.kind, table.c.status, func.count()).group_by(table.c.kind,
                                                                         table.c.status))}
        biggest = db.session.execute(
            select(table.c.article_id, func.count()).where(table.c.article_id.is_not(None))
            .group_by(table.c.article_id).order_by(func.count().desc()).limit(1)).one()
        db.session.commit()
    return {"dialect": dialect, "articles": ARTICLES, "responses": len(rows),
            "questions": len(questions), "answers": sum(len(a) for a in by_question.values()),
            "accepted": len(accepted), "members": MEMBERS, "mix": mix,
            "largest_article": {"id": biggest[0], "responses": biggest[1]},
            "seconds": {"generate": round(generated - started, 1),
                        "insert": round(inserted - generated, 1),
                        "analyse": round(analysed - inserted, 1),
                        "build": round(analysed - migrated, 1)}}


# --- measuring ------------------------------------------------------------------------------

def _csrf(page: str) -> str:
    import re

    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if not found:
        raise SystemExit("no CSRF token on the log-in page")
    return found.group(1)


def _timed(client, path: str, engine, *, least: int = MIN_REQUESTS) -> dict:
    """Median and p90 of the server time of one page (ms), its status and SQL statements:
    `least` requests at least, then more until REQUESTS or SECONDS_PER_PAGE."""
    from sqlalchemy import event

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    client.get(path)  # warm: templates compiled, caches filled, pages read
    event.listen(engine, "before_cursor_execute", record)
    response = client.get(path)
    event.remove(engine, "before_cursor_execute", record)
    times: list[float] = []
    spent = time.perf_counter()
    while len(times) < REQUESTS and (len(times) < least or
                                     time.perf_counter() - spent < SECONDS_PER_PAGE):
        began = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p90 = times[min(len(times) - 1, math.ceil(0.9 * len(times)) - 1)]
    return {"median": round(statistics.median(times), 1), "p90": round(p90, 1),
            "requests": len(times), "status": response.status_code,
            "queries": len([s for s in statements if s not in ("BEGIN", "COMMIT", "ROLLBACK")]),
            "bytes": len(response.data)}


def measure(built: dict) -> list[dict]:
    """Every page of the goal (and the informational ones), as the app serves them."""
    import wsgi
    from app.extensions import db

    app = wsgi.app
    with app.app_context():
        engine = db.engine
    moderator = app.test_client()
    login = moderator.get("/login").get_data(as_text=True)
    answer = moderator.post("/login", data={"csrf_token": _csrf(login), "email": MODERATOR_EMAIL,
                                            "password": PASSWORD})
    if answer.status_code != 302:
        raise SystemExit(f"the moderator could not log in ({answer.status_code})")
    reader = app.test_client()
    reader.set_cookie(*PERSONAL_COOKIE)
    results = []
    # Pages outside the goal (a text search over every row) take seconds: three requests.
    for label, path, goal in moderation_pages(built["largest_article"]["id"]):
        results.append({"page": label, "path": path, "goal": goal,
                        **_timed(moderator, path, engine, least=MIN_REQUESTS if goal else 3)})
    for label, path, goal in QUESTION_PAGES:
        results.append({"page": label, "path": path, "goal": goal,
                        **_timed(reader, path, engine, least=MIN_REQUESTS if goal else 3)})
    for result in results:
        if result["status"] != 200:
            raise SystemExit(f"{result['path']} answered {result['status']}")
    return results


def child() -> dict:
    """Build and measure in this process (run() starts it with its own instance folder)."""
    from app import create_app

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        from app.config import normalise_database_url

        _reset_database(normalise_database_url(url))
    app = create_app()
    built = build(app)
    with app.app_context():
        from sqlalchemy import text

        from app.extensions import db

        if built["dialect"] == "postgresql":
            built["database"] = "PostgreSQL " + db.session.scalar(text("SHOW server_version"))
        else:
            import sqlite3

            built["database"] = f"SQLite {sqlite3.sqlite_version}"
        db.session.remove()
    return {"built": built, "pages": measure(built)}


def run() -> dict:
    """Build the big site and measure it, in a child process; return the figures."""
    instance = tempfile.mkdtemp(prefix="parley-bench-big-")
    env = {**os.environ, "PARLEY_INSTANCE": instance, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    output = subprocess.run([sys.executable, "-m", "tests.bench.big", "--child"], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    if output.returncode:
        raise SystemExit(f"the big site failed:\n{output.stderr}")
    results = json.loads(output.stdout.strip().splitlines()[-1])
    if not os.environ.get("BIG_BENCH_KEEP"):
        import shutil

        shutil.rmtree(instance, ignore_errors=True)
    else:
        results["instance"] = instance
    return results


def report(results: dict) -> None:
    """Print the big site's table: median and p90 server time per page, against the goal."""
    built = results["built"]
    seconds = built["seconds"]
    print()
    print(f"Big site: {built['articles']:,} articles, {built['responses']:,} responses "
          f"({built['questions']:,} questions, {built['answers']:,} answers, "
          f"{built['accepted']:,} accepted), {built['database']}; built in "
          f"{seconds['build']:.0f} s (generate {seconds['generate']:.0f}, insert "
          f"{seconds['insert']:.0f}, analyse {seconds['analyse']:.0f})")
    mix = built["mix"]
    statuses = {}
    for key, n in mix.items():
        status = key.split("/")[1]
        statuses[status] = statuses.get(status, 0) + n
    print("statuses: " + ", ".join(f"{s} {n:,}" for s, n in sorted(statuses.items()))
          + f"; largest article {built['largest_article']['responses']:,} responses")
    print(f"{'page':<40}{'median ms':>11}{'p90 ms':>9}{'requests':>10}{'queries':>9}"
          f"{'goal ≤ 50 ms':>14}")
    for page in results["pages"]:
        verdict = ("yes" if page["median"] <= GOAL_MS else "NO") if page["goal"] else "-"
        print(f"{page['page']:<40}{page['median']:>11.1f}{page['p90']:>9.1f}"
              f"{page['requests']:>10}{page['queries']:>9}{verdict:>14}")
    print("(server time in-process through the Flask test client: the queue as a logged-in "
          "moderator, /questions rendered for every request; '(info)' rows are outside the "
          "goal)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        print(json.dumps(child()))
    else:
        report(run())
