"""The moderation queue's queries: tabs, filters, search, counts, one page of rows.

A site may hold a million responses, so nothing here reads them all (counting a million rows
alone takes longer than a page may): the tab counts come from the counters the database keeps
(`models.response.ResponseCount`: one row per kind and status) unless an article, a search or
"looks like a question" narrows the rows, and then from those rows (an article's go through its
index); a page is read off the (status, created_at, id), (kind, status, created_at, id) or
(article_id, status, created_at, id) index, and "All" (two statuses) merges a page of each; its
total is the tab's count, not one more count. The article menu lists the articles of the latest
responses, not every article.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, literal, or_, select, union, union_all
from sqlalchemy.orm import joinedload

from app.core.converters import int_arg
from app.extensions import db
from app.models import Article, Response, ResponseKind, ResponseStatus
from app.models.response import ResponseCount

TABS = ("all", "pending", "approved", "spam", "trash")
# What "All" shows, as WordPress does: everything not spam or trash.
ALL = (ResponseStatus.PENDING, ResponseStatus.APPROVED)
PER_PAGE = 20
# The article menu: the articles of the latest responses, at most this many.
MENU_RESPONSES, MENU_ARTICLES = 500, 60
# `?looks=question` lists comments that read like unanswered
# questions (app/questions/curation.py says what that is).
LOOKS = ("question",)


@dataclass(frozen=True)
class QueueFilter:
    status: str = "pending"
    kind: str = ""
    article_id: int | None = None
    search: str = ""
    page: int = 1
    looks: str = ""  # "question": comments that read like unanswered questions

    @classmethod
    def from_args(cls, args) -> QueueFilter:
        status = args.get("status", "pending")
        kind = args.get("kind", "")
        return cls(
            status=status if status in TABS else "pending",
            kind=kind if kind in {k.value for k in ResponseKind} else "",
            article_id=int_arg(args, "article", None),
            search=args.get("q", "").strip()[:200],
            page=int_arg(args, "page", 1),
            looks=args.get("looks", "") if args.get("looks", "") in LOOKS else "",
        )

    def as_args(self, **changes) -> dict:
        values = {"status": self.status, "kind": self.kind, "article": self.article_id,
                  "q": self.search, "page": self.page, "looks": self.looks, **changes}
        return {k: v for k, v in values.items()
                if k == "status" or (v not in ("", None) and not (k == "page" and v == 1))}


def _filtered(f: QueueFilter, *, with_status: bool = True):
    query = select(Response)
    if with_status and f.status != "all":
        query = query.where(Response.status == ResponseStatus(f.status))
    elif with_status:
        query = query.where(Response.status.in_(ALL))
    if f.kind:
        query = query.where(Response.kind == ResponseKind(f.kind))
    if f.article_id:
        query = query.where(Response.article_id == f.article_id)
    if f.search:
        like = f"%{f.search.lower()}%"
        query = query.where(or_(
            func.lower(Response.body_source).like(like),
            func.lower(Response.author_name).like(like),
            func.lower(Response.author_email).like(like),
            func.lower(Response.author_url).like(like),
            func.lower(Response.source_title).like(like),
            Response.author_ip.like(f"{f.search}%"),
        ))
    if f.looks == "question":
        # Imported here: app.comments.services loads this package half-way through itself,
        # and the questions package needs names from it.
        from app.questions.curation import unanswered_question_like

        query = query.where(unanswered_question_like())
    return query


@dataclass
class QueuePage:
    """One page of the queue, with what its pagination shows."""

    items: list[Response]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


NEWEST = (Response.created_at.desc(), Response.id.desc())


def _page_ids(f: QueueFilter, offset: int):
    """The ids of one page of "All": the newest `offset + PER_PAGE` rows of each status (each
    read off its index in order), merged. A single `status IN (…) ORDER BY created_at` could
    only be answered by sorting every pending and approved row. (A search reads every row
    anyway, and finds few: it is sorted in one query.)"""
    branches = []
    for status in ALL:
        newest = (_filtered(replace(f, status=status.value))
                  .with_only_columns(Response.id, Response.created_at)
                  .order_by(*NEWEST).limit(offset + PER_PAGE).subquery())
        branches.append(select(newest.c.id, newest.c.created_at))
    merged = union_all(*branches).subquery()
    return (select(merged.c.id).order_by(merged.c.created_at.desc(), merged.c.id.desc())
            .limit(PER_PAGE).offset(offset))


def queue_page(f: QueueFilter, total: int | None = None) -> QueuePage:
    """One page of the queue, newest first, with the article and parent each row shows.

    `total` is the tab's count (`tab_counts`), which the view has already; without it the
    rows are counted."""
    if total is None:
        total = tab_counts(f)[f.status]
    page = max(f.page, 1)
    offset = (page - 1) * PER_PAGE
    if offset >= total:
        return QueuePage(items=[], page=page, per_page=PER_PAGE, total=total)
    if f.status == "all" and not (f.search or f.looks):
        query = select(Response).where(Response.id.in_(_page_ids(f, offset)))
    else:
        query = _filtered(f).limit(PER_PAGE).offset(offset)
    query = query.options(joinedload(Response.article), joinedload(Response.parent))
    items = list(db.session.scalars(query.order_by(*NEWEST)))
    return QueuePage(items=items, page=page, per_page=PER_PAGE, total=total)


def tab_counts(f: QueueFilter) -> dict[str, int]:
    """Count each tab under the current kind, article and search filters, in one query: from
    the database's counters when only the kind is filtered, else over the filtered rows."""
    if f.article_id or f.search or f.looks:
        inner = _filtered(f, with_status=False).subquery()
        rows = db.session.execute(select(inner.c.status, func.count())
                                  .group_by(inner.c.status))
    else:
        query = select(ResponseCount.status, func.sum(ResponseCount.total))
        if f.kind:
            query = query.where(ResponseCount.kind == f.kind)
        rows = db.session.execute(query.group_by(ResponseCount.status))
    counts = {getattr(status, "value", status): int(n or 0) for status, n in rows}
    counts = {tab: counts.get(tab, 0) for tab in TABS[1:]}
    counts["all"] = counts["pending"] + counts["approved"]
    return counts


def articles_with_responses(selected: int | None = None) -> list[tuple[int, str]]:
    """The article menu, by title: the articles of the latest responses (a site with
    thousands of discussed articles would make an unusable menu, and reading them all costs
    more than the page) and the one the queue is filtered by. Any other article is one click
    away: each row's "only this article" link."""
    latest = (select(Response.article_id, Response.id)
              .where(Response.article_id.is_not(None))
              .order_by(Response.id.desc()).limit(MENU_RESPONSES).subquery())
    recent = (select(latest.c.article_id).group_by(latest.c.article_id)
              .order_by(func.max(latest.c.id).desc()).limit(MENU_ARTICLES))
    ids = select(recent.subquery().c.article_id)
    if selected:  # a union, not an OR: PostgreSQL read every article for the OR
        ids = union(ids, select(literal(selected)))
    return list(db.session.execute(select(Article.id, Article.title)
                                   .where(Article.id.in_(ids))
                                   .order_by(Article.title, Article.id)))
