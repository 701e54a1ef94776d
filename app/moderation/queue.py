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

import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, literal, or_, select, union, union_all
from sqlalchemy.orm import joinedload

from app.core.converters import int_arg
from app.core.paging import Paged
from app.core.timefmt import to_site_time
from app.extensions import db
from app.models import Article, Response, ResponseKind, ResponseStatus
from app.models.response import ResponseCount

TABS = ("all", "pending", "approved", "spam", "trash")
# What "All" shows, as WordPress does: everything not spam or trash.
ALL = (ResponseStatus.PENDING, ResponseStatus.APPROVED)
PER_PAGE = 20
PER_PAGE_CHOICES = (20, 50, 100)
# Column headers sort by these, newest (desc) first unless the URL says asc.
SORTS = ("date", "article")
ORDERS = ("desc", "asc")
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
    sort: str = "date"  # "date" or "article"
    order: str = "desc"
    per_page: int = PER_PAGE
    mine: int | None = None  # a user id: only responses on that author's articles

    @classmethod
    def from_args(cls, args, *, user_id: int | None = None,
                  per_page: int | None = None) -> QueueFilter:
        """Read the filter from the URL. `user_id` is the moderator's, for "Mine"; `per_page`
        the one they chose before (the URL's wins)."""
        status = args.get("status", "pending")
        kind = args.get("kind", "")
        sort, order = args.get("sort", "date"), args.get("order", "desc")
        return cls(
            status=status if status in TABS else "pending",
            kind=kind if kind in {k.value for k in ResponseKind} else "",
            article_id=int_arg(args, "article", None),
            search=args.get("q", "").strip()[:200],
            page=int_arg(args, "page", 1),
            looks=args.get("looks", "") if args.get("looks", "") in LOOKS else "",
            sort=sort if sort in SORTS else "date",
            order=order if order in ORDERS else "desc",
            per_page=clean_per_page(int_arg(args, "per_page", per_page or PER_PAGE)),
            mine=user_id if args.get("mine") == "1" and user_id else None,
        )

    def as_args(self, **changes) -> dict:
        values = {"status": self.status, "kind": self.kind, "article": self.article_id,
                  "q": self.search, "page": self.page, "looks": self.looks,
                  "sort": self.sort, "order": self.order, "per_page": self.per_page,
                  "mine": "1" if self.mine else "", **changes}
        defaults = {"page": 1, "sort": "date", "order": "desc", "per_page": PER_PAGE}
        return {k: v for k, v in values.items()
                if k == "status" or (v not in ("", None) and defaults.get(k) != v)}

    def sort_args(self, column: str) -> dict:
        """The URL of a sortable column's header: this column, the other order if it is the
        current one (dates start newest first, articles from the first)."""
        if self.sort == column:
            order = "asc" if self.order == "desc" else "desc"
        else:
            order = "desc" if column == "date" else "asc"
        return self.as_args(sort=column, order=order, page=1)


def clean_per_page(value: int) -> int:
    """One of the offered page sizes: the nearest above what was asked, at most the largest."""
    for choice in PER_PAGE_CHOICES:
        if value <= choice:
            return choice
    return PER_PAGE_CHOICES[-1]


# The bulk menu of each tab: only what applies to every row it shows (`to_question`, turning
# comments into questions, is question_views' own action).
BULK_ACTIONS = {
    "all": ("approve", "unapprove", "spam", "trash", "to_question"),
    "pending": ("approve", "spam", "trash", "to_question"),
    "approved": ("unapprove", "spam", "trash", "to_question"),
    "spam": ("not_spam", "trash", "delete"),
    "trash": ("restore", "delete"),
}
BULK_LABELS = {"approve": "Approve", "unapprove": "Unapprove", "spam": "Mark as spam",
               "not_spam": "Not spam", "trash": "Move to trash", "restore": "Restore",
               "delete": "Delete permanently", "to_question": "Turn into questions"}


def bulk_actions(tab: str) -> list[tuple[str, str]]:
    """(action, label) for the bulk menu of a tab."""
    return [(name, BULK_LABELS[name]) for name in BULK_ACTIONS.get(tab, ())]


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
    if f.mine:
        query = query.where(Response.article_id.in_(
            select(Article.id).where(Article.author_id == f.mine)))
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
class QueuePage(Paged):
    """One page of the queue, with what its pagination shows."""

    items: list[Response]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.total else 0

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


NEWEST = (Response.created_at.desc(), Response.id.desc())


def ordering(f: QueueFilter) -> tuple:
    """ORDER BY of a page: by date (then id), or by article (then date), either way round.
    Both read off the (status, created_at, id) and (article_id, status, created_at, id)
    indexes."""
    columns = [Response.created_at, Response.id]
    if f.sort == "article":
        columns.insert(0, Response.article_id)
    return tuple(c.asc() if f.order == "asc" else c.desc() for c in columns)


