"""Rendered pages for anonymous readers, invalidated by the site's content version.

Every transaction that changes what readers see bumps `site_state.content_version` (see
app/database.py). A cached page is served only while the version it was rendered at is
current, so one cheap query (none on SQLite while no commit has happened) replaces the
thread query and the rendering. The CSRF token is cut out of the stored page and the
reader's own token put back in.

What readers see also changes with no write at all: a scheduled article goes live when its
date passes. So each page is stored with the next such moment (one query when the page is
stored, none when it is served) and is not served from that moment on.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from datetime import datetime
from functools import wraps
from typing import NamedTuple

from flask import make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, ArticleStatus, CacheScope
from app.models.types import utcnow

# Cookies that make a page personal: a reader's own pending responses, saved commenter details.
PERSONAL_COOKIES = ("parley_mine", "parley_commenter")
KEPT_HEADERS = ("link", "x-pingback", "content-language")


class _Entry(NamedTuple):
    version: int
    fresh_until: datetime | None  # the next moment the page may change by itself
    body: list[bytes]
    headers: list


class PageCache:
    """A small thread-safe LRU of rendered pages keyed by path, valid for one content
    version and until the next moment the page's content may change."""

    def __init__(self, max_entries: int = 512):
        self.max_entries = max_entries
        self._pages: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, version: int, now: datetime) -> tuple[list[bytes], list] | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry.version != version:
                return None
            if entry.fresh_until is not None and now >= entry.fresh_until:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return entry.body, entry.headers

    def put(self, key: str, version: int, body: list[bytes], headers: list, *,
            fresh_until: datetime | None) -> None:
        with self._lock:
            self._pages[key] = _Entry(version, fresh_until, body, headers)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


pages = PageCache()


_last_seen: tuple[tuple | None, int] = (None, 0)


def _sqlite_stamp() -> tuple | None:
    """Size and mtime of an SQLite database and its WAL: every commit changes them."""
    if db.engine.dialect.name != "sqlite" or not db.engine.url.database:
        return None
    stamp = []
    for suffix in ("", "-wal"):
        try:
            info = os.stat(db.engine.url.database + suffix)
        except FileNotFoundError:
            stamp.append(None)
        else:
            stamp.append((info.st_mtime_ns, info.st_size))
    return tuple(stamp)


def content_version() -> int:
    """Return the content version; on SQLite, skip the query while no commit has happened."""
    global _last_seen
    stamp = _sqlite_stamp()  # taken before the query, so a commit in between is seen next time
    if stamp is not None and stamp == _last_seen[0]:
        return _last_seen[1]
    version = db.session.scalar(
        select(CacheScope.version).where(CacheScope.name == "any")) or 0
    _last_seen = (stamp, version)
    return version


def next_change(now: datetime) -> datetime | None:
    """Return the next moment after `now` at which an article becomes visible by itself
    (the earliest date of a scheduled one), or None when none is waiting."""
    return db.session.scalar(
        select(func.min(Article.published_at)).where(
            Article.status.in_((ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)),
            Article.published_at > now))


# Values that differ per reader and per request, cut out of stored pages and put back when
# one is served: the CSRF token, and the signed time the comment form was shown.
SLOTS = {b"\x00slot:csrf\x00": generate_csrf}


def register_slot(marker: bytes, make_value) -> None:
    """Declare a per-request value that cached pages must not share between readers."""
    SLOTS[marker] = make_value


def _cut_slots(body: bytes) -> list[bytes]:
    """Split a page around each slot value, keeping the markers: [text, marker, text, …]."""
    for marker, make_value in SLOTS.items():
        body = body.replace(make_value().encode(), marker)
    return re.split(b"(" + b"|".join(re.escape(m) for m in SLOTS) + b")", body)


def _fill_slots(parts: list[bytes]) -> bytes:
    values = {marker: make_value().encode() for marker, make_value in SLOTS.items()}
    return b"".join(values.get(part, part) for part in parts)


def is_personal() -> bool:
    """Tell whether this reader must get a freshly rendered page."""
    return (
        current_user.is_authenticated
        or request.method != "GET"
        or "_flashes" in session
        or any(name in request.cookies for name in PERSONAL_COOKIES)
    )


def cached_for_anonymous(view):
    """Serve anonymous readers a stored copy of the page while the content is unchanged."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if is_personal():
            return view(*args, **kwargs)
        key = request.full_path
        # Taken before the page is rendered: an article due between this moment and the
        # rendering ends the stored page at once, rather than being missed.
        now = utcnow()
        version = content_version()
        hit = pages.get(key, version, now)
        if hit is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.mimetype != "text/html":
                return response
            headers = [(k, v) for k, v in response.headers.items() if k.lower() in KEPT_HEADERS]
            pages.put(key, version, _cut_slots(response.get_data()), headers,
                      fresh_until=next_change(now))
            return response
        parts, headers = hit
        response = make_response(_fill_slots(parts))
        response.headers.extend(headers)
        response.headers["X-Parley-Cache"] = "hit"
        return response

    return wrapped
