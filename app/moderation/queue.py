"""The moderation queue's queries: tabs, filters, search, counts, one page of rows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.core.converters import int_arg
from app.extensions import db
from app.models import Article, Response, ResponseKind, ResponseStatus

TABS = ("all", "pending", "approved", "spam", "trash")
PER_PAGE = 20
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
        # "All" is what WordPress shows there: everything not spam or trash.
        query = query.where(Response.status.in_((ResponseStatus.PENDING,
                                                 ResponseStatus.APPROVED)))
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


def queue_page(f: QueueFilter):
    """One page of the queue, newest first, with the article and parent each row shows."""
    query = (_filtered(f)
             .options(joinedload(Response.article), joinedload(Response.parent))
             .order_by(Response.created_at.desc(), Response.id.desc()))
    return db.paginate(query, page=f.page, per_page=PER_PAGE, error_out=False)


def tab_counts(f: QueueFilter) -> dict[str, int]:
    """Count each tab under the current kind, article and search filters, in one query."""
    inner = _filtered(f, with_status=False).subquery()
    rows = db.session.execute(select(inner.c.status, func.count()).group_by(inner.c.status))
    counts = {status.value if hasattr(status, "value") else status: n for status, n in rows}
    counts = {tab: counts.get(tab, 0) for tab in TABS[1:]}
    counts["all"] = counts["pending"] + counts["approved"]
    return counts


def articles_with_responses() -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Article.id, Article.title).where(Article.id.in_(select(Response.article_id)))
        .order_by(Article.title)))
