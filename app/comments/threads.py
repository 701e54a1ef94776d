"""Threads in display order: a page of top-level threads, read in one query by path.

The page reads only what places a response and keys its rendered HTML (`ThreadRow`: plain
columns, no ORM object); the HTML itself comes from the fragment cache
(app/comments/fragments.py), and the full rows are loaded only for the responses whose
fragment is missing (`full_rows`). The same query counts the page's threads and the
article's approved responses and reactions, and reads the site's version (part of every
fragment's key), so a page costs one query however many responses it shows.

Linkbacks are responses like any other and sit in their chronological place, unless the
`linkbacks_separate` setting moves the threads they start into lists of their own under the
comments (one more query, shown whole on every page). Likes and reposts are never in a thread:
they are faces under the article (`reactions_for`, one query, only when there are any).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    func,
    not_,
    select,
    type_coerce,
)
from sqlalchemy.orm import joinedload

from app.comments.services import Commenter, visible_to
from app.extensions import db
from app.models import Article, CacheScope, Response, ResponseKind, ResponseStatus
from app.models.response import LINKBACK_KINDS
from app.moderation.settings import DiscussionSettings


class ThreadRow:
    """One response as a page of threads needs it: where it goes, who may see and change
    it, and its version (the key of its rendered HTML). The attributes keep `Response`'s
    names, so the rules that read responses (`services.can_change`, `build_tree`) read these
    too. Read as the database hands the columns over (no type conversion per row: a page may
    hold a thousand); the creation date, which only a reader's own responses need (the edit
    window), is converted when read."""

    __slots__ = ("id", "parent_id", "path", "status", "kind", "version", "user_id",
                 "accepted_answer_id", "author_email", "_created")

    COLUMNS = (Response.id, Response.parent_id, Response.path,
               type_coerce(Response.status, String).label("status"),
               type_coerce(Response.kind, String).label("kind"),
               Response.version, Response.user_id, Response.accepted_answer_id,
               Response.author_email, type_coerce(Response.created_at, String).label("created"))

    def __init__(self, id: int, parent_id: int | None, path: str, status: str, kind: str,
                 version: int, user_id: int | None, accepted_answer_id: int | None,
                 author_email: str, created: datetime | str):
        self.id, self.parent_id, self.path = id, parent_id, path
        self.status, self.kind = _STATUSES[status], _KINDS[kind]
        self.version, self.user_id = version, user_id
        self.accepted_answer_id, self.author_email = accepted_answer_id, author_email
        self._created = created

    @classmethod
    def of(cls, response: Response) -> ThreadRow:
        """The row of a loaded response (a new one, shown alone)."""
        return cls(response.id, response.parent_id, response.path, response.status,
                   response.kind, response.version, response.user_id,
                   response.accepted_answer_id, response.author_email, response.created_at)

    @property
    def created_at(self) -> datetime:
        return _aware(self._created)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.split(".")[:-1]]

    @property
    def is_question(self) -> bool:
        return self.kind is ResponseKind.QUESTION

    @property
    def is_pending(self) -> bool:
        """Held or quietly spammed: only its author sees it, marked as awaiting moderation."""
        return self.status is ResponseStatus.PENDING or self.status is ResponseStatus.SPAM

    def __repr__(self) -> str:
        return f"<ThreadRow {self.id} {self.kind.value} {self.status.value} v{self.version}>"


def _aware(value: datetime | str | None) -> datetime | None:
    """Aware UTC, as `UTCDateTime` gives it, from what the database hands over without it
    (SQLite: text; PostgreSQL: an aware datetime)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Members by value (a StrEnum member finds itself too).
_STATUSES = {status.value: status for status in ResponseStatus}
_KINDS = {kind.value: kind for kind in ResponseKind}


@dataclass(slots=True)
class Node:
    # A `ThreadRow` on article pages; the question page nests loaded `Response`s.
    response: ThreadRow | Response
    depth: int
    # A list once it has a reply (most responses have none: one list less each).
    children: list[Node] | tuple = ()


