"""What the settings page and the dashboard show about the spam model, each figure counted by
the database in one grouped query.

- `learned`: how many decisions of each kind the model has learned, and whether it may mark
  spam yet (the settings' `spam_min_learned`).
- `thresholds`: over the moderators' decisions of the last days, what the model's scores
  (as given when each response arrived) would have come to under the current thresholds and
  under a few others: the figures that justify a choice of thresholds.
- `agreement`: how often the model's own outcome agreed with the moderators' decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import ExampleSource, SpamExample, SpamLabel, SpamTotals
from app.moderation.policy import Rules, SpamOutcome

DAYS = 30
# Spam thresholds a moderator may compare with the current ones (each with the hold threshold
# at its default).
ALTERNATIVES = ((0.95, 0.5), (0.99, 0.5), (0.999, 0.5))


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


def percent(value: float | None) -> str:
    """A share as a moderator reads it: "12.5%", "0.3%", "100%"; "–" for no share at all."""
    if value is None:
        return "–"
    shown = f"{value * 100:.1f}".removesuffix(".0")
    if shown == "0" and value > 0:
        return "under 0.1%"
    if shown == "100" and value < 1:
        return "over 99.9%"
    return shown + "%"


@dataclass(frozen=True)
class Learned:
    """What the model has learned from, and how much it needs before it marks spam."""

    spam: int
    ham: int
    needed: int  # of each kind (`spam_min_learned`)

    @property
    def ready(self) -> bool:
        return min(self.spam, self.ham) >= self.needed


def learned(rules: Rules) -> Learned:
    row = db.session.get(SpamTotals, 1)
    return Learned(row.spam_docs if row else 0, row.ham_docs if row else 0,
                   rules.spam_min_learned)


@dataclass(frozen=True)
class Split:
    """What a pair of thresholds makes of the scores of the moderators' decisions: of the
    responses they called spam, how many it would mark spam, hold or let pass; of the rest,
    how many it would mark spam or hold (by the score alone: before it has learned enough it
    holds what it would mark spam)."""

    spam_threshold: float
    hold_threshold: float
    spam: int  # decisions: spam
    ham: int  # decisions: not spam
    spam_marked: int
    spam_held: int
    ham_marked: int
    ham_held: int
    current: bool = False

    @property
    def spam_passed(self) -> int:
        return self.spam - self.spam_marked - self.spam_held

    @property
    def ham_passed(self) -> int:
        return self.ham - self.ham_marked - self.ham_held

    def of_spam(self, count: int) -> float | None:
        return share(count, self.spam)

    def of_ham(self, count: int) -> float | None:
        return share(count, self.ham)


@dataclass(frozen=True)
class Thresholds:
    """The settings page's figures: what the model learned, and the splits of the last days'
    decisions, the current thresholds' first."""

    learned: Learned
    days: int
    splits: list[Split]  # sorted by thresholds; `current` marks the settings' own

    @property
    def decisions(self) -> int:
        return self.splits[0].spam + self.splits[0].ham

    @property
    def current(self) -> Split:
        return next(s for s in self.splits if s.current)


def _decisions(since: datetime, until: datetime | None = None):
    window = [SpamExample.source == ExampleSource.DECISION.value,
              SpamExample.decided_at >= since]
    if until is not None:
        window.append(SpamExample.decided_at < until)
    return window


def thresholds(rules: Rules, now: datetime, days: int = DAYS,
               alternatives=ALTERNATIVES) -> Thresholds:
    """The current thresholds and the alternatives over the moderators' decisions of the last
    `days` that the model had scored: one query grouped by label, with a sum per threshold."""
    current = (rules.spam_threshold, rules.hold_threshold)
    pairs = sorted({current, *alternatives})
    score = SpamExample.score
    columns = []
    for spam_at, hold_at in pairs:
        columns.append(func.sum(case((score >= spam_at, 1), else_=0)))
        columns.append(func.sum(case(((score >= hold_at) & (score < spam_at), 1), else_=0)))
    rows = db.session.execute(
        select(SpamExample.label, func.count(), *columns)
        .where(*_decisions(now - timedelta(days=days)), score.is_not(None))
        .group_by(SpamExample.label)).all()
    by_label = {label: (count, [int(v or 0) for v in sums]) for label, count, *sums in rows}
    spam_count, spam_sums = by_label.get(SpamLabel.SPAM.value, (0, [0] * len(columns)))
    ham_count, ham_sums = by_label.get(SpamLabel.HAM.value, (0, [0] * len(columns)))
    splits = [Split(spam_at, hold_at, spam_count, ham_count,
                    spam_marked=spam_sums[2 * i], spam_held=spam_sums[2 * i + 1],
                    ham_marked=ham_sums[2 * i], ham_held=ham_sums[2 * i + 1],
                    current=(spam_at, hold_at) == current)
              for i, (spam_at, hold_at) in enumerate(pairs)]
    return Thresholds(learned(rules), days, splits)


@dataclass(frozen=True)
class Agreement:
    """The model's own outcome beside the moderators' decisions (those it had scored)."""

    caught: int = 0  # spam, and it marked spam or held it
    missed: int = 0  # spam, and it let it pass
    wrongly_spam: int = 0  # not spam, and it marked spam
    wrongly_held: int = 0  # not spam, and it held it
    passed: int = 0  # not spam, and it let it pass

    @property
    def spam(self) -> int:
        return self.caught + self.missed

    @property
    def not_spam(self) -> int:
        return self.wrongly_spam + self.wrongly_held + self.passed

    @property
    def decisions(self) -> int:
        return self.spam + self.not_spam

    @property
    def agreed(self) -> int:
        return self.caught + self.passed

    @property
    def share(self) -> float | None:
        return share(self.agreed, self.decisions)


def agreement(since: datetime, until: datetime | None = None) -> Agreement:
    """How often the model agreed with the moderators' decisions made in the window: one
    query grouped by label and outcome."""
    rows = db.session.execute(
        select(SpamExample.label, SpamExample.outcome, func.count())
        .where(*_decisions(since, until), SpamExample.outcome != SpamOutcome.NONE.value)
        .group_by(SpamExample.label, SpamExample.outcome))
    counts = {(label, outcome): count for label, outcome, count in rows}
    spam, ham = SpamLabel.SPAM.value, SpamLabel.HAM.value
    o = SpamOutcome
    return Agreement(
        caught=counts.get((spam, o.SPAM.value), 0) + counts.get((spam, o.HOLD.value), 0),
        missed=counts.get((spam, o.PASS.value), 0),
        wrongly_spam=counts.get((ham, o.SPAM.value), 0),
        wrongly_held=counts.get((ham, o.HOLD.value), 0),
        passed=counts.get((ham, o.PASS.value), 0))
