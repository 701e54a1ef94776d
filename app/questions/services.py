"""Question rules with the database: what an answer is, accepting one, helpful votes, and the
question page's data.

A question is a response of kind `question`; its answers are the approved comments that reply
to it directly, except the asker's own (their follow-ups). Replies to an answer are a
conversation about that answer and stay under it. Functions change rows and flush; the view
commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.comments.services import Commenter, CommentRefused, visible_to
from app.comments.threads import Node, build_tree
from app.extensions import db
from app.models import (
    Article,
    ArticleStatus,
    HelpfulVote,
    Response,
    ResponseKind,
    ResponseStatus,
    User,
)
from app.moderation import services as moderation
from app.questions.rules import QuestionStatus, question_slug
from app.templating import absolute


class QuestionRefused(CommentRefused):
    """A question that cannot be taken; `errors` maps form fields to what is wrong."""


class QuestionError(Exception):
    """An accept or a vote that cannot be done; the message says why, beside its button."""


# --- what an answer is ------------------------------------------------------------------------

def by_asker(reply, question):
    """SQL condition (or, on loaded rows, a bool): the reply was written by the asker."""
    if isinstance(reply, Response) and isinstance(question, Response):
        if reply.user_id is not None and question.user_id is not None:
            return reply.user_id == question.user_id
        return bool(reply.author_email) and reply.author_email == question.author_email
    both_members = and_(reply.user_id.is_not(None), question.user_id.is_not(None))
    return or_(and_(both_members, reply.user_id == question.user_id),
               and_(~both_members, reply.author_email != "",
                    reply.author_email == question.author_email))


def answer_condition(answer=Response, question=None):
    """SQL condition: `answer` is an approved answer to `question` (an aliased Response in
    the same query, or a loaded question row)."""
    if isinstance(question, Response):
        if question.user_id is not None:
            asked_by = or_(and_(answer.user_id.is_not(None), answer.user_id == question.user_id),
                           and_(answer.user_id.is_(None),
                                answer.author_email == question.author_email))
        else:
            asked_by = and_(answer.author_email != "",
                            answer.author_email == question.author_email)
    else:
        asked_by = by_asker(answer, question)
    return and_(answer.parent_id == question.id, answer.kind == ResponseKind.COMMENT,
                answer.status == ResponseStatus.APPROVED, ~asked_by)


def is_answer(reply: Response, question: Response) -> bool:
    """Tell whether a loaded reply is an approved answer to the loaded question."""
    return (question.kind is ResponseKind.QUESTION and reply.parent_id == question.id
            and reply.kind is ResponseKind.COMMENT and reply.status is ResponseStatus.APPROVED
            and not by_asker(reply, question))


def status_from(question: Response, answers: list[Response]) -> QuestionStatus:
    """A question's status from its answers (already loaded)."""
    if question.accepted_answer_id is not None and any(
            a.id == question.accepted_answer_id for a in answers):
        return QuestionStatus.ACCEPTED
    return QuestionStatus.ANSWERED if answers else QuestionStatus.UNANSWERED


def status_of(question: Response) -> QuestionStatus:
    """A question's status, in one query."""
    answer = aliased(Response)
    accepted, answered = db.session.execute(select(
        exists().where(answer_condition(answer, question),
                       answer.id == question.accepted_answer_id),
        exists().where(answer_condition(answer, question)))).one()
    if accepted:
        return QuestionStatus.ACCEPTED
    return QuestionStatus.ANSWERED if answered else QuestionStatus.UNANSWERED


def statuses_in(responses: list[Response]) -> dict[int, QuestionStatus]:
    """The status of every question among loaded responses, from the replies loaded with
    them (a page of threads holds each question's whole thread): no query."""
    questions = {r.id: r for r in responses if r.kind is ResponseKind.QUESTION}
    answers: dict[int, list[Response]] = {qid: [] for qid in questions}
    for r in responses:
        question = questions.get(r.parent_id)
        if question is not None and is_answer(r, question):
            answers[question.id].append(r)
    return {qid: status_from(q, answers[qid]) for qid, q in questions.items()}


