"""The moderators' dashboard: the last 30 days in figures, each counted by the database.

Days are the site's (`SITE_TIMEZONE`). Rather than a date function, which SQLite and
PostgreSQL spell differently and which knows nothing of the site's daylight-saving changes,
the bucketing is one `CASE` over the UTC instants at which each local day begins
(`day_starts`, worked out here): the same SQL on both databases, exact across a clock change.
Every figure is one grouped query, whatever the number of responses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Response, ResponseKind, ResponseStatus
from app.moderation.spam import figures as spam_figures
from app.questions.listing import status_condition
from app.questions.rules import QuestionStatus

DAYS = 30
S, K = ResponseStatus, ResponseKind


def day_starts(today: date, zone: tzinfo, days: int = DAYS) -> list[datetime]:
    """The instants (aware, in `zone`) at which each of the last `days` local days begins,
    oldest first, then the start of tomorrow: `days + 1` boundaries."""
    first = today - timedelta(days=days - 1)
    return [datetime.combine(first + timedelta(days=n), time(0), tzinfo=zone)
            for n in range(days + 1)]


def day_bucket(column, starts: list[datetime]):
    """SQL: the index of the day (0 = oldest) that `column` falls in, given `day_starts`;
    rows outside the window are for the caller's WHERE to leave out."""
    return case(*[(column < start, literal(n - 1)) for n, start in enumerate(starts[1:], 1)],
                else_=literal(len(starts) - 1))


def in_window(column, starts: list[datetime]):
    return (column >= starts[0]) & (column < starts[-1])


@dataclass
class DaySeries:
    """Counts per day (oldest first) for each value of one dimension (status or kind)."""

    days: list[date]
    series: dict[str, list[int]]

    @property
    def totals(self) -> dict[str, int]:
        return {name: sum(values) for name, values in self.series.items()}

    def day_total(self, index: int) -> int:
        return sum(values[index] for values in self.series.values())


@dataclass
class RuleCount:
    rule: str
    status: ResponseStatus
    count: int


@dataclass
class Figures:
    by_status: DaySeries
    by_kind: DaySeries
    rules: list[RuleCount]
    oldest_pending: Response | None
    oldest_age: timedelta | None
    unanswered_questions: int
    linkbacks: dict[str, int] = field(default_factory=dict)
    # The spam model's outcomes beside the moderators' decisions made in the window.
    spam: spam_figures.Agreement = field(default_factory=spam_figures.Agreement)


def per_day(starts: list[datetime]) -> tuple[DaySeries, DaySeries]:
    """Responses received on each of the days, by status and by kind, in one query."""
    bucket = day_bucket(Response.created_at, starts).label("day")
    rows = db.session.execute(
        select(bucket, Response.status, Response.kind, func.count())
        .where(in_window(Response.created_at, starts))
        .group_by(bucket, Response.status, Response.kind))
    days = [start.date() for start in starts[:-1]]
    by_status = {s.value: [0] * len(days) for s in S}
    by_kind = {k.value: [0] * len(days) for k in K}
    for day, status, kind, count in rows:
        by_status[ResponseStatus(status).value][int(day)] += count
        by_kind[ResponseKind(kind).value][int(day)] += count
    return DaySeries(days, by_status), DaySeries(days, by_kind)


# A rule's reason with its particulars taken out: "held: 3 links" -> "held: too many links".
RULES = (
    (re.compile(r"^held: \d+ links?$"), "held: too many links"),
    (re.compile(r"^held: moderation word "), "held: a moderation word"),
    (re.compile(r"^spam: form filled in "), "spam: form filled in too fast"),
    (re.compile(r"^spam: disallowed word "), "spam: a disallowed word"),
    (re.compile(r"^spam: block list "), "spam: on the block list"),
)
# A moderator's action writes "<status>: <action> by <name>" (services.apply): not a rule.
MODERATOR_SPAM = "spam: spam by %"


def rule_of(reason: str) -> str:
    """The rule a stored reason names, without its particulars (the word, the count)."""
    for pattern, rule in RULES:
        if pattern.match(reason):
            return rule
    return reason


def by_rule(starts: list[datetime]) -> list[RuleCount]:
    """Responses received in the window that the rules held or marked as spam and that are
    still where the rules put them (a moderator's action replaces the reason), per rule,
    most first: one query grouped by the stored reason, merged by rule here."""
    rows = db.session.execute(
        select(Response.moderation_reason, Response.status, func.count())
        .where(in_window(Response.created_at, starts),
               Response.status.in_((S.PENDING, S.SPAM)),
               or_(Response.moderation_reason.like("held:%"),
                   Response.moderation_reason.like("spam:%")),
               Response.moderation_reason.not_like(MODERATOR_SPAM))
        .group_by(Response.moderation_reason, Response.status))
    merged: dict[tuple[str, ResponseStatus], int] = {}
    for reason, status, count in rows:
        key = (rule_of(reason), ResponseStatus(status))
        merged[key] = merged.get(key, 0) + count
    return sorted((RuleCount(rule, status, count) for (rule, status), count in merged.items()),
                  key=lambda r: (-r.count, r.rule))


def oldest_pending() -> Response | None:
    return db.session.scalar(select(Response).where(Response.status == S.PENDING)
                             .options(joinedload(Response.article))
                             .order_by(Response.created_at, Response.id).limit(1))


def unanswered_questions() -> int:
    """Published questions that no published answer has yet (the Questions page's rule)."""
    return db.session.scalar(
        select(func.count()).select_from(Response)
        .where(Response.kind == K.QUESTION, Response.status == S.APPROVED,
               status_condition(QuestionStatus.UNANSWERED))) or 0


def figures(now: datetime, zone: tzinfo) -> Figures:
    """Everything the dashboard shows, in five queries."""
    starts = day_starts(now.astimezone(zone).date(), zone)
    by_status, by_kind = per_day(starts)
    oldest = oldest_pending()
    totals = by_kind.totals
    return Figures(
        by_status=by_status, by_kind=by_kind, rules=by_rule(starts), oldest_pending=oldest,
        oldest_age=(now - oldest.created_at) if oldest is not None else None,
        unanswered_questions=unanswered_questions(),
        linkbacks={k: totals[k] for k in (K.PINGBACK.value, K.TRACKBACK.value)},
        spam=spam_figures.agreement(starts[0], starts[-1]))


def format_age(age: timedelta) -> str:
    """"3 days 4 hours", "5 hours 2 minutes", "12 minutes", "less than a minute"."""
    minutes = int(age.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)

    def unit(n: int, name: str) -> str:
        return f"{n} {name}{'' if n == 1 else 's'}"

    if days:
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    return unit(minutes, "minute") if minutes else "less than a minute"
