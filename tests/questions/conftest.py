"""Fixtures for questions: the seeded tags, an article, questions and answers made through the
real comment service, and a moderator's approval through the real moderation service."""

from __future__ import annotations

import re

import pytest

from app.comments.services import Commenter, CommentInput, submit_comment
from app.extensions import db
from app.models import Response, ResponseStatus, Role, User
from app.models.types import utcnow
from app.moderation import services as moderation
from app.moderation import settings as site_settings
from app.questions.tags import seed_default_tags
from tests.factories import make_article, make_user


@pytest.fixture
def tags(app_ctx):
    seed_default_tags()
    db.session.commit()


@pytest.fixture
def article(tags):
    return make_article(title="Moving from sales into product work")


@pytest.fixture
def moderator(app_ctx) -> User:
    return make_user(Role.MODERATOR, email="mod@example.org", name="Sam Moderator")


def commenter(user: User | None = None, own=(), ip="198.51.100.7") -> Commenter:
    return Commenter(user=user, ip=ip, user_agent="pytest", now=utcnow(), own_ids=frozenset(own))


def ask(article, body="Should I take a product course first? I have five years in sales.",
        *, user=None, name="Ines Guest", email="ines@example.org", title="", tags=(),
        approve_by: User | None = None, ip="198.51.100.7") -> Response:
    question = submit_comment(article, CommentInput(
        body=body, name=name, email=email, is_question=True, title=title, tags=list(tags)),
        commenter(user, ip=ip), site_settings.load())
    if approve_by is not None and question.status is not ResponseStatus.APPROVED:
        moderation.apply(question, "approve", approve_by, seen=None, now=utcnow())
    db.session.commit()
    return question


def answer(question, body="Take the course only after talking to two product managers.",
           *, user=None, name="Omar Guest", email="omar@example.org",
           approve_by: User | None = None, ip="203.0.113.9") -> Response:
    reply = submit_comment(question.article, CommentInput(
        body=body, name=name, email=email, parent_id=question.id),
        commenter(user, ip=ip), site_settings.load())
    if approve_by is not None and reply.status is not ResponseStatus.APPROVED:
        moderation.apply(reply, "approve", approve_by, seen=None, now=utcnow())
    db.session.commit()
    return reply


def page_text(response) -> str:
    """The page's text with its markup's whitespace collapsed, for reading assertions."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))
