"""Read a WordPress eXtended RSS export (WXR 1.0, 1.1, 1.2) as a stream, in constant memory.

The parse goes through defusedxml (no DTD entities, no external references). Items are
handled one at a time and dropped; each item's comments are threaded once the whole item
is read, so a reply that comes before its parent in the file still finds it. Nothing here
commits: the caller commits once at the end, or rolls back, leaving the database as it was.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from sqlalchemy import or_, select

from app.auth.services import unique_user_slug
from app.authoring.services import permalink_path
from app.core.sanitize import clean_article_html, clean_comment_html, clean_excerpt, strip_tags
from app.core.text import excerpt_from_html, slugify
from app.extensions import db
from app.importers.autop import autop
from app.models import (
    Article,
    ArticleStatus,
    Response,
    ResponseKind,
    ResponseStatus,
    Role,
    Tag,
    User,
)

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
DEFAULT_WP = "http://wordpress.org/export/1.1/"
KNOWN_VERSIONS = ("1.0", "1.1", "1.2")
POST_STATUS = {"publish": ArticleStatus.PUBLISHED, "future": ArticleStatus.SCHEDULED,
               "draft": ArticleStatus.DRAFT, "pending": ArticleStatus.DRAFT,
               "private": ArticleStatus.DRAFT}
COMMENT_STATUS = {"1": ResponseStatus.APPROVED, "0": ResponseStatus.PENDING,
                  "spam": ResponseStatus.SPAM, "trash": ResponseStatus.TRASH}
COMMENT_KIND = {"": ResponseKind.COMMENT, "comment": ResponseKind.COMMENT,
                "pingback": ResponseKind.PINGBACK, "trackback": ResponseKind.TRACKBACK,
                "webmention": ResponseKind.WEBMENTION, "parley_question": ResponseKind.QUESTION}


class WxrError(Exception):
    """The file cannot be imported; nothing was kept."""


@dataclass
class ImportSummary:
    version: str = ""
    posts_in_file: Counter = field(default_factory=Counter)  # (post_type, status)
    articles: Counter = field(default_factory=Counter)  # created / already there, by status
    responses_in_file: Counter = field(default_factory=Counter)  # (comment_type, approved)
    responses: Counter = field(default_factory=Counter)  # (kind, status) imported
    responses_existing: int = 0
    authors_created: int = 0
    tags_created: int = 0
    notes: Counter = field(default_factory=Counter)

    def note(self, text: str) -> None:
        self.notes[text] += 1

    def table(self) -> str:
        """The counts, as a plain-text table."""
        lines = [f"WXR version {self.version or 'unknown'}", "",
                 "Items in the file (type, status)          count"]
        for (kind, status), n in sorted(self.posts_in_file.items()):
            lines.append(f"  {kind or '(none)':<16} {status or '(none)':<22}{n:>7}")
        lines += ["", "Articles                                  count"]
        for label, n in sorted(self.articles.items()):
            lines.append(f"  {label:<40}{n:>7}")
        lines += ["", "Comments in the file (type, approved)     count"]
        for (kind, approved), n in sorted(self.responses_in_file.items()):
            lines.append(f"  {kind or '(comment)':<16} {approved or '(none)':<22}{n:>7}")
        lines += ["", "Responses imported (kind, status)         count"]
        for (kind, status), n in sorted(self.responses.items()):
            lines.append(f"  {kind:<16} {status:<22}{n:>7}")
        if self.responses_existing:
            lines.append(f"  {'already imported':<39}{self.responses_existing:>7}")
        lines += ["", f"Authors created: {self.authors_created}   Tags created: "
                      f"{self.tags_created}"]
        if self.notes:
            lines += ["", "Notes"] + [f"  {n} × {text}" for text, n in sorted(self.notes.items())]
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {"version": self.version, "table": self.table(),
                "articles": sum(n for label, n in self.articles.items()
                                if label != "already imported"),
                "responses": sum(self.responses.values()), "notes": dict(self.notes)}


class CountingReader:
    """A file wrapper that tells how many bytes the parser has read (for progress)."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.done = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.done += len(chunk)
        return chunk


