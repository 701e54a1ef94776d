"""The spam model in the database: scoring a submission, learning a decision, retraining.

Every process reads the model's version with each submission, and the counts it has not kept
since that version (one statement), so what one worker learned, every other worker and
machine uses at once. Learning
only adds to counts (UPDATE ... SET n = n + k), so concurrent learners never lose an update;
the features are written in name order, so two learners never deadlock.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update

from app.database import insert_for
from app.extensions import db
from app.models import (
    ExampleSource,
    ModerationAction,
    ModerationEvent,
    ModerationVia,
    Response,
    ResponseStatus,
    SpamExample,
    SpamFeature,
    SpamLabel,
    SpamTotals,
)
from app.models.types import utcnow
from app.moderation.policy import Rules, SpamScore, Submission, spam_outcome
from app.moderation.spam import features as feature_set
from app.moderation.spam.model import Counts, Totals, score

# The label a response's status gives: a moderator's Approve, Not spam or Trash says a person
# wrote it (Trash: not spam, but not wanted here); Spam says spam; held says nothing yet.
LABELS = {ResponseStatus.APPROVED: SpamLabel.HAM, ResponseStatus.TRASH: SpamLabel.HAM,
          ResponseStatus.SPAM: SpamLabel.SPAM}
BATCH = 1000  # features per statement (a response has at most features.MAX_FEATURES)


def _insert():
    return insert_for(db.session.get_bind())


_TOTALS = ("SELECT '' AS feature, spam_docs, ham_docs, spam_features, ham_features, vocabulary, "
           "version, generation FROM spam_totals WHERE id = 1")


def _read(features: Sequence[str]) -> tuple[tuple | None, dict[str, tuple[int, int]]]:
    """The totals row and these features' counts, in one statement (one round trip): the
    counts' rows under the totals' row, whose feature is '' (no feature is). Sent to the
    driver as plain SQL: this runs for every response, and compiling an IN of hundreds of
    values through the ORM took longer than the database took to answer it. PostgreSQL gets
    one array parameter, so the text is always the same and psycopg prepares it once."""
    connection = db.session.connection()
    rest = " UNION ALL SELECT feature, spam, ham, 0, 0, 0, 0, '' FROM spam_features WHERE "
    if not features:
        rows = connection.exec_driver_sql(_TOTALS).fetchall()
    elif connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql(_TOTALS + rest + "feature = ANY(%s)",
                                          (list(features),)).fetchall()
    else:
        rows = []
        for start in range(0, len(features), BATCH):
            chunk = tuple(features[start:start + BATCH])
            rows += connection.exec_driver_sql(
                _TOTALS + rest + f"feature IN ({', '.join(['?'] * len(chunk))})",
                chunk).fetchall()
    totals_row = next((r[1:] for r in rows if r[0] == ""), None)
    return totals_row, {r[0]: (r[1], r[2]) for r in rows if r[0] != ""}


def totals() -> Totals:
    row, _ = _read(())
    return Totals(*row[:5]) if row is not None else Totals()


class _Kept:
    """The counts this process has read, for as long as the model has not changed: every
    change adds one to the model's version (in the same transaction), and a process that
    reads another version forgets what it kept. Features the model does not know are kept
    too (as 0, 0), so a new word is asked for once."""

    LIMIT = 200_000  # features; past it, start again

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.table: dict[str, tuple[int, int]] = {}

    def missing(self, features: Sequence[str]) -> list[str]:
        """Which of these features this process has not kept."""
        with self.lock:
            return [f for f in features if f not in self.table]

    def counts(self, key: tuple, features: Sequence[str], fetched: dict[str, tuple[int, int]],
               asked: list[str]) -> dict[str, tuple[int, int]]:
        """The counts of `features` under the model `key`, given what was fetched, in the
        same statement as the key, of those `asked` for."""
        fresh = {f: fetched.get(f, (0, 0)) for f in asked}
        out: dict[str, tuple[int, int]] = {}
        gaps = []
        with self.lock:
            if key != self.key or len(self.table) > self.LIMIT:
                self.key, self.table = key, {}
            self.table.update(fresh)
            for feature in features:
                value = self.table.get(feature)
                if value is None:
                    gaps.append(feature)
                elif value != (0, 0):
                    out[feature] = value
        if gaps:  # the model changed since the features were asked for: what was kept went
            _, found = _read(gaps)
            with self.lock:
                if self.key == key:
                    self.table.update((f, found.get(f, (0, 0))) for f in gaps)
            out.update(found)
        return out

    def forget(self) -> None:
        with self.lock:
            self.key, self.table = None, {}


kept = _Kept()


def classify(kind: str, body: str, name: str = "", website: str = "") -> SpamScore:
    """What the model says of a response: its score, what it learned from, and why. One
    statement reads the totals and the counts this process has not kept since the model
    last changed (a second one only when it changed in between)."""
    found = feature_set.extract(body, name, website, kind)
    asked = kept.missing(found)
    row, fetched = _read(asked)
    model_totals = Totals(*row[:5]) if row is not None else Totals()
    if model_totals.spam_docs <= 0 or model_totals.ham_docs <= 0:
        return score(found, {}, model_totals)
    key = (str(db.engine.url), row[6], row[5])  # generation, version
    counts = kept.counts(key, found, fetched, asked)
    return score(found, counts, model_totals, feature_set.describe)


def score_submission(submission: Submission, rules: Rules) -> SpamScore | None:
    """The submission's score, or None with the model turned off (nothing is read then)."""
    if not rules.spam_model:
        return None
    return classify(submission.kind.value, submission.body, submission.name,
                    submission.website)


