"""Atom feeds of approved responses: one per article and one for the whole site.

Linkbacks are entries too, named by their label ("Pingback: Post Title | Site") and linking to
their source; likes and reposts are left out, as the article page shows them only as faces.
"""

from __future__ import annotations

from flask import make_response, render_template
from sqlalchemy import not_, select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import Article, Response, ResponseStatus
from app.models.article import visible_articles
from app.models.types import utcnow

FEED_SIZE = 50


def _approved():
    live = visible_articles().with_only_columns(Article.id).order_by(None)
    return (select(Response).join(Response.article)
            .options(contains_eager(Response.article))
            .where(Response.status == ResponseStatus.APPROVED, Response.article_id.in_(live),
                   # Likes and reposts are faces under the article, not entries to read.
                   not_(Response.is_reaction))
            .order_by(Response.created_at.desc(), Response.id.desc()).limit(FEED_SIZE))


def site_responses() -> list[Response]:
    return list(db.session.scalars(_approved()))


def article_responses(article: Article) -> list[Response]:
    return list(db.session.scalars(_approved().where(Response.article_id == article.id)))


def atom_response(responses: list[Response], article: Article | None = None,
                  title_suffix: str = "comments"):
    updated = max((r.edited_at or r.created_at for r in responses), default=utcnow())
    body = render_template("comments/feed.xml", responses=responses, article=article,
                           updated=updated)
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response
