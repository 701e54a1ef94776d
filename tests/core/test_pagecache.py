"""The page cache knows when a stored page goes out of date by the clock, not by a write:
the moment a scheduled article goes live."""

from __future__ import annotations

import time
from datetime import timedelta

from app.core import pagecache
from app.models import ArticleStatus
from app.models.types import utcnow
from tests.factories import make_article


def test_a_stored_page_is_not_served_after_its_next_change():
    cache = pagecache.PageCache()
    now = utcnow()
    cache.put("/", 3, [b"page"], [], fresh_until=now + timedelta(seconds=5))
    cache.put("/about", 3, [b"other"], [], fresh_until=None)

    assert cache.get("/", 3, now) == ([b"page"], [])
    assert cache.get("/", 3, now + timedelta(seconds=4, microseconds=999_999)) is not None
    assert cache.get("/", 3, now + timedelta(seconds=5)) is None
    assert cache.get("/", 4, now) is None  # and a new content version still ends it
    assert cache.get("/about", 3, now + timedelta(days=3650)) is not None


def test_the_next_change_is_the_earliest_scheduled_article(db):
    now = utcnow()
    assert pagecache.next_change(now) is None
    make_article(title="Live", published_at=now - timedelta(hours=1))
    make_article(title="Draft", published=False, published_at=now + timedelta(minutes=1))
    later = make_article(title="Later", published_at=now + timedelta(days=2))
    soon = make_article(title="Soon", published_at=now + timedelta(hours=3))
    assert soon.status is ArticleStatus.SCHEDULED
    assert pagecache.next_change(now) == soon.published_at
    assert pagecache.next_change(soon.published_at) == later.published_at


def test_a_scheduled_article_appears_on_the_cached_home_page_when_its_time_comes(
        client, db, count_queries):
    make_article(title="Already out")
    due = utcnow() + timedelta(seconds=1.5)
    article = make_article(title="Scheduled piece", published_at=due)
    assert article.status is ArticleStatus.SCHEDULED

    first = client.get("/").get_data(as_text=True)
    with count_queries() as hit_queries:
        second = client.get("/")
    assert "Already out" in first and "Scheduled piece" not in first
    assert second.headers["X-Parley-Cache"] == "hit"
    assert "Scheduled piece" not in second.get_data(as_text=True)
    # A hit looks up no next change: at most the content version (none on SQLite).
    assert hit_queries.count <= 1, hit_queries.statements

    # Nothing is written from here on: only the clock moves past the article's moment.
    time.sleep(max((due - utcnow()).total_seconds(), 0) + 0.05)
    later = client.get("/")

    assert "X-Parley-Cache" not in later.headers
    assert "Scheduled piece" in later.get_data(as_text=True)
    assert client.get("/").headers["X-Parley-Cache"] == "hit"  # stored again, for good now
