"""The page cache in front of Flask: what it stores, how it compresses around the per-reader
slots, its conditional answers, and when a stored page goes out of date by the clock (the
moment a scheduled article goes live) rather than by a write."""

from __future__ import annotations

import gzip
import time
from datetime import timedelta

import pytest

from app.core import freshness, pagecache
from app.models import ArticleStatus
from app.models.types import utcnow
from tests.factories import make_article, make_response


def _entry(parts, **fields):
    return pagecache.Entry(parts=parts, headers=[], scopes=("site",), versions=(1,),
                           fresh_until=fields.get("fresh_until"), modified_at=utcnow())


# --- gzip around slots ---------------------------------------------------------------------

@pytest.mark.parametrize("values", [
    [b"a" * 64],
    [b"", b"x"],
    [b"\xc3\xa9t\xc3\xa9" * 20000, b"tok"],  # a slot longer than one stored block
])
def test_a_page_compressed_around_its_slots_decompresses_to_the_filled_page(values):
    texts = [b"<html><body>" + b"<p>Reply</p>" * 500, b"<form>" + b"x" * 3000,
             b"</form></body></html>"][:len(values) + 1]
    parts = [texts[0]]
    for n in range(len(values)):
        parts += [f"\x00m{n}\x00".encode(), texts[n + 1]]
    entry = _entry(parts)
    filled = [values[i // 2] if i % 2 else p for i, p in enumerate(parts)]
    deflated = [pagecache._stored_block(values[i // 2]) if i % 2 else p
                for i, p in enumerate(entry.deflated)]

    body = b"".join(pagecache.gzip_parts(deflated, filled))

    assert gzip.decompress(body) == b"".join(filled)
    assert len(body) < len(b"".join(filled)) / 3 or len(values[0]) > 10000


@pytest.mark.parametrize("header, takes", [
    ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True),
    ("identity", False), ("gzip;q=0", False), ("gzip;q=0.0", False), ("", False),
    ("deflate", False),
])
def test_accept_encoding(header, takes):
    assert pagecache.accepts_gzip(header) is takes


# --- the cache ---------------------------------------------------------------------------

def test_the_cache_keeps_a_bounded_number_of_pages():
    cache = pagecache.PageCache(max_entries=2)
    for key in ("/a", "/b", "/c"):
        cache.put(key, _entry([key.encode()]))
    assert cache.get("/a") is None and cache.get("/c") is not None and len(cache) == 2


def test_the_cache_keeps_a_bounded_number_of_bytes():
    big = _entry([b"x" * 10_000])
    cache = pagecache.PageCache(max_bytes=big.size * 2)
    for key in ("/a", "/b", "/c"):
        cache.put(key, _entry([b"x" * 10_000]))
    cache.put("/c", _entry([b"x" * 10_000]))  # stored again: counted once
    assert len(cache) == 2 and cache.bytes == big.size * 2 and cache.get("/a") is None


def test_a_stored_page_is_not_current_after_its_next_change_or_a_new_version(app, db):
    versions = freshness.versions_for(app)
    now = utcnow()
    soon = _entry([b"page"], fresh_until=now + timedelta(seconds=5))
    soon.versions = tuple(versions.current(soon.scopes)[name][0] for name in soon.scopes)
    assert soon.is_current(versions, now)
    assert soon.is_current(versions, now + timedelta(seconds=4, microseconds=999_999))
    assert not soon.is_current(versions, now + timedelta(seconds=5))
    freshness.bump(db.session.connection(), [freshness.SITE])
    db.session.commit()
    assert not soon.is_current(versions, now)


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
    # A hit runs no query through the app's engine: the versions have their own connection
    # (on SQLite, read again only after a commit).
    assert hit_queries.count == 0, hit_queries.statements

    # Nothing is written from here on: only the clock moves past the article's moment.
    time.sleep(max((due - utcnow()).total_seconds(), 0) + 0.05)
    later = client.get("/")

    assert "X-Parley-Cache" not in later.headers
    assert "Scheduled piece" in later.get_data(as_text=True)
    assert client.get("/").headers["X-Parley-Cache"] == "hit"  # stored again, for good now


# --- through the app -----------------------------------------------------------------------

def test_a_hit_is_served_gzipped_with_the_readers_own_token(app, db):
    article = make_article(title="Compressed")
    first, second = app.test_client(), app.test_client()
    first.get(article.path)
    answer = second.get(article.path, headers={"Accept-Encoding": "gzip"})

    assert answer.headers["X-Parley-Cache"] == "hit"
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer.headers["Vary"]
    html = gzip.decompress(answer.get_data()).decode()
    cookie = second.get_cookie("parley_csrf").value
    from app.core.csrf import token_for

    assert f'value="{token_for(app.secret_key, cookie)}"' in html
    assert "Compressed" in html and "\x00" not in html


def test_pages_answer_304_to_a_reader_who_revalidates(client, db):
    article = make_article(title="Revalidated")
    first = client.get(article.path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('W/"') and modified.endswith("GMT")
    assert first.headers["Cache-Control"] == "no-cache"

    again = client.get(article.path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""

    make_response(article, body="Something new to read")
    changed = client.get(article.path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Something new to read" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_a_page_with_a_form_is_not_revalidated_for_a_browser_without_its_cookie(app, db):
    article = make_article(title="Cookie gone")
    client = app.test_client()
    etag = client.get(article.path).headers["ETag"]
    stranger = app.test_client()  # the same page asked for by a browser with no cookie
    answer = stranger.get(article.path, headers={"If-None-Match": etag})
    assert answer.status_code == 200 and stranger.get_cookie("parley_csrf") is not None


def test_a_feed_answers_304_to_if_modified_since(client, db):
    article = make_article(title="Fed")
    make_response(article, body="In the feed")
    first = client.get("/comments/feed/")
    assert first.mimetype == "application/atom+xml"
    again = client.get("/comments/feed/",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304
    assert client.get("/feed/").headers["ETag"]


def test_a_head_request_is_answered_without_being_stored_empty(client, db):
    article = make_article(title="Heads up")
    assert client.head(article.path).status_code == 200
    page = client.get(article.path)
    assert "Heads up" in page.get_data(as_text=True)
    assert client.head(article.path).headers["X-Parley-Cache"] == "hit"


def test_personal_pages_are_compressed_but_never_stored(client, db):
    article = make_article(title="Mine")
    client.set_cookie("parley_commenter", "anything")
    answer = client.get(article.path, headers={"Accept-Encoding": "gzip"})
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "X-Parley-Cache" not in answer.headers and "ETag" not in answer.headers
    assert "Mine" in gzip.decompress(answer.get_data()).decode()
    assert "X-Parley-Cache" not in client.get(article.path).headers


def test_a_page_rendered_while_something_changed_is_not_stored(app, client, db, monkeypatch):
    article = make_article(title="Moving target")
    from app.comments import presenter

    render = presenter.render_article_page

    def render_during_a_commit(found, **kwargs):
        page = render(found, **kwargs)
        freshness.bump(db.session.connection(), [freshness.SITE])
        db.session.commit()
        return page

    monkeypatch.setattr("app.blog.views.render_article_page", render_during_a_commit)
    client.get(article.path)
    monkeypatch.undo()
    assert "X-Parley-Cache" not in client.get(article.path).headers  # not stored: rendered now
    assert client.get(article.path).headers["X-Parley-Cache"] == "hit"


def test_made_up_query_strings_are_rendered_but_never_stored(client, db):
    article = make_article(title="Busted")
    for n in range(3):
        assert client.get(f"{article.path}?utm_source=x{n}").status_code == 200
    assert len(pagecache.pages) == 0
    client.get(f"{article.path}?cpage=1")
    assert client.get(f"{article.path}?cpage=1").headers["X-Parley-Cache"] == "hit"


def test_stored_pages_lose_template_indentation_but_not_preformatted_text():
    html = (b"<ul>\n    <li>One</li>\n\n    <li>Two</li>\n</ul>\n<pre>  keep\n    this</pre>\n"
            b"  <textarea name=body>\n  typed\n</textarea>\n   <p>a\n   b</p>")
    assert pagecache.compact(html) == (
        b"<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n<pre>  keep\n    this</pre>\n"
        b"<textarea name=body>\n  typed\n</textarea>\n<p>a\nb</p>")


def test_a_code_block_in_a_comment_keeps_its_spacing_on_a_stored_page(client, db):
    article = make_article(title="Code kept")
    response = make_response(article, body="code")
    response.body_html = "<pre><code>def f():\n    return 1\n</code></pre>"
    db.session.commit()
    client.get(article.path)
    stored = client.get(article.path)
    assert stored.headers["X-Parley-Cache"] == "hit"
    assert "def f():\n    return 1\n" in stored.get_data(as_text=True)
