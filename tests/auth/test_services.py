"""Account rules without requests."""

from __future__ import annotations

import pytest

from app.auth import services
from app.models import Role


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 10"),
        ("", "at least 10"),
        ("password123", "too easy"),
        ("aaaaaaaaaaaa", "too easy"),
        ("ada@example.org", "email address"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, fragment):
    assert fragment in services.password_problem(password, "ada@example.org")


def test_a_reasonable_password_passes():
    assert services.password_problem("tangerine bicycle 42", "ada@example.org") is None


def test_create_user_normalises_email_hashes_password_and_refuses_duplicates(db):
    user = services.create_user("  Ada@Example.ORG ", "Ada Lovelace", "tangerine bicycle",
                                Role.AUTHOR)
    assert user.email == "ada@example.org"
    assert user.password_hash and "tangerine" not in user.password_hash
    assert user.slug == "ada-lovelace"
    with pytest.raises(services.EmailTaken):
        services.create_user("ada@example.org", "Someone", "another good one")


def test_passwords_are_hashed_with_scrypt_unless_configured(app, db, monkeypatch):
    # The suite configures a cheap method; without it a site gets werkzeug's scrypt.
    monkeypatch.delitem(app.config, "PASSWORD_HASH_METHOD")
    strong = services.create_user("s@example.org", "Strong", "tangerine bicycle")
    assert strong.password_hash.startswith("scrypt:32768:8:1$")
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")
    cheap = services.create_user("c@example.org", "Cheap", "tangerine bicycle")
    assert cheap.password_hash.startswith("pbkdf2:sha256:1000$")
    # Each hash names its method: both still check, whatever is configured now.
    assert services.authenticate("s@example.org", "tangerine bicycle") == strong
    assert services.authenticate("c@example.org", "tangerine bicycle") == cheap
    assert services.authenticate("s@example.org", "tangerine bicycle!") is None


def test_user_slugs_stay_unique(db):
    first = services.create_user("a@example.org", "Sam Lee", None)
    second = services.create_user("b@example.org", "Sam Lee", None)
    assert (first.slug, second.slug) == ("sam-lee", "sam-lee-2")


def test_authenticate_matches_only_the_right_pair(db):
    services.create_user("ada@example.org", "Ada", "tangerine bicycle")
    assert services.authenticate("ADA@example.org", "tangerine bicycle") is not None
    assert services.authenticate("ada@example.org", "wrong one here") is None
    assert services.authenticate("nobody@example.org", "tangerine bicycle") is None


def test_accounts_without_a_password_cannot_log_in(db):
    services.create_user("imported@example.org", "Imported Author", None, Role.AUTHOR)
    assert services.authenticate("imported@example.org", "") is None
    assert services.authenticate("imported@example.org", "anything at all") is None
