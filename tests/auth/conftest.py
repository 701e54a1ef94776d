"""Fixtures for the account tests: throttles switched on, on their own counter file, and a
clock the tests move forward instead of waiting."""

from __future__ import annotations

import pytest

from app.core import ratelimit

LIMIT_SETTINGS = ("LOGIN_FAILURE_LIMIT", "LOGIN_ACCOUNT_FAILURE_LIMIT",
                  "LOGIN_ADDRESS_FAILURE_LIMIT", "REGISTER_RATE_LIMIT")


@pytest.fixture
def throttled(app, monkeypatch, tmp_path, clock):
    """Turn the login and registration throttles on for this test (the suite runs with
    RATELIMIT_ENABLED off), counting in a fresh SQLite file of their own. Yields the app's
    config: a test may change the limits in it, and they are put back after."""
    for name in LIMIT_SETTINGS:
        monkeypatch.setitem(app.config, name, app.config[name])
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI",
                        ratelimit.sqlite_uri(tmp_path / "ratelimits.db"))
    monkeypatch.delitem(app.extensions, "parley.ratelimit", raising=False)
    yield app.config
    app.extensions.pop("parley.ratelimit", None)
