"""`make bench`, the Questions page: 10,000 questions and 50,000 answers, loaded with wrk.

Seeding runs in a child process (the app reads its instance folder once, at import), with
bulk inserts in batches: the search structures are kept by the same triggers (SQLite) and
index (PostgreSQL) as in production. Then gunicorn serves that database and wrk measures
`/questions`, `/questions?status=unanswered` and `/questions?q=interview` twice each: as
anonymous readers get them (from the page cache once rendered) and rendered on every request
(a reader with a personal cookie, as a member or a returning commenter is). The child also
counts SQL statements per page view, rendered and cached.

Alone: `python -m tests.bench.questions` (SQLite). With QUESTIONS_BENCH_DATABASE_URL set to
an EMPTY PostgreSQL database of your own, the same on PostgreSQL (its schema is dropped).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS, ANSWERS = 10_000, 50_000
SEARCH_WORD = "interview"
PAGES = (("questions", "/questions"), ("unanswered", "/questions?status=unanswered"),
         ("search", f"/questions?q={SEARCH_WORD}"))
# A cookie that makes a page personal, so that every request renders it.
PERSONAL = ("-H", "Cookie: parley_commenter=bench")
BATCH = 2_000

_ROLES = ("product manager", "project manager", "data analyst", "UX designer", "engineer",
          "scrum master", "sales lead", "teacher", "nurse", "consultant")
_STEPS = ("a certification", "an MBA", "a bootcamp", "a second degree", "an internship",
          "a lateral move", "a pay cut", "a mentor", "a portfolio", "a night course")
_WORRIES = ("my interview", "the salary talk", "my first job", "a career change",
            "the job market", "my résumé", "a carrière abroad", "remote work", "a startup offer",
            "my manager")
_FILLER = ("I have worked in sales for five years", "my degree is in computer science",
           "the company is reorganising", "I am not sure where to start", "friends disagree",
           "the course costs a lot", "I live far from any office", "the team is small",
           "my current role is stable", "I would like honest advice")


def _text(rng: random.Random) -> tuple[str, str]:
    """An original question's title and body from a small career vocabulary."""
    role, step, worry = rng.choice(_ROLES), rng.choice(_STEPS), rng.choice(_WORRIES)
    title = rng.choice((f"Should I get {step} to become a {role}?",
                        f"How do I prepare for {worry} as a {role}?",
                        f"Is {step} worth it before {worry}?"))
    body = f"{title} " + ". ".join(rng.sample(_FILLER, 3)).capitalize() + "."
    if rng.random() < 0.05:
        body += " Any interview tips are welcome."
    return title, body


def seed() -> dict:
    """Fill a fresh database (DATABASE_URL, or the instance folder's SQLite file); return how
    long it took, what was written and the queries each page takes."""
    from flask_migrate import upgrade
    from sqlalchemy import bindparam, insert, select, text, update

    from app import create_app
    from app.extensions import db
    from app.models import Response, ResponseKind, ResponseStatus, Role
    from app.models.question import QuestionTag, question_tag_links
    from app.questions.tags import seed_default_tags
    from tests.factories import make_article, make_user

    app = create_app()
    rng = random.Random(10)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
        author = make_user(Role.AUTHOR, name="Bench Author")
        live = [make_article(author, title=f"Career article {n}").id for n in range(20)]
        draft = make_article(author, title="Unpublished", published=False).id
        seed_default_tags()
        tag_ids = list(db.session.scalars(select(QuestionTag.id)))
        db.session.commit()

        started = time.perf_counter()
        start = datetime.now(UTC) - timedelta(days=365)
        questions, links, asked = [], [], []
        for qid in range(1, QUESTIONS + 1):
            title, body = _text(rng)
            roll = rng.random()
            article_id = rng.choice(live) if roll < 0.6 else None if roll < 0.95 else draft
            status = rng.choices((ResponseStatus.APPROVED, ResponseStatus.PENDING,
                                  ResponseStatus.SPAM), (90, 7, 3))[0]
            created = start + timedelta(minutes=50 * qid)
            questions.append(dict(
                id=qid, article_id=article_id, kind=ResponseKind.QUESTION, status=status,
                path=f"{qid:010d}", depth=0, thread_id=qid, title=title, body_source=body,
                body_html=f"<p>{body}</p>", author_name=f"Asker {qid}",
                author_email=f"asker{qid}@example.org", created_at=created,
                approved_at=created if status is ResponseStatus.APPROVED else None))
            links += [{"response_id": qid, "tag_id": t}
                      for t in rng.sample(tag_ids, rng.randint(0, 3))]
            asked.append((qid, article_id, created))
        # Answers go to three questions in four; a question's answers come after it.
        answered = [q for q in asked if rng.random() < 0.75]
        answers, accepted = [], {}
        for n in range(ANSWERS):
            qid, article_id, created = rng.choice(answered)
            aid = QUESTIONS + 1 + n
            status = ResponseStatus.APPROVED if rng.random() < 0.92 else ResponseStatus.PENDING
            when = created + timedelta(minutes=rng.randint(5, 60 * 24 * 30))
            answers.append(dict(
                id=aid, article_id=article_id, parent_id=qid, kind=ResponseKind.COMMENT,
                status=status, path=f"{qid:010d}.{aid:010d}", depth=1, thread_id=qid,
                body_source="Talk to people already in the role before paying for anything.",
                body_html="<p>Talk to people already in the role before paying for anything.</p>",
                author_name=f"Helper {n % 700}", author_email=f"helper{n % 700}@example.org",
                helpful_count=rng.choice((0, 0, 0, 1, 2, 5)), created_at=when,
                approved_at=when if status is ResponseStatus.APPROVED else None))
            if status is ResponseStatus.APPROVED and qid % 3 == 0:
                accepted.setdefault(qid, aid)
        table = Response.__table__
        for rows, target in ((questions, table), (answers, table), (links, question_tag_links)):
            for at in range(0, len(rows), BATCH):
                db.session.execute(insert(target), rows[at:at + BATCH])
        pairs = [{"qid": qid, "aid": aid} for qid, aid in accepted.items()]
        db.session.execute(update(table).where(table.c.id == bindparam("qid"))
                           .values(accepted_answer_id=bindparam("aid")), pairs)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(
                "SELECT setval(pg_get_serial_sequence('responses', 'id'), max(id)) "
                "FROM responses"))
        db.session.commit()
        seconds = time.perf_counter() - started
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        dialect = db.engine.dialect.name
    return {"seconds": seconds, "questions": len(questions), "answers": len(answers),
            "accepted": len(accepted), "dialect": dialect, "queries": count_queries(app)}


