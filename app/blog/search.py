"""Searching articles: the articles' index in the shared full-text engine
(`app/core/fulltext.py`, the one the Questions page uses), what readers may see, and each
result's highlighted title and excerpt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.blog.services import response_counts
from app.core import fulltext
from app.core.paging import Paged
from app.core.text import plain_text
from app.extensions import db
from app.models import Article, ArticleStatus
from app.models.article import PG_DOCUMENT, SEARCH_TABLE
from app.models.types import utcnow

ARTICLES = fulltext.FullTextIndex(key="article", model=Article, fts_table=SEARCH_TABLE,
                                  pg_document=PG_DOCUMENT)


@dataclass
class ArticleResult:
    """One article found, with its title and an excerpt around the match, highlighted."""

    article: Article
    title_html: Markup
    excerpt_html: Markup


@dataclass
class ArticleSearch(Paged):
    """One page of the articles found for a reader's text."""

    text: str
    query: fulltext.SearchQuery
    results: list[ArticleResult] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 1
    total: int = 0

    @property
    def empty(self) -> bool:
        return self.query.empty


class PageOutOfRange(Exception):
    """A page past the last page of results."""


def clean_text(raw: str | None) -> str:
    """The search text as shown back and searched: one line, bounded."""
    return " ".join((raw or "").split())[:fulltext.MAX_QUERY_LENGTH]


def search_articles(raw: str | None, *, page: int, per_page: int,
                    now: datetime | None = None) -> ArticleSearch:
    """Find the live articles holding every word and phrase of `raw`, best first, one page
    of them in a constant number of queries (the search, the articles, their authors and
    tags, their response counts)."""
    now = now or utcnow()
    text = clean_text(raw)
    offset = (page - 1) * per_page
    found = fulltext.search(ARTICLES, text, limit=per_page, offset=offset, conditions=(
        Article.status.in_((ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)),
        Article.published_at <= now))
    result = ArticleSearch(text=text, query=found.query, page=page, total=found.total,
                           pages=max(1, -(-found.total // per_page)))
    if not found.ids:
        if page > 1:
            raise PageOutOfRange(page)
        return result
    loaded = {a.id: a for a in db.session.scalars(
        select(Article).where(Article.id.in_(found.ids))
        .options(selectinload(Article.author), selectinload(Article.tags)))}
    for article_id in found.ids:
        article = loaded[article_id]
        result.results.append(ArticleResult(
            article=article,
            title_html=fulltext.highlight(article.title, found.query),
            excerpt_html=fulltext.excerpt(plain_text(article.body_html), found.query)))
    result.counts = response_counts(found.ids)
    return result
