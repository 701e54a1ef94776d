"""CSRF tokens bound to their own cookie: a guest gets no session, and a post is accepted only
with the token of the cookie it comes with."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.csrf import token_for
from app.models import Response
from tests.conftest import csrf_token_from
from tests.factories import make_article


def _comment(token: str, **fields) -> dict:
    return {"csrf_token": token, "name": "Ada Guest", "email": "ada@example.org",
            "body": "A fair point, well made.", "submit": "Post Comment", **fields}


def test_a_guest_shown_a_form_gets_a_csrf_cookie_and_no_session(client, db):
    article = make_article(title="Guest form")
    page = client.get(article.path)
    assert client.get_cookie("session") is None
    cookie = client.get_cookie("parley_csrf")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    token = csrf_token_from(page.get_data(as_text=True))
    assert token == token_for("test-secret-key-not-for-production", cookie.value)


def test_a_page_without_a_form_sets_no_cookie(client, db):
    make_article(title="Listed")
    client.get("/feed/")
    assert client.get_cookie("parley_csrf") is None


def test_a_post_with_the_token_of_its_cookie_is_accepted(client, db):
    article = make_article(title="Posted to")
    token = csrf_token_from(client.get(article.path).get_data(as_text=True))
    answer = client.post(f"/articles/{article.id}/comments", data=_comment(token))
    assert answer.status_code == 302


def test_another_readers_token_is_refused(app, db):
    article = make_article(title="Not yours")
    victim, attacker = app.test_client(), app.test_client()
    attackers_token = csrf_token_from(attacker.get(article.path).get_data(as_text=True))
    victim.get(article.path)  # the victim has a cookie of their own
    answer = victim.post(f"/articles/{article.id}/comments", data=_comment(attackers_token))
    assert answer.status_code == 400
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_a_post_without_the_cookie_is_refused_even_with_a_valid_looking_token(app, db):
    article = make_article(title="No cookie")
    reader = app.test_client()
    token = csrf_token_from(reader.get(article.path).get_data(as_text=True))
    stranger = app.test_client()
    assert stranger.post(f"/articles/{article.id}/comments",
                         data=_comment(token)).status_code == 400


def test_a_forged_cookie_with_a_token_of_its_own_making_is_refused(app, db):
    article = make_article(title="Forged")
    reader = app.test_client()
    reader.get(article.path)
    reader.set_cookie("parley_csrf", "0" * 32)
    forged = token_for("some-other-key", "0" * 32)
    assert reader.post(f"/articles/{article.id}/comments",
                       data=_comment(forged)).status_code == 400


def test_logging_in_gives_the_browser_a_new_cookie(client, db):
    from tests.factories import PASSWORD, make_user

    user = make_user(email="member@example.org")
    page = client.get("/login")
    before = client.get_cookie("parley_csrf").value
    client.post("/login", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                "email": user.email, "password": PASSWORD})
    assert client.get_cookie("parley_csrf").value != before


def test_under_https_the_cookie_is_a_host_only_one(app, db):
    from tests.conftest import another_app

    with another_app(app, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                     SESSION_COOKIE_SECURE=True) as secure_app:
        article = make_article(title="Over TLS")
        client = secure_app.test_client()
        client.get(article.path, base_url="https://127.0.0.1")
        cookie = client.get_cookie("__Host-parley_csrf", domain="127.0.0.1")
        assert cookie is not None and cookie.secure and cookie.path == "/"