def remember(response: Response, spam: SpamScore | None, rules: Rules) -> None:
    """Keep on the response what the model said of it, for the queue and the dashboard."""
    response.spam_score = spam.value if spam is not None else None
    response.spam_outcome = spam_outcome(spam, rules).value
    response.spam_clues = ", ".join(spam.clues)[:300] if spam is not None else ""


# --- learning ----------------------------------------------------------------------------------

def _ensure_totals() -> None:
    db.session.execute(_insert()(SpamTotals.__table__).values(
        id=1, generation=secrets.token_hex(16)).on_conflict_do_nothing(index_elements=["id"]))


def _recount_vocabulary() -> None:
    table = SpamFeature.__table__
    db.session.execute(delete(table).where(table.c.spam <= 0, table.c.ham <= 0))
    totals_table = SpamTotals.__table__
    db.session.execute(update(totals_table).where(totals_table.c.id == 1).values(
        vocabulary=select(func.count()).select_from(table).scalar_subquery()))


def _features_of(example: SpamExample) -> list[str]:
    return feature_set.extract(example.body, example.name, example.website, example.kind)


TEXT_FIELDS = ("kind", "name", "website", "body")


def _example_text(response: Response) -> dict:
    return {"kind": response.kind.value,
            "name": (response.author_name or response.source_title)[:200],
            "website": response.author_url or response.source_url or "",
            "body": response.body_source[:feature_set.MAX_TEXT]}


@dataclass(frozen=True)
class Learned:
    added: int = 0  # examples learned
    taken_back: int = 0  # examples forgotten (a change of mind, or the label changed)


def learn_responses(response_ids: Sequence[int], now: datetime | None = None) -> Learned:
    """Bring the model in line with the current status of these responses, each decided by
    a moderator a moment ago: learn a new label, take back one that changed, forget one
    that went back to the queue. In a constant number of statements for any number of
    responses (the changes are summed first). The caller commits."""
    now = now or utcnow()
    if not response_ids:
        return Learned()
    responses = {r.id: r for r in db.session.scalars(
        select(Response).where(Response.id.in_(list(response_ids))))}
    lock = select(SpamExample).where(SpamExample.response_ref.in_(list(responses) or [-1]))
    if db.session.get_bind().dialect.name == "postgresql":
        lock = lock.with_for_update()
    examples = {e.response_ref: e for e in db.session.scalars(lock)}
    change = Counts()
    added = taken_back = 0
    new_rows = []
    released = _released_from_spam([i for i, r in responses.items()
                                    if r.status is ResponseStatus.PENDING])
    for response_id in sorted(responses):
        response = responses[response_id]
        label = SpamLabel.HAM if response_id in released else LABELS.get(response.status)
        example = examples.get(response_id)
        fields = {**_example_text(response), "score": response.spam_score,
                  "outcome": response.spam_outcome, "decided_at": now}
        if example is not None:
            if example.label == (label.value if label else None) and all(
                    getattr(example, k) == fields[k] for k in TEXT_FIELDS):
                continue
            change.learn(_features_of(example), example.label == SpamLabel.SPAM.value, -1)
            taken_back += 1
            if label is None:
                db.session.delete(example)
                continue
            for key, value in fields.items():
                setattr(example, key, value)
            example.label = label.value
        elif label is None:
            continue
        else:
            new_rows.append({"response_ref": response_id, "response_id": response_id,
                             "source": ExampleSource.DECISION.value, "label": label.value,
                             **fields})
        change.learn(feature_set.extract(fields["body"], fields["name"], fields["website"],
                                         fields["kind"]), label is SpamLabel.SPAM)
        added += 1
    if new_rows:  # one statement for them all (the ORM would insert one at a time)
        db.session.execute(insert(SpamExample.__table__), new_rows)
    if added or taken_back:
        db.session.flush()
        _merge(change)
    return Learned(added, taken_back)


