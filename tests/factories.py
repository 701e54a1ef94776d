"""Small factories for tests: real rows through the real services."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.auth.services import create_user
from app.authoring.services import ArticleInput, save_article
from app.extensions import db
from app.models import Article, Response, ResponseKind, ResponseStatus, Role, User
from app.models.types import utcnow
from app.moderation import settings as site_settings
from app.moderation.settings import DiscussionSettings

PASSWORD = "a long test passphrase"
_counter = itertools.count(1)


def make_user(role: Role = Role.MEMBER, *, email: str | None = None, name: str | None = None,
              password: str | None = PASSWORD, **fields) -> User:
    n = next(_counter)
    user = create_user(email or f"user{n}@example.org", name or f"User {n}", password, role)
    for key, value in fields.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def make_article(author: User | None = None, *, title: str | None = None, body: str = "Some text.",
                 published: bool = True, published_at: datetime | None = None,
                 tags: list[str] | None = None, **fields) -> Article:
    author = author or make_user(Role.AUTHOR)
    now = utcnow()
    data = ArticleInput(
        title=title or f"Article {next(_counter)}",
        body=body,
        tags=tags or [],
        publish_at=published_at or (now - timedelta(hours=1) if published else None),
        **fields,
    )
    article = save_article(None, author, data, publish=published, now=now, zone=ZoneInfo("UTC"))
    db.session.commit()
    return article


def make_response(article: Article, parent: Response | None = None, *,
                  status: ResponseStatus = ResponseStatus.APPROVED,
                  kind: ResponseKind = ResponseKind.COMMENT, body: str = "A reply.",
                  **fields) -> Response:
    response = Response(article=article, status=status, kind=kind,
                        author_name=fields.pop("author_name", "A Reader"),
                        author_email=fields.pop("author_email", "reader@example.org"),
                        body_source=body, body_html=f"<p>{body}</p>",
                        created_at=fields.pop("created_at", datetime.now(UTC)), **fields)
    db.session.add(response)
    db.session.flush()
    response.place_under(parent)
    db.session.commit()
    return response


def change_settings(**changes) -> DiscussionSettings:
    """Store discussion settings changed from the current ones (test defaults included)."""
    updated = replace(site_settings.load(), **changes)
    site_settings.save(updated)
    db.session.commit()
    return updated
