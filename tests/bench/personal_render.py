"""The personal article page, in process: Parley's render for readers the page cache skips,
against the naive render of the same number of responses (tests/bench/hello.py).

    .venv/bin/python -m tests.bench.personal_render [--renders 200]

Seeds a fresh SQLite instance with an article of 79 approved responses and one of 1,000
(`run._thread`: every third response starts a reply chain), every thread on one page, then
times renders through the test client for a returning commenter (a saved-details cookie), a
logged-in member and the author of a pending comment: renders with an empty fragment cache
(cold), then `--renders` with it filled (warm). The naive render (plain dicts, one recursive
Jinja loop, no database) goes through its own app's test client, so both sides pay the same
client overhead, in turns with Parley's. Prints requests per second of CPU time (the median
request's) and the ratio to the naive render (issue 11, goal 2: at least 1.5). In process,
without gunicorn and wrk: a quick figure while working; `make bench` gives the table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta

SIZES = (79, 1000)


def seed() -> dict[int, str]:
    """The two articles, every thread on one page; return their paths by size."""
    from dataclasses import replace

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Role
    from app.models.types import utcnow
    from app.moderation import settings as site_settings
    from tests.bench.run import ROOT, _thread
    from tests.factories import make_article, make_user

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        author = make_user(Role.AUTHOR, name="Bench Author", bio="Writes benchmarks.")
        make_user(Role.MEMBER, name="Bench Member")
        site_settings.save(replace(site_settings.load(), threads_per_page=1000))
        db.session.commit()
        paths = {}
        for total in SIZES:
            article = make_article(author, title=f"Article with {total} responses",
                                   body="A paragraph of **text**.\n\n" * 8)
            _thread(article, total, utcnow() - timedelta(days=30))
            db.session.commit()
            paths[total] = article.path
    return paths


def cpu_seconds(client, path: str, before=None) -> float:
    """The CPU time of one GET in this thread (the machine may be shared: waiting for a core
    is not counted), after `before()` (not counted either)."""
    if before is not None:
        before()
    began = time.thread_time()
    response = client.get(path)
    spent = time.thread_time() - began
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return spent


def per_second(runs: list[tuple], renders: int) -> list[float]:
    """Requests per second of CPU for each (client, path, before) run: one over the median
    request, taken in turns (one request of each, `renders` times), so that a change in the
    machine's load falls on all alike."""
    spent: list[list[float]] = [[] for _ in runs]
    for _ in range(renders):
        for i, (client, path, before) in enumerate(runs):
            spent[i].append(cpu_seconds(client, path, before))
    return [1 / statistics.median(seconds) for seconds in spent]


def readers(app, path: str) -> dict:
    """Test clients for the three readers the page cache skips."""
    from app.comments import identity
    from app.extensions import db
    from app.models import Article, Response, ResponseStatus, Role, User
    from app.models.types import utcnow

    with app.app_context():
        member = db.session.scalar(db.select(User).where(User.role == Role.MEMBER))
        article = db.session.scalar(db.select(Article).where(Article.path == path))
        pending = Response(article=article, status=ResponseStatus.PENDING,
                           author_name="Pending Poster", author_email="pending@example.org",
                           body_source="Mine.", body_html="<p>Mine, held.</p>",
                           created_at=utcnow())
        db.session.add(pending)
        db.session.flush()
        pending.place_under(None)
        db.session.commit()
        member_id, pending_id = member.get_id(), pending.id
    with app.test_request_context():
        saved = identity._signer("parley-commenter").dumps(
            {"name": "Returning Reader", "email": "back@example.org", "website": ""})
        mine = identity._signer("parley-mine").dumps([pending_id])
    commenter, member_client, author = app.test_client(), app.test_client(), app.test_client()
    commenter.set_cookie(identity.COMMENTER_COOKIE, saved)
    with member_client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = member_id, True
    author.set_cookie(identity.MINE_COOKIE, mine)
    return {"returning commenter": commenter, "member": member_client,
            "author of a pending one": author}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    options = parser.parse_args()
    os.environ["PARLEY_INSTANCE"] = tempfile.mkdtemp(prefix="parley-bench-personal-")
    os.environ.pop("DATABASE_URL", None)
    paths = seed()

    from app import create_app
    from app.comments import fragments
    from tests.bench.hello import app as yardsticks

    app = create_app()
    naive = yardsticks.test_client()
    print(f"In process, SQLite; requests per second of CPU (time.thread_time, the median "
          f"request); cold: 5 renders each with an empty fragment cache; warm: "
          f"{options.renders} renders")
    print(f"{'page':<42}{'cold/s':>8}{'warm/s':>8}{'naive/s':>9}{'cold ×':>8}{'warm ×':>8}")
    for total, path in paths.items():
        clients = readers(app, path)
        naive_path = f"/naive/{total}"
        for client in (naive, *clients.values()):  # imports, compiled templates, connections
            client.get(naive_path if client is naive else path)
        for who, client in clients.items():
            baseline, cold = per_second([(naive, naive_path, None),
                                         (client, path, fragments.clear)], 5)
            client.get(path)
            baseline, warm = per_second([(naive, naive_path, None), (client, path, None)],
                                        options.renders)
            print(f"{f'{total:,} responses, {who}':<42}{cold:>8.0f}{warm:>8.0f}"
                  f"{baseline:>9.0f}{cold / baseline:>8.2f}{warm / baseline:>8.2f}")


if __name__ == "__main__":
    main()
