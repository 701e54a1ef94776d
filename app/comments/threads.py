"""Threads in display order: a page of top-level threads, read in one query by path.

Linkbacks are responses like any other and sit in their chronological place, unless the
`linkbacks_separate` setting moves the threads they start into lists of their own under the
comments (one more query, shown whole on every page). Likes and reposts are never in a thread:
they are faces under the article (`reactions_for`, one query).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, not_, select
from sqlalchemy.orm import joinedload

from app.comments.services import Commenter, visible_to
from app.core.settings import DiscussionSettings
from app.extensions import db
from app.models import Article, Response, ResponseKind, ResponseStatus
from app.models.response import LINKBACK_KINDS


@dataclass
class Node:
    response: Response
    depth: int
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None


@dataclass
class ThreadPage:
    roots: list[Node]
    page: int
    pages: int
    # With `linkbacks_separate`: the threads that linkbacks start, shown in their own lists.
    linkbacks: list[Node] = field(default_factory=list)

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
    def responses(self) -> list[Response]:
        """Every response shown on this page."""
        found, stack = [], [*self.roots, *self.linkbacks]
        while stack:
            node = stack.pop()
            found.append(node.response)
            stack.extend(node.children)
        return found

    @property
    def ids(self) -> set[int]:
        """The ids of every response shown on this page."""
        return {r.id for r in self.responses}

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def build_tree(responses: list[Response], max_depth: int) -> list[Node]:
    """Nest responses (given in path order) under their nearest shown ancestor.

    A reply deeper than the depth setting hangs under the deepest ancestor that may have
    children, so it shows at the last allowed level; one hidden in between is skipped over.
    """
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for response in responses:
        parent = next((nodes[a] for a in reversed(response.ancestor_ids) if a in nodes), None)
        while parent is not None and parent.depth >= max_depth - 1:
            parent = parent.parent
        node = Node(response, depth=parent.depth + 1 if parent else 0, parent=parent)
        (parent.children if parent else roots).append(node)
        nodes[response.id] = node
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


def _in_discussion(article_id: int, settings: DiscussionSettings) -> list[ColumnElement]:
    """What the paginated discussion holds: no reactions, nor separately listed linkbacks."""
    conditions = [Response.article_id == article_id, not_(Response.is_reaction)]
    if settings.linkbacks_separate:
        conditions.append(Response.thread_id.not_in(_linkback_threads(article_id)))
    return conditions


def thread_page(article: Article, commenter: Commenter | None, settings: DiscussionSettings,
                page: int) -> ThreadPage:
    """Return one page of the article's threads that this reader may see."""
    shown = (*_in_discussion(article.id, settings), visible_to(commenter))
    threads = db.session.scalar(select(func.count(func.distinct(Response.thread_id)))
                                .where(*shown)) or 0
    per_page = max(settings.threads_per_page, 1)
    pages = max((threads + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    # With their accounts, in the same query: a response by staff shows a badge.
    query = select(Response).where(*shown).options(joinedload(Response.user))
    if pages > 1:
        thread_ids = (select(Response.thread_id).where(*shown).group_by(Response.thread_id)
                      .order_by(_ordered_threads(settings))
                      .limit(per_page).offset((page - 1) * per_page))
        query = query.where(Response.thread_id.in_(thread_ids))
    query = query.order_by(_ordered_threads(settings), Response.path)
    responses = list(db.session.scalars(query))
    from app.questions.tags import load_question_tags  # questions build on this module

    load_question_tags(responses)
    linkbacks = separate_linkbacks(article, commenter, settings)
    return ThreadPage(build_tree(responses, settings.thread_depth), page, pages, linkbacks)


def separate_linkbacks(article: Article, commenter: Commenter | None,
                       settings: DiscussionSettings) -> list[Node]:
    """The threads linkbacks start, whole, when the setting lists them apart (else none)."""
    if not settings.linkbacks_separate:
        return []
    query = (select(Response).options(joinedload(Response.user))
             .where(Response.thread_id.in_(_linkback_threads(article.id)),
                    not_(Response.is_reaction), visible_to(commenter))
             .order_by(_ordered_threads(settings), Response.path))
    return build_tree(list(db.session.scalars(query)), settings.thread_depth)


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
