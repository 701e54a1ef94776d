"""Read a WordPress eXtended RSS export (WXR 1.0, 1.1, 1.2) as a stream, in bounded memory.

The parse goes through defusedxml (no DTD entities, no external references) with a tree
builder that counts every text as it is read and refuses the file as soon as one text is over
WXR_MAX_TEXT_BYTES (10 MB by default), naming the item; so memory stays bounded whatever the
file holds. Items are handled one at a time and dropped; each item's comments are threaded
once the whole item is read, so a reply that comes before its parent in the file still finds
it.

Batches. Given a `checkpoint`, the importer calls it between two items every 50 items, 500
responses or half a second of work (`Batching`), whichever comes first, and the caller
commits there (app/importers/jobs.py): the SQLite write lock is free between batches,
so a comment or a log-in waits for one short batch, never for the whole import. Every row
the import creates (articles, responses, accounts, tags) carries the job's id, so a failed
import is deleted completely (`services.undo_import`): the promise stays all or nothing.
Without a checkpoint nothing here commits and the caller commits once, at the end.

Hidden until done. An imported article is written as a draft; its real status (published,
scheduled) is kept in memory and given back by `finish()` in the import's last transaction,
together with the WordPress logins matched to accounts that were already here. So readers
never see a half-imported post, and the visibility query needs no import check (the other
way, joining the import's state in that query, would cost every page). What shows before
the end: new responses to articles that were already
on the site, and new tags and authors (with nothing visible under them yet); if the import
fails they are deleted with the rest.
"""

from __future__ import annotations

import html
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, iterparse
from flask import current_app, has_app_context
from sqlalchemy import insert, or_, select, update

from app.auth.services import unique_user_slug
from app.authoring.services import permalink_path
from app.core import freshness
from app.core.sanitize import clean_article_html, clean_comment_html, strip_tags
from app.core.text import excerpt_from_html, slugify
from app.core.urls import url_or_empty
from app.extensions import db
from app.importers.autop import autop
from app.importers.wxr_export import QUESTIONS_POST_TYPE
from app.models import (
    Article,
    ArticleStatus,
    BodyFormat,
    QuestionTag,
    Response,
    ResponseKind,
    ResponseStatus,
    Role,
    Tag,
    User,
)
from app.models.question import question_tag_links
from app.questions.rules import MAX_TAGS, title_from

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
CONTENT = f"{{{CONTENT_NS}}}encoded"
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
# The Webmention plugin for WordPress (4.x) stores some webmentions under their own types.
WEBMENTION_TYPES = {"like": "like", "favorite": "like", "repost": "repost",
                    "bookmark": "bookmark", "mention": "mention", "reply": "reply"}
COMMENT_KIND.update(dict.fromkeys(WEBMENTION_TYPES, ResponseKind.WEBMENTION))
# Webmentions written by a person (their name is the comment's author), not just a page.
PERSON_MENTIONS = ("reply", "like", "repost")
# The "[…]" WordPress frames a pingback's excerpt with (it writes "[&#8230;]"; older ones "[...]").
EXCERPT_FRAMING = re.compile(r"^\[(?:…|\.\.\.)\]\s*|\s*\[(?:…|\.\.\.)\]$")
TRACKBACK_CONTENT = re.compile(r"^\s*<strong>(.*?)</strong>\s*(.*)$", re.S | re.I)
DEFAULT_MAX_TEXT_BYTES = 10 * 1024 * 1024
MAX_ID = 2**31 - 1  # WordPress ids beyond a database integer are not real ones
BAD_COMMENTER_URL = "commenter websites were not web addresses and were left out"
BAD_SOURCE_URL = "linkback sources were not web addresses and were left out"