_DECISIONS = tuple(a.value for a in (
    ModerationAction.APPROVE, ModerationAction.UNAPPROVE, ModerationAction.SPAM,
    ModerationAction.NOT_SPAM, ModerationAction.TRASH, ModerationAction.RESTORE))


def _released_from_spam(response_ids: Sequence[int]) -> set[int]:
    """Of these held responses, those whose last decision was a moderator's Not spam (which
    sends spam caught on arrival back to the queue): a person wrote them, so they teach "not
    spam" although nobody approved them yet."""
    if not response_ids:
        return set()
    event = ModerationEvent
    last = (select(event.response_ref, func.max(event.id).label("last_id"))
            .where(event.response_ref.in_(list(response_ids)), event.action.in_(_DECISIONS))
            .group_by(event.response_ref).subquery())
    return set(db.session.scalars(select(event.response_ref).join(
        last, event.id == last.c.last_id).where(
        event.action == ModerationAction.NOT_SPAM.value)))


def add_examples(rows: Iterable[tuple[SpamLabel, str, str, str, str]], now: datetime | None = None
                 ) -> tuple[int, int]:
    """Store labelled examples from a file ((label, kind, name, website, body) each) and
    learn them; return how many spam and not spam. The caller commits."""
    now = now or utcnow()
    model = Counts()
    spam = ham = 0
    for label, kind, name, website, body in rows:
        example = SpamExample(source=ExampleSource.FILE.value, label=label.value, kind=kind,
                              name=name[:200], website=website[:500],
                              body=body[:feature_set.MAX_TEXT], decided_at=now)
        db.session.add(example)
        model.learn(_features_of(example), label is SpamLabel.SPAM)
        spam += label is SpamLabel.SPAM
        ham += label is SpamLabel.HAM
    db.session.flush()
    _merge(model)
    return spam, ham


def _merge(model: Counts) -> None:
    """Add an in-memory model's counts (or changes: they may be negative) to the stored
    one, in few statements, the features in name order (two learners never deadlock)."""
    table = SpamFeature.__table__
    upsert = _insert()
    items = sorted(model.table.items())
    for start in range(0, len(items), BATCH):
        statement = upsert(table).values([{"feature": f, "spam": s, "ham": h}
                                          for f, (s, h) in items[start:start + BATCH]])
        db.session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.feature],
            set_={"spam": table.c.spam + statement.excluded.spam,
                  "ham": table.c.ham + statement.excluded.ham}))
    _ensure_totals()
    totals_table = SpamTotals.__table__
    c = totals_table.c
    db.session.execute(update(totals_table).where(c.id == 1).values(
        spam_docs=c.spam_docs + model.spam_docs, ham_docs=c.ham_docs + model.ham_docs,
        spam_features=c.spam_features + model.spam_features,
        ham_features=c.ham_features + model.ham_features, version=c.version + 1))
    _recount_vocabulary()


MODERATOR_VIA = (ModerationVia.QUEUE.value, ModerationVia.EMAIL.value)


def backfill(now: datetime | None = None) -> int:
    """Make an example of every response a moderator decided (in the audit log) that has
    none yet: the decisions made before the model existed. Return how many."""
    decided = select(ModerationEvent.response_id).where(
        ModerationEvent.via.in_(MODERATOR_VIA), ModerationEvent.response_id.is_not(None))
    known = select(SpamExample.response_ref).where(SpamExample.response_ref.is_not(None))
    rows = db.session.scalars(select(Response).where(
        Response.id.in_(decided), Response.id.not_in(known),
        Response.status.in_(list(LABELS)))).all()
    now = now or utcnow()
    for response in rows:
        db.session.add(SpamExample(
            response_ref=response.id, response_id=response.id,
            source=ExampleSource.DECISION.value, label=LABELS[response.status].value,
            score=response.spam_score, outcome=response.spam_outcome,
            decided_at=response.status_changed_at or now, **_example_text(response)))
    db.session.flush()
    return len(rows)


def retrain(now: datetime | None = None) -> tuple[int, int]:
    """Rebuild the model from every example: every moderator's decision (those made before
    the model existed too) and every labelled file. Return how many spam and not spam."""
    backfill(now)
    db.session.execute(delete(SpamFeature.__table__))
    c = SpamTotals.__table__.c
    db.session.execute(update(SpamTotals.__table__).values(  # its version goes on counting
        spam_docs=0, ham_docs=0, spam_features=0, ham_features=0, vocabulary=0,
        version=c.version + 1))
    model = Counts()
    for example in db.session.scalars(select(SpamExample).execution_options(yield_per=500)):
        model.learn(_features_of(example), example.label == SpamLabel.SPAM.value)
    _merge(model)
    return model.spam_docs, model.ham_docs
