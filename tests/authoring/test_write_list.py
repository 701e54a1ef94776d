"""The Write list (response counts, statuses) and the editor's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.authoring.services import status_label, zone_label
from app.models import Role
from app.models.types import utcnow
from tests.factories import PASSWORD, make_article, make_response, make_user


def test_zone_label_names_the_zone_and_its_offset_at_that_moment():
    berlin = ZoneInfo("Europe/Berlin")
    assert zone_label(berlin, datetime(2026, 1, 15, tzinfo=UTC)) == "Europe/Berlin (UTC+01:00)"
    assert zone_label(berlin, datetime(2026, 7, 15, tzinfo=UTC)) == "Europe/Berlin (UTC+02:00)"
    assert zone_label(ZoneInfo("America/St_Johns"),
                      datetime(2026, 1, 15, tzinfo=UTC)) == "America/St_Johns (UTC-03:30)"


def test_status_labels(app, db):
    now = utcnow()
    author = make_user(Role.AUTHOR)
    assert status_label(make_article(author, published=False), now) == "draft"
    assert status_label(make_article(author), now) == "published"
    later = make_article(author, published_at=now + timedelta(days=2))
    assert status_label(later, now).startswith("scheduled for ")


def test_editor_shows_the_site_zone(app, forms, db):
    app.config["SITE_TIMEZONE"] = "Europe/Berlin"
    author = make_user(Role.AUTHOR)
    forms.login(author.email, PASSWORD)
    html = forms.client.get("/write/new").get_data(as_text=True)
    assert "Europe/Berlin (UTC+0" in html


def _fill(author, n):
    for i in range(n):
        article = make_article(author)
        for _ in range(i % 3):
            make_response(article)


@pytest.mark.parametrize("n", [5, 30])
def test_write_list_counts_responses_in_constant_queries(forms, db, count_queries, n):
    author = make_user(Role.AUTHOR)
    _fill(author, n)
    forms.login(author.email, PASSWORD)
    forms.client.get("/write/")
    with count_queries() as counter:
        html = forms.client.get("/write/").get_data(as_text=True)
    assert html.count('class="response-count">2<') == len([i for i in range(n) if i % 3 == 2])
    assert counter.count <= 8, counter.statements


def test_write_list_query_count_does_not_grow(forms, db, count_queries):
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    _fill(make_user(Role.AUTHOR), 5)
    forms.client.get("/write/")
    with count_queries() as few:
        forms.client.get("/write/")
    _fill(make_user(Role.AUTHOR), 25)
    with count_queries() as many:
        forms.client.get("/write/")
    assert many.count == few.count