# Expat's reasons, with what they mean for someone holding the file.
XML_PROBLEMS = {
    "mismatched tag": "a closing tag does not match the element it closes",
    "no element found": "the file ends before its elements are closed; it may have been cut "
                        "short",
    "not well-formed (invalid token)": "a character or piece of markup that XML does not allow",
    "unbound prefix": "a tag uses a prefix (like wp:) that the file does not declare",
    "syntax error": "this is not XML",
    "junk after document element": "there is more after the end of the document",
    "undefined entity": "an entity such as &nbsp; that XML does not define (only &amp; &lt; "
                        "&gt; &quot; &apos; are)",
    "unclosed token": "a tag or a CDATA section is not closed",
    "unclosed CDATA section": "a CDATA section is not closed",
    "duplicate attribute": "an element has the same attribute twice",
    "reference to invalid character number": "a character reference (&#…;) names a character "
                                             "XML does not allow",
    "XML or text declaration not at start of entity": "the <?xml …?> line is not at the very "
                                                      "start of the file",
    "unknown encoding": "the file declares a character encoding Parley cannot read",
    "encoding specified in XML declaration is incorrect": "the file's characters are not in "
                                                          "the encoding it declares",
}


class WxrError(Exception):
    """The file cannot be imported; nothing was kept."""


class TextTooLarge(WxrError):
    """One text in the file is over the configured size; the import stops while reading it."""


@dataclass(frozen=True)
class Batching:
    """When the importer asks its caller to commit: whichever limit is reached first."""
    items: int = 50
    responses: int = 500
    seconds: float = 0.5


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
                "responses": sum(self.responses.values()), "notes": dict(self.notes),
                "by_kind": dict(sum((Counter({kind: n}) for (kind, _), n
                                     in self.responses.items()), Counter())),
                "authors_created": self.authors_created, "tags_created": self.tags_created}


class CountingReader:
    """A file wrapper that tells how many bytes the parser has read (for progress)."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.done = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.done += len(chunk)
        return chunk


def size_text(n: int) -> str:
    """A byte count as people read it: "10 MB", "1,000 bytes"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n:,} bytes"


def plain(text: str) -> str:
    """Plain text from one of WordPress's HTML strings (titles, names, excerpts).

    WordPress keeps these as HTML ("Tom &amp; Jerry"); Parley keeps plain text, escaped once
    when a page shows it. Markup goes, entities become characters, runs of spaces one space.
    """
    if "<" in text:
        text = strip_tags(text)
    return " ".join((html.unescape(text) if "&" in text else text).split())


def _describe(tag: str) -> str:
    """What a text in this element is, for a person reading an error."""
    local = tag.rsplit("}", 1)[-1]
    if tag == CONTENT:
        return "its content"
    if local == "encoded":
        return "its excerpt"
    if tag == "title":
        return "its title"
    if local == "comment_content":
        return "the text of one of its comments"
    if local == "meta_value":
        return "one of its custom fields"
    return f"the text of its <{local}>"


class BoundedTreeBuilder(TreeBuilder):
    """The standard tree builder, refusing any one text over `limit` bytes as it is read.

    Expat hands text over in small pieces; they are counted before they are kept, so a
    60 MB text costs `limit` bytes of memory at most before the import stops.
    """

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.size = 0
        self.open_tags: list[str] = []
        self.item_line: int | None = None
        self.item_title = ""
        self.line: Callable[[], int] = lambda: 0

    def start(self, tag, attrs):
        self.size = 0
        self.open_tags.append(tag)
        if tag == "item":
            self.item_line, self.item_title = self.line(), ""
        return super().start(tag, attrs)

    def end(self, tag):
        self.size = 0
        element = super().end(tag)
        self.open_tags.pop()
        if tag == "title" and self.open_tags[-1:] == ["item"]:
            self.item_title = element.text or ""
        elif tag == "item":
            self.item_line = None
        return element

    def data(self, text):
        self.size += len(text) if text.isascii() else len(text.encode("utf-8"))
        if self.size > self.limit:
            raise TextTooLarge(self._too_large())
        super().data(text)

    def _too_large(self) -> str:
        where = self.open_tags[-1] if self.open_tags else ""
        over = f"is over {size_text(self.limit)}; nothing was imported."
        if self.item_line is None:
            what = _describe(where).replace("its ", "the ", 1)
            return f"Line {self.line()}: {what} {over}"
        title = plain(self.item_title)[:80]
        item = (f"Item “{title}” (line {self.item_line})" if title
                else f"The item at line {self.item_line}")
        return f"{item}: {_describe(where)} {over}"


