"""Threads in display order: a page of top-level threads, read in one query by path."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.comments.services import Commenter, visible_to
from app.core.settings import DiscussionSettings
from app.extensions import db
from app.models import Article, Response


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

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def ids(self) -> set[int]:
        """The ids of every response shown on this page."""
        found, stack = set(), list(self.roots)
        while stack:
            node = stack.pop()
            found.add(node.response.id)
            stack.extend(node.children)
        return found

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


def _ordered_threads(settings: DiscussionSettings):
    return Response.thread_id.desc() if settings.newest_first else Response.thread_id.asc()


def thread_page(article: Article, commenter: Commenter | None, settings: DiscussionSettings,
                page: int) -> ThreadPage:
    """Return one page of the article's threads that this reader may see."""
    shown = (Response.article_id == article.id, visible_to(commenter))
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
    return ThreadPage(build_tree(responses, settings.thread_depth), page, pages)


def page_of(response: Response, settings: DiscussionSettings) -> int:
    """Return the page of approved threads on which this response's thread is shown."""
    per_page = max(settings.threads_per_page, 1)
    before = Response.thread_id > response.thread_id if settings.newest_first else \
        Response.thread_id < response.thread_id
    earlier = db.session.scalar(
        select(func.count(func.distinct(Response.thread_id)))
        .where(Response.article_id == response.article_id, visible_to(None), before)) or 0
    return earlier // per_page + 1
