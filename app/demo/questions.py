"""Demo career questions: asked under the demo articles and on their own.

Their text is in app/demo/content/ (each article's file, and questions.toml). Every status a
reader can meet is there (unanswered, answered, an accepted answer, one closed as a duplicate,
one held for the moderation queue), asked and answered by guests and by demo members, with
helpful votes kept as the vote service keeps them (a HelpfulVote row per member and answer,
and the answer's helpful_count the number of its rows).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.sanitize import render_comment
from app.demo.content import DemoContent, Guest, Question
from app.extensions import db
from app.models import (
    Article,
    HelpfulVote,
    QuestionTag,
    Response,
    ResponseKind,
    ResponseStatus,
    User,
)
from app.questions.tags import seed_default_tags


def add_questions(content: DemoContent, articles: list[Article],
                  people: dict[str, User]) -> int:
    """Ask the demo questions and answer them; return how many responses were added.

    `articles` are the rows made from `content.articles`, in the same order; `people` the
    demo's accounts by their key in people.toml."""
    from app.demo import DEMO_REASONS  # the demo's package imports this module

    seed_default_tags()
    tags = {tag.name: tag for tag in db.session.scalars(select(QuestionTag))}
    made: dict[str, Response] = {}
    count = 0

    def write(article: Article | None, parent: Response | None, by: str | Guest, body: str,
              created: datetime, status: ResponseStatus, **fields) -> Response:
        nonlocal count
        user = people[by] if isinstance(by, str) else None
        name, email = (user.name, user.email) if user else (by.name, by.email)
        response = Response(
            article=article, status=status, created_at=created, status_changed_at=created,
            approved_at=created if status is ResponseStatus.APPROVED else None,
            author_name=name, author_email=email, user=user,
            author_ip=f"198.51.100.{count % 250 + 1}", body_source=body,
            body_html=render_comment(body), moderation_reason=DEMO_REASONS[status], **fields)
        db.session.add(response)
        db.session.flush()
        response.place_under(parent)
        count += 1
        return response

    asked_where = [(article, spec.questions)
                   for article, spec in zip(articles, content.articles, strict=True)]
    asked_where.append((None, content.questions))
    everything: list[Question] = []
    for article, questions in asked_where:
        for spec in questions:
            start = article.published_at if article else content.asked_from
            asked = start + timedelta(minutes=spec.minutes)
            question = write(article, None, spec.by, spec.text, asked,
                             ResponseStatus(spec.status), kind=ResponseKind.QUESTION,
                             title=spec.title)
            question.question_tags = [tags[name] for name in spec.tags]
            made[spec.key] = question
            for answer_spec in spec.answers:
                answered = asked + timedelta(minutes=answer_spec.minutes)
                answer = write(article, question, answer_spec.by, answer_spec.text, answered,
                               ResponseStatus.APPROVED)
                made[answer_spec.key] = answer
                for voter in answer_spec.helpful:
                    db.session.add(HelpfulVote(response_id=answer.id, user_id=people[voter].id,
                                               created_at=answered + timedelta(hours=3)))
                answer.helpful_count = len(answer_spec.helpful)
                for reply in answer_spec.replies:
                    write(article, answer, reply.by, reply.text,
                          answered + timedelta(minutes=reply.minutes), ResponseStatus.APPROVED)
            if spec.accepted is not None:
                question.accepted_answer = made[spec.accepted]
            everything.append(spec)
    for spec in everything:
        if spec.duplicate_of is not None:
            made[spec.key].duplicate_of = made[spec.duplicate_of]
    db.session.flush()
    return count
