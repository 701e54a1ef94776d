"""`flask demo` asks career questions of every status (issue 10, item 7)."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import func, select

from app.models import HelpfulVote, Response, ResponseKind, ResponseStatus, Role
from app.models.question import DEFAULT_QUESTION_TAGS
from app.questions.rules import MAX_TAGS, QuestionStatus
from app.questions.services import is_answer, question_url, status_of
from tests.conftest import FormClient


def test_the_demo_has_questions_of_every_status_with_consistent_votes(app, runner, client, db):
    loaded = runner.invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    questions = list(db.session.scalars(select(Response).where(
        Response.kind == ResponseKind.QUESTION)))

    # Every status, a duplicate closed against another question, one waiting in the queue.
    approved = [q for q in questions if q.status is ResponseStatus.APPROVED]
    open_ones = [q for q in approved if q.duplicate_of_id is None]
    assert {status_of(q) for q in open_ones} == set(QuestionStatus)
    assert Counter(status_of(q) for q in open_ones)[QuestionStatus.ACCEPTED] >= 2
    [duplicate] = [q for q in approved if q.duplicate_of_id is not None]
    assert duplicate.duplicate_of.is_question and duplicate.duplicate_of is not duplicate
    [pending] = [q for q in questions if q.status is ResponseStatus.PENDING]

    # Under the demo articles (more than one) and on their own, answers included.
    assert len({q.article_id for q in questions if q.article_id is not None}) >= 3
    alone = [q for q in questions if q.article_id is None]
    assert len(alone) == 2
    assert {status_of(q) for q in alone} >= {QuestionStatus.ACCEPTED}
    answers = list(db.session.scalars(select(Response).where(
        Response.parent_id.in_([q.id for q in questions]))))
    assert all(a.article_id == a.parent.article_id for a in answers)

    for question in questions:
        assert question.title and len(question.question_tags) <= MAX_TAGS
        assert {t.name for t in question.question_tags} <= set(DEFAULT_QUESTION_TAGS)
        if question.accepted_answer is not None:
            assert is_answer(question.accepted_answer, question)
    assert all(q.question_tags for q in questions)

    # Answered by members and by guests; helpful votes by members, never on their own answer,
    # and every count is the number of its vote rows.
    assert {a.user_id is None for a in answers if is_answer(a, a.parent)} == {True, False}
    votes = list(db.session.scalars(select(HelpfulVote)))
    assert votes
    rows = Counter(v.response_id for v in votes)
    for response in db.session.scalars(select(Response)):
        assert response.helpful_count == rows.get(response.id, 0), response.body_source
    for vote in votes:
        answer = db.session.get(Response, vote.response_id)
        assert is_answer(answer, answer.parent) and vote.user_id != answer.user_id
        assert vote.user.role in (Role.MEMBER, Role.AUTHOR)
    assert db.session.scalar(select(func.count()).select_from(HelpfulVote)) == len(votes)

    # Readers see the question pages; the held one is in the moderators' queue, not public.
    with app.test_request_context():
        pages = {q.id: question_url(q) for q in questions}
    for question in open_ones + [duplicate]:
        page = client.get(pages[question.id])
        assert page.status_code == 200, question.title
        assert question.title in page.get_data(as_text=True)
    assert client.get(pages[pending.id]).status_code == 404
    password = re.search(r"Moderator: moderator@parley.example with password (\S+)",
                         loaded.output)[1]
    moderator = FormClient(app.test_client())
    moderator.login("moderator@parley.example", password)
    queue = moderator.client.get("/moderation/?status=pending").get_data(as_text=True)
    assert pending.body_source[:60] in queue