def _text(element: Element | None, tag: str) -> str:
    if element is None:
        return ""
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _raw(element: Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "") if found is not None else ""


def _id(text: str) -> int | None:
    """A WordPress id, or None when the text is not one (ASCII digits that fit a column)."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


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


def _not_well_formed(error: ParseError) -> WxrError:
    line, column = error.position
    reason = str(error).split(":")[0]
    hint = XML_PROBLEMS.get(reason)
    where = f"{reason} at line {line}, column {column}" + (f" ({hint})" if hint else "")
    return WxrError(f"The file is not well-formed XML: {where}. Nothing was imported.")


def _refused_for_safety(error: DefusedXmlException) -> WxrError:
    if isinstance(error, EntitiesForbidden):
        what = "declares XML entities of its own (<!ENTITY …>)"
    elif isinstance(error, ExternalReferenceForbidden):
        what = "refers to outside files or addresses (external entities)"
    else:
        what = "uses XML features that can read outside files or exhaust memory"
    return WxrError(f"The file {what}, which Parley refuses for safety; a WordPress export "
                    "never does. Nothing was imported.")


class Importer:
    def __init__(self, zone: ZoneInfo, now: datetime, *, job_id: int | None = None,
                 checkpoint: Callable[[], None] | None = None,
                 batching: Batching = Batching(),
                 max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
                 author_map: dict[str, int] | None = None):
        self.zone = zone
        # WordPress logins the importer chose an existing Parley user for (the others are
        # matched by login or e-mail, else created): see `mapped_user_id`.
        self.author_map = author_map or {}
        self.now = now
        self.job_id = job_id
        self.checkpoint = checkpoint
        self.batching = batching
        self.max_text_bytes = max_text_bytes
        self.summary = ImportSummary()
        self.wp = DEFAULT_WP
        self.excerpt_ns = "http://wordpress.org/export/1.2/excerpt/"
        self.users_by_login: dict[str, User] = {}
        self.users_by_wp_id: dict[int, User] = {}
        self.tags: dict[str, Tag] = {}
        self.wordpress_items = 0
        # Given back by finish(): real statuses of the articles written as drafts, and the
        # WordPress logins of accounts that were here before the import.
        self.hidden: dict[ArticleStatus, list[int]] = defaultdict(list)
        self.logins_to_set: dict[int, str] = {}
        # Questions (Parley's own exports): an item's questions wait for the item's answers
        # (`_item_questions`); the ids of the file's questions by comment id, and the
        # duplicate marks and tags they carry, wait for finish(). A few ints per question.
        self._item_questions: list[tuple[Response, dict[str, str]]] = []
        self.question_ids: dict[int, int] = {}
        self.duplicates: list[tuple[int, int]] = []
        self.tag_links: list[tuple[int, list[str]]] = []
        self._batch_units = self._batch_responses = 0
        self._batch_started = time.monotonic()

    # --- the stream --------------------------------------------------------------------------

    def run(self, source: BinaryIO, progress: Callable[[], None] | None = None) -> ImportSummary:
        builder = BoundedTreeBuilder(self.max_text_bytes)
        parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True,
                                  forbid_external=True)
        builder.line = lambda: parser.parser.CurrentLineNumber
        channel = None
        seen_root = False
        try:
            for event, node in iterparse(source, events=("start-ns", "start", "end"),
                                         parser=parser):
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
            raise _not_well_formed(error) from error
        except DefusedXmlException as error:
            raise _refused_for_safety(error) from error
        if channel is None:
            raise WxrError("This is RSS, but not a WordPress export (WXR): it has no channel.")
        if not self.summary.version and not self.wordpress_items:
            raise WxrError("This is RSS, but not a WordPress export (WXR): it has no "
                           "wp:wxr_version and no WordPress items.")
        self.finish()
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
            self._step()
        elif tag in (f"{wp}category", f"{wp}tag") and channel is not None and node in channel:
            name = plain(_text(node, f"{wp}cat_name") or _text(node, f"{wp}tag_name"))
            slug = _text(node, f"{wp}category_nicename") or _text(node, f"{wp}tag_slug")
            if name:
                self._tag(name, slug)
            channel.remove(node)
            self._step()
        elif tag == "item":
            self._item(node)
            if channel is not None:
                channel.remove(node)
            node.clear()
            db.session.flush()
            if progress:
                progress()
            self._step()

    def _step(self) -> None:
        """Count one element of work; between two of them, let the caller commit a batch."""
        self._batch_units += 1
        if self.checkpoint is None:
            return
        rules = self.batching
        if (self._batch_units >= rules.items or self._batch_responses >= rules.responses
                or time.monotonic() - self._batch_started >= rules.seconds):
            db.session.flush()
            self.checkpoint()
            self._batch_units = self._batch_responses = 0
            self._batch_started = time.monotonic()

    def finish(self) -> None:
        """Give the articles their real statuses and the matched accounts their logins.

        Runs in the import's last transaction, so everything appears at once.
        """
        for status, ids in self.hidden.items():
            for start in range(0, len(ids), 500):
                db.session.execute(update(Article).where(Article.id.in_(ids[start:start + 500]))
                                   .values(status=status))
        for user_id, login in self.logins_to_set.items():
            db.session.execute(update(User).where(User.id == user_id, User.wp_login.is_(None))
                               .values(wp_login=login))
        touched_questions = self._finish_questions()
        if self.hidden or touched_questions:
            # Bulk updates skip the flush hook that counts changes readers see: count this one.
            freshness.bump(db.session.connection(), [freshness.SITE])
        self.hidden.clear()
        self.logins_to_set.clear()

    # --- questions (Parley's comment meta) ------------------------------------------------------

    def _question_fields(self, response: Response, meta: dict[str, str]) -> None:
        """Read what Parley's export keeps of a question, or of an answer, in comment meta."""
        helpful = _id(meta.get("parley_helpful", "").strip())
        if helpful:
            # A number only: the members who voted are not in the file, so no vote rows.
            response.helpful_count = helpful
        if response.kind is not ResponseKind.QUESTION:
            return
        text = plain(response.body_source)
        response.title = plain(meta.get("parley_title", ""))[:200] or title_from(text) or \
            "(untitled question)"
        self._item_questions.append((response, meta))

    def _item_questions_done(self, known: dict[int, Response]) -> None:
        """Once an item's comments are all in: accept the answers its questions accepted (by
        comment id within the item, a direct reply only); keep the rest for finish()."""
        for question, meta in self._item_questions:
            if question.wp_comment_id is not None:
                self.question_ids[question.wp_comment_id] = question.id
            accepted_wp = _id(meta.get("parley_accepted_answer", "").strip())
            if accepted_wp:
                answer = known.get(accepted_wp)
                if answer is not None and answer.parent_id == question.id \
                        and answer.kind is ResponseKind.COMMENT:
                    question.accepted_answer_id = answer.id
                else:
                    self.summary.note("accepted answers not found under their question: "
                                      "left unaccepted")
            duplicate_wp = _id(meta.get("parley_duplicate_of", "").strip())
            if duplicate_wp:
                self.duplicates.append((question.id, duplicate_wp))
            names = [plain(name) for name in meta.get("parley_tags", "").split(",")]
            names = list(dict.fromkeys(name[:60] for name in names if name))
            if len(names) > MAX_TAGS:
                self.summary.note(f"questions with more than {MAX_TAGS} tags: the first "
                                  f"{MAX_TAGS} kept")
            if names:
                self.tag_links.append((question.id, names[:MAX_TAGS]))
        self._item_questions.clear()

    def _finish_questions(self) -> bool:
        """Mark duplicates (by comment id anywhere in the file) and tag the questions; return
        whether anything changed. Tags come last, in the import's last transaction, so a
        failed import leaves no new tag behind (tags carry no import id to undo them by)."""
        marks = []
        for question_id, target_wp in self.duplicates:
            target = self.question_ids.get(target_wp)
            if target is None or target == question_id:
                self.summary.note("duplicate marks pointing at no question of the file: left out")
            else:
                marks.append({"id": question_id, "duplicate_of_id": target})
        for start in range(0, len(marks), 500):
            db.session.execute(update(Response), marks[start:start + 500])
        links = []
        if self.tag_links:
            known = list(db.session.scalars(select(QuestionTag)))  # the moderators' short list
            by_slug = {tag.slug: tag for tag in known}
            by_name = {tag.name.casefold(): tag for tag in known}
            for question_id, names in self.tag_links:
                chosen: dict[int, None] = {}
                for name in names:
                    slug = (slugify(name) or name.lower())[:80]
                    tag = by_name.get(name.casefold()) or by_slug.get(slug)
                    if tag is None:
                        # The file comes from a site whose moderators had this tag: add it to
                        # the list rather than drop it from the question.
                        tag = QuestionTag(name=name, slug=slug, created_at=self.now)
                        db.session.add(tag)
                        db.session.flush()
                        by_slug[slug], by_name[name.casefold()] = tag, tag
                        self.summary.note("question tags added to the list (the exported site "
                                          "had them)")
                    chosen[tag.id] = None
                links += [{"response_id": question_id, "tag_id": tag_id} for tag_id in chosen]
            for start in range(0, len(links), 500):
                db.session.execute(insert(question_tag_links), links[start:start + 500])
        self.duplicates.clear()
        self.tag_links.clear()
        self.question_ids.clear()
        return bool(marks or links)

    # --- authors and tags ---------------------------------------------------------------------

    def _author(self, node: Element) -> None:
        wp = f"{{{self.wp}}}"
        login = _text(node, f"{wp}author_login")
        if not login:
            self.summary.note("author without a login: skipped")
            return
        user = self._user(login, plain(_text(node, f"{wp}author_display_name")) or login,
                          _text(node, f"{wp}author_email"))
        wp_id = _id(_text(node, f"{wp}author_id"))
        if wp_id is not None:
            self.users_by_wp_id[wp_id] = user

    def _user(self, login: str, name: str, email: str) -> User:
        if login in self.users_by_login:
            return self.users_by_login[login]
        chosen = mapped_user_id(self.author_map, login)
        user = db.session.get(User, chosen) if chosen is not None else None
        if user is not None:
            self.users_by_login[login] = user
            return user
        email = (email or f"{slugify(login) or 'author'}@imported.invalid").strip().lower()[:254]
        user = db.session.scalars(select(User).where(
            or_(User.wp_login == login[:60], User.email == email))).first()
        if user is None:
            # An imported author cannot log in until an admin sets a password.
            user = User(email=email, name=name[:120], slug=unique_user_slug(name),
                        role=Role.AUTHOR, password_hash=None, wp_login=login[:60],
                        import_job_id=self.job_id)
            db.session.add(user)
            db.session.flush()
            self.summary.authors_created += 1
        elif user.wp_login is None and user.id not in self.logins_to_set:
            self.logins_to_set[user.id] = login[:60]  # set by finish(), if all goes well
        self.users_by_login[login] = user
        return user

    def _tag(self, name: str, slug: str = "") -> Tag:
        slug = (slugify(slug or name) or slugify(name) or name.lower())[:80]
        if slug in self.tags:
            return self.tags[slug]
        tag = db.session.scalars(select(Tag).where(Tag.slug == slug)).first()
        if tag is None:
            tag = Tag(name=name.strip()[:60], slug=slug, import_job_id=self.job_id)
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
        if post_type == QUESTIONS_POST_TYPE:  # Parley's item of questions about no article
            self._comments(None, comments)
            return
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
        post_id = _id(_text(item, f"{wp}post_id"))
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
        title = plain(_text(item, "title")) or "(untitled)"
        published = parse_wp_date(_text(item, f"{wp}post_date_gmt"),
                                  _text(item, f"{wp}post_date"), self.zone)
        if published is None and status is not ArticleStatus.DRAFT:
            self.summary.note("published post without a valid date: dated at import time")
            published = self.now
        creator = _text(item, DC_CREATOR)
        author = self._user(creator, creator, "") if creator else self._fallback_author()
        content = _raw(item, CONTENT)
        body_html = clean_article_html(autop(content))
        excerpt = plain(_raw(item, f"{{{self.excerpt_ns}}}encoded"))[:2000]
        article = Article(
            title=title[:200], body_source=content, body_format=BodyFormat.HTML,
            body_html=body_html,
            excerpt=excerpt, summary=excerpt or excerpt_from_html(body_html),
            status=status, published_at=published, author=author,
            comments_open=_text(item, f"{wp}comment_status") != "closed",
            pings_open=_text(item, f"{wp}ping_status") != "closed",
            wp_post_id=post_id, wp_guid=guid or None, created_at=published or self.now,
            import_job_id=self.job_id,
        )
        article.slug = self._unique_slug(_text(item, f"{wp}post_name") or slugify(title) or
                                         f"post-{post_id or 'x'}")
        article.path = self._path(_text(item, "link"), article)
        article.tags = self._item_tags(item)
        article.status = ArticleStatus.DRAFT  # hidden from readers until finish()
        db.session.add(article)
        db.session.flush()
        if status is not ArticleStatus.DRAFT:
            self.hidden[status].append(article.id)
        self.summary.articles[f"created ({status.value})"] += 1
        return article

    def _fallback_author(self) -> User:
        return self._user("imported", "Imported author", "")

    def _item_tags(self, item: Element) -> list[Tag]:
        tags, seen = [], set()
        for node in item.findall("category"):
            if node.get("domain") not in ("category", "post_tag", "tag"):
                continue
            name = plain(node.text or "")
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
        try:
            parts = urlsplit(link) if link else None
        except ValueError:  # not even the shape of an address: make a permalink of our own
            parts = None
        path = parts.path if parts else ""
        if path and path.startswith("/") and path != "/" and not parts.query:
            path = path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/"
            path = path[:400]
            if not db.session.scalar(select(Article.id).where(Article.path == path).limit(1)):
                return path
            self.summary.note("permalink already used by another article: a new one made")
        if article.status is ArticleStatus.DRAFT or article.published_at is None:
            return None
        return permalink_path(article.published_at, article.slug, self.zone)

    # --- comments ------------------------------------------------------------------------------

    def _comments(self, article: Article | None, comments: list[Element]) -> None:
        """An item's comments; `article` None for Parley's item of questions about no article."""
        if not comments:
            return
        wp = f"{{{self.wp}}}"
        on_article = Response.article_id == article.id if article is not None else \
            Response.article_id.is_(None)
        known: dict[int, Response] = {
            r.wp_comment_id: r for r in db.session.scalars(select(Response).where(
                on_article, Response.wp_comment_id.is_not(None)))}
        fresh: list[tuple[Response, int]] = []
        for node in comments:
            wp_id = _id(_text(node, f"{wp}comment_id"))
            if wp_id is not None and wp_id in known:
                self.summary.responses_existing += 1
                if known[wp_id].kind is ResponseKind.QUESTION:  # a duplicate mark may name it
                    self.question_ids[wp_id] = known[wp_id].id
                continue
            response = self._response(article, node, wp_id)
            fresh.append((response, _id(_text(node, f"{wp}comment_parent")) or 0))
            if wp_id is not None:
                known[wp_id] = response
        self._batch_responses += len(fresh)
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
        self._item_questions_done(known)

    def _response(self, article: Article | None, node: Element, wp_id: int | None) -> Response:
        wp = f"{{{self.wp}}}"
        raw_type = _text(node, f"{wp}comment_type")
        kind = COMMENT_KIND.get(raw_type)
        if kind is None:
            self.summary.note(f"comment type “{raw_type}” imported as a comment")
            kind = ResponseKind.COMMENT
        meta = _comment_meta(node, wp)
        if kind is ResponseKind.COMMENT and meta.get("parley_kind", "").strip() == "question":
            kind = ResponseKind.QUESTION  # to WordPress an ordinary comment (Parley's export)
        approved = _text(node, f"{wp}comment_approved")
        status = COMMENT_STATUS.get(approved)
        if status is None:
            self.summary.note(f"comment status “{approved or '(none)'}” imported as pending")
            status = ResponseStatus.PENDING
        created = parse_wp_date(_text(node, f"{wp}comment_date_gmt"),
                                _text(node, f"{wp}comment_date"), self.zone)
        if created is None:
            self.summary.note("comments without a valid date: dated like their post")
            created = (article.published_at if article is not None else None) or self.now
        content = _raw(node, f"{wp}comment_content")
        name = plain(_text(node, f"{wp}comment_author"))
        given_url = _text(node, f"{wp}comment_author_url")
        url = url_or_empty(given_url)
        linkback = kind in (ResponseKind.PINGBACK, ResponseKind.TRACKBACK, ResponseKind.WEBMENTION)
        if given_url and not url:
            self.summary.note(BAD_SOURCE_URL if linkback else BAD_COMMENTER_URL)
        user_id = _id(_text(node, f"{wp}comment_user_id"))
        response = Response(
            article=article, kind=kind, status=status, created_at=created,
            approved_at=created if status is ResponseStatus.APPROVED else None,
            status_changed_at=created,
            author_email=_text(node, f"{wp}comment_author_email").lower()[:254],
            author_url=url, author_ip=_text(node, f"{wp}comment_author_IP")[:45],
            body_source=content, moderation_reason=f"imported from WordPress ({status.value})",
            wp_comment_id=wp_id, import_job_id=self.job_id,
            user=self.users_by_wp_id.get(user_id) if user_id is not None else None,
        )
        if linkback:
            _linkback_fields(response, raw_type, name, url, content, meta)
        else:
            response.author_name = name[:200]
            response.body_html = clean_comment_html(autop(content))
            self._question_fields(response, meta)
        self.summary.responses[(kind.value, status.value)] += 1
        db.session.add(response)
        return response


