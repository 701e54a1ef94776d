"""Each question's answer count, last activity and accepted mark, which the database's
triggers keep (models/response.py) so that the Questions page needs no count over every answer.

After every change below, the stored figures are compared with the definition worked out in
Python from the rows (`questions.services.is_answer`), for every response: a question's are its
published answers', anything else's are 0, None and False. Changes go through the real services
(a moderator's actions, the author's edit and delete, accepting, curation), and through bulk
statements and cascades that no service sees."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from app.comments.services import CommentInput, delete_own, submit_comment
from app.extensions import db as _db
from app.models import Article, Response, ResponseKind, ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import services as moderation
from app.moderation import settings as site_settings
from app.questions import curation
from app.questions.listing import QuestionFilter, question_list
from app.questions.rules import QuestionStatus
from app.questions.services import accept, is_answer, unaccept
from tests.factories import change_settings, make_response, make_user
from tests.questions import conftest
from tests.questions.conftest import commenter

S = ResponseStatus
_addresses = itertools.count(1)


def ask(article, **fields) -> Response:
    """A question from an address of its own (the flood rule counts per address)."""
    return conftest.ask(article, ip=f"198.51.100.{next(_addresses) % 250}", **fields)


def answer(question, *body, **fields) -> Response:
    return conftest.answer(question, *body, ip=f"203.0.113.{next(_addresses) % 250}", **fields)


def figures(response: Response) -> tuple:
    return (response.answer_count, response.last_activity_at, response.has_accepted_answer)


def expected(response: Response, rows: list[Response]) -> tuple:
    if response.kind is not ResponseKind.QUESTION:
        return (0, None, False)
    answers = [r for r in rows if is_answer(r, response)]
    return (len(answers), max((a.created_at for a in answers), default=response.created_at),
            any(a.id == response.accepted_answer_id for a in answers))


def check_all() -> dict[int, tuple]:
    """Assert every response's stored figures are the definition's; return them by id."""
    _db.session.commit()
    _db.session.expire_all()
    rows = list(_db.session.scalars(select(Response)))
    for row in rows:
        assert figures(row) == expected(row, rows), f"response #{row.id} ({row.kind.value})"
    return {row.id: figures(row) for row in rows}


def act(response: Response, action: str, moderator) -> None:
    moderation.apply(response, action, moderator, seen=None, now=utcnow())
    _db.session.commit()


def status_in_list(question: Response) -> QuestionStatus | None:
    rows = question_list(QuestionFilter()).rows
    return next((row.status for row in rows if row.question.id == question.id), None)


def test_a_question_starts_with_no_answers_and_its_own_time(article, moderator):
    question = ask(article, approve_by=moderator)
    count, last, accepted = check_all()[question.id]
    assert (count, accepted) == (0, False) and last == question.created_at


def test_every_moderator_action_on_an_answer(article, moderator):
    question = ask(article, approve_by=moderator)
    reply = answer(question)
    check_all()
    if reply.status is not S.PENDING:
        act(reply, "unapprove", moderator)
    assert check_all()[question.id][0] == 0  # held: not an answer yet
    # "Not spam" and "restore" return it to where it was: approved.
    steps = [("approve", 1), ("unapprove", 0), ("approve", 1), ("spam", 0), ("not_spam", 1),
             ("trash", 0), ("restore", 1), ("trash", 0), ("delete", 0)]
    for action, count in steps:
        act(_db.session.get(Response, reply.id), action, moderator)
        assert check_all()[question.id][0] == count, action
    assert _db.session.get(Response, reply.id) is None


def test_the_askers_own_replies_are_follow_ups(article, moderator, db):
    question = ask(article, approve_by=moderator, email="ines@example.org")
    answer(question, name="Ines Guest", email="ines@example.org", approve_by=moderator)
    assert check_all()[question.id][0] == 0
    member = make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    asked = ask(article, user=member, approve_by=moderator)
    answer(asked, user=member, approve_by=moderator)  # a follow-up, whatever address it shows
    other = answer(asked, "Ask the hiring team.", email="mia@example.org", name="Not Mia",
                   approve_by=moderator)
    # Only one of them a member: the addresses decide (the same address: a follow-up).
    assert check_all()[asked.id][0] == 0
    moderation.quick_edit(other, moderator, name="Not Mia", email="someone@example.org",
                          website="", body=other.body_source, now=utcnow())
    assert check_all()[asked.id][0] == 1  # the edit made it an answer
    moderation.quick_edit(other, moderator, name="Not Mia", email="MIA@example.org",
                          website="", body=other.body_source, now=utcnow())
    assert check_all()[asked.id][0] == 0


def test_the_accepted_answer_counts_only_while_it_is_a_published_answer(article, moderator):
    question = ask(article, approve_by=moderator)
    first = answer(question, approve_by=moderator)
    second = answer(question, email="ana@example.org", name="Ana", approve_by=moderator)
    by_moderator = commenter(moderator)
    accept(question, first, by_moderator, utcnow())
    _db.session.commit()
    assert check_all()[question.id][::2] == (2, True)
    assert status_in_list(question) is QuestionStatus.ACCEPTED
    act(_db.session.get(Response, first.id), "unapprove", moderator)
    assert check_all()[question.id][::2] == (1, False)
    assert status_in_list(question) is QuestionStatus.ANSWERED
    act(_db.session.get(Response, first.id), "approve", moderator)
    assert check_all()[question.id][::2] == (2, True)
    question = _db.session.get(Response, question.id)
    accept(question, _db.session.get(Response, second.id), by_moderator, utcnow())
    _db.session.commit()
    assert check_all()[question.id][::2] == (2, True)
    unaccept(_db.session.get(Response, question.id), by_moderator, utcnow())
    _db.session.commit()
    assert check_all()[question.id][::2] == (2, False)
    accept(_db.session.get(Response, question.id), _db.session.get(Response, second.id),
           by_moderator, utcnow())
    _db.session.commit()
    # Deleting the accepted answer (spam, then deleted for good): the mark goes with it.
    act(_db.session.get(Response, second.id), "spam", moderator)
    act(_db.session.get(Response, second.id), "delete", moderator)
    assert check_all()[question.id][::2] == (1, False)
    assert status_in_list(question) is QuestionStatus.ANSWERED


def test_last_activity_is_the_latest_published_answer(article, moderator):
    question = ask(article, approve_by=moderator)
    early = answer(question, approve_by=moderator)
    late = answer(question, email="late@example.org", name="Late", approve_by=moderator)
    assert check_all()[question.id][1] == _db.session.get(Response, late.id).created_at
    held = answer(question, email="held@example.org", name="Held")
    if _db.session.get(Response, held.id).status is S.APPROVED:
        act(_db.session.get(Response, held.id), "unapprove", moderator)
    assert check_all()[question.id][1] == _db.session.get(Response, late.id).created_at
    act(_db.session.get(Response, late.id), "trash", moderator)
    assert check_all()[question.id][1] == _db.session.get(Response, early.id).created_at
    # Its author deletes the last answer (a move to the trash).
    early_row = _db.session.get(Response, early.id)
    delete_own(early_row, commenter(own=(early.id,)))
    assert check_all()[question.id][:2] == (0, _db.session.get(Response, question.id).created_at)


def test_turning_a_comment_into_a_question_and_back(article, moderator):
    comment = make_response(article, author_email="asker@example.org")
    make_response(article, comment, author_email="helper@example.org")
    make_response(article, comment, author_email="asker@example.org")  # the author's own
    make_response(article, comment, status=S.PENDING, author_email="other@example.org")
    assert check_all()[comment.id] == (0, None, False)
    curation.turn_into_question(_db.session.get(Response, comment.id), moderator, utcnow(),
                                title="Which course should I take?")
    assert check_all()[comment.id][0] == 1
    curation.turn_into_comment(_db.session.get(Response, comment.id), moderator, utcnow())
    assert check_all()[comment.id] == (0, None, False)


def test_a_reply_below_the_last_level_is_stored_under_the_question(article, moderator):
    change_settings(thread_depth=2)
    question = ask(article, approve_by=moderator)
    first = answer(question, approve_by=moderator)
    reply = submit_comment(article, CommentInput(
        body="Agreed, and take notes.", name="Zoe", email="zoe@example.org",
        parent_id=first.id), commenter(ip="192.0.2.180"), site_settings.load())
    _db.session.commit()
    if reply.status is not S.APPROVED:
        act(reply, "approve", moderator)
    assert _db.session.get(Response, reply.id).parent_id == question.id
    assert check_all()[question.id][0] == 2


def test_questions_asked_about_no_article(moderator, tags):
    question = ask(None, approve_by=moderator)
    answer(question, approve_by=moderator)
    assert check_all()[question.id][0] == 1


@pytest.mark.parametrize("change", ["bulk status", "bulk parent", "bulk delete", "article"])
def test_bulk_statements_and_cascades(article, moderator, change):
    question = ask(article, approve_by=moderator)
    for n in range(3):
        answer(question, email=f"helper{n}@example.org", name=f"Helper {n}",
               approve_by=moderator)
    other = make_response(article, author_email="elsewhere@example.org")
    question_id = question.id
    assert check_all()[question_id][0] == 3
    replies = select(Response.id).where(Response.parent_id == question.id).scalar_subquery()
    if change == "bulk status":
        _db.session.execute(update(Response).where(Response.id.in_(replies))
                            .values(status=S.SPAM))
    elif change == "bulk parent":
        _db.session.execute(update(Response).where(Response.id.in_(replies))
                            .values(parent_id=other.id))
    elif change == "bulk delete":
        _db.session.execute(delete(Response).where(Response.parent_id == question.id,
                                                   Response.author_email == "helper0@example.org"))
    else:
        # Another question elsewhere keeps its figures while this article goes, with its
        # responses (ON DELETE CASCADE).
        kept = ask(None, approve_by=moderator)
        answer(kept, approve_by=moderator)
        kept_id = kept.id
        _db.session.execute(delete(Article).where(Article.id == article.id))
    found = check_all()
    if change != "article":
        assert found[question_id][0] == (2 if change == "bulk delete" else 0)
    else:
        assert question_id not in found and found[kept_id][0] == 1


def test_a_question_and_answer_dates_moved(article, moderator):
    question = ask(article, approve_by=moderator)
    reply = answer(question, approve_by=moderator)
    row = _db.session.get(Response, reply.id)
    row.created_at = row.created_at + timedelta(days=3)
    asked = _db.session.get(Response, question.id)
    asked.created_at = asked.created_at - timedelta(days=3)
    _db.session.commit()
    assert check_all()[question.id][1] == row.created_at
