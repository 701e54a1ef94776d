"""Two gunicorn processes on one database, each with its own page cache: after any change that
readers must see, neither serves the old page; after a change elsewhere, both keep theirs.

The changes are made by this test's own process, a third one sharing the database, through
the same services the views use.
"""

from __future__ import annotations

import itertools
import os
import urllib.request

import pytest

from app.extensions import db as _db
from app.models import ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import services as moderation
from tests.conftest import gunicorn
from tests.factories import change_settings, make_article, make_response, make_user

_names = itertools.count(1)


@pytest.fixture(scope="module")
def servers(app, database_url, tmp_path_factory):
    env = {**os.environ, "DATABASE_URL": database_url,
           "PARLEY_INSTANCE": str(tmp_path_factory.mktemp("two-processes")),
           "SECRET_KEY": "freshness-test-secret", "HUEY_IMMEDIATE": "1",
           "SITE_URL": "http://127.0.0.1"}
    env.pop("REDIS_URL", None)
    with gunicorn(env, servers=2) as urls:
        yield urls


def fetch(url: str) -> tuple[str, bool]:
    """An anonymous reader's GET: the page, and whether it came from the page cache."""
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read().decode(), answer.headers.get("X-Parley-Cache") == "hit"


def warm(servers, *paths) -> None:
    """Have both processes store each page (and check that they serve it stored)."""
    for base in servers:
        for path in paths:
            fetch(base + path)
            assert fetch(base + path)[1], f"{base}{path} was not stored"


@pytest.fixture
def site(db, servers):
    """Two articles with a discussion each, stored by both processes."""
    n = next(_names)
    author = make_user(Role.AUTHOR, name=f"Writer {n}")
    a = make_article(author, title=f"Fresh A {n}")
    b = make_article(author, title=f"Fresh B {n}")
    shown = make_response(a, body=f"Shown comment {n}")
    held = make_response(a, status=ResponseStatus.PENDING, body=f"Held comment {n}")
    make_response(b, body=f"Comment on B {n}")
    warm(servers, a.path, b.path)
    return {"a": a, "b": b, "shown": shown, "held": held, "n": n, "author": author}


def _apply(response, action: str) -> None:
    moderation.apply(response, action, None, seen=None, now=utcnow())
    _db.session.commit()


def _edit(response) -> None:
    response.body_html = "<p>Corrected text</p>"
    _db.session.commit()


def _delete(response) -> None:
    _db.session.delete(response)
    _db.session.commit()


# Each change to article A's page, and the text that shows it was seen (or no longer is).
CHANGES = {
    "approve": (lambda s: _apply(s["held"], "approve"), lambda s: f"Held comment {s['n']}", True),
    "unapprove": (lambda s: _apply(s["shown"], "unapprove"),
                  lambda s: f"Shown comment {s['n']}", False),
    "edit": (lambda s: _edit(s["shown"]), lambda s: "Corrected text", True),
    "delete": (lambda s: _delete(s["shown"]), lambda s: f"Shown comment {s['n']}", False),
    "new reply": (lambda s: make_response(s["a"], s["shown"], body=f"New reply {s['n']}"),
                  lambda s: f"New reply {s['n']}", True),
    "article edit": (lambda s: (setattr(s["a"], "comments_open", False), _db.session.commit()),
                     lambda s: "Comments are closed", True),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_a_discussion_is_seen_by_both_processes_and_evicts_nothing_else(
        servers, site, change):
    make_change, marker, present = CHANGES[change]
    make_change(site)
    for base in servers:
        page, _ = fetch(base + site["a"].path)
        assert (marker(site) in page) is present, f"{base} served a stale page after {change}"
        assert fetch(base + site["b"].path)[1], f"{base} evicted article B after {change} on A"


@pytest.mark.parametrize("change", ["setting", "author rename"])
def test_site_wide_changes_reach_every_page_of_both_processes(servers, site, change):
    if change == "setting":
        change_settings(avatars="gravatar")  # every comment's picture now comes from Gravatar
        new_text = "https://www.gravatar.com/avatar/"
    else:
        site["author"].name = f"Renamed Writer {site['n']}"
        _db.session.commit()
        new_text = f"Renamed Writer {site['n']}"
    for base in servers:
        for article in (site["a"], site["b"]):
            page, hit = fetch(base + article.path)
            assert not hit and new_text in page, f"{base}{article.path}: stale after {change}"


def test_a_comment_on_another_article_keeps_both_processes_pages(servers, site):
    make_response(site["b"], body="Elsewhere entirely")
    for base in servers:
        assert fetch(base + site["a"].path)[1]
        page, hit = fetch(base + site["b"].path)
        assert not hit and "Elsewhere entirely" in page


def test_a_held_comment_keeps_the_page_of_its_own_article(servers, site):
    make_response(site["a"], status=ResponseStatus.PENDING, body="Waiting quietly")
    for base in servers:
        page, hit = fetch(base + site["a"].path)
        assert hit and "Waiting quietly" not in page
