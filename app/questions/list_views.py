"""The Questions page (`/questions`: every question, filtered, searched, paginated) and its
Atom feeds (`/questions/feed/`, per status and tag, so helpers can follow what needs an
answer). Thin: read the filter, call the listing, render."""

from __future__ import annotations

from flask import abort, make_response, render_template, request, url_for

from app.core import freshness
from app.core.pagecache import cached_page, depends_on
from app.models.types import utcnow
from app.questions import bp, listing
from app.questions.rules import QuestionStatus
from app.questions.services import question_url
from app.questions.tags import all_tags
from app.templating import absolute

# What the list reads from its query string (a search, `q`, is never stored).
LIST_PARAMS = ("status", "tag", "sort", "page")

# The status tabs: (value of `status`, label); "" is every question.
STATUS_TABS = [("", "All"), (QuestionStatus.UNANSWERED.value, "Unanswered"),
               (QuestionStatus.ANSWERED.value, "Answered"),
               (QuestionStatus.ACCEPTED.value, "Accepted")]

FEED_TITLES = {"": "Questions", QuestionStatus.UNANSWERED: "Unanswered questions",
               QuestionStatus.ANSWERED: "Answered questions",
               QuestionStatus.ACCEPTED: "Questions with an accepted answer"}


def feed_title(f: listing.QuestionFilter, tag_names: dict[str, str]) -> str:
    """What a feed follows, in words: "Unanswered questions tagged “interviews”"."""
    title = FEED_TITLES[f.status]
    return f"{title} tagged “{tag_names[f.tag]}”" if f.tag else title


def _filter(tags) -> listing.QuestionFilter:
    return listing.QuestionFilter.from_args(request.args, tag_slugs={t.slug for t in tags})


@bp.get("/questions")
def index():
    # Searches are rendered each time: any text makes a new page, and storing them would let
    # a stranger push every other page out of the cache.
    return _render_index() if request.args.get("q") else _cached_index()


@cached_page(params=LIST_PARAMS)
def _cached_index():
    depends_on(freshness.QUESTIONS, freshness.ARTICLES)
    return _render_index()


def _render_index():
    tags = all_tags()
    f = _filter(tags)
    page = listing.question_list(f)
    if page.out_of_range:
        abort(404)
    tag_names = {t.slug: t.name for t in tags}
    return render_template("questions/index.html", f=f, page=page, tags=tags,
                           tag_names=tag_names, status_tabs=STATUS_TABS,
                           sort_labels=listing.SORT_LABELS, feed_title=feed_title(f, tag_names))


@bp.get("/questions/feed/")
@cached_page(params=LIST_PARAMS)
def feed():
    depends_on(freshness.QUESTIONS, freshness.ARTICLES)
    tags = all_tags()
    f = _filter(tags)
    questions = listing.feed_questions(f)
    updated = max((q.edited_at or q.created_at for q in questions), default=utcnow())
    body = render_template(
        "questions/feed.xml", questions=questions, updated=updated,
        title=feed_title(f, {t.slug: t.name for t in tags}),
        self_url=absolute(url_for("questions.feed", **f.feed_args())),
        page_url=absolute(url_for("questions.index", **f.feed_args())),
        entry_url=lambda q: absolute(question_url(q)))
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response
