"""200 comment posts at once against a real server process: each stored, or refused with a reason.

gunicorn serves the app from another process on 127.0.0.1, on the suite's database (SQLite or
PostgreSQL); 40 client threads post through real HTTP with their own cookies and CSRF tokens.
"""

from __future__ import annotations

import html
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Response
from tests.conftest import NoRedirect, gunicorn
from tests.factories import change_settings, make_article

ROOT = Path(__file__).resolve().parents[2]
POSTS = 200
DUPLICATES = 20  # posted twice on purpose: the second may be refused as a duplicate


@pytest.fixture
def server(app, database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "PARLEY_INSTANCE": str(tmp_path),
           "SECRET_KEY": "concurrency-test-secret", "HUEY_IMMEDIATE": "1",
           "COMMENT_RATE_LIMIT": "10000 per minute"}
    with gunicorn(env, workers=3, threads=4) as (url,):
        yield url


def post_one(base: str, article_path: str, article_id: int, n: int) -> dict:
    """Load the article like a browser, then post comment n; return what the server said."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(base + article_path, timeout=30).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]*)"', page).group(1)
    who = n % (POSTS - DUPLICATES)  # the last DUPLICATES posts repeat earlier ones exactly
    body = urllib.parse.urlencode({
        "csrf_token": token, "stamp": stamp, "name": f"Reader {who}",
        "email": f"reader{who}@example.org", "body": f"Concurrent comment number {who}.",
        "submit": "Post Comment"}).encode()
    try:
        answer = opener.open(base + f"/articles/{article_id}/comments", data=body, timeout=60)
        return {"n": n, "status": answer.status, "text": answer.read().decode()}
    except urllib.error.HTTPError as error:
        return {"n": n, "status": error.code, "location": error.headers.get("Location", ""),
                "text": error.read().decode()}


def test_two_hundred_concurrent_posts_are_each_stored_or_refused_with_a_reason(server, db):
    change_settings(flood_seconds=0, min_fill_seconds=0)
    article = make_article(title="Busy thread")
    path, article_id = article.path, article.id

    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(lambda n: post_one(server, path, article_id, n), range(POSTS)))

    stored_ids, refusals = {}, []
    for result in results:
        if result["status"] == 302:
            match = re.search(r"#comment-(\d+)$", result["location"])
            assert match, result["location"]
            stored_ids[int(match.group(1))] = result["n"]
        else:
            assert result["status"] in (422, 429), (result["status"], result["text"][:2000])
            reason = re.search(r'id="body-error">([^<]+)<', result["text"])
            assert reason, f"refused without a reason: {result['text'][:500]}"
            refusals.append((result["n"], html.unescape(reason.group(1))))

    db.session.commit()
    rows = {r.id: r for r in db.session.scalars(select(Response).where(
        Response.article_id == article_id))}
    assert set(rows) == set(stored_ids), "every stored post is counted, and nothing else"
    for response_id, n in stored_ids.items():
        who = n % (POSTS - DUPLICATES)
        assert rows[response_id].body_source == f"Concurrent comment number {who}."
    assert len(stored_ids) + len(refusals) == POSTS
    # Only the deliberate repeats may be refused, and only as repeats.
    assert all(reason == "You've already said that." for _, reason in refusals), refusals
    assert len(stored_ids) >= POSTS - DUPLICATES
