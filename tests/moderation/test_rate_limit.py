"""The comment rate limit per IP address: over it, 429 with the form again and the text kept;
and the limit holds across server processes, on the embedded storage and on Redis.

The suite's app runs with rate limiting off, so this builds a second app on the same database
with a limit of 2 comments a minute, counting in the storage the suite's configuration names
(the SQLite file under the instance folder, or Redis with REDIS_URL). Building an app rebinds
the task queue and flips Flask-Limiter's one on/off switch (shared by every app in the
process); the fixture puts both back for the tests that follow.

The cross-process tests start two gunicorn servers on 127.0.0.1, on the suite's database and
one instance folder, and post to both in turn: the limit counts their posts together.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from limits.storage import storage_from_string
from sqlalchemy import select

from app import tasks
from app.extensions import db as _db
from app.extensions import limiter
from app.models import ModerationEvent, Response
from tests.conftest import (
    REDIS_URL,
    FormClient,
    NoRedirect,
    another_app,
    gunicorn,
)
from tests.factories import PASSWORD, change_settings, make_article, make_user

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def limited_app(app, database_url):
    """A second app, rate-limited, on the tables the session `app` created (and cleans)."""
    with another_app(app, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                     COMMENT_RATE_LIMIT="2 per minute") as limited:
        yield limited


def comment(body: str) -> dict:
    return {"name": "Ada Guest", "email": "ada@example.org", "website": "https://ada.example",
            "body": body, "submit": "Post Comment"}


def stored_bodies(app) -> list[str]:
    with app.app_context():
        return list(_db.session.scalars(select(Response.body_source).order_by(Response.id)))


def test_the_third_comment_in_a_minute_gets_429_with_the_text_kept(limited_app):
    with limited_app.app_context():
        change_settings(flood_seconds=0)
        article = make_article(title="A busy thread")
        url, path = f"/articles/{article.id}/comments", article.path
    guest = FormClient(limited_app.test_client())

    for n in (1, 2):
        assert guest.post(url, comment(f"Comment {n}"), form_url=path).status_code == 302
    third = guest.post(url, comment("My third thought, typed with care"), form_url=path)

    assert third.status_code == 429
    page = third.get_data(as_text=True)
    assert ('<p class="error" id="body-error">Too many comments from your address '
            "(2 per 1 minute). Wait a little and send it again; your text is kept here.</p>"
            ) in page
    assert "A busy thread" in page and 'id="respond"' in page  # the article, form and all
    assert "My third thought, typed with care</textarea>" in page
    assert 'name="name" type="text" value="Ada Guest"' in page
    assert 'value="https://ada.example"' in page
    assert stored_bodies(limited_app) == ["Comment 1", "Comment 2"]
    with limited_app.app_context():
        assert len(_db.session.scalars(select(ModerationEvent)).all()) == 2

    # The script that posts without a reload gets the form alone, refused the same way.
    fragment = guest.post(url, comment("Fourth, from the script"), form_url=path,
                          headers={"X-Parley-Fragment": "1"})
    assert fragment.status_code == 429
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<section id="respond"')
    assert 'id="body-error">Too many comments from your address' in text
    assert "Fourth, from the script</textarea>" in text

    # The limit is per address: another reader still gets through.
    other = FormClient(limited_app.test_client())
    other.client.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert other.post(url, comment("From elsewhere"), form_url=path).status_code == 302
    assert stored_bodies(limited_app) == ["Comment 1", "Comment 2", "From elsewhere"]


def test_the_suites_app_gets_its_task_queue_and_limiter_back(app):
    """Runs after the test above: its fixture must have put the shared state back, or later
    jobs would run in the other app (its config, its engine) and the limiter stay on."""
    assert tasks._app is app
    assert limiter.enabled is False


# --- two server processes, one limit ----------------------------------------------------------

@pytest.fixture(params=["embedded", "redis"])
def two_servers(request, app, database_url, tmp_path):
    """Two gunicorn servers (one worker each) on one database and one instance folder,
    counting in the embedded SQLite file or, for the "redis" case, in REDIS_URL's Redis."""
    env = {**os.environ, "DATABASE_URL": database_url, "PARLEY_INSTANCE": str(tmp_path),
           "SECRET_KEY": "rate-limit-test-secret", "HUEY_IMMEDIATE": "1",
           "COMMENT_RATE_LIMIT": "3 per minute"}
    env.pop("RATELIMIT_STORAGE_URI", None)
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("REDIS_URL is not set")
        env["REDIS_URL"] = REDIS_URL
        storage_from_string(REDIS_URL).reset()
    else:
        env.pop("REDIS_URL", None)
    try:
        with gunicorn(env, servers=2) as urls:
            yield urls
    finally:
        if request.param == "redis":
            storage_from_string(REDIS_URL).reset()


def send_form(base: str, page: str, action: str, fields: dict) -> tuple[int, str]:
    """Load a page like a browser (its own cookies), post its form; return status and text."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()),
                                         NoRedirect)
    html = opener.open(base + page, timeout=30).read().decode()
    hidden = dict(re.findall(r'name="(csrf_token|stamp)" type="hidden" value="([^"]*)"', html))
    body = urllib.parse.urlencode({**hidden, **fields}).encode()
    try:
        answer = opener.open(base + action, data=body, timeout=30)
        return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_comment_limit_holds_across_two_server_processes(two_servers, db):
    change_settings(flood_seconds=0, min_fill_seconds=0)
    article = make_article(title="Busy across workers")
    path, action = article.path, f"/articles/{article.id}/comments"

    statuses = []
    for n in range(8):
        status, text = send_form(two_servers[n % 2], path, action, {
            "name": f"Reader {n}", "email": f"reader{n}@example.org",
            "body": f"Comment number {n}, from one address.", "submit": "Post Comment"})
        statuses.append(status)
        if status == 429:
            assert "Too many comments from your address (3 per 1 minute)" in text

    assert statuses == [302, 302, 302, 429, 429, 429, 429, 429]
    db.session.commit()
    assert len(db.session.scalars(select(Response).where(
        Response.article_id == article.id)).all()) == 3


def test_the_login_throttle_holds_across_two_server_processes(two_servers, db):
    user = make_user(email="owner@example.org")
    statuses = [send_form(two_servers[n % 2], "/login", "/login", {
        "email": user.email, "password": "not the password"})[0] for n in range(5)]
    assert statuses == [422] * 5
    status, text = send_form(two_servers[1], "/login", "/login",
                             {"email": user.email, "password": PASSWORD})
    assert status == 429
    assert "Too many failed attempts. Try again in 15 minutes." in text
