"""Publishing rules: slugs, permalinks, statuses, tags, translations, and the linkbacks an
article sends."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from app.core.languages import UnknownLanguage, read_language, written_form
from app.core.sanitize import render_article_markdown
from app.core.text import excerpt_from_html, slugify
from app.core.timefmt import format_datetime
from app.core.urls import BadUrl, clean_url
from app.extensions import db
from app.linkbacks import sending
from app.models import (
    Article,
    ArticleStatus,
    OutgoingLinkback,
    Response,
    Role,
    Tag,
    Translation,
    User,
)


class DuplicateSlug(Exception):
    """Another article already uses this slug."""


@dataclass
class ArticleInput:
    """What the editor sends, already parsed and validated for shape."""

    title: str
    body: str
    slug: str = ""
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)
    publish_at: datetime | None = None
    reprint_note: str = ""
    reprint_url: str = ""
    # (language, address) as written: a name ("Polski"), a tag ("pt-BR") or "Name (tag)".
    translations: list[tuple[str, str]] = field(default_factory=list)
    comments_open: bool = True
    pings_open: bool = True
    keep_open: bool = False  # open regardless of the site's "close after N days"
    # TrackBack URLs to ping once the article is live, as typed (cleaned when saved).
    trackback_urls: list[str] = field(default_factory=list)


class BadTranslations(Exception):
    """Translation lines that cannot be kept; `messages` says what is wrong with each."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class Link(NamedTuple):
    """One translation as it is stored: the shown name, its BCP 47 tag, the address."""

    language: str
    code: str
    url: str


TRANSLATION_LINE = re.compile(r"\s*(?P<language>[^,|]*?)\s*[,|]\s*(?P<url>\S.*?)\s*")


def read_translation(language: str, url: str) -> Link:
    """Resolve a language (name, tag or "Name (tag)") and clean the address through the one
    URL rule; raise UnknownLanguage or BadUrl."""
    found = read_language(language)
    cleaned = clean_url(url)
    if not cleaned:
        raise BadUrl("Give the address of the translation after the language.")
    return Link(found.name, found.code, cleaned)


