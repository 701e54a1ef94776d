"""Who may open each moderation page and do each action: guest, member, author, moderator, admin.

Every POST is tried with the page's CSRF token and without one. A refused request changes
nothing: the response stays pending with its text, no reply or audit row appears, no setting
is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.models import ModerationEvent, Response, ResponseStatus, Role, SiteSetting
from app.moderation import settings as site_settings
from tests.conftest import FormClient, csrf_token_from
from tests.factories import PASSWORD, make_article, make_response, make_user

ROLES = ("guest", "member", "author", "moderator", "admin")
LOGIN, CSRF = "login", "csrf"  # a redirect to the login page; the "form expired" page (400)


def staff(ok: int) -> dict[str, int | str]:
    """Moderators and admins get `ok`; guests are sent to log in; other roles get 403."""
    return {"guest": LOGIN, "member": 403, "author": 403, "moderator": ok, "admin": ok}


@dataclass(frozen=True)
class Snapshot:
    """What a moderation request could change."""

    status: ResponseStatus
    body: str
    responses: int
    events: int
    settings: int
    max_links: int


def snapshot(db, response_id: int) -> Snapshot:
    db.session.expire_all()
    response = db.session.get(Response, response_id)

    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    return Snapshot(response.status, response.body_source, count(Response),
                    count(ModerationEvent), count(SiteSetting), site_settings.load().max_links)


SETTINGS_FORM = {
    "member_trust_after": "0", "max_links": "9", "moderation_words": "", "disallowed_words": "",
    "block_list": "", "flood_seconds": "15", "min_fill_seconds": "0", "thread_depth": "5",
    "threads_per_page": "50", "avatars": "identicon", "notify_moderators": "each",
    "notify_authors": "y", "purge_after_days": "30", "previously_approved": "y",
}


@dataclass(frozen=True)
class Page:
    label: str
    path: str  # "{id}" stands for the pending response's id
    expected: dict[str, int | str]


@dataclass(frozen=True)
class Action:
    label: str
    path: str
    data: Callable[[int], dict]
    expected: dict[str, int | str]  # with a CSRF token
    done: Callable[[Snapshot], bool]  # what a permitted request changed


PAGES = [
    Page("queue", "/moderation/", staff(200)),
    Page("edit", "/moderation/{id}/edit", staff(200)),
    Page("reply", "/moderation/{id}/reply", staff(200)),
    Page("settings", "/moderation/settings", staff(200)),
    Page("log", "/moderation/log", staff(200)),
    Page("history", "/moderation/log?response={id}", staff(200)),
    Page("dashboard", "/moderation/dashboard", staff(200)),
]

ACTIONS = [
    Action("act", "/moderation/act",
           lambda rid: {"row_action": f"approve:{rid}", f"seen-{rid}": "pending"}, staff(302),
           lambda s: s.status is ResponseStatus.APPROVED and s.events == 1),
    Action("edit", "/moderation/{id}/edit",
           lambda rid: {"name": "Ann", "email": "ann@example.org", "website": "",
                        "body": "Edited by a moderator"}, staff(302),
           lambda s: s.body == "Edited by a moderator" and s.status is ResponseStatus.PENDING),
    Action("reply", "/moderation/{id}/reply", lambda rid: {"body": "Thanks, published."},
           staff(302), lambda s: s.status is ResponseStatus.APPROVED and s.responses == 2),
    Action("settings", "/moderation/settings", lambda rid: dict(SETTINGS_FORM), staff(302),
           lambda s: s.max_links == 9 and s.settings > 0),
]


@pytest.fixture
def site(app, db):
    """A pending comment on an article, and a client logged in as each role (or a guest)."""
    author = make_user(Role.AUTHOR, name="Article Author")
    article = make_article(author, title="Matrix")
    pending = make_response(article, status=ResponseStatus.PENDING, body="Waiting text",
                            author_name="Ann")
    users = {"member": make_user(Role.MEMBER), "author": author,
             "moderator": make_user(Role.MODERATOR), "admin": make_user(Role.ADMIN)}

    def client_as(role: str):
        client = app.test_client()
        if role != "guest":
            FormClient(client).login(users[role].email, PASSWORD)
        return client

    return article, pending.id, client_as


def check(result, expected, path: str) -> None:
    if expected == LOGIN:
        assert result.status_code == 302, result.status
        location = urlsplit(result.headers["Location"])
        assert location.path == "/login"
        assert parse_qs(location.query)["next"] == [path]
    elif expected == CSRF:
        assert result.status_code == 400
        assert "Your form expired" in result.get_data(as_text=True)
    else:
        assert result.status_code == expected, result.get_data(as_text=True)[:2000]
        if expected == 403:
            assert "Not allowed" in result.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES, ids=[p.label for p in PAGES])
def test_opening_a_page(site, db, page, role):
    article, response_id, client_as = site
    before = snapshot(db, response_id)
    path = page.path.format(id=response_id)
    result = client_as(role).get(path)
    check(result, page.expected[role], path)
    if result.status_code == 200:
        assert 'name="csrf_token"' in result.get_data(as_text=True)
    assert snapshot(db, response_id) == before  # a GET never changes anything


@pytest.mark.parametrize("token", [True, False], ids=["token", "no-token"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=[a.label for a in ACTIONS])
def test_doing_an_action(site, db, action, role, token):
    article, response_id, client_as = site
    client = client_as(role)
    data = action.data(response_id)
    if token:
        # Every page with a form carries the session's token; the article's comment form
        # is one any visitor can open.
        data["csrf_token"] = csrf_token_from(client.get(article.path).get_data(as_text=True))
    before = snapshot(db, response_id)
    assert before.status is ResponseStatus.PENDING and not action.done(before)

    path = action.path.format(id=response_id)
    result = client.post(path, data=data)

    expected = action.expected[role] if token else CSRF
    check(result, expected, path)
    after = snapshot(db, response_id)
    if expected in (200, 302):
        assert action.done(after), after
    else:
        assert after == before
