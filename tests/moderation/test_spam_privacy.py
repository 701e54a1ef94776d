"""No response text, name, address or IP leaves the machine: the spam model makes no network
call, whether it scores, learns, retrains or trains from a file."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from app.extensions import db as _db
from app.models import ResponseStatus, Role, SpamLabel
from app.models.types import utcnow
from app.moderation import services as moderation
from app.moderation.spam import store
from tests.factories import make_article, make_response, make_user

SPAM_PACKAGE = Path(__file__).resolve().parents[2] / "app" / "moderation" / "spam"
# urllib.parse only splits strings; urllib.request fetches.
NETWORK_MODULES = {"socket", "ssl", "http", "urllib.request", "requests", "httpx", "smtplib",
                   "aiohttp", "app.core.fetch", "app.core.mail", "xmlrpc"}

_watching: list[tuple] | None = None


def _audit(event: str, args: tuple) -> None:
    if _watching is not None and event in ("socket.connect", "socket.getaddrinfo",
                                           "socket.sendto", "urllib.Request"):
        _watching.append((event, args))


sys.addaudithook(_audit)  # audit hooks stay for the process; this one only watches here


def test_the_package_imports_nothing_that_talks_to_a_network():
    for path in SPAM_PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert not any(name == m or name.startswith(m + ".") for m in NETWORK_MODULES), \
                    f"{path.name} imports {name}"


@pytest.fixture
def watched(db):
    """Every network call of the process while the test runs, but the database's own."""
    global _watching
    _db.session.execute(_db.text("SELECT 1"))  # the database connection is open before
    _watching = []
    try:
        yield _watching
    finally:
        _watching = None


def test_scoring_learning_and_training_make_no_network_call(watched, tmp_path, runner):
    article = make_article(make_user(Role.AUTHOR))
    store.add_examples([(SpamLabel.SPAM, "comment", "Deals", "https://deals.example/",
                         "Cheap watches at https://deals.example/ buy now"),
                        (SpamLabel.HAM, "comment", "Ada", "", "A careful reading, thanks")])
    _db.session.commit()
    held = make_response(article, status=ResponseStatus.PENDING,
                         body="Buy cheap watches at https://deals.example/",
                         author_url="https://deals.example/", author_ip="203.0.113.7")
    store.classify("comment", held.body_source, "Deals", "https://deals.example/")
    moderation.apply(held, "spam", None, seen=None, now=utcnow())
    _db.session.commit()  # learned inline, through the queue
    store.retrain()
    _db.session.commit()
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("text,label\nVisit https://deals.example/ now,spam\n", encoding="utf-8")
    assert runner.invoke(args=["spam", "train", str(labelled)]).exit_code == 0
    database = _db.engine.url
    others = [call for call in watched
              if not (database.host and str(database.host) in repr(call[1]))]
    assert others == []