@dataclass
class ThreadPage:
    roots: list[Node]
    page: int
    pages: int
    # With `linkbacks_separate`: the threads that linkbacks start, shown in their own lists.
    linkbacks: list[Node] = field(default_factory=list)
    # Read in the page's query: the article's approved responses (the count under its title:
    # `blog.services.response_counts`) and approved likes and reposts (faces to load).
    approved: int = 0
    reactions: int = 0
    # `freshness.SITE` as the page's query read it (version, when it last moved): the key of
    # every fragment rendered for the page (app/comments/fragments.py).
    site: tuple = (0, None)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def pings(self) -> list[Node]:
        """The separate list of pingbacks and trackbacks."""
        return [n for n in self.linkbacks if n.response.kind != ResponseKind.WEBMENTION]

    @property
    def mentions(self) -> list[Node]:
        """The separate list of webmentions (replies stay in the discussion)."""
        return [n for n in self.linkbacks if n.response.kind == ResponseKind.WEBMENTION]

    @property
    def nodes(self) -> list[Node]:
        """Every node shown on this page, each before its replies."""
        found, stack = [], [*reversed(self.linkbacks), *reversed(self.roots)]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.children))
        return found

    @property
    def responses(self) -> list[ThreadRow]:
        """Every response shown on this page (as `ThreadRow`s), in display order."""
        return [node.response for node in self.nodes]

    @property
    def ids(self) -> set[int]:
        """The ids of every response shown on this page."""
        return {node.response.id for node in self.nodes}

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def build_tree(responses: list, max_depth: int) -> list[Node]:
    """Nest responses (given in path order) under their nearest shown ancestor.

    A reply deeper than the depth setting hangs under the deepest ancestor that may have
    children, so it shows at the last allowed level; one hidden in between is skipped over.
    Ancestors are read from the materialised path, nearest first (usually the first one read
    is shown). A page may hold a thousand responses, so this makes as few objects as it can:
    no list per path, no link from a node back to its parent (a tree without cycles is freed
    as soon as the page is sent, without the garbage collector).
    """
    nodes: dict[int, Node] = {}
    parents: dict[int, Node | None] = {}
    roots: list[Node] = []
    last = max_depth - 1
    for response in responses:
        path, parent = response.path, None
        end = path.rfind(".")
        while end > 0:
            start = path.rfind(".", 0, end) + 1
            parent = nodes.get(int(path[start:end]))
            if parent is not None:
                break
            end = start - 1
        while parent is not None and parent.depth >= last:
            parent = parents[parent.response.id]
        if parent is None:
            node = Node(response, 0)
            roots.append(node)
        else:
            node = Node(response, parent.depth + 1)
            if parent.children:
                parent.children.append(node)
            else:
                parent.children = [node]
        nodes[response.id] = node
        parents[response.id] = parent
    return roots


@dataclass
class Reactions:
    """Approved likes and reposts of an article, oldest first."""

    likes: list[Response] = field(default_factory=list)
    reposts: list[Response] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.likes or self.reposts)


def _ordered_threads(settings: DiscussionSettings):
    return Response.thread_id.desc() if settings.newest_first else Response.thread_id.asc()


def _linkback_threads(article_id: int):
    """Ids of the threads a linkback starts (a webmention reply is conversation: not one)."""
    return select(Response.id).where(
        Response.article_id == article_id, Response.parent_id.is_(None),
        Response.kind.in_(LINKBACK_KINDS),
        not_(and_(Response.kind == ResponseKind.WEBMENTION, Response.mention_type == "reply")))


def _in_discussion(article_id, settings: DiscussionSettings) -> list[ColumnElement]:
    """What the paginated discussion holds: no reactions, nor separately listed linkbacks."""
    conditions = [Response.article_id == article_id, not_(Response.is_reaction)]
    if settings.linkbacks_separate:
        conditions.append(Response.thread_id.not_in(_linkback_threads(article_id)))
    return conditions


