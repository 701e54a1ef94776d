"""When an article's discussion is open: the one rule for comments, answers and linkbacks.

An author closes comments (or pings) on an article by hand; the site may also close both on
articles older than `close_after_days` (WordPress's "Automatically close comments on articles
older than N days"), unless the article is set to stay open regardless of its age. Pure: the
caller gives the settings and the moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

# Why a discussion is closed.
BY_AUTHOR = "author"
BY_AGE = "age"


class Openness(NamedTuple):
    """Whether new responses are taken, why not (`BY_AUTHOR`, `BY_AGE`), and, while open,
    the moment age closes it (None: never)."""

    open: bool
    reason: str | None = None
    closes_at: datetime | None = None


def closes_at(article, close_after_days: int) -> datetime | None:
    """The moment the site's age rule closes the article's discussion, or None."""
    if close_after_days <= 0 or article.keep_open or article.published_at is None:
        return None
    return article.published_at + timedelta(days=close_after_days)


def _openness(open_by_author: bool, article, close_after_days: int, now: datetime) -> Openness:
    if not open_by_author:
        return Openness(False, BY_AUTHOR)
    moment = closes_at(article, close_after_days)
    if moment is not None and now >= moment:
        return Openness(False, BY_AGE)
    return Openness(True, None, moment)


def comments(article, close_after_days: int, now: datetime) -> Openness:
    """Whether the article takes comments (and answers) now."""
    return _openness(article.comments_open, article, close_after_days, now)


def pings(article, close_after_days: int, now: datetime) -> Openness:
    """Whether the article takes pingbacks, trackbacks and webmentions now."""
    return _openness(article.pings_open, article, close_after_days, now)


def days(count: int) -> str:
    """"1 day", "30 days"."""
    return f"{count:,} {'day' if count == 1 else 'days'}"


def refusal(openness: Openness, close_after_days: int, what: str = "Comments") -> str:
    """What a post to a closed discussion is answered (a form's error, a protocol's fault)."""
    if openness.reason == BY_AGE:
        return (f"{what} are closed on this article: {what.lower()} close "
                f"{days(close_after_days)} after publication.")
    return f"{what} are closed on this article."


def closed_message(openness: Openness, close_after_days: int, what: str = "Comments") -> str:
    """Why the discussion is closed, as readers and senders are told."""
    if openness.reason == BY_AGE:
        return f"{what} close {days(close_after_days)} after publication."
    return f"The author closed {what.lower()} on this article."