# --- who may accept -------------------------------------------------------------------------

def is_asker(question: Response, commenter: Commenter) -> bool:
    """The member who asked, or the browser that asked (its signed cookie of own responses,
    the same proof the edit window uses)."""
    if commenter.user is not None and question.user_id == commenter.user.id:
        return True
    return question.id in commenter.own_ids


def can_accept(question: Response, commenter: Commenter) -> bool:
    if question.kind is not ResponseKind.QUESTION or question.duplicate_of_id is not None:
        return False
    if commenter.user is not None and commenter.user.can_moderate:
        return True
    return is_asker(question, commenter)


def _check_accepting(question: Response, commenter: Commenter) -> None:
    if question.kind is not ResponseKind.QUESTION:
        raise QuestionError("This is not a question, so no answer can be accepted.")
    if question.duplicate_of_id is not None:
        raise QuestionError("This question is closed as a duplicate: accept an answer on the "
                            "original question instead.")
    if not can_accept(question, commenter):
        raise QuestionError("Only the person who asked this question, or a moderator, can "
                            "accept an answer to it.")


def accept(question: Response, answer: Response, commenter: Commenter, now: datetime) -> None:
    """Mark an answer as the accepted one (moving the mark from another)."""
    _check_accepting(question, commenter)
    if not is_answer(answer, question):
        raise QuestionError("That reply is not a published answer to this question, so it "
                            "cannot be accepted.")
    if question.accepted_answer_id == answer.id:
        raise QuestionError("This answer is already the accepted one.")
    question.accepted_answer = answer
    question.accepted_answer_id = answer.id
    by_the_asker = is_asker(question, commenter)
    moderation.record(question, commenter.user, moderation.A.ACCEPT_ANSWER, question.status, now,
                      via=moderation.Via.ASKER if by_the_asker else moderation.Via.QUEUE)
    if not by_the_asker:  # the asker knows what they did; a moderator's choice is news
        from app.questions import notifications

        notifications.answer_accepted(question, answer)


def unaccept(question: Response, commenter: Commenter, now: datetime) -> None:
    """Take the accepted mark back: the question is answered again, not accepted."""
    _check_accepting(question, commenter)
    if question.accepted_answer_id is None:
        raise QuestionError("No answer to this question is accepted.")
    question.accepted_answer = None
    question.accepted_answer_id = None
    moderation.record(question, commenter.user, moderation.A.TAKE_BACK_ACCEPTED_ANSWER,
                      question.status, now, via=moderation.Via.ASKER
                      if is_asker(question, commenter) else moderation.Via.QUEUE)


# --- helpful votes ----------------------------------------------------------------------------

def _check_voting(answer: Response, user: User | None) -> None:
    if user is None:
        raise QuestionError("Log in to mark answers helpful: votes are for members, one each.")
    question = answer.parent
    if question is None or not is_answer(answer, question):
        raise QuestionError("Only a published answer to a question can be marked helpful.")
    if answer.user_id == user.id or (answer.user_id is None
                                     and answer.author_email == user.email.lower()):
        raise QuestionError("You cannot mark your own answer helpful.")


def vote(answer: Response, user: User | None, now: datetime) -> None:
    """Mark an answer helpful, once per member (the database's key says once, even for two
    clicks at the same moment)."""
    _check_voting(answer, user)
    already = QuestionError("You have already marked this answer helpful.")
    if db.session.get(HelpfulVote, (answer.id, user.id)) is not None:
        raise already
    try:
        with db.session.begin_nested():
            db.session.add(HelpfulVote(response_id=answer.id, user_id=user.id, created_at=now))
    except IntegrityError as error:
        raise already from error
    answer.helpful_count = Response.helpful_count + 1
    db.session.flush()
    db.session.refresh(answer, ["helpful_count"])


