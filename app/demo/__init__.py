"""`flask demo`: an original article on the reference page's theme, and a few more.

The text lives in app/demo/content/ (TOML, read by app/demo/content.py); this module turns it
into rows. Every word there was written for Parley; none is copied from the reference page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.auth.services import create_user
from app.authoring.services import ArticleInput, save_article
from app.core.sanitize import clean_excerpt, render_comment
from app.core.timefmt import site_zone
from app.demo.content import DiscussionEntry, Person, load_content
from app.demo.questions import add_questions
from app.extensions import db
from app.models import Article, Response, ResponseKind, ResponseStatus, Role, User
from app.models.question import DEFAULT_QUESTION_TAGS
from app.models.types import utcnow

ROLES = {"admin": Role.ADMIN, "moderator": Role.MODERATOR, "author": Role.AUTHOR,
         "member": Role.MEMBER}


DEMO_REASONS = {
    ResponseStatus.APPROVED: "approved: by a moderator",
    ResponseStatus.PENDING: "held: new responses wait for a moderator",
    ResponseStatus.SPAM: "spam: marked by a moderator",
    ResponseStatus.TRASH: "trash: by a moderator",
}


@dataclass
class DemoResult:
    articles: int
    admin_email: str
    admin_password: str
    responses: int
    moderator_email: str
    moderator_password: str


def credentials_file() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "demo-login.txt"


def load_demo(content_dir: Path | None = None) -> DemoResult | None:
    """Load the demo once; return None when the site already has articles.

    The text is read and checked first (a bad data file raises DemoContentError, naming the
    file and the entry), so nothing is written from a half-read demo."""
    if db.session.scalar(select(func.count()).select_from(Article)):
        return None
    content = load_content(content_dir, known_tags=set(DEFAULT_QUESTION_TAGS))
    people, logins = _add_people(content.people)
    now = utcnow()
    articles = []
    for spec in content.articles:
        data = ArticleInput(
            title=spec.title, body=spec.body, tags=spec.tags, publish_at=spec.date,
            reprint_note=spec.reprint_note, reprint_url=spec.reprint_url,
            translations=spec.translations,
        )
        articles.append(save_article(None, people[spec.author], data, publish=True, now=now,
                                     zone=site_zone()))
    responses = 0
    for spec, article in zip(content.articles, articles, strict=True):
        responses += _add_responses(article, spec.responses, responses)
    responses += add_questions(content, articles, people)
    db.session.commit()
    credentials_file().write_text("".join(f"{role} {email} {password}\n"
                                          for role, email, password in logins))
    (_, admin_email, admin_password), (_, moderator_email, moderator_password) = logins[:2]
    return DemoResult(len(articles), admin_email, admin_password, responses, moderator_email,
                      moderator_password)


def _add_people(specs: dict[str, Person]) -> tuple[dict[str, User], list[tuple[str, str, str]]]:
    """Make the demo's accounts; return them by key, and the logins (admin's, moderator's)."""
    people: dict[str, User] = {}
    logins: dict[str, tuple[str, str, str]] = {}
    for key, spec in specs.items():
        password = None
        if spec.password == "login":
            password = secrets.token_urlsafe(12)
            logins.setdefault(spec.role, (spec.role, spec.email, password))
        elif spec.password == "random":
            password = secrets.token_urlsafe(16)
        user = create_user(spec.email, spec.name, password, ROLES[spec.role])
        for field in ("job_title", "bio", "social_handle"):
            if getattr(spec, field):  # a change to a member's profile bumps the site's pages
                setattr(user, field, getattr(spec, field))
        people[key] = user
    return people, [logins["admin"], logins["moderator"]]


def _add_responses(article: Article, specs: list[DiscussionEntry], before: int) -> int:
    """Give a demo article its discussion: comments, replies, linkbacks, some held."""
    added: dict[str, Response] = {}
    author = article.author
    for spec in specs:
        kind = ResponseKind(spec.kind)
        status = ResponseStatus(spec.status)
        created = article.published_at + timedelta(minutes=spec.minutes)
        response = Response(
            article=article, kind=kind, status=status, created_at=created,
            approved_at=created if status is ResponseStatus.APPROVED else None,
            author_email=spec.author_email,
            author_url=spec.author_url if kind is ResponseKind.COMMENT else spec.source_url,
            author_ip=f"192.0.2.{(before + len(added)) % 250 + 1}", body_source=spec.text,
            moderation_reason=DEMO_REASONS[status],
        )
        if kind is ResponseKind.COMMENT:
            response.author_name = spec.author_name
            response.body_html = render_comment(spec.text)
            if spec.author_email == author.email:
                response.user = author
        else:
            response.source_title = spec.source_title
            response.source_url = spec.source_url
            response.body_html = clean_excerpt(spec.text)
        db.session.add(response)
        db.session.flush()
        response.place_under(added.get(spec.reply_to) if spec.reply_to else None)
        added[spec.key] = response
    return len(added)
