"""Each response's rendered HTML, kept per process, so that a page the page cache cannot serve
(a member's, a returning commenter's, the author of a held comment's) costs one light query
and a join of strings instead of a template run over every response.

A fragment is keyed by everything its HTML is made of (`key`):
- the response's own row: its id and `Response.version`, which app/database.py bumps at every
  flush that changes the row (status, text, title, question tags, …);
- `freshness.SITE` (`site_stamp`), bumped by every change to what all pages show: discussion
  settings (avatars, depth), people's names and roles (the Staff badge), question tag names;
  and the avatars setting itself, as the page read it;
- its article's `updated_at`: comments open or closed (the reply link), the permalink (the
  reply link's address), who the author is (the Author badge);
- where it stands on the page: its depth, whether the question it replies to accepted it, a
  question's status (from its answers), the comment page in its reply link.
A change to any of them is a new key, never a stale hit; entries of old keys age out of the
LRU. Nothing is invalidated by hand, so a change made by another process is seen as soon as
the row (or the site's version) read for the page shows it. The versions are read before what
they key (in the page's one query; the full rows after it, afresh), so a fragment may show a
state newer than its key, never an older one.

What belongs to one reader is never in a fragment: the Edit and Delete actions of their own
responses (with their CSRF token), the "awaiting moderation" note of their held ones, notes
flashed beside a response, the reply form opened under one (`?replytocom=`), and the replies
(each its own fragment; a reader may see a held reply of theirs under it). A fragment is the
text around those `SLOTS`, and the page fills them for its reader (`Fragment`).
"""

from __future__ import annotations

import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from markupsafe import Markup

DEFAULT_SIZE = 20_000
# What fragments and the kept comment form are rendered with.
TEMPLATES = ("_macros/responses.html", "_macros/questions.html", "_macros/forms.html",
             "_partials/comment_form.html")
# Where a fragment leaves room for what one reader sees, in the order they come in the HTML.
SLOTS = ("notes", "awaiting", "actions", "form", "children")
# Marks a template writes where a slot goes (and after each fragment of a batch): random for
# each process, so no text a response holds can pass for one.
NONCE = secrets.token_hex(16)
MARKS = {name: Markup(f"\x00{NONCE}:{name}\x00") for name in (*SLOTS, "end")}


class LRU:
    """A bounded, thread-safe map that forgets the least recently used entries first."""

    def __init__(self, size: int):
        self.size = max(int(size), 0)
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[Hashable]) -> list:
        """The value of each key (None when missing), under one lock for the whole page."""
        entries, found = self._entries, []
        with self._lock:
            for key in keys:
                value = entries.get(key)
                if value is not None:
                    entries.move_to_end(key)
                found.append(value)
        return found

    def get(self, key: Hashable):
        return self.get_many((key,))[0]

    def put_many(self, items: Iterable[tuple[Hashable, Any]]) -> None:
        entries = self._entries
        with self._lock:
            for key, value in items:
                entries[key] = value
                entries.move_to_end(key)
            while len(entries) > self.size:
                entries.popitem(last=False)

    def put(self, key: Hashable, value) -> None:
        self.put_many(((key, value),))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def keys(self) -> list:
        """The keys held now, least recently used first."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


class Fragment(NamedTuple):
    """One response's HTML, kept once: `head` up to its replies, `tail` after them, and
    `cuts`, where in `head` the slots before the replies are (`SLOTS` but the last). Most
    fragments on a page have no slot filled (a reader's parts are few) and are joined as
    head, replies, tail; `parts` cuts the others."""

    head: str
    tail: str
    cuts: tuple[int, ...]

    @classmethod
    def split(cls, html: str) -> Fragment:
        """Cut a rendered response at its slot marks (each once, in order)."""
        parts, rest = [], html
        for name in SLOTS:
            before, mark, rest = rest.partition(MARKS[name])
            if not mark:
                raise ValueError(f"the response's HTML has no {name} slot")
            parts.append(before)
        cuts, at = [], 0
        for part in parts[:-1]:
            at += len(part)
            cuts.append(at)
        return cls("".join(parts), rest, tuple(cuts))

    @property
    def parts(self) -> tuple[str, ...]:
        """The texts between the slots: one more than `SLOTS`."""
        edges = (0, *self.cuts, len(self.head))
        return (*(self.head[a:b] for a, b in zip(edges, edges[1:], strict=False)), self.tail)


def site_stamp() -> tuple[int, datetime | None]:
    """`freshness.SITE`'s version with the moment it last moved (versions start again in a
    database emptied or restored; the moment does not come back), read through the session,
    so that what is rendered next is read from the same state or a later one. A page of
    threads reads it in its own query instead (`ThreadPage.site`)."""
    from sqlalchemy import select

    from app.comments.threads import site_stamp_columns
    from app.extensions import db

    version, changed = db.session.execute(select(*site_stamp_columns())).one()
    return version or 0, changed


def key(response, *, depth: int, accepted: bool, status, page: int | None, site: tuple,
        article_stamp: datetime | None, avatars: str) -> tuple:
    """A fragment's key: everything its HTML depends on (see the module's docstring).
    `response` is a `threads.ThreadRow`; `status` a question's status (else None); `page`
    the comment page in the reply link (None on the first page and outside a page);
    `avatars` the setting the fragment was rendered with (the settings are read before the
    site's version: with their value in the key, the order does not matter)."""
    return (response.id, response.version, response.status, depth, accepted, status, page,
            site, article_stamp, avatars)


class Caches:
    """One app's caches: rendered responses; the blank comment form (per article and kind of
    reader); small things that change only with the site's version (the question tags a
    form offers)."""

    def __init__(self, size: int):
        self.responses = LRU(size)
        self.forms = LRU(max(size // 20, 16))
        self.site = LRU(64)
        self._templates: tuple = ()

    def follow_templates(self, environment) -> None:
        """Forget everything when a template it was rendered with changed (Jinja reloads
        edited templates in development; in production they never change)."""
        found = tuple(environment.get_template(name) for name in TEMPLATES)
        if any(a is not b for a, b in zip(found, self._templates, strict=False)):
            self.clear()
        self._templates = found

    def clear(self) -> None:
        self.responses.clear()
        self.forms.clear()
        self.site.clear()


# Every app's caches (tests run apps on different databases in one process), to clear them.
_all: weakref.WeakSet[Caches] = weakref.WeakSet()
_create_lock = threading.Lock()


def caches_for(app) -> Caches:
    """The app's caches, made on first use; `FRAGMENT_CACHE_SIZE` responses at most."""
    found = app.extensions.get("parley_fragments")
    if found is None:
        with _create_lock:
            found = app.extensions.get("parley_fragments")
            if found is None:
                found = Caches(app.config.get("FRAGMENT_CACHE_SIZE", DEFAULT_SIZE))
                app.extensions["parley_fragments"] = found
                _all.add(found)
    if app.jinja_env.auto_reload:
        found.follow_templates(app.jinja_env)
    return found


def clear() -> None:
    """Forget every rendered fragment of every app (tests empty the database between tests,
    so ids and versions start again)."""
    for caches in list(_all):
        caches.clear()
