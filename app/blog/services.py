"""Queries behind the public pages: what readers may see, and how it is counted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select

from app.core.paging import Paged
from app.extensions import db
from app.models import Article, Response, ResponseStatus, Tag, User
from app.models.article import article_by_path, visible_articles


def response_counts(article_ids: Iterable[int]) -> dict[int, int]:
    """Count the approved responses of each article in one query."""
    ids = list(article_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Response.article_id, func.count())
        .where(Response.article_id.in_(ids), Response.status == ResponseStatus.APPROVED,
               ~Response.is_reaction)  # likes and reposts show as faces, not responses
        .group_by(Response.article_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({article_id: count for article_id, count in rows})
    return counts


@dataclass
class ArticlePage(Paged):
    """One page of an article list with the counts the list shows."""

    items: list[Article]
    counts: dict[int, int]
    page: int
    pages: int
    total: int


def paginate(query: Select, page: int, per_page: int) -> ArticlePage:
    """Return one page of a visible-article query (a 404 past the last page)."""
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=True)
    items = list(pagination.items)
    return ArticlePage(
        items=items,
        counts=response_counts(a.id for a in items),
        page=pagination.page,
        pages=max(pagination.pages, 1),
        total=pagination.total or 0,
    )


# Articles read for readers' pages, per app: {path: (versions, article)}.
READ_CACHE_SIZE = 256


def article_for_reading(path: str) -> Article | None:
    """The live article at this path, for a page that only reads it (no change is made to it
    in the request), kept per process while nothing it shows has changed.

    Finding an article and its author, tags and translations is four queries, the largest
    cost of a page rendered for one reader (a member, a returning commenter). The copy kept
    is detached from any session, fully loaded, and served while the versions of its
    scopes (`article:<id>` and `site`, for the author's name and tag names) are those read
    before it was loaded; a change to either loads it again.
    """
    from flask import current_app

    from app.core import freshness

    versions = freshness.versions_for(current_app)
    kept = current_app.extensions.setdefault("parley_articles", {})
    found = kept.get(path)
    if found is not None:
        stamp, article = found
        if tuple(v for v, _ in versions.current(tuple(n for n, _ in stamp)).values()) == \
                tuple(v for _, v in stamp):
            return article
    before = versions.current((freshness.ANY,))[freshness.ANY][0]
    article = article_by_path(path)
    if article is None:
        return None
    names = (freshness.article(article.id), freshness.SITE, freshness.ANY)
    now = versions.current(names)
    if now[freshness.ANY][0] == before:  # nothing committed while it was loaded
        for row in (article, article.author, *article.tags, *article.translations):
            if row in db.session:  # (translations go with their article)
                db.session.expunge(row)
        if len(kept) >= READ_CACHE_SIZE:
            kept.pop(next(iter(kept)))
        kept[path] = (tuple((n, now[n][0]) for n in names[:2]), article)
    return article


def article_by_wordpress_id(wp_post_id: int) -> Article | None:
    """Find the live article imported from this WordPress post id."""
    return db.session.scalars(visible_articles().where(Article.wp_post_id == wp_post_id)).first()


def tag_by_slug(slug: str) -> Tag | None:
    return db.session.scalars(select(Tag).where(Tag.slug == slug)).first()


def articles_with_tag(tag: Tag) -> Select:
    return visible_articles().where(Article.tags.contains(tag))


def author_by_slug(slug: str) -> User | None:
    return db.session.scalars(select(User).where(User.slug == slug)).first()


def articles_by_author(author: User) -> Select:
    return visible_articles().where(Article.author_id == author.id)


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the UTC start and end of a calendar month in the site's time zone."""
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def articles_in_month(year: int, month: int, zone: ZoneInfo) -> Select:
    start, end = month_bounds(year, month, zone)
    return visible_articles().where(Article.published_at >= start, Article.published_at < end)


def feed_articles(limit: int = 20) -> list[Article]:
    return list(db.session.scalars(visible_articles().limit(limit)))