def _approved(article_id, *, reactions: bool):
    """How many approved responses (or likes and reposts) the article has, as a subquery."""
    kind = Response.is_reaction if reactions else not_(Response.is_reaction)
    return (select(func.count()).select_from(Response)
            .where(Response.article_id == article_id,
                   Response.status == ResponseStatus.APPROVED, kind)
            .scalar_subquery())


_ARTICLE = bindparam("article_id")


@cache
def _reader_free_parts(linkbacks_separate: bool) -> tuple:
    """The parts of the page's statement that are the same for every article and reader,
    built once (the article's id is a parameter): SQL expressions cost more to build than a
    page of rows costs to read."""
    settings = DiscussionSettings(linkbacks_separate=linkbacks_separate)
    return (tuple(_in_discussion(_ARTICLE, settings)),
            _approved(_ARTICLE, reactions=False).label("approved"),
            _approved(_ARTICLE, reactions=True).label("reactions"))


@cache
def _public_page_query(linkbacks_separate: bool, newest_first: bool):
    """The page's statement for a reader who sees what everyone sees (no held response of
    their own to show: a guest without any, a page-cache miss), built once."""
    discussion, approved, reactions = _reader_free_parts(linkbacks_separate)
    return _page_query((*discussion, visible_to(None)), approved, reactions, newest_first)


def site_stamp_columns() -> tuple:
    """`freshness.SITE`'s version and when it last moved, as subqueries: read in the same
    statement as the rows they key, they describe the same state of the database (one
    transaction's snapshot on SQLite), so no fragment is ever kept under a version newer than
    what it shows."""
    from app.core import freshness

    scope = CacheScope.__table__.c
    site = scope.name == freshness.SITE
    return (select(scope.version).where(site).scalar_subquery().label("site_version"),
            select(scope.changed_at).where(site).scalar_subquery().label("site_changed"))


def _page_query(shown: tuple, approved, reactions, newest_first: bool):
    """One statement: the counts and the site's version (a one-row subquery), joined to the
    page's rows, so that even an empty page answers with them. Parameters: the article's id,
    the threads a page holds (`limit`) and the threads before it (`offset`)."""
    order = Response.thread_id.desc() if newest_first else Response.thread_id.asc()
    counts = select(
        select(func.count(func.distinct(Response.thread_id))).where(*shown)
        .scalar_subquery().label("threads"), approved, reactions,
        *site_stamp_columns()).subquery("counts")
    on_page = (select(Response.thread_id).where(*shown).group_by(Response.thread_id)
               .order_by(order).limit(bindparam("limit")).offset(bindparam("offset")))
    return (select(counts.c.threads, counts.c.approved, counts.c.reactions,
                   counts.c.site_version, counts.c.site_changed, *ThreadRow.COLUMNS)
            .select_from(counts.outerjoin(
                Response, and_(*shown, Response.thread_id.in_(on_page))))
            .order_by(order, Response.path))


def _core_rows(statement, parameters: dict | None = None):
    """Plain rows on the session's connection (no ORM loading for a thousand tuples), after
    the flush a session query would make."""
    session = db.session
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection().execute(statement, parameters or {})


