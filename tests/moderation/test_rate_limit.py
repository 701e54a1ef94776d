"""The comment rate limit per IP address: over it, 429 with the form again and the text kept.

The suite's app runs with rate limiting off, so this builds a second app on the same database
with a limit of 2 comments a minute. Building an app rebinds the task queue and flips
Flask-Limiter's one on/off switch (shared by every app in the process); the fixture puts both
back for the tests that follow.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app, tasks
from app.extensions import db as _db
from app.extensions import limiter
from app.models import ModerationEvent, Response
from tests.conftest import TEST_CONFIG, FormClient, IsolatedClient
from tests.factories import change_settings, make_article


@pytest.fixture
def limited_app(app, database_url):
    """A second app, rate-limited, on the tables the session `app` created (and cleans)."""
    was_enabled = limiter.enabled
    limited = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                          "RATELIMIT_ENABLED": True, "COMMENT_RATE_LIMIT": "2 per minute",
                          "RATELIMIT_STORAGE_URI": "memory://"})
    limited.test_client_class = IsolatedClient
    yield limited
    limiter.enabled = was_enabled
    tasks.bind_app(app)
    with limited.app_context():
        _db.session.remove()
        _db.engine.dispose()


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