def unvote(answer: Response, user: User | None) -> None:
    """Take a helpful mark back."""
    _check_voting(answer, user)
    found = db.session.get(HelpfulVote, (answer.id, user.id))
    if found is None:
        raise QuestionError("You have not marked this answer helpful, so there is nothing to "
                            "take back.")
    db.session.delete(found)
    answer.helpful_count = case((Response.helpful_count > 0, Response.helpful_count - 1),
                                else_=0)
    db.session.flush()
    db.session.refresh(answer, ["helpful_count"])


# --- addresses and the question page ------------------------------------------------------

def question_url(question: Response, external: bool = False) -> str:
    """The question's own page: "/questions/12-should-i-take-the-pmp"."""
    path = f"/questions/{question.id}-{question_slug(question.title)}"
    return absolute(path) if external else path


def askable_articles(now: datetime) -> list:
    """The live articles open to comments, as (id, title), newest first: what a question can
    be asked about."""
    return list(db.session.execute(
        select(Article.id, Article.title).where(
            Article.status.in_((ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)),
            Article.published_at <= now, Article.comments_open.is_(True))
        .order_by(Article.published_at.desc(), Article.id.desc())))


def visible_question(question_id: int, commenter: Commenter | None, now: datetime):
    """The question a reader may see (approved, or their own while held), on a live article
    or none; else None."""
    question = db.session.scalars(
        select(Response).where(Response.id == question_id,
                               Response.kind == ResponseKind.QUESTION, visible_to(commenter))
        .options(joinedload(Response.article), joinedload(Response.user),
                 selectinload(Response.question_tags), joinedload(Response.duplicate_of))
    ).first()
    if question is None or (question.article is not None and not question.article.is_live(now)):
        return None
    return question


@dataclass
class QuestionPage:
    question: Response
    status: QuestionStatus
    accepted: Node | None
    # The other answers: by helpful votes, then date.
    answers: list[Node]
    # The asker's own replies to the question (not answers).
    follow_ups: list[Node]
    voted_ids: set[int] = field(default_factory=set)
    can_accept: bool = False

    @property
    def answer_nodes(self) -> list[Node]:
        return ([self.accepted] if self.accepted else []) + self.answers

    @property
    def ids(self) -> set[int]:
        found, stack = {self.question.id}, [*self.answer_nodes, *self.follow_ups]
        while stack:
            node = stack.pop()
            found.add(node.response.id)
            stack.extend(node.children)
        return found


def question_page(question: Response, commenter: Commenter, max_depth: int) -> QuestionPage:
    """The question with its answers in the question page's order, each with the replies made
    to it, in two queries (three for a member: their votes)."""
    rows = list(db.session.scalars(
        select(Response).where(Response.thread_id == question.thread_id,
                               Response.id != question.id, visible_to(commenter))
        .options(joinedload(Response.user)).order_by(Response.path)))
    # The question's direct replies are the roots of their own small threads here.
    depth = max(max_depth, 2)
    nodes = build_tree([r for r in rows], depth + 1)
    top = [n for n in nodes if n.response.parent_id == question.id]
    for node in top:
        _lift(node)
    answers = [n for n in top if not by_asker(n.response, question)]
    follow_ups = [n for n in top if by_asker(n.response, question)]
    published = [n.response for n in answers if is_answer(n.response, question)]
    accepted = next((n for n in answers if n.response.id == question.accepted_answer_id
                     and is_answer(n.response, question)), None)
    others = sorted((n for n in answers if n is not accepted),
                    key=lambda n: (-n.response.helpful_count, n.response.created_at,
                                   n.response.id))
    voted: set[int] = set()
    if commenter.user is not None and published:
        voted = set(db.session.scalars(select(HelpfulVote.response_id).where(
            HelpfulVote.user_id == commenter.user.id,
            HelpfulVote.response_id.in_([r.id for r in published]))))
    return QuestionPage(question=question, status=status_from(question, published),
                        accepted=accepted, answers=others, follow_ups=follow_ups,
                        voted_ids=voted, can_accept=can_accept(question, commenter))


def _lift(node: Node, depth: int = 0) -> None:
    """Renumber a subtree's depths from its new root (an answer shows at the first level)."""
    node.depth = depth
    for child in node.children:
        _lift(child, depth + 1)