def _comment_meta(node: Element, wp: str) -> dict[str, str]:
    """A comment's wp:commentmeta as {key: value} (the first value of a repeated key)."""
    meta: dict[str, str] = {}
    for entry in node.findall(f"{wp}commentmeta"):
        meta.setdefault(_text(entry, f"{wp}meta_key"), _raw(entry, f"{wp}meta_value"))
    return meta


def linkback_excerpt(content: str) -> str:
    """The plain text of a linkback's stored content, without WordPress's "[…]" framing
    (templates add it back), so that it is never shown twice."""
    text = " ".join(html.unescape(strip_tags(content)).split())
    return EXCERPT_FRAMING.sub("", text).strip()


def _linkback_fields(response: Response, raw_type: str, name: str, url: str, content: str,
                     meta: dict[str, str]) -> None:
    """Fill a linkback's source and excerpt from a WordPress comment, as WordPress keeps them.

    A pingback's author is the linking page's title; a trackback's is the blog's name, with
    the post's title in <strong> before the excerpt; a webmention (Semantic Linkbacks) names
    its person and keeps the post's address in "canonical". Parley's own exports also write
    the title and site name apart, so they come back exactly.
    """
    title, site = meta.get("parley_source_title"), meta.get("parley_source_site")
    if response.kind is ResponseKind.TRACKBACK and (found := TRACKBACK_CONTENT.match(content)):
        title = plain(found.group(1)) if title is None else title
        site = name if site is None else site
        content = found.group(2)
    response.source_url, response.author_url = url, ""
    person = False
    if response.kind is ResponseKind.WEBMENTION:
        mention = meta.get("semantic_linkbacks_type", "").strip().lower() or raw_type
        response.mention_type = WEBMENTION_TYPES.get(mention, "mention")
        response.source_url = url_or_empty(meta.get("semantic_linkbacks_canonical")) or url
        response.author_photo = url_or_empty(meta.get("semantic_linkbacks_avatar"))
        person = response.mention_type in PERSON_MENTIONS
    if person:
        response.source_title, response.source_site = plain(title or "")[:300], plain(site or "")
        if name != response.source_label:
            response.author_name = name[:200]
        if url != response.source_url:
            response.author_url = url
    else:
        response.source_title = plain(name if title is None else title)[:300]
    response.source_site = plain(site or "")[:200]
    if response.kind is ResponseKind.WEBMENTION and response.mention_type == "reply":
        response.body_html = clean_comment_html(autop(content))
        response.body_source = " ".join(html.unescape(strip_tags(content)).split())
    else:
        response.body_source = linkback_excerpt(content)
        response.body_html = html.escape(response.body_source, quote=False)