def parse_translations(raw: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Read "language, address" lines (a comma or a bar between them).

    Return the (language, address) pairs as written, and one message for each line that
    cannot be kept.
    """
    pairs, errors = [], []
    for line in raw.splitlines():
        if not line.strip():
            continue
        shown = line.strip() if len(line.strip()) <= 80 else line.strip()[:80] + "…"
        match = TRANSLATION_LINE.fullmatch(line)
        if match is None:
            errors.append(f"“{shown}”: write it as “language, https://address”.")
            continue
        try:
            read_translation(match["language"], match["url"])
        except (UnknownLanguage, BadUrl) as error:
            errors.append(f"“{shown}”: {error}")
        else:
            pairs.append((match["language"], match["url"]))
    return pairs, errors


def _links(pairs: list[tuple[str, str]]) -> list[Link]:
    links, errors = [], []
    for language, url in pairs:
        try:
            links.append(read_translation(language, url))
        except (UnknownLanguage, BadUrl) as error:
            errors.append(f"“{language}, {url}”: {error}")
    if errors:
        raise BadTranslations(errors)
    return links


class BadTrackbackUrls(Exception):
    """TrackBack URLs that cannot be kept; `messages` names each bad line."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


MAX_TRACKBACK_URLS = 20


def _shown(line: str) -> str:
    return line if len(line) <= 80 else line[:80] + "…"


def parse_trackback_urls(raw: str) -> tuple[list[str], list[str]]:
    """Read one TrackBack URL a line through the one URL rule.

    Return the cleaned addresses (each once, in order), and one message for each line that
    cannot be kept, naming it."""
    urls, errors = [], []
    for line in (line.strip() for line in raw.splitlines()):
        if not line:
            continue
        try:
            cleaned = clean_url(line)
        except BadUrl as error:
            errors.append(f"“{_shown(line)}”: {error}")
            continue
        if cleaned not in urls:
            urls.append(cleaned)
    if len(urls) > MAX_TRACKBACK_URLS:
        errors.append(f"List at most {MAX_TRACKBACK_URLS} TrackBack URLs, not {len(urls)}.")
    return urls, errors


def _trackback_text(urls: list[str]) -> str:
    """The stored form of the TrackBack URLs (one a line); raise BadTrackbackUrls."""
    cleaned, errors = parse_trackback_urls("\n".join(urls))
    if errors:
        raise BadTrackbackUrls(errors)
    return "\n".join(cleaned)


def format_translations(article: Article) -> str:
    """The editor's text for the article's translations; read back, it gives the same."""
    return "\n".join(f"{written_form(t.language, t.code)}, {t.url}" for t in article.translations)


def can_edit(user: User, article: Article) -> bool:
    """Admins edit every article, authors their own."""
    return user.role is Role.ADMIN or (user.role is Role.AUTHOR and article.author_id == user.id)


def permalink_path(published_at: datetime, slug: str, zone: ZoneInfo) -> str:
    local = published_at.astimezone(zone)
    return f"/{local:%Y/%m/%d}/{slug}/"


def _slug_in_use(slug: str, article: Article) -> bool:
    query = select(Article.id).where(Article.slug == slug)
    if article.id is not None:
        query = query.where(Article.id != article.id)
    return db.session.scalar(query.limit(1)) is not None


def _choose_slug(article: Article, data: ArticleInput) -> str:
    """Return the slug typed (which must be free) or a free one made from the title."""
    if data.slug:
        if _slug_in_use(data.slug, article):
            raise DuplicateSlug(data.slug)
        return data.slug
    base = slugify(data.title) or "article"
    slug, n = base, 2
    while _slug_in_use(slug, article):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _resolve_tags(names: list[str]) -> list[Tag]:
    """Return Tag rows for the names, creating the missing ones."""
    wanted = {slugify(name) or name.lower(): name for name in names}
    existing = {
        tag.slug: tag for tag in db.session.scalars(select(Tag).where(Tag.slug.in_(wanted)))
    }
    tags = []
    for slug, name in wanted.items():
        tag = existing.get(slug)
        if tag is None:
            tag = Tag(name=name, slug=slug)
            db.session.add(tag)
        tags.append(tag)
    return tags


def save_article(article: Article | None, author: User, data: ArticleInput, *, publish: bool,
                 now: datetime, zone: ZoneInfo) -> Article:
    """Create or update an article; publish (or schedule) it when asked. The caller commits.

    A published or scheduled article's linkbacks are sent once the commit happens (at its
    publication time, if that is still to come): to new and changed links, and a last one
    to links taken out."""
    if article is None:
        article = Article(author=author, status=ArticleStatus.DRAFT)
    with db.session.no_autoflush:
        _apply(article, data, publish=publish, now=now, zone=zone)
    db.session.add(article)
    db.session.flush()
    if article.status is not ArticleStatus.DRAFT:
        sending.queue_for(article, now=now)
    return article


def _apply(article: Article, data: ArticleInput, *, publish: bool, now: datetime,
           zone: ZoneInfo) -> None:
    """Copy the editor's input onto the article and work out its status and permalink.

    Raise BadUrl (the reprint link), BadTranslations or BadTrackbackUrls before anything is
    changed."""
    reprint_url = clean_url(data.reprint_url)
    links = _links(data.translations)
    trackback_urls = _trackback_text(data.trackback_urls)
    fixed = article.permalink_fixed(now)
    if not fixed:
        article.slug = _choose_slug(article, data)
    article.title = data.title.strip()
    article.body_source = data.body
    article.body_html = render_article_markdown(data.body)
    article.excerpt = data.excerpt.strip()
    article.summary = article.excerpt or excerpt_from_html(article.body_html)
    article.tags = _resolve_tags(data.tags)
    article.reprint_note = data.reprint_note.strip()
    article.reprint_url = reprint_url
    article.translations = [Translation(language=link.language, code=link.code, url=link.url)
                            for link in links]
    article.comments_open = data.comments_open
    article.pings_open = data.pings_open
    article.keep_open = data.keep_open
    article.trackback_urls = trackback_urls
    if data.publish_at is not None and not fixed:
        article.published_at = data.publish_at
    if publish:
        article.trashed_at = None  # publishing an article from the Trash restores it
        if article.published_at is None:
            article.published_at = now
        live = article.published_at <= now
        article.status = ArticleStatus.PUBLISHED if live else ArticleStatus.SCHEDULED
    if not fixed and article.status is not ArticleStatus.DRAFT:
        article.path = permalink_path(article.published_at, article.slug, zone)
    elif not fixed:
        article.path = None


def unpublish(article: Article) -> None:
    """Take an article off the site; its permalink stays reserved for when it returns."""
    article.status = ArticleStatus.DRAFT


TRASH_DAYS = 30


def trash(article: Article, now: datetime) -> None:
    """Put an article in the Trash: off the site at once (a draft), restorable for
    TRASH_DAYS days, then purged. Its permalink stays reserved meanwhile."""
    article.status = ArticleStatus.DRAFT
    article.trashed_at = now


def restore(article: Article) -> None:
    """Take an article out of the Trash; it comes back as a draft (as WordPress does)."""
    article.trashed_at = None


def purge_trashed_articles(now: datetime, days: int = TRASH_DAYS) -> int:
    """Delete the articles trashed more than `days` ago, with their responses; return the
    count. The caller commits."""
    cutoff = now - timedelta(days=days)
    ids = list(db.session.scalars(select(Article.id).where(Article.trashed_at < cutoff)))
    if ids:
        db.session.execute(delete(Article).where(Article.id.in_(ids)))
    return len(ids)


def articles_for(user: User, *, trashed: bool = False) -> list[Article]:
    """List the articles a user may edit, newest first (their authors loaded with them):
    those in the Trash, or the others."""
    query = (select(Article).options(joinedload(Article.author))
             .where(Article.trashed_at.is_not(None) if trashed else Article.trashed_at.is_(None))
             .order_by(Article.updated_at.desc(), Article.id.desc()))
    if user.role is not Role.ADMIN:
        query = query.where(Article.author_id == user.id)
    return list(db.session.scalars(query))


def response_counts(article_ids: list[int]) -> dict[int, int]:
    """How many responses each article has (every kind and status), in one grouped query."""
    if not article_ids:
        return {}
    rows = db.session.execute(select(Response.article_id, func.count(Response.id))
                              .where(Response.article_id.in_(article_ids))
                              .group_by(Response.article_id))
    return {article_id: count for article_id, count in rows}


def status_label(article: Article, now: datetime) -> str:
    """The article's state in the Write list's words: draft, scheduled for…, published."""
    if article.trashed_at is not None:
        return "trash"
    if article.is_live(now):
        return "published"
    if article.status is ArticleStatus.SCHEDULED and article.published_at is not None:
        return f"scheduled for {format_datetime(article.published_at)}"
    return "draft"


def zone_label(zone: ZoneInfo, when: datetime) -> str:
    """The site's time zone as the editor names it: "Europe/Berlin (UTC+01:00)"."""
    offset = when.astimezone(zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{zone.key} (UTC{sign}{hours:02d}:{rest:02d})"


# --- the linkbacks an article sent, for the editor --------------------------------------------

PROTOCOL_NAMES = {sending.WEBMENTION: "Webmention", sending.PINGBACK: "Pingback",
                  sending.TRACKBACK: "TrackBack"}


@dataclass(frozen=True)
class SentLinkback:
    """One row of the editor's "Linkbacks sent" table."""

    target_url: str
    via: str
    protocol: str
    outcome: str
    attempts: int
    last_attempt_at: datetime | None
    in_article: bool


def describe_linkback(row: OutgoingLinkback) -> str:
    """The row's state in words, for the author."""
    state, detail = row.state, row.detail
    if state == sending.State.SENT:
        return f"Sent — the receiver answered “{detail}”"
    if state == sending.State.REFUSED:
        return f"Refused — {detail}"
    if state == sending.State.FAILED:
        when = format_datetime(row.next_attempt_at) if row.next_attempt_at else "soon"
        return f"Failed ({detail}), retrying at {when}"
    if state == sending.State.GAVE_UP:
        return f"Gave up after {row.attempts} attempts ({detail})"
    if state == sending.State.NO_ENDPOINT:
        return "No linkback endpoint found"
    return "Queued"


def linkbacks_sent(article_id: int) -> list[SentLinkback]:
    """The article's linkbacks and how each went, in one query."""
    rows = db.session.scalars(select(OutgoingLinkback)
                              .where(OutgoingLinkback.article_id == article_id)
                              .order_by(OutgoingLinkback.id))
    return [SentLinkback(target_url=row.target_url, via=row.via,
                         protocol=PROTOCOL_NAMES.get(row.protocol, "—"),
                         outcome=describe_linkback(row), attempts=row.attempts,
                         last_attempt_at=row.last_attempt_at, in_article=row.in_article)
            for row in rows]
