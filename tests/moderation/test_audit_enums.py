"""The audit log's action and via are enums that store the strings they always stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.models import ModerationAction, ModerationEvent, ModerationVia, ResponseStatus
from app.moderation import services
from tests.factories import make_article, make_response

NOW = datetime(2026, 1, 2, tzinfo=UTC)


def test_the_values_are_the_strings_already_stored():
    assert {a.value for a in ModerationAction} >= {
        "submit", "approve", "unapprove", "spam", "not_spam", "trash", "restore", "delete",
        "purge", "edit", "update", "address proven", "accept answer",
        "take back accepted answer", "turn into question", "turn into comment",
        "edit question", "reopen", "close as duplicate"}
    assert {v.value for v in ModerationVia} == {"queue", "email", "rule", "author", "asker",
                                                "source", "schedule"}
    # Every queue action has its audit name.
    assert {name for name in services.ACTIONS} <= {a.value for a in ModerationAction}


def test_record_stores_the_plain_strings_with_a_detail(db):
    response = make_response(make_article(), status=ResponseStatus.PENDING)
    services.record(response, None, ModerationAction.CLOSE_AS_DUPLICATE, response.status, NOW,
                    via=ModerationVia.EMAIL, detail="of #12")
    services.record(response, None, ModerationAction.SPAM, response.status, NOW)
    db.session.commit()
    stored = db.session.execute(select(ModerationEvent.action, ModerationEvent.via)
                                .order_by(ModerationEvent.id)).all()
    assert [tuple(row) for row in stored] == [("close as duplicate of #12", "email"),
                                              ("spam", "queue")]
    assert type(stored[1][0]) is str


def test_record_refuses_a_magic_string(db):
    response = make_response(make_article(), status=ResponseStatus.PENDING)
    with pytest.raises(TypeError):
        services.record(response, None, "approve", response.status, NOW)
    with pytest.raises(TypeError):
        services.record(response, None, ModerationAction.APPROVE, response.status, NOW,
                        via="email")