def max_text_bytes() -> int:
    """The configured cap on any one text in a file (WXR_MAX_TEXT_BYTES)."""
    if has_app_context():
        return int(current_app.config.get("WXR_MAX_TEXT_BYTES", DEFAULT_MAX_TEXT_BYTES))
    return DEFAULT_MAX_TEXT_BYTES


def mapped_user_id(author_map: dict[str, int], login: str) -> int | None:
    """The Parley user chosen for a WordPress login, or None: a new user (or the account an
    earlier import made for that login or e-mail). Logins are matched as WordPress stores
    them, and a choice that is not a positive id counts as no choice."""
    chosen = author_map.get(login)
    return chosen if isinstance(chosen, int) and not isinstance(chosen, bool) and chosen > 0 \
        else None


@dataclass
class WxrAuthor:
    login: str
    name: str
    email: str


def read_authors(source: BinaryIO, *, limit: int = 500) -> list[WxrAuthor]:
    """The <wp:author> list at the head of a WXR file (read up to the first item, so a large
    file costs no more than its head); [] for a file that is not WXR: the import says why."""
    authors: list[WxrAuthor] = []
    try:
        for _event, node in iterparse(source, events=("end",), forbid_dtd=False,
                                      forbid_entities=True, forbid_external=True):
            local = node.tag.rsplit("}", 1)[-1]
            if local == "item":
                break
            if local == "author" and "wordpress.org/export" in node.tag:
                values = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip()
                          for child in node}
                if values.get("author_login"):
                    authors.append(WxrAuthor(
                        login=values["author_login"][:60],
                        name=plain(values.get("author_display_name", ""))[:120]
                        or values["author_login"][:60],
                        email=values.get("author_email", "")[:254]))
                if len(authors) >= limit:
                    break
    except (ParseError, DefusedXmlException):
        return []
    return authors


def import_wxr(source: BinaryIO, *, zone: ZoneInfo, now: datetime,
               progress: Callable[[], None] | None = None, job_id: int | None = None,
               checkpoint: Callable[[], None] | None = None, batching: Batching = Batching(),
               max_text: int | None = None,
               author_map: dict[str, int] | None = None) -> ImportSummary:
    """Import a WXR stream; raise WxrError with a reason a person can act on.

    Never commits by itself: with a `checkpoint` it calls it between batches (the caller
    commits there); the last batch and `finish()` are left for the caller to commit.
    """
    importer = Importer(zone, now, job_id=job_id, checkpoint=checkpoint, batching=batching,
                        max_text_bytes=max_text if max_text is not None else max_text_bytes(),
                        author_map=author_map)
    with db.session.no_autoflush:
        return importer.run(source, progress)