def _page_ids(f: QueueFilter, offset: int):
    """The ids of one page of "All" by date: the first `offset + per_page` rows of each status
    (each read off its index in order), merged. A single `status IN (…) ORDER BY created_at`
    could only be answered by sorting every pending and approved row. (A search reads every
    row anyway, and finds few: it is sorted in one query.)"""
    branches = []
    for status in ALL:
        first = (_filtered(replace(f, status=status.value))
                 .with_only_columns(Response.id, Response.created_at)
                 .order_by(*ordering(f)).limit(offset + f.per_page).subquery())
        branches.append(select(first.c.id, first.c.created_at))
    merged = union_all(*branches).subquery()
    by = (merged.c.created_at, merged.c.id)
    return (select(merged.c.id)
            .order_by(*(c.asc() if f.order == "asc" else c.desc() for c in by))
            .limit(f.per_page).offset(offset))


def queue_page(f: QueueFilter, total: int | None = None) -> QueuePage:
    """One page of the queue in the filter's order, with the article and parent each row
    shows.

    `total` is the tab's count (`tab_counts`), which the view has already; without it the
    rows are counted."""
    if total is None:
        total = tab_counts(f)[f.status]
    page = max(f.page, 1)
    offset = (page - 1) * f.per_page
    if offset >= total:
        return QueuePage(items=[], page=page, per_page=f.per_page, total=total)
    if f.status == "all" and f.sort == "date" and not (f.search or f.looks):
        query = select(Response).where(Response.id.in_(_page_ids(f, offset)))
    else:
        query = _filtered(f).limit(f.per_page).offset(offset)
    query = query.options(joinedload(Response.article), joinedload(Response.parent))
    items = list(db.session.scalars(query.order_by(*ordering(f))))
    return QueuePage(items=items, page=page, per_page=f.per_page, total=total)


def tab_counts(f: QueueFilter) -> dict[str, int]:
    """Count each tab under the current kind, article and search filters, in one query: from
    the database's counters when only the kind is filtered, else over the filtered rows."""
    if f.article_id or f.search or f.looks or f.mine:
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


PLACES = {"pending": "waiting in Pending", "approved": "approved and published",
          "spam": "in Spam", "trash": "in the Trash"}


def status_place(status) -> str:
    """Where a response is, for a sentence: "in the Trash"."""
    return PLACES[getattr(status, "value", status)]


def format_day(value: datetime) -> str:
    """"3 June 2025", in the site's zone."""
    local = to_site_time(value)
    return f"{local.day} {local:%B} {local.year}"


# --- why a response is where it is, as a sentence -------------------------------------------
# The stored reasons are short codes ("held: 3 links", "trash: trash by Sam"); the queue says
# them as sentences.
_ACTION_REASON = re.compile(r"^(\w+): ([\w ]+?) by (.+)$")
_ACTION_WORDS = {"approve": "Approved", "unapprove": "Unapproved", "spam": "Marked spam",
                 "not spam": "Marked not spam", "trash": "Moved to the trash",
                 "restore": "Restored from the trash"}


def reason_sentence(reason: str, changed_at: datetime | None = None, *,
                    max_links: int | None = None) -> str:
    """Say a stored moderation reason as a sentence a moderator reads at a glance."""
    reason = (reason or "").strip()
    on = f" on {format_day(changed_at)}" if changed_at else ""
    if match := _ACTION_REASON.match(reason):
        status, action, who = match.groups()
        if action in _ACTION_WORDS and status in {s.value for s in ResponseStatus}:
            return f"{_ACTION_WORDS[action]} by {who}{on}"
    if match := re.fullmatch(r"held: (\d+) links?", reason):
        links = int(match.group(1))
        limit = f" ({max_links} or more are held)" if max_links else ""
        return f"Held: {links} link{'' if links == 1 else 's'}{limit}"
    if match := re.fullmatch(r"(spam|held): (disallowed|moderation) word '(.*)' in (.+)",
                             reason):
        kind, list_name, word, field = match.groups()
        where = "" if field == "content" else f" in its {field}"
        start = "Marked spam" if kind == "spam" else "Held"
        return f"{start}: contains the {list_name} word “{word}”{where}"
    if match := re.fullmatch(r"spam: block list '(.*)'", reason):
        return f"Marked spam: matches “{match.group(1)}” on the block list"
    if match := re.fullmatch(r"spam: form filled in ([\d.]+) s", reason):
        return f"Marked spam: the form was filled in {match.group(1)} seconds, faster than a person"
    fixed = {
        "spam: filled the field people cannot see":
            "Marked spam: it filled in the field people cannot see (a bot's trap)",
        "held: every response is approved by hand":
            "Held: every response is approved by hand",
        "held: new responses wait for a moderator":
            "Held: a new author's responses wait for a moderator",
        "approved: author previously approved":
            "Approved at once: the author proved an earlier approved comment is theirs",
        "held: edited by its author while waiting for a moderator":
            "Held: its author edited it while it waited for a moderator",
    }
    if reason in fixed:
        return fixed[reason] + (on if reason.startswith("approved") else "")
    if match := re.fullmatch(r"approved: posted by the site's (\w+)", reason):
        return f"Approved at once: posted by the site's {match.group(1)}{on}"
    if match := re.fullmatch(r"approved: member with (\d+) approved responses", reason):
        return f"Approved at once: a member with {match.group(1)} approved responses{on}"
    if match := re.fullmatch(r"imported from WordPress \((\w+)\)", reason):
        return f"Imported from WordPress as {match.group(1)}"
    if match := re.fullmatch(r"(\w+): (.+)", reason):
        status, rest = match.groups()
        return f"{status.capitalize()}: {rest}"
    return reason[:1].upper() + reason[1:]
