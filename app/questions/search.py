"""Full-text search over questions: the questions' index in the shared engine
(`app/core/fulltext.py`, which articles use too).

SQLite's FTS5 table `question_search` and PostgreSQL's GIN index over `PG_DOCUMENT` (only
rows of kind `question`) are built by `app/models/question.py` and its migration.
"""

from __future__ import annotations

from app.core import fulltext
from app.core.fulltext import (  # noqa: F401  (the questions' names for the shared engine)
    EXCERPT_LENGTH,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    FullTextIndex,
    Match,
    SearchPage,
    SearchQuery,
    Term,
    excerpt,
    fold,
    fold_for_sqlite,
    highlight,
    parse_query,
    words_in,
)
from app.models import Response, ResponseKind
from app.models.question import PG_DOCUMENT, SEARCH_TABLE

QUESTIONS = FullTextIndex(key="question", model=Response, fts_table=SEARCH_TABLE,
                          pg_document=PG_DOCUMENT, pg_predicate="responses.kind = 'question'",
                          conditions=(Response.kind == ResponseKind.QUESTION,))


def match_for(query: SearchQuery, dialect: str) -> Match:
    return fulltext.match_for(query, dialect, QUESTIONS)


def search_statement(match: Match, *, limit: int, offset: int, conditions=(), order_by=()):
    """The one SELECT of a question search: ids, scores and the window count of all matches."""
    return fulltext.search_statement(match, QUESTIONS, limit=limit, offset=offset,
                                     conditions=conditions, order_by=order_by)


def search_questions(text: str, *, limit: int, offset: int = 0, conditions=(),
                     order_by=()) -> SearchPage:
    """Find the questions whose title or text holds every word and phrase of `text`, in one
    query on either database (`conditions` on `Response`, not aliased; best match first
    unless `order_by` says otherwise)."""
    return fulltext.search(QUESTIONS, text, limit=limit, offset=offset, conditions=conditions,
                           order_by=order_by)