def count_queries(app) -> dict[str, tuple[int, int]]:
    """SQL statements for one view of each page: rendered, then from the page cache."""
    from sqlalchemy import event

    from app.core import pagecache
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    counts = {}
    for name, path in PAGES:
        statements: list[str] = []

        def record(*args, statements=statements):
            if args[2] != "BEGIN":
                statements.append(args[2])

        pagecache.pages.clear()
        pagecache._last_seen = (None, 0)
        client = app.test_client()
        event.listen(engine, "before_cursor_execute", record)
        response = client.get(path)
        rendered = len(statements)
        statements.clear()
        client.get(path)
        cached = len(statements)
        event.remove(engine, "before_cursor_execute", record)
        if response.status_code != 200 or b"question-row" not in response.data:
            raise SystemExit(f"{path} answered {response.status_code} without questions")
        counts[name] = (rendered, cached)
    return counts


def run(ceiling: tuple[float, str, str] | None = None) -> dict:
    """Seed (in a child process), serve with gunicorn, load each page with wrk."""
    from tests.bench.run import free_port, serve, wrk

    instance = tempfile.mkdtemp(prefix="parley-bench-questions-")
    env = {**os.environ, "PARLEY_INSTANCE": instance, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    if os.environ.get("QUESTIONS_BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["QUESTIONS_BENCH_DATABASE_URL"]
    output = subprocess.run([sys.executable, "-m", "tests.bench.questions", "--seed"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if output.returncode:
        raise SystemExit(f"seeding the questions failed:\n{output.stderr}")
    seeded = json.loads(output.stdout.strip().splitlines()[-1])
    port = free_port()
    hello = None
    if ceiling is None:
        hello_port = free_port()
        hello = serve("tests.bench.hello:app", hello_port, env)
    server = serve("wsgi:app", port, env)
    try:
        if ceiling is None:
            ceiling = wrk(f"http://127.0.0.1:{hello_port}/hello")
        results = {}
        for name, path in PAGES:
            url = f"http://127.0.0.1:{port}{path}"
            results[name] = {"cached": wrk(url), "rendered": wrk(url, *PERSONAL)}
    finally:
        for process in (server, hello):
            if process is not None:
                process.terminate()
                process.wait()
    return {"seeded": seeded, "results": results, "ceiling": ceiling}


def report(measured: dict) -> None:
    seeded, ceiling = measured["seeded"], measured["ceiling"]
    print()
    print(f"Questions page: {seeded['questions']:,} questions, {seeded['answers']:,} answers "
          f"({seeded['accepted']:,} accepted), {seeded['dialect']}; seeded in "
          f"{seeded['seconds']:.1f} s")
    print(f"{'page':<40}{'req/s':>9}{'avg':>10}{'p99':>10}{'of ceiling':>12}"
          f"{'queries':>9}{'cached':>8}")
    for name, path in PAGES:
        rendered, cached = seeded["queries"][name]
        for how, label in (("cached", "anonymous"), ("rendered", "rendered")):
            rps, average, p99 = measured["results"][name][how]
            print(f"{f'{path}, {label}':<40}{rps:>9.0f}{average:>10}{p99:>10}"
                  f"{rps / ceiling[0]:>12.0%}{rendered:>9}{cached:>8}")
    print("('anonymous': what a reader without cookies gets, from the page cache once "
          "rendered; 'rendered': every request renders, as for members)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        print(json.dumps(seed()))
    else:
        report(run())
