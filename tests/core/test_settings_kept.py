"""Pages that only read take the discussion settings kept by the process while the site's
version holds; a saved change is read on the next request, by every process."""

from __future__ import annotations

from app.core.settings import forget
from app.moderation import settings as site_settings
from tests.factories import change_settings


def load():
    """As a new request would: the test's app context keeps `g` between these blocks."""
    forget()
    return site_settings.load()


def test_a_reading_request_reuses_the_kept_settings(app, db, count_queries):
    with app.test_request_context("/"):
        first = load()
    with app.test_request_context("/"), count_queries() as queries:
        again = load()
    assert again is first and queries.count == 0


def test_a_saved_change_is_read_by_the_next_request(app, db):
    with app.test_request_context("/"):
        assert load().thread_depth == 5
    change_settings(thread_depth=3)
    with app.test_request_context("/"):
        assert load().thread_depth == 3


def test_a_request_that_changes_things_reads_the_settings_afresh(app, db, count_queries):
    with app.test_request_context("/"):
        load()
    with app.test_request_context("/moderation/settings", method="POST"), \
            count_queries() as queries:
        load()
    assert queries.count >= 1