def _text(element: Element | None, tag: str) -> str:
    if element is None:
        return ""
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _raw(element: Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "") if found is not None else ""


def parse_wp_date(gmt: str, local: str, zone: ZoneInfo) -> datetime | None:
    """Read WordPress's dates: the GMT one when it is real, else the local one in the site zone."""
    for value, tz in ((gmt, UTC), (local, zone)):
        value = value.strip()
        if not value or value.startswith("0000-00-00"):
            continue
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz).astimezone(UTC)
        except ValueError:
            continue
    return None


class Importer:
    def __init__(self, zone: ZoneInfo, now: datetime):
        self.zone = zone
        self.now = now
        self.summary = ImportSummary()
        self.wp = DEFAULT_WP
        self.excerpt_ns = "http://wordpress.org/export/1.2/excerpt/"
        self.users_by_login: dict[str, User] = {}
        self.users_by_wp_id: dict[int, User] = {}
        self.tags: dict[str, Tag] = {}
        self.wordpress_items = 0

    # --- the stream --------------------------------------------------------------------------

    def run(self, source: BinaryIO, progress: Callable[[], None] | None = None) -> ImportSummary:
        channel = None
        seen_root = False
        try:
            for event, node in iterparse(source, events=("start-ns", "start", "end"),
                                         forbid_dtd=False, forbid_entities=True,
                                         forbid_external=True):
                if event == "start-ns":
                    prefix, uri = node
                    if seen_root:  # only the root's bindings count, as in WordPress's importer
                        continue
                    if prefix == "wp":
                        self.wp = uri
                    elif prefix == "excerpt":
                        self.excerpt_ns = uri
                    continue
                if event == "start":
                    if not seen_root:
                        seen_root = True
                        if node.tag != "rss":
                            name = node.tag.rsplit("}", 1)[-1]  # without its namespace
                            raise WxrError("This is XML, but not a WordPress export (WXR): "
                                           f"its root element is <{name}>, not <rss>.")
                    elif node.tag == "channel":
                        channel = node
                    continue
                self._end(node, channel, progress)
        except ParseError as error:
            line, column = error.position
            raise WxrError(f"The file is not well-formed XML at line {line}, column {column}: "
                           f"{str(error).split(':')[0]}. Nothing was imported.") from error
        except DefusedXmlException as error:
            raise WxrError("The file declares XML entities or external references, which "
                           f"Parley refuses for safety ({type(error).__name__}). Nothing was "
                           "imported.") from error
        if channel is None:
            raise WxrError("This is RSS, but not a WordPress export (WXR): it has no channel.")
        if not self.summary.version and not self.wordpress_items:
            raise WxrError("This is RSS, but not a WordPress export (WXR): it has no "
                           "wp:wxr_version and no WordPress items.")
        return self.summary

    def _end(self, node: Element, channel: Element | None, progress) -> None:
        wp = f"{{{self.wp}}}"
        tag = node.tag
        if tag == f"{wp}wxr_version":
            self.summary.version = (node.text or "").strip()
            if self.summary.version not in KNOWN_VERSIONS:
                self.summary.note(f"unknown WXR version “{self.summary.version}”: read as 1.2")
        elif tag == f"{wp}author" and channel is not None and node in list(channel):
            self._author(node)
            channel.remove(node)
        elif tag in (f"{wp}category", f"{wp}tag") and channel is not None and node in channel:
            name = _text(node, f"{wp}cat_name") or _text(node, f"{wp}tag_name")
            slug = _text(node, f"{wp}category_nicename") or _text(node, f"{wp}tag_slug")
            if name:
                self._tag(name, slug)
            channel.remove(node)
        elif tag == "item":
            self._item(node)
            if channel is not None:
                channel.remove(node)
            node.clear()
            db.session.flush()
            if progress:
                progress()

    # --- authors and tags ---------------------------------------------------------------------

    def _author(self, node: Element) -> None:
        wp = f"{{{self.wp}}}"
        login = _text(node, f"{wp}author_login")
        if not login:
            self.summary.note("author without a login: skipped")
            return
        user = self._user(login, _text(node, f"{wp}author_display_name") or login,
                          _text(node, f"{wp}author_email"))
        wp_id = _text(node, f"{wp}author_id")
        if wp_id.isdigit():
            self.users_by_wp_id[int(wp_id)] = user

    def _user(self, login: str, name: str, email: str) -> User:
        if login in self.users_by_login:
            return self.users_by_login[login]
        email = (email or f"{slugify(login) or 'author'}@imported.invalid").strip().lower()
        user = db.session.scalars(select(User).where(
            or_(User.wp_login == login, User.email == email))).first()
        if user is None:
            # An imported author cannot log in until an admin sets a password.
            user = User(email=email, name=name[:120], slug=unique_user_slug(name),
                        role=Role.AUTHOR, password_hash=None, wp_login=login[:60])
            db.session.add(user)
            db.session.flush()
            self.summary.authors_created += 1
        elif user.wp_login is None:
            user.wp_login = login[:60]
        self.users_by_login[login] = user
        return user

    def _tag(self, name: str, slug: str = "") -> Tag:
        slug = (slugify(slug or name) or slugify(name) or name.lower())[:80]
        if slug in self.tags:
            return self.tags[slug]
        tag = db.session.scalars(select(Tag).where(Tag.slug == slug)).first()
        if tag is None:
            tag = Tag(name=name.strip()[:60], slug=slug)
            db.session.add(tag)
            self.summary.tags_created += 1
        self.tags[slug] = tag
        return tag

    # --- items ---------------------------------------------------------------------------------

    def _item(self, item: Element) -> None:
        wp = f"{{{self.wp}}}"
        post_type = _text(item, f"{wp}post_type")
        status = _text(item, f"{wp}status")
        comments = item.findall(f"{wp}comment")
        self.summary.posts_in_file[(post_type, status)] += 1
        for comment in comments:
            self.summary.responses_in_file[(_text(comment, f"{wp}comment_type"),
                                            _text(comment, f"{wp}comment_approved"))] += 1
        if not any(child.tag.startswith(wp) for child in item):
            self.summary.note("items without WordPress data skipped (plain RSS items)")
            return
        self.wordpress_items += 1
        if post_type not in ("post", ""):
            self.summary.note(f"{post_type or 'untyped'} items skipped (Parley imports posts)")
            if comments:
                self.summary.notes[f"comments on skipped {post_type} items"] += len(comments)
            return
        if post_type == "":
            self.summary.note("item without wp:post_type: read as a post")
        if status in ("auto-draft", "inherit"):
            self.summary.note(f"{status} posts skipped, as WordPress's importer does")
            return
        article = self._article(item, status)
        self._comments(article, comments)

    def _find_existing(self, post_id: int | None, guid: str) -> Article | None:
        """The article an earlier import made from this item: same post id and GUID.

        Both count: real exports hold different posts with the same GUID, and two blogs
        imported into one site may both have a post 1.
        """
        if post_id is None and not guid:
            return None
        query = select(Article).where(
            Article.wp_post_id == post_id if post_id is not None else Article.wp_post_id.is_(None),
            Article.wp_guid == guid if guid else Article.wp_guid.is_(None))
        return db.session.scalars(query).first()

    def _article(self, item: Element, wp_status: str) -> Article:
        wp = f"{{{self.wp}}}"
        raw_id = _text(item, f"{wp}post_id")
        post_id = int(raw_id) if raw_id.isdigit() else None
        guid = _text(item, "guid")[:500]
        existing = self._find_existing(post_id, guid)
        if existing is not None:
            self.summary.articles["already imported"] += 1
            return existing
        status = POST_STATUS.get(wp_status)
        if status is None:
            self.summary.note(f"post status “{wp_status or '(none)'}” imported as a draft")
            status = ArticleStatus.DRAFT
        elif wp_status in ("pending", "private"):
            self.summary.note(f"{wp_status} posts imported as drafts")
        title = _text(item, "title") or "(untitled)"
        published = parse_wp_date(_text(item, f"{wp}post_date_gmt"),
                                  _text(item, f"{wp}post_date"), self.zone)
        if published is None and status is not ArticleStatus.DRAFT:
            self.summary.note("published post without a valid date: dated at import time")
            published = self.now
        creator = _text(item, DC_CREATOR)
        author = self._user(creator, creator, "") if creator else self._fallback_author()
        content = _raw(item, CONTENT)
        body_html = clean_article_html(autop(content))
        excerpt = clean_excerpt(strip_tags(_raw(item, f"{{{self.excerpt_ns}}}encoded"))).strip()
        article = Article(
            title=title[:200], body_source=content, body_format="html", body_html=body_html,
            excerpt=excerpt[:2000], summary=excerpt or excerpt_from_html(body_html),
            status=status, published_at=published, author=author,
            comments_open=_text(item, f"{wp}comment_status") != "closed",
            pings_open=_text(item, f"{wp}ping_status") != "closed",
            wp_post_id=post_id, wp_guid=guid or None, created_at=published or self.now,
        )
        article.slug = self._unique_slug(_text(item, f"{wp}post_name") or slugify(title) or
                                         f"post-{post_id or 'x'}")
        article.path = self._path(_text(item, "link"), article)
        article.tags = self._item_tags(item)
        db.session.add(article)
        db.session.flush()
        self.summary.articles[f"created ({status.value})"] += 1
        return article

    def _fallback_author(self) -> User:
        return self._user("imported", "Imported author", "")

    def _item_tags(self, item: Element) -> list[Tag]:
        tags, seen = [], set()
        for node in item.findall("category"):
            if node.get("domain") not in ("category", "post_tag", "tag"):
                continue
            name = (node.text or "").strip()
            if not name:
                continue
            tag = self._tag(name, node.get("nicename", ""))
            if tag.slug not in seen:
                seen.add(tag.slug)
                tags.append(tag)
        return tags

    def _unique_slug(self, wanted: str) -> str:
        base = slugify(wanted, max_length=190) or "post"
        slug, n = base, 2
        while db.session.scalar(select(Article.id).where(Article.slug == slug).limit(1)):
            slug, n = f"{base}-{n}", n + 1
        if slug != base:
            self.summary.note("duplicate slugs made unique with a number")
        return slug

    def _path(self, link: str, article: Article) -> str | None:
        """Keep the original permalink path when the post had a pretty one."""
        path = urlsplit(link).path if link else ""
        query = urlsplit(link).query if link else ""
        if path and path != "/" and not query:
            path = path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/"
            path = path[:400]
            if not db.session.scalar(select(Article.id).where(Article.path == path).limit(1)):
                return path
            self.summary.note("permalink already used by another article: a new one made")
        if article.status is ArticleStatus.DRAFT or article.published_at is None:
            return None
        return permalink_path(article.published_at, article.slug, self.zone)

    # --- comments ------------------------------------------------------------------------------

    def _comments(self, article: Article, comments: list[Element]) -> None:
        if not comments:
            return
        wp = f"{{{self.wp}}}"
        known: dict[int, Response] = {
            r.wp_comment_id: r for r in db.session.scalars(select(Response).where(
                Response.article_id == article.id, Response.wp_comment_id.is_not(None)))}
        fresh: list[tuple[Response, int]] = []
        for node in comments:
            raw_id = _text(node, f"{wp}comment_id")
            wp_id = int(raw_id) if raw_id.isdigit() else None
            if wp_id is not None and wp_id in known:
                self.summary.responses_existing += 1
                continue
            response = self._response(article, node)
            raw_parent = _text(node, f"{wp}comment_parent")
            fresh.append((response, int(raw_parent) if raw_parent.isdigit() else 0))
            if wp_id is not None:
                known[wp_id] = response
        db.session.flush()
        placed: set[int] = set()

        def place(response: Response, parent_wp: int, trail: frozenset[int]) -> None:
            if response.id in placed:
                return
            parent = known.get(parent_wp) if parent_wp else None
            if parent_wp and parent is None:
                self.summary.note("replies whose parent is missing: shown as top-level")
            if parent is not None and (parent.wp_comment_id in trail or parent is response):
                self.summary.note("replies in a loop of parents: shown as top-level")
                parent = None
            if parent is not None and parent.id not in placed and not parent.path:
                place(parent, parents.get(parent.id, 0), trail | {response.wp_comment_id})
            response.place_under(parent)
            placed.add(response.id)

        parents = {response.id: parent_wp for response, parent_wp in fresh}
        for response, parent_wp in fresh:
            place(response, parent_wp, frozenset({response.wp_comment_id}))

    def _response(self, article: Article, node: Element) -> Response:
        wp = f"{{{self.wp}}}"
        raw_type = _text(node, f"{wp}comment_type")
        kind = COMMENT_KIND.get(raw_type)
        if kind is None:
            self.summary.note(f"comment type “{raw_type}” imported as a comment")
            kind = ResponseKind.COMMENT
        approved = _text(node, f"{wp}comment_approved")
        status = COMMENT_STATUS.get(approved)
        if status is None:
            self.summary.note(f"comment status “{approved or '(none)'}” imported as pending")
            status = ResponseStatus.PENDING
        created = parse_wp_date(_text(node, f"{wp}comment_date_gmt"),
                                _text(node, f"{wp}comment_date"), self.zone)
        if created is None:
            self.summary.note("comments without a valid date: dated like their post")
            created = article.published_at or self.now
        content = _raw(node, f"{wp}comment_content")
        name = _text(node, f"{wp}comment_author")
        url = _text(node, f"{wp}comment_author_url")
        user_id = _text(node, f"{wp}comment_user_id")
        response = Response(
            article=article, kind=kind, status=status, created_at=created,
            approved_at=created if status is ResponseStatus.APPROVED else None,
            status_changed_at=created,
            author_email=_text(node, f"{wp}comment_author_email").lower()[:254],
            author_url=url[:500], author_ip=_text(node, f"{wp}comment_author_IP")[:45],
            body_source=content, moderation_reason=f"imported from WordPress ({status.value})",
            wp_comment_id=int(raw_id) if (raw_id := _text(node, f"{wp}comment_id")).isdigit()
            else None,
            user=self.users_by_wp_id.get(int(user_id)) if user_id.isdigit() else None,
        )
        if kind in (ResponseKind.PINGBACK, ResponseKind.TRACKBACK, ResponseKind.WEBMENTION):
            response.source_title = name[:300]
            response.source_url = url[:500]
            excerpt = clean_excerpt(strip_tags(content)).strip()
            framing = r"\[(?:…|\.\.\.|&#8230;|&hellip;)\]"  # WordPress writes [&#8230;] now
            response.body_html = re.sub(rf"^{framing}\s*|\s*{framing}$", "", excerpt).strip()
        else:
            response.author_name = name[:200]
            response.body_html = clean_comment_html(autop(content))
        self.summary.responses[(kind.value, status.value)] += 1
        db.session.add(response)
        return response


def import_wxr(source: BinaryIO, *, zone: ZoneInfo, now: datetime,
               progress: Callable[[], None] | None = None) -> ImportSummary:
    """Import a WXR stream; raise WxrError (with line and column for bad XML). Never commits."""
    with db.session.no_autoflush:
        return Importer(zone, now).run(source, progress)
