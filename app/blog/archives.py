"""Date archives (a year's and a month's articles, the months that have some) and the
sitemap's lists: what readers may see, in the site's time zone."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select

from app.blog.services import visible_articles
from app.extensions import db
from app.models import Article, ArticleStatus, Response
from app.models.types import utcnow
from app.questions.listing import listed
from app.questions.rules import question_slug

# The years an archive page can name (a datetime needs the year after the last too).
FIRST_YEAR, LAST_YEAR = 1, 9998
# At most this many addresses in one sitemap file (sitemaps.org's limit).
URLS_PER_SITEMAP = 50_000


def valid_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def year_bounds(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the UTC start and end of a calendar year in the site's time zone."""
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def articles_in_year(year: int, zone: ZoneInfo) -> Select:
    start, end = year_bounds(year, zone)
    return visible_articles().where(Article.published_at >= start, Article.published_at < end)


@dataclass(frozen=True)
class ArchiveMonth:
    """A month that has live articles, as the archive list links it."""

    year: int
    month: int
    count: int


def archive_months(zone: ZoneInfo, now: datetime | None = None) -> list[ArchiveMonth]:
    """The months with live articles, newest first, with how many each has, kept per process
    while no article changes and no scheduled one comes out (reading every date costs tens of
    milliseconds on a big site, and every page rendered for a member shows the list)."""
    from flask import current_app

    from app.core import freshness
    from app.core.pagecache import next_change

    now = now or utcnow()
    version = freshness.versions_for(current_app).current((freshness.ARTICLES,))
    key = (version[freshness.ARTICLES][0], str(zone))
    kept = current_app.extensions.get("parley_archive_months")
    if kept is not None and kept[0] == key and (kept[1] is None or now < kept[1]):
        return kept[2]
    months = read_archive_months(zone, now)
    current_app.extensions["parley_archive_months"] = (key, next_change(now), months)
    return months


def read_archive_months(zone: ZoneInfo, now: datetime) -> list[ArchiveMonth]:
    """The months with live articles, from one query of publication dates, grouped here: a
    month in the site's time zone is not a UTC month."""
    dates = db.session.scalars(select(Article.published_at).where(
        Article.status.in_((ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)),
        Article.published_at <= now))
    counts = Counter((d.astimezone(zone).year, d.astimezone(zone).month) for d in dates)
    return [ArchiveMonth(y, m, n) for (y, m), n in sorted(counts.items(), reverse=True)]


# --- the sitemap ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SitemapEntry:
    path: str
    lastmod: datetime | None


def _live_articles(now: datetime) -> list:
    return [Article.status.in_((ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)),
            Article.published_at <= now, Article.path.is_not(None)]


def sitemap_counts(now: datetime | None = None) -> tuple[int, int]:
    """How many article pages and question pages the sitemap lists (one query)."""
    now = now or utcnow()
    articles = select(func.count()).select_from(Article).where(*_live_articles(now))
    questions = select(func.count()).select_from(Response).where(*listed(now))
    row = db.session.execute(select(articles.scalar_subquery(),
                                    questions.scalar_subquery())).one()
    return row[0], row[1]


def article_entries(page: int, per_page: int, now: datetime | None = None) -> list[SitemapEntry]:
    """One page of the live articles' addresses, oldest first, with their last change."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Article.path, Article.updated_at, Article.published_at)
        .where(*_live_articles(now)).order_by(Article.id)
        .limit(per_page).offset((page - 1) * per_page))
    # A scheduled article's row may be older than its publication: it changed when it came out.
    return [SitemapEntry(path, max(updated, published)) for path, updated, published in rows]


def question_entries(page: int, per_page: int,
                     now: datetime | None = None) -> list[SitemapEntry]:
    """One page of the listed questions' pages, oldest first, with their last activity."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Response.id, Response.title, Response.created_at, Response.last_activity_at,
               Response.edited_at)
        .where(*listed(now)).order_by(Response.id)
        .limit(per_page).offset((page - 1) * per_page))
    return [SitemapEntry(f"/questions/{id_}-{question_slug(title)}",
                         max(d for d in (created, active, edited) if d is not None))
            for id_, title, created, active, edited in rows]
