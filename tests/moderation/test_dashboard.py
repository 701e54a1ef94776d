"""The moderators' dashboard: the chart's geometry and the day bucketing (pure), the figures for
seeded data (exact, in a time zone with summer time, on either database), the page's links to
the queue, and the same statements for 5 responses as for 50."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.models import ResponseKind, ResponseStatus, Role
from app.moderation import chart, dashboard
from app.moderation.dashboard import day_starts, format_age, rule_of
from tests.factories import PASSWORD, make_article, make_response, make_user

S, K = ResponseStatus, ResponseKind
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


# --- pure: days, rules, ages, the chart --------------------------------------------------------

def test_days_begin_at_local_midnight_across_a_clock_change():
    starts = day_starts(date(2025, 4, 5), LONDON, days=30)
    assert len(starts) == 31
    assert starts[0].date() == date(2025, 3, 7) and starts[-1].date() == date(2025, 4, 6)
    utc = [s.astimezone(UTC) for s in starts]
    # 30 March 2025: the clocks go forward, so that day is 23 hours long.
    change = starts.index(datetime(2025, 3, 30, tzinfo=LONDON))
    assert utc[change] == datetime(2025, 3, 30, 0, 0, tzinfo=UTC)
    assert utc[change + 1] == datetime(2025, 3, 30, 23, 0, tzinfo=UTC)
    assert utc[change - 1] == datetime(2025, 3, 29, 0, 0, tzinfo=UTC)


def test_rules_are_named_without_their_particulars():
    assert rule_of("held: 3 links") == rule_of("held: 12 links") == "held: too many links"
    assert rule_of("held: moderation word 'crypto' in body") == "held: a moderation word"
    assert rule_of("spam: form filled in 1.2 s") == "spam: form filled in too fast"
    assert rule_of("spam: block list '203.0.113.9'") == "spam: on the block list"
    assert rule_of("spam: no link back") == "spam: no link back"


def test_ages_read_in_the_two_largest_units():
    assert format_age(timedelta(days=3, hours=4, minutes=5)) == "3 days 4 hours"
    assert format_age(timedelta(days=1)) == "1 day"
    assert format_age(timedelta(hours=5, minutes=2)) == "5 hours 2 minutes"
    assert format_age(timedelta(minutes=1, seconds=30)) == "1 minute"
    assert format_age(timedelta(seconds=20)) == "less than a minute"


def test_the_axis_top_is_a_round_number():
    assert [chart.nice_max(v) for v in (0, 1, 2, 3, 7, 10, 11, 49, 51, 101)] == [
        1, 1, 2, 5, 10, 10, 20, 50, 100, 200]


def test_bars_stack_each_series_in_order_scaled_to_the_axis():
    drawn = chart.stacked_bars({"a": [2, 0, 1], "b": [3, 0, 0]}, ["x", "y", "z"],
                               width=300 + chart.LEFT + chart.RIGHT,
                               height=100 + chart.TOP + chart.BOTTOM, label_every=2)
    assert drawn.scale_max == 5
    bottom = chart.TOP + 100
    by = {(s.series, s.index): s for s in drawn.segments}
    assert set(by) == {("a", 0), ("b", 0), ("a", 2)}  # nothing drawn for a zero
    a0, b0, a2 = by["a", 0], by["b", 0], by["a", 2]
    assert (a0.height, b0.height, a2.height) == (40, 60, 20)
    assert a0.y + a0.height == bottom and b0.y + b0.height == a0.y and b0.y == chart.TOP
    assert a2.x == chart.LEFT + 200 + chart.GAP / 2 and a0.width == 100 - chart.GAP
    assert [(g.value, g.y) for g in drawn.grid] == [(0, bottom), (2, bottom - 40),
                                                    (5, chart.TOP)]
    # Labels from the last bar backwards, every second one.
    assert [label.text for label in drawn.labels] == ["x", "z"]


def test_an_empty_chart_draws_no_bar():
    drawn = chart.stacked_bars({"a": [0] * 30}, [str(n) for n in range(30)])
    assert drawn.segments == [] and drawn.scale_max == 1
    assert len(drawn.labels) == 5


# --- the figures, from the database ------------------------------------------------------------

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)  # 08:00 in New York


def seed(db) -> dict:
    article = make_article(title="Hiring managers")
    other = make_article(title="Portfolios")

    def at(when: datetime, **fields):
        return make_response(fields.pop("on", article), created_at=when, **fields)

    made = {
        # 31 May 23:30 in New York: outside the 30 days; still the oldest pending response.
        "outside": at(datetime(2025, 6, 1, 3, 30, tzinfo=UTC), status=S.PENDING,
                      moderation_reason="held: 2 links", on=other, author_name="Early"),
        # 1 June 00:30: the first day.
        "first": at(datetime(2025, 6, 1, 4, 30, tzinfo=UTC), status=S.PENDING,
                    moderation_reason="held: 3 links"),
        "ping_old": at(datetime(2025, 5, 20, tzinfo=UTC), kind=K.PINGBACK),
        "ping": at(datetime(2025, 6, 10, 15, 0, tzinfo=UTC), kind=K.PINGBACK),
        "ping_spam": at(datetime(2025, 6, 10, 16, 0, tzinfo=UTC), kind=K.PINGBACK, status=S.SPAM,
                        moderation_reason="spam: no link back"),
        "track": at(datetime(2025, 6, 11, 15, 0, tzinfo=UTC), kind=K.TRACKBACK),
        # 29 June 23:00 in New York (30 June in UTC): 29 June.
        "late": at(datetime(2025, 6, 30, 3, 0, tzinfo=UTC), status=S.SPAM,
                   moderation_reason="spam: form filled in 1.1 s"),
        "by_moderator": at(datetime(2025, 6, 30, 3, 30, tzinfo=UTC), status=S.SPAM,
                           moderation_reason="spam: spam by Sam Moderator"),
        # 30 June 01:00: today.
        "today": at(datetime(2025, 6, 30, 5, 0, tzinfo=UTC), status=S.PENDING,
                    moderation_reason="held: 4 links"),
        "question": at(datetime(2025, 6, 20, 12, 0, tzinfo=UTC), kind=K.QUESTION,
                       title="How do I start?"),
        "answered": at(datetime(2025, 6, 21, 12, 0, tzinfo=UTC), kind=K.QUESTION,
                       title="Which course?", author_email="asker@example.org"),
        "held_question": at(datetime(2025, 6, 22, 12, 0, tzinfo=UTC), kind=K.QUESTION,
                            status=S.PENDING, title="Is it late?"),
    }
    made["answer"] = make_response(article, made["answered"],
                                   created_at=datetime(2025, 6, 21, 13, 0, tzinfo=UTC),
                                   author_email="helper@example.org")
    return made


def test_the_figures_are_exact_for_seeded_data_in_the_sites_zone(app, db):
    made = seed(db)
    figures = dashboard.figures(NOW, NEW_YORK)
    days = figures.by_status.days
    assert days[0] == date(2025, 6, 1) and days[-1] == date(2025, 6, 30) and len(days) == 30

    def on(series, name: str) -> dict[date, int]:
        return {day: n for day, n in zip(days, series.series[name], strict=True) if n}

    assert on(figures.by_status, "pending") == {date(2025, 6, 1): 1, date(2025, 6, 22): 1,
                                                date(2025, 6, 30): 1}
    assert on(figures.by_status, "spam") == {date(2025, 6, 10): 1, date(2025, 6, 29): 2}
    assert on(figures.by_status, "approved") == {
        date(2025, 6, 10): 1, date(2025, 6, 11): 1, date(2025, 6, 20): 1, date(2025, 6, 21): 2}
    assert figures.by_status.totals == {"pending": 3, "approved": 5, "spam": 3, "trash": 0}
    assert figures.by_kind.totals == {"comment": 5, "question": 3, "pingback": 2,
                                      "trackback": 1, "webmention": 0}
    assert on(figures.by_kind, "pingback") == {date(2025, 6, 10): 2}
    assert figures.linkbacks == {"pingback": 2, "trackback": 1}
    assert [(r.rule, r.status.value, r.count) for r in figures.rules] == [
        ("held: too many links", "pending", 2),
        ("spam: form filled in too fast", "spam", 1),
        ("spam: no link back", "spam", 1),
    ]
    assert figures.oldest_pending.id == made["outside"].id
    assert figures.oldest_age == NOW - datetime(2025, 6, 1, 3, 30, tzinfo=UTC)
    assert figures.unanswered_questions == 1


def test_in_utc_the_late_response_falls_on_the_next_day(app, db):
    seed(db)
    figures = dashboard.figures(NOW, ZoneInfo("UTC"))
    spam = dict(zip(figures.by_status.days, figures.by_status.series["spam"], strict=True))
    assert spam[date(2025, 6, 30)] == 2 and spam[date(2025, 6, 29)] == 0
    # 1 June 03:30 UTC is inside the window in UTC.
    assert figures.by_status.totals["pending"] == 4


# --- the page ----------------------------------------------------------------------------------

@pytest.fixture
def moderator_client(forms, db):
    forms.login(make_user(Role.MODERATOR, name="Sam Moderator").email, PASSWORD)
    return forms.client


def test_the_page_shows_the_chart_the_figures_and_links_to_the_filtered_queue(
        moderator_client, db):
    now = datetime.now(UTC)
    article = make_article(title="Interview loops")
    make_response(article, kind=K.PINGBACK, created_at=now - timedelta(days=2))
    make_response(article, status=S.PENDING, created_at=now - timedelta(days=3, hours=2),
                  moderation_reason="held: 3 links", author_name="Patient Pat")
    page = moderator_client.get("/moderation/dashboard").get_data(as_text=True)
    assert '<svg class="chart"' in page and 'role="img"' in page
    assert '<title id="by-status-title">' in page and '<desc id="by-status-desc">' in page
    assert len(re.findall(r"<rect [^>]*data-series=", page)) == 4  # 2 by status, 2 by kind
    assert "<script" not in page.split("<main", 1)[1]
    assert '<table class="table" id="by-kind-table">' in page
    assert "3 days 2 hours" in page and "<bdi>Patient Pat</bdi>" in page
    assert f'href="/moderation/?status=pending&amp;article={article.id}"' in page
    assert 'href="/moderation/?status=all&amp;kind=pingback"' in page
    assert 'href="/moderation/?status=all&amp;kind=trackback"' in page
    assert 'href="/moderation/?status=approved&amp;kind=question"' in page
    assert 'href="/questions?status=unanswered"' in page
    assert '<tr><td>held: too many links</td><td><a href="/moderation/?status=pending">' in page
    # Each link opens the queue so filtered.
    queue = moderator_client.get("/moderation/?status=all&kind=pingback").get_data(as_text=True)
    assert queue.count('<tr id="row-') == 1


def statements(counter) -> int:
    return len([s for s in counter.statements if s not in ("BEGIN", "COMMIT", "ROLLBACK")])


def fill(count: int) -> None:
    now = datetime.now(UTC)
    article = make_article()
    kinds, statuses = list(K), list(S)
    for n in range(count):
        make_response(article, kind=kinds[n % len(kinds)], status=statuses[n % len(statuses)],
                      created_at=now - timedelta(hours=13 * n),
                      moderation_reason=f"held: {n} links" if n % 3 else "spam: no link back")


def test_the_page_takes_the_same_statements_for_5_responses_as_for_50(moderator_client, db,
                                                                       count_queries):
    found = []
    for count in (5, 45):
        fill(count)
        with count_queries() as counter:
            assert moderator_client.get("/moderation/dashboard").status_code == 200
        found.append(statements(counter))
    assert found[0] == found[1], found
    # The user, the pending badge, per day, per rule, the oldest pending, unanswered questions,
    # the spam model's agreement with the moderators.
    assert found[1] <= 7, found
