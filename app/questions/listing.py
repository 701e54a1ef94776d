"""The Questions page's list: filters from the address, one page of rows, the feed's entries.

A page costs the same few queries whatever its size or the site's: the count and the page of
ids (a single query when searching: `search.search_questions` counts with a window), one for
those questions with their article, asker and helpful votes (one grouped subquery over the
page's answers), and one for their tags.

Each question's answers are counted by the database as they change (`Response.answer_count`,
`last_activity_at`, `has_accepted_answer`, kept by triggers: models/response.py), so a status
filter, the "most active" order and the count read columns, off indexes (kind, status,
created_at, id) and, of questions only, (kind, status, last_activity_at, id) and the covering
(status, article_id, has_accepted_answer, answer_count), instead of working out every
question's answers at each request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.core.converters import int_arg
from app.core.paging import Paged
from app.extensions import db
from app.models import Article, ArticleStatus, QuestionTag, Response, ResponseKind, ResponseStatus
from app.models.question import question_tag_links
from app.models.types import utcnow
from app.questions import search
from app.questions.rules import QuestionStatus
from app.questions.services import answer_condition

PER_PAGE = 20
FEED_SIZE = 30
# Page numbers past this are not worth an OFFSET (and keep the offset within any integer).
MAX_PAGE = 10_000
STATUSES = tuple(s.value for s in QuestionStatus)
SORTS = ("newest", "active", "relevance")
SORT_LABELS = {"newest": "Newest", "active": "Most active", "relevance": "Best match"}


@dataclass(frozen=True)
class QuestionFilter:
    """What the reader asked the list for; any odd value in the address is the default."""

    status: str = ""
    tag: str = ""
    q: str = ""
    sort: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args, tag_slugs=None) -> QuestionFilter:
        """Read the address's query. With `tag_slugs` (the site's tags), a tag that is not
        one of them is dropped rather than giving an empty list."""
        status = args.get("status", "")
        tag = args.get("tag", "").strip()
        q = " ".join(args.get("q", "").split())[:search.MAX_QUERY_LENGTH]
        sort = args.get("sort", "")
        if sort == "relevance" and not q:
            sort = ""
        return cls(
            status=status if status in STATUSES else "",
            tag=tag if tag and len(tag) <= 80 and (tag_slugs is None or tag in tag_slugs)
            else "",
            q=q,
            sort=sort if sort in SORTS else "",
            page=int_arg(args, "page", 1, maximum=MAX_PAGE),
        )

    @property
    def order(self) -> str:
        """The sort in force: best match first when searching, else newest, unless asked."""
        return self.sort or ("relevance" if self.q else "newest")

    @property
    def sorts(self) -> tuple[str, ...]:
        """The orders a reader can pick here ("best match" only means something searching)."""
        return SORTS if self.q else SORTS[:2]

    def as_args(self, **changes) -> dict:
        """The query-string arguments of this list with some changed (a filter change goes
        back to page 1), defaults left out, for url_for."""
        if changes and "page" not in changes:
            changes["page"] = 1
        values = {"status": self.status, "tag": self.tag, "q": self.q, "sort": self.sort,
                  "page": self.page, **changes}
        if values["sort"] == "relevance" and not values["q"]:
            values["sort"] = ""
        return {k: v for k, v in values.items()
                if v not in ("", None) and not (k == "page" and v == 1)}

    def feed_args(self) -> dict:
        """The feed that follows this list: same status and tag."""
        return {k: v for k, v in (("status", self.status), ("tag", self.tag)) if v}


@dataclass
class QuestionRow:
    """One question as the list shows it."""

    question: Response
    answer_count: int
    helpful_votes: int
    status: QuestionStatus
    last_activity: datetime
    title_html: Markup
    excerpt_html: Markup
    score: float | None = None


@dataclass
class QuestionList(Paged):
    """One page of the list."""

    rows: list[QuestionRow]
    page: int
    per_page: int
    total: int
    searched: search.SearchQuery | None = None
    out_of_range: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))



# --- conditions ------------------------------------------------------------------------------

def listed(now: datetime | None = None) -> list:
    """Questions readers see in lists: approved, asked on a live article or on none.

    "Not on a hidden article" (`hidden_articles`: drafts, articles not yet at their date),
    tested row by row: a page then walks the questions' index newest first and stops after a
    page, on both databases. `article_id IN (live articles)` made SQLite read every approved
    response of every live article (an OR of index lookups) and PostgreSQL hash every live
    article first."""
    now = now or utcnow()
    hidden = select(Article.id).where(Article.id == Response.article_id, _hidden(now))
    return [*_questions(), ~hidden.exists()]


def _questions() -> list:
    return [Response.kind == ResponseKind.QUESTION, Response.status == ResponseStatus.APPROVED]


def _with_figures() -> list:
    """What every question has and nothing else has (the triggers keep it so, and
    tests/questions/test_answer_figures.py holds them to it): written out, it lets both
    databases use the indexes of questions only (models/response.py)."""
    return [Response.last_activity_at.is_not(None)]


def _hidden(now: datetime):
    """SQL condition on `Article`: readers cannot see it now. The complement of
    `blog.services.visible_articles` (published or scheduled, and dated by now; a test holds
    them together), written so that each part is a range of the (status, published_at)
    index."""
    shown = (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)
    return or_(Article.status.in_([s for s in ArticleStatus if s not in shown]),
               and_(Article.status.in_(shown),
                    or_(Article.published_at.is_(None), Article.published_at > now)))


def hidden_articles(now: datetime):
    """The articles readers cannot see now (there are few of them)."""
    return select(Article.id).where(_hidden(now))


def status_condition(status: str):
    """SQL condition on `Response` for a status (see CONTRACTS: accepted needs the accepted
    answer to be a published answer; answered, at least one published answer and no accepted
    one), from the figures the database keeps."""
    # `= true`, not `IS TRUE`: PostgreSQL's statistics on these columns (models/response.py)
    # apply to comparisons only.
    if status == QuestionStatus.UNANSWERED:
        return Response.answer_count == 0
    if status == QuestionStatus.ANSWERED:
        return (Response.answer_count > 0) & (Response.has_accepted_answer == false())
    return Response.has_accepted_answer == true()


def tag_condition(slug: str):
    """SQL: the question carries the tag; tested row by row on the links' primary key, so
    that a page walks the questions' index and stops after a page (`id IN (the tag's
    questions)` made SQLite fetch and sort all of them)."""
    tag_id = select(QuestionTag.id).where(QuestionTag.slug == slug).scalar_subquery()
    return (select(question_tag_links.c.response_id)
            .where(question_tag_links.c.response_id == Response.id,
                   question_tag_links.c.tag_id == tag_id).exists())


def last_activity():
    """SQL: when a question last moved, its latest published answer or else its asking."""
    return Response.last_activity_at


def _filters(f: QuestionFilter) -> list:
    conditions = []
    if f.status:
        conditions.append(status_condition(f.status))
    if f.tag:
        conditions.append(tag_condition(f.tag))
    return conditions


def _conditions(f: QuestionFilter, now: datetime) -> list:
    return [*listed(now), *_filters(f)]


def _count(f: QuestionFilter, now: datetime):
    """SQL: how many questions the list has. Every approved question under the filters, read
    from the covering index of questions (status, article_id, has_accepted_answer,
    answer_count), less those on hidden articles, counted article by article from the few
    hidden ones (testing each question's article would cost a lookup per question; left to
    itself, PostgreSQL counted the hidden ones from the questions' side)."""
    # Questions are the rows with figures: the kind is left out, so that the count reads
    # that index alone (models/response.py).
    conditions = [Response.status == ResponseStatus.APPROVED, *_with_figures(), *_filters(f)]
    every = select(func.count()).select_from(Response).where(*conditions).scalar_subquery()
    on_article = (select(func.count()).select_from(Response)
                  .where(Response.article_id == Article.id, *conditions)
                  .correlate(Article).scalar_subquery())
    hidden = (select(func.coalesce(func.sum(on_article), 0)).select_from(Article)
              .where(_hidden(now)).scalar_subquery())
    return select(every - hidden)


def _ordering(order: str) -> tuple:
    if order == "active":
        # The id breaks ties, as for "newest": both orders then read off an index.
        return (last_activity().desc(),)
    if order == "newest":
        return (Response.created_at.desc(),)
    return ()  # relevance: the search's own


# --- the page ------------------------------------------------------------------------------

def _page_ids(f: QuestionFilter, limit: int, offset: int, now: datetime):
    """(ids, scores, total, parsed query). Searching, one query (the search counts its matches
    with a window). Listing, a count and then the page: the page's query can then walk the
    (kind, status, created_at) index and stop after a page of rows, where a window count would
    make the database read and sort every listed question first (twice as slow at 10,000)."""
    conditions = _conditions(f, now)
    if f.q:
        found = search.search_questions(f.q, limit=limit, offset=offset, conditions=conditions,
                                        order_by=_ordering(f.order))
        return found.ids, found.scores, found.total, found.query
    total = int(db.session.scalar(_count(f, now)))  # PostgreSQL's sum() is a numeric
    if offset >= total:
        return [], {}, total, None
    if f.order == "active":
        conditions = [*conditions, *_with_figures()]
    ids = list(db.session.scalars(
        select(Response.id).where(*conditions)
        .order_by(*_ordering(f.order), Response.id.desc()).limit(limit).offset(offset)))
    return ids, {}, total, None


def _rows(ids: list[int], scores: dict[int, float], query) -> list[QuestionRow]:
    """The questions of a page with what each row shows, in one query (and one for tags)."""
    if not ids:
        return []
    answer, question = aliased(Response), aliased(Response)
    helpful = (select(answer.parent_id.label("question_id"),
                      func.sum(answer.helpful_count).label("votes"))
               .join(question, question.id == answer.parent_id)
               .where(answer.parent_id.in_(ids), answer_condition(answer, question))
               .group_by(answer.parent_id).subquery())
    result = db.session.execute(
        select(Response, helpful.c.votes)
        .outerjoin(helpful, helpful.c.question_id == Response.id)
        .where(Response.id.in_(ids))
        .options(joinedload(Response.article), joinedload(Response.user),
                 selectinload(Response.question_tags))
        # The figures change in the database (its triggers), behind the session's back.
        .execution_options(populate_existing=True))
    by_id = {}
    for question_row, votes in result:
        answers = question_row.answer_count
        status = (QuestionStatus.ACCEPTED if question_row.has_accepted_answer else
                  QuestionStatus.ANSWERED if answers else QuestionStatus.UNANSWERED)
        by_id[question_row.id] = QuestionRow(
            question=question_row, answer_count=answers, helpful_votes=int(votes or 0),
            status=status,
            last_activity=question_row.last_activity_at or question_row.created_at,
            title_html=search.highlight(question_row.title, query),
            excerpt_html=search.excerpt(question_row.body_source, query),
            score=scores.get(question_row.id))
    return [by_id[i] for i in ids if i in by_id]


def question_list(f: QuestionFilter, *, per_page: int = PER_PAGE,
                  now: datetime | None = None) -> QuestionList:
    """One page of the Questions page for a filter. A page past the last is `out_of_range`
    (the view answers 404, as the blog's lists do)."""
    now = now or utcnow()
    ids, scores, total, query = _page_ids(f, per_page, (f.page - 1) * per_page, now)
    page = QuestionList(rows=_rows(ids, scores, query), page=f.page, per_page=per_page,
                        total=total, searched=query)
    page.out_of_range = not ids and f.page > 1
    return page


def feed_questions(f: QuestionFilter, *, now: datetime | None = None) -> list[Response]:
    """The newest approved questions for a feed (status and tag honoured, no search)."""
    f = replace(f, q="", sort="newest", page=1)
    return [row.question for row in question_list(f, per_page=FEED_SIZE, now=now).rows]

