"""Sessions end for real: a copied session or remember-me cookie stops opening the account
after log out and after a password change; the remember cookie's flags; the current password
guards a new one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from app.models import User
from tests.conftest import FormClient, another_app, csrf_token_from
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "another long passphrase"
COOKIES = ("session", "remember_token")


def log_in_remembered(forms: FormClient, email: str, password: str = PASSWORD):
    response = forms.post("/login", {"email": email, "password": password, "remember": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def copy_cookies(source, target, names=COOKIES) -> None:
    """Put the source browser's cookies into another browser, as a thief would."""
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        target.set_cookie(name, cookie.value)


def opens_account(client) -> bool:
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def log_out(client) -> None:
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


@pytest.fixture
def thief(app):
    return app.test_client()


@pytest.fixture
def thief_with_remember_cookie_only(app):
    return app.test_client()


def test_copied_session_and_remember_cookies_stop_working_after_log_out(
        client, forms, thief, thief_with_remember_cookie_only, db):
    user = make_user()
    log_in_remembered(forms, user.email)
    copy_cookies(client, thief)
    copy_cookies(client, thief_with_remember_cookie_only, ["remember_token"])
    assert opens_account(thief) and opens_account(thief_with_remember_cookie_only)

    log_out(client)

    assert not opens_account(client)
    assert not opens_account(thief)
    assert not opens_account(thief_with_remember_cookie_only)
    # Logging in again works, and the old copies stay dead.
    log_in_remembered(forms, user.email)
    assert opens_account(client)
    assert not opens_account(thief) and not opens_account(thief_with_remember_cookie_only)


def test_a_password_change_ends_every_other_session_and_keeps_this_one(
        app, client, forms, thief, thief_with_remember_cookie_only, db):
    user = make_user(name="Ada")
    log_in_remembered(forms, user.email)
    copy_cookies(client, thief)
    copy_cookies(client, thief_with_remember_cookie_only, ["remember_token"])
    assert opens_account(thief)

    changed = forms.post("/account", {"name": "Ada", "current_password": PASSWORD,
                                      "new_password": NEW_PASSWORD})
    assert changed.status_code == 302
    assert "new password are saved" in client.get("/account").get_data(as_text=True)

    assert not opens_account(thief)
    assert not opens_account(thief_with_remember_cookie_only)
    # The person who changed it stays logged in, and their "keep me logged in" goes on too:
    # a new remember cookie, alone, opens the account (as after closing the browser).
    assert opens_account(client)
    returning = app.test_client()
    copy_cookies(client, returning, ["remember_token"])
    assert opens_account(returning)
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)


def test_a_session_from_before_session_versions_is_refused(app, client, forms, db):
    """A cookie naming the user by id alone (as before) no longer opens the account."""
    user = make_user()
    forms.login(user.email, PASSWORD)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert not opens_account(client)


def test_the_new_password_needs_the_current_one(client, forms, db):
    user = make_user(name="Ada")
    forms.login(user.email, PASSWORD)

    missing = forms.post("/account", {"name": "Ada Typed", "new_password": NEW_PASSWORD})
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422
    assert 'id="current_password-error">Enter your current password to change it.' in html
    assert 'value="Ada Typed"' in html

    wrong = forms.post("/account", {"name": "Ada Typed", "current_password": "not my password",
                                    "new_password": NEW_PASSWORD})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert 'id="current_password-error">That is not your current password.' in html
    assert 'value="Ada Typed"' in html

    db.session.refresh(user)
    assert user.check_password(PASSWORD) and user.name == "Ada"  # nothing was saved
    assert opens_account(client)  # and the session goes on

    # A profile change without a new password needs no password at all.
    assert forms.post("/account", {"name": "Ada Lovelace"}).status_code == 302
    db.session.refresh(user)
    assert user.name == "Ada Lovelace" and user.check_password(PASSWORD)


def remember_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie")
                if h.startswith("remember_token="))


def test_remember_cookie_is_httponly_samesite_and_lasts_thirty_days(forms, db):
    user = make_user()
    cookie = remember_cookie(log_in_remembered(forms, user.email))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # SESSION_COOKIE_SECURE is off in tests
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(hours=1)


@pytest.fixture
def secure_app(app, database_url):
    """An app served behind HTTPS (SESSION_COOKIE_SECURE on), on the suite's tables."""
    with another_app(app, SQLALCHEMY_DATABASE_URI=database_url,
                     SESSION_COOKIE_SECURE=True) as secure:
        yield secure


def test_remember_cookie_is_secure_when_the_session_cookie_is(secure_app):
    with secure_app.app_context():
        email = make_user().email
    browser = secure_app.test_client()
    https = "https://localhost"
    token = csrf_token_from(browser.get("/login", base_url=https).get_data(as_text=True))
    response = browser.post(
        "/login", base_url=https, headers={"Referer": https + "/login"},  # HTTPS CSRF check
        data={"csrf_token": token, "email": email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert "Secure" in remember_cookie(response)
    session = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in session


def test_every_login_carries_the_session_version(client, forms, db):
    user = make_user()
    forms.login(user.email, PASSWORD)
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user.id}:0"
    log_out(client)
    assert db.session.get(User, user.id).session_version == 1
