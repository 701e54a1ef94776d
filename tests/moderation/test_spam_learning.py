"""The spam model in the database: learning a moderator's decision and taking it back,
retraining from every decision, training from a CSV or a WordPress export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import (
    ExampleSource,
    ModerationVia,
    Response,
    ResponseStatus,
    Role,
    SpamExample,
    SpamFeature,
    SpamTotals,
)
from app.models.types import utcnow
from app.moderation import services as moderation
from app.moderation.spam import store
from app.moderation.spam.features import extract
from tests.factories import make_article, make_response, make_user

S = ResponseStatus
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SPAMMY = "Subscribe to my channel for free gift cards www.giftcards.example"
KIND = "I kept thinking about the bridge scene long after reading this"


def model_state() -> tuple[dict, tuple]:
    features = {f: (s, h) for f, s, h in _db.session.execute(
        select(SpamFeature.feature, SpamFeature.spam, SpamFeature.ham))}
    return features, tuple(store.totals().__dict__.values())


def decide_by_moderator(response: Response, action: str, via=ModerationVia.QUEUE) -> None:
    moderation.apply(response, action, None, seen=None, now=utcnow(), via=via)
    _db.session.commit()  # learning is queued after the commit (inline in tests)
    _db.session.expire_all()


@pytest.fixture
def article(db):
    return make_article(make_user(Role.AUTHOR))


def test_a_decision_is_learned_through_the_queue_at_once(article):
    spam = make_response(article, status=S.PENDING, body=SPAMMY, author_name="Gift Cards 4U")
    decide_by_moderator(spam, "spam")
    totals = store.totals()
    assert (totals.spam_docs, totals.ham_docs) == (1, 0)
    features = extract(SPAMMY, "Gift Cards 4U", "", "comment")
    assert totals.spam_features == len(features) and totals.vocabulary == len(features)
    assert _db.session.get(SpamFeature, "w:subscribe").spam == 1
    example = _db.session.scalar(select(SpamExample))
    assert (example.response_ref, example.label, example.source) == (spam.id, "spam",
                                                                    "decision")


def test_a_change_of_mind_is_taken_back_exactly(article):
    kind = make_response(article, status=S.PENDING, body=KIND)
    decide_by_moderator(kind, "approve")
    after_approve = model_state()
    decide_by_moderator(kind, "spam")
    assert store.totals().spam_docs == 1 and store.totals().ham_docs == 0
    decide_by_moderator(kind, "not_spam")  # back to approved: not spam again
    assert model_state() == after_approve
    decide_by_moderator(kind, "unapprove")  # back in the queue: the model forgets it
    assert model_state() == ({}, (0, 0, 0, 0, 0))
    assert _db.session.scalar(select(func.count()).select_from(SpamExample)) == 0


def test_trash_is_not_spam_and_restore_to_the_queue_forgets(article):
    rude = make_response(article, status=S.PENDING, body="This article is stupid")
    decide_by_moderator(rude, "trash")
    assert store.totals().ham_docs == 1
    decide_by_moderator(rude, "restore")
    assert store.totals().ham_docs == 0


def test_bulk_and_mail_link_decisions_teach_it_too(article):
    rows = [make_response(article, status=S.PENDING, body=f"{SPAMMY} {n}") for n in range(3)]
    moderation.apply_many([(r.id, S.PENDING) for r in rows], "spam", None, now=utcnow())
    _db.session.commit()
    assert store.totals().spam_docs == 3
    kind = make_response(article, status=S.PENDING, body=KIND)
    decide_by_moderator(kind, "approve", via=ModerationVia.EMAIL)
    assert store.totals().ham_docs == 1


def test_deleting_spam_for_good_keeps_what_the_model_learned(article):
    spam = make_response(article, status=S.PENDING, body=SPAMMY)
    spam_id = spam.id
    decide_by_moderator(spam, "spam")
    learned = model_state()
    assert moderation.empty(S.SPAM, None, utcnow()) == 1
    _db.session.commit()
    assert model_state() == learned
    example = _db.session.scalar(select(SpamExample))
    assert example.response_id is None and example.response_ref == spam_id


def test_retrain_rebuilds_the_same_model_and_takes_older_decisions(article):
    for n in range(3):
        decide_by_moderator(make_response(article, status=S.PENDING, body=f"{SPAMMY} {n}"),
                            "spam")
        decide_by_moderator(make_response(article, status=S.PENDING, body=f"{KIND} {n}"),
                            "approve")
    incremental = model_state()
    assert store.retrain() == (3, 3)
    _db.session.commit()
    assert model_state() == incremental
    # A decision from before the model existed: in the audit log, with no example.
    old = make_response(article, status=S.PENDING, body="An older reader's kind words")
    moderation.apply(old, "approve", None, seen=None, now=utcnow())
    _db.session.flush()
    _db.session.execute(SpamExample.__table__.delete().where(SpamExample.response_ref == old.id))
    _db.session.commit()
    assert store.retrain() == (3, 4)
    _db.session.commit()
    # Rules' decisions are not a moderator's: an approved response without one is not taken.
    make_response(article, status=S.APPROVED, body="Approved by a rule")
    assert store.retrain() == (3, 4)


def test_the_score_is_read_from_what_was_learned(article):
    before = store.classify("comment", SPAMMY)
    assert before.value is None  # nothing learned
    for n in range(4):
        decide_by_moderator(make_response(article, status=S.PENDING, body=f"{SPAMMY} {n}"),
                            "spam")
        decide_by_moderator(make_response(article, status=S.PENDING, body=f"{KIND} {n}"),
                            "approve")
    spammy, kind = store.classify("comment", SPAMMY), store.classify("comment", KIND)
    assert spammy.value > 0.9 > 0.1 > kind.value
    assert (spammy.spam_learned, spammy.ham_learned) == (4, 4)
    assert "‘subscribe’" in spammy.clues or "a link to giftcards.example" in spammy.clues


# --- training from files ----------------------------------------------------------------------

def test_train_from_a_csv(runner, db, tmp_path):
    path = tmp_path / "labelled.csv"
    path.write_text("text,label,name\n"
                    f"\"{SPAMMY}\",spam,Deals\n"
                    f"\"{KIND}\",ham,Ada\n"
                    "\"Another fine point, thanks\",0,\n"
                    "\"no label here\",maybe,\n", encoding="utf-8")
    result = runner.invoke(args=["spam", "train", str(path)])
    assert result.exit_code == 0, result.output
    assert "Learned 1 spam and 2 not-spam examples from labelled.csv; left out 1 rows" in \
        result.output
    assert (store.totals().spam_docs, store.totals().ham_docs) == (1, 2)
    sources = set(db.session.scalars(select(SpamExample.source)))
    assert sources == {ExampleSource.FILE.value}
    # Kept: retraining keeps what the file taught.
    assert store.retrain() == (1, 2)


def test_a_csv_without_the_columns_is_refused_and_nothing_learned(runner, db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("message,verdict\nhello,spam\n", encoding="utf-8")
    result = runner.invoke(args=["spam", "train", str(path)])
    assert result.exit_code != 0
    assert "Line 1 must name a text column" in result.output and "message, verdict" in \
        result.output
    assert store.totals().spam_docs == 0


@pytest.mark.skipif(not (CORPUS / "wxr").is_dir(), reason="the shared corpus is not here")
def test_train_from_wordpress_exports(runner, db):
    counts = {e["file"]: e for e in json.loads((CORPUS / "wxr" / "counts.json").read_text())}
    approved = counts["theme-unit-test.xml"]["comments_by_approved"]
    result = runner.invoke(args=["spam", "train", str(CORPUS / "wxr" / "theme-unit-test.xml")])
    assert result.exit_code == 0, result.output
    assert store.totals().ham_docs == approved["1"]  # pingbacks and trackbacks included
    assert store.totals().spam_docs == 0
    assert f"left out {approved['0']} rows" in result.output  # the held ones
    kinds = set(db.session.scalars(select(SpamExample.kind)))
    assert kinds == {"comment", "pingback", "trackback"}
    states = CORPUS / "wxr" / "narravo-synthetic" / "wxr_comment_states.xml"
    result = runner.invoke(args=["spam", "train", str(states)])
    assert result.exit_code == 0, result.output
    assert store.totals().spam_docs == 1  # comment_approved "spam"; held and trashed left out
    assert "left out 2 rows" in result.output


def test_a_file_that_is_not_an_export_is_refused(runner, db, tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<rss><channel><item>", encoding="utf-8")
    result = runner.invoke(args=["spam", "train", str(path)])
    assert result.exit_code != 0 and "Not a readable WordPress export" in result.output
    assert _db.session.scalar(select(func.count()).select_from(SpamExample)) == 0
    assert _db.session.get(SpamTotals, 1) is None or store.totals().spam_docs == 0


def selects(counter) -> int:
    return sum(s.lstrip().upper().startswith("SELECT") for s in counter.statements)


def test_a_process_keeps_the_counts_it_read_until_the_model_changes(article, count_queries):
    for n in range(2):
        decide_by_moderator(make_response(article, status=S.PENDING, body=f"{SPAMMY} {n}"),
                            "spam")
        decide_by_moderator(make_response(article, status=S.PENDING, body=f"{KIND} {n}"),
                            "approve")
    first = store.classify("comment", SPAMMY)
    with count_queries() as counter:
        again = store.classify("comment", SPAMMY)
    assert again == first and selects(counter) == 1  # the totals only: the counts were kept
    decide_by_moderator(make_response(article, status=S.PENDING, body=SPAMMY), "approve")
    with count_queries() as counter:
        changed = store.classify("comment", SPAMMY)
    assert selects(counter) == 2  # a new version: the counts are read again
    assert changed.value < first.value
    assert changed.ham_learned == 3
    # Retraining keeps counting versions: what was kept before it is never taken for it.
    version = _db.session.get(SpamTotals, 1).version
    store.retrain()
    _db.session.commit()
    assert _db.session.get(SpamTotals, 1).version > version
    assert store.classify("comment", SPAMMY) == changed
