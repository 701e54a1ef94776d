"""Login and registration throttles through the test client: per account and address, per
account from everywhere, per address across accounts; every wait says how long and ends."""

from __future__ import annotations

import pytest

from app.auth import throttle
from app.models import User
from tests.conftest import FormClient, csrf_token_from
from tests.factories import PASSWORD, make_user

WAIT_15 = "Too many failed attempts. Try again in 15 minutes."


def browser(app, address: str) -> FormClient:
    """A browser of its own (cookies and all) at a client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return FormClient(client)


def log_in(forms: FormClient, email: str, password: str):
    return forms.post("/login", {"email": email, "password": password})


def fail(forms: FormClient, email: str, times: int) -> None:
    for _ in range(times):
        assert log_in(forms, email, "a wrong guess, again").status_code == 422


def log_out(forms: FormClient) -> None:
    client = forms.client
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def is_logged_in(forms: FormClient) -> bool:
    return forms.client.get("/account").status_code == 200


def test_five_failures_for_an_account_from_an_address_make_it_wait_and_the_wait_ends(
        app, throttled, clock, db):
    throttled["LOGIN_ACCOUNT_FAILURE_LIMIT"] = "8 per 15 minutes"
    user = make_user(email="admin@example.org")
    attacker = browser(app, "203.0.113.7")
    fail(attacker, user.email, 5)

    # Even the right password is refused now, before it is checked.
    refused = log_in(attacker, user.email, PASSWORD)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert f'<p class="error form-error" role="alert">{WAIT_15}</p>' in html
    assert 'value="admin@example.org"' in html  # the email is kept
    assert not is_logged_in(attacker)

    # Hammering the blocked form is not counted: the account's own limit (8) is not reached,
    # so the owner elsewhere logs in.
    for _ in range(10):
        assert log_in(attacker, user.email, "still guessing").status_code == 429
    owner = browser(app, "198.51.100.2")
    assert log_in(owner, user.email, PASSWORD).status_code == 302

    clock.advance(10 * 60)
    assert "Try again in 5 minutes." in log_in(attacker, user.email, PASSWORD).get_data(
        as_text=True)
    clock.advance(5 * 60 + 1)
    assert log_in(attacker, user.email, PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count_of_that_account_and_address(
        app, throttled, clock, db):
    user = make_user()
    person = browser(app, "198.51.100.3")
    for _ in range(2):  # without the clearing, the second round's first failure is the 6th
        fail(person, user.email, 4)
        assert log_in(person, user.email, PASSWORD).status_code == 302
        log_out(person)


def test_many_failures_for_one_account_from_everywhere_block_it_for_a_bounded_time(
        app, throttled, clock, db):
    throttled["LOGIN_ACCOUNT_FAILURE_LIMIT"] = "6 per 15 minutes"
    user = make_user(email="editor@example.org")
    owner = browser(app, "198.51.100.4")
    assert log_in(owner, user.email, PASSWORD).status_code == 302  # a browser used before
    log_out(owner)

    for n in range(3):
        fail(browser(app, f"203.0.113.{n + 10}"), user.email, 2)

    newcomer = browser(app, "192.0.2.50")
    refused = log_in(newcomer, user.email, PASSWORD)
    assert refused.status_code == 429 and WAIT_15 in refused.get_data(as_text=True)
    # The owner's browser proves it logged in to this account before: it is let through.
    assert log_in(owner, user.email, PASSWORD).status_code == 302
    # Other accounts are not affected.
    other = make_user()
    assert log_in(browser(app, "192.0.2.51"), other.email, PASSWORD).status_code == 302

    clock.advance(15 * 60 + 1)
    assert log_in(newcomer, user.email, PASSWORD).status_code == 302


def test_a_trusted_browser_cookie_counts_only_for_its_own_account(app, throttled, clock, db):
    throttled["LOGIN_ACCOUNT_FAILURE_LIMIT"] = "3 per 15 minutes"
    victim, attacker_account = make_user(), make_user()
    attacker = browser(app, "203.0.113.20")
    assert log_in(attacker, attacker_account.email, PASSWORD).status_code == 302
    log_out(attacker)
    cookie = attacker.client.get_cookie(throttle.TRUSTED_COOKIE)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"

    fail(browser(app, "203.0.113.21"), victim.email, 3)
    assert log_in(attacker, victim.email, PASSWORD).status_code == 429
    # A forged or altered cookie is worth nothing either.
    attacker.client.set_cookie(throttle.TRUSTED_COOKIE, cookie.value[:-2] + "xx")
    assert log_in(attacker, victim.email, PASSWORD).status_code == 429


def test_many_failures_from_one_address_block_it_for_every_account(app, throttled, clock, db):
    throttled["LOGIN_ADDRESS_FAILURE_LIMIT"] = "4 per hour"
    users = [make_user() for _ in range(5)]
    sprayer = browser(app, "203.0.113.30")
    for user in users[:4]:
        fail(sprayer, user.email, 1)

    refused = log_in(sprayer, users[4].email, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed attempts. Try again in 1 hour." in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "3600"
    # The same accounts from another address are fine.
    assert log_in(browser(app, "198.51.100.5"), users[4].email, PASSWORD).status_code == 302

    clock.advance(3600 + 1)
    assert log_in(sprayer, users[4].email, PASSWORD).status_code == 302


def test_ipv6_addresses_are_counted_per_64(app, throttled, clock, db):
    user = make_user()
    for n in range(5):
        fail(browser(app, f"2001:db8:1:2::{n + 1}"), user.email, 1)
    assert log_in(browser(app, "2001:db8:1:2::99"), user.email, PASSWORD).status_code == 429
    assert log_in(browser(app, "2001:db8:1:3::1"), user.email, PASSWORD).status_code == 302


def test_wrong_current_passwords_on_the_account_page_are_throttled_too(
        app, throttled, clock, db):
    user = make_user(name="Ada")
    person = browser(app, "198.51.100.6")
    assert log_in(person, user.email, PASSWORD).status_code == 302
    for _ in range(5):
        response = person.post("/account", {"name": "Ada", "current_password": "a guess here",
                                            "new_password": "another long passphrase"})
        assert response.status_code == 422
    refused = person.post("/account", {"name": "Ada", "current_password": PASSWORD,
                                       "new_password": "another long passphrase"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert f'id="current_password-error">{WAIT_15}' in refused.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def register(forms: FormClient, n: int):
    return forms.post("/register", {"name": f"Newcomer {n}", "email": f"new{n}@example.org",
                                    "password": "tangerine bicycle",
                                    "confirm": "tangerine bicycle"})


def test_registration_is_throttled_per_address_and_the_wait_ends(app, throttled, clock, db):
    throttled["REGISTER_RATE_LIMIT"] = "2 per hour"
    signup = browser(app, "203.0.113.40")
    assert register(signup, 1).status_code == 302
    assert register(signup, 2).status_code == 302

    refused = register(signup, 3)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert ('<p class="error form-error" role="alert">Too many new accounts from your '
            "address. Try again in 1 hour.</p>") in html
    assert 'value="Newcomer 3"' in html and 'value="new3@example.org"' in html
    assert db.session.scalar(db.select(User).where(User.email == "new3@example.org")) is None

    assert register(browser(app, "198.51.100.7"), 4).status_code == 302
    clock.advance(3600 + 1)
    assert register(signup, 3).status_code == 302


def test_forms_with_mistakes_do_not_count_toward_the_registration_limit(
        app, throttled, clock, db):
    throttled["REGISTER_RATE_LIMIT"] = "1 per hour"
    signup = browser(app, "203.0.113.41")
    for _ in range(3):
        weak = signup.post("/register", {"name": "Bea", "email": "bea@example.org",
                                         "password": "short", "confirm": "short"})
        assert weak.status_code == 422
    assert register(signup, 5).status_code == 302


def test_throttles_are_off_when_rate_limits_are(app, forms, db):
    """The suite runs with RATELIMIT_ENABLED off: many failures, then the right password."""
    user = make_user()
    fail(forms, user.email, 8)
    assert log_in(forms, user.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(("seconds", "words"), [
    (1, "1 second"), (45, "45 seconds"), (60, "1 minute"), (61, "2 minutes"),
    (899, "15 minutes"), (3540, "59 minutes"), (3541, "1 hour"), (3600, "1 hour"),
    (3601, "2 hours"),
])
def test_waits_are_said_in_words_rounded_up(seconds, words):
    assert throttle.wait_phrase(seconds) == words


@pytest.mark.parametrize(("address", "key"), [
    ("203.0.113.9", "203.0.113.9"),
    ("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64"),
    ("::ffff:203.0.113.9", "203.0.113.9"),
    (None, "unknown"),
])
def test_addresses_are_counted_per_host_or_ipv6_network(address, key):
    assert throttle.address_key(address) == key