def thread_page(article: Article, commenter: Commenter | None, settings: DiscussionSettings,
                page: int) -> ThreadPage:
    """Return one page of the article's threads that this reader may see, in one query (two
    for a page past the last one: the last one is shown; three with `linkbacks_separate`)."""
    if commenter is None or (commenter.user is None and not commenter.own_ids):
        query = _public_page_query(settings.linkbacks_separate, settings.newest_first)
    else:
        discussion, approved, reactions = _reader_free_parts(settings.linkbacks_separate)
        query = _page_query((*discussion, visible_to(commenter)), approved, reactions,
                            settings.newest_first)
    per_page = max(settings.threads_per_page, 1)
    page = max(page, 1)
    while True:
        result = _core_rows(query, {"article_id": article.id, "limit": per_page,
                                    "offset": (page - 1) * per_page})
        first = next(result)
        threads, approved_count, reaction_count, site_version, site_changed = first[:5]
        pages = max((threads + per_page - 1) // per_page, 1)
        if page <= pages:
            break
        result.close()
        page = pages
    # Made row by row, each database row let go at once: a page may hold a thousand.
    rows = [ThreadRow(*first[5:])] if first[5] is not None else []
    rows += [ThreadRow(*row[5:]) for row in result]
    linkbacks = separate_linkbacks(article, commenter, settings)
    return ThreadPage(build_tree(rows, settings.thread_depth), page, pages, linkbacks,
                      approved=approved_count, reactions=reaction_count,
                      site=(site_version or 0, _aware(site_changed)))


def separate_linkbacks(article: Article, commenter: Commenter | None,
                       settings: DiscussionSettings) -> list[Node]:
    """The threads linkbacks start, whole, when the setting lists them apart (else none)."""
    if not settings.linkbacks_separate:
        return []
    query = (select(*ThreadRow.COLUMNS)
             .where(Response.thread_id.in_(_linkback_threads(article.id)),
                    not_(Response.is_reaction), visible_to(commenter))
             .order_by(_ordered_threads(settings), Response.path))
    rows = [ThreadRow(*row) for row in _core_rows(query)]
    return build_tree(rows, settings.thread_depth)


def full_rows(ids: list[int]) -> dict[int, Response]:
    """The responses whose HTML must be rendered, with their accounts (a response by staff
    shows a badge) and question tags: two queries at most, whatever their number. Read
    afresh, even objects the session holds already (the reader's own account, the article's
    author, loaded before the page read the site's version): a fragment must show nothing
    older than its key."""
    if not ids:
        return {}
    found = list(db.session.scalars(
        select(Response).where(Response.id.in_(ids)).options(joinedload(Response.user))
        .execution_options(populate_existing=True)))
    from app.questions.tags import load_question_tags  # questions build on this module

    load_question_tags(found)
    return {response.id: response for response in found}


def question_statuses(rows: list[ThreadRow]) -> dict:
    """The status of each question among a page's rows, by the questions' own rule
    (`questions.services.statuses_in`, from the replies on the page: no query). Only the
    questions and their direct replies are read, as unsaved `Response`s that rule takes."""
    questions = {row.id for row in rows if row.kind is ResponseKind.QUESTION}
    if not questions:
        return {}
    from app.questions.services import statuses_in  # questions build on this module

    return statuses_in([
        Response(id=row.id, parent_id=row.parent_id, kind=row.kind, status=row.status,
                 user_id=row.user_id, author_email=row.author_email,
                 accepted_answer_id=row.accepted_answer_id)
        for row in rows if row.id in questions or row.parent_id in questions])


def reactions_for(article: Article) -> Reactions:
    """The article's approved likes and reposts, in one query."""
    rows = db.session.scalars(
        select(Response).where(Response.article_id == article.id, Response.is_reaction,
                               Response.status == ResponseStatus.APPROVED)
        .order_by(Response.created_at, Response.id))
    found = Reactions()
    for row in rows:
        (found.likes if row.mention_type == "like" else found.reposts).append(row)
    return found


def page_of(response: Response, settings: DiscussionSettings) -> int:
    """Return the page of approved threads on which this response's thread is shown."""
    per_page = max(settings.threads_per_page, 1)
    before = Response.thread_id > response.thread_id if settings.newest_first else \
        Response.thread_id < response.thread_id
    earlier = db.session.scalar(
        select(func.count(func.distinct(Response.thread_id)))
        .where(*_in_discussion(response.article_id, settings), visible_to(None), before)) or 0
    return earlier // per_page + 1
