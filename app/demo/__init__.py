"""Demo content: an original article on the reference page's theme, and a few more.

Every word here was written for Parley; none is copied from the reference page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.auth.services import create_user
from app.authoring.services import ArticleInput, save_article
from app.core.sanitize import clean_excerpt, render_comment
from app.core.timefmt import site_zone
from app.demo.articles import ARTICLES
from app.demo.questions import add_questions
from app.demo.responses import RESPONSES
from app.extensions import db
from app.models import Article, Response, ResponseKind, ResponseStatus, Role, User
from app.models.types import utcnow

ADMIN_EMAIL = "admin@parley.example"
MODERATOR_EMAIL = "moderator@parley.example"
AUTHOR_EMAIL = "maya@parley.example"


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


def load_demo() -> DemoResult | None:
    """Load the demo once; return None when the site already has articles."""
    if db.session.scalar(select(func.count()).select_from(Article)):
        return None
    password = secrets.token_urlsafe(12)
    admin = create_user(ADMIN_EMAIL, "Site Admin", password, Role.ADMIN)
    admin.job_title = "Keeps the lights on"
    moderator_password = secrets.token_urlsafe(12)
    create_user(MODERATOR_EMAIL, "Sam Moderator", moderator_password, Role.MODERATOR)
    author = create_user(AUTHOR_EMAIL, "Maya Okafor", secrets.token_urlsafe(16), Role.AUTHOR)
    author.job_title = "Product lead, writer of this blog"
    author.bio = (
        "Maya has spent fifteen years between engineering teams and the people who pay for "
        "what they build: first as a project manager on hardware launches, then as a product "
        "manager for developer tools. She writes here about the craft, the career, and the "
        "questions readers send her."
    )
    author.social_handle = "@maya@product.example"
    now = utcnow()
    articles = []
    for spec in ARTICLES:
        data = ArticleInput(
            title=spec["title"], body=spec["body"], tags=spec["tags"],
            publish_at=datetime(*spec["date"], tzinfo=UTC),
            reprint_note=spec.get("reprint_note", ""), reprint_url=spec.get("reprint_url", ""),
            translations=spec.get("translations", []),
        )
        articles.append(save_article(None, author, data, publish=True, now=now, zone=site_zone()))
    responses = _add_responses(articles[0], author)
    responses += add_questions(articles, author)
    db.session.commit()
    credentials_file().write_text(f"admin {ADMIN_EMAIL} {password}\n"
                                  f"moderator {MODERATOR_EMAIL} {moderator_password}\n")
    return DemoResult(len(ARTICLES), ADMIN_EMAIL, password, responses, MODERATOR_EMAIL,
                      moderator_password)


def _add_responses(article: Article, author: User) -> int:
    """Give the demo article its discussion: comments, replies, linkbacks, some held."""
    added: dict[str, Response] = {}
    for spec in RESPONSES:
        kind = ResponseKind(spec["kind"])
        status = ResponseStatus(spec["status"])
        created = article.published_at + timedelta(minutes=spec["minutes"])
        response = Response(
            article=article, kind=kind, status=status, created_at=created,
            approved_at=created if status is ResponseStatus.APPROVED else None,
            author_email=spec["author_email"], author_url=spec["author_url"],
            author_ip=f"192.0.2.{len(added) % 250 + 1}", body_source=spec["body"],
            moderation_reason=DEMO_REASONS[status],
        )
        if kind is ResponseKind.COMMENT:
            response.author_name = spec["author_name"]
            response.body_html = render_comment(spec["body"])
            if spec["author_email"] == author.email:
                response.user = author
        else:
            response.source_title = spec["author_name"]
            response.source_url = spec["author_url"]
            response.body_html = clean_excerpt(spec["body"])
        db.session.add(response)
        db.session.flush()
        response.place_under(added.get(spec["parent"]))
        added[spec["key"]] = response
    return len(added)
