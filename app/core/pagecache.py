"""Rendered pages for anonymous readers, served before Flask does any work.

`PageCacheMiddleware` sits in front of the Flask app (inside the host check). A GET or HEAD
from a reader with no session, no remember-me cookie and none of the cookies that make a page
personal is looked up by path and query. A stored page is served while:

- the versions of the scopes it shows are those it was rendered at (app/core/freshness.py:
  a change to article A's discussion moves `article:A`, so B's pages stay), and
- the next moment it may change by itself has not come (a scheduled article going live).

Serving a hit costs a dictionary look-up, one version check (no query on SQLite while nothing
was committed, one on PostgreSQL) and filling the per-reader slots: the CSRF token (bound to
the reader's cookie, app/core/csrf.py) and the signed time the comment form was shown. Pages
are kept plain and gzip-compressed: the compressed page is stored as deflate blocks around
the slots, so a hit compresses only the few bytes of its slot values. Every page carries an
ETag and Last-Modified and answers 304 to a browser or feed reader that revalidates.

Views opt in with `@cached_page` and name what they show with `depends_on(...)`; every page
depends on `SITE`. A page is stored only if nothing reader-visible was committed while it was
being rendered (the `ANY` scope did not move), so a stored page is never older than the
versions it is stored with.
"""

from __future__ import annotations

import hashlib
import re
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import wraps

from flask import g, request, session
from flask_login import current_user
from sqlalchemy import func, select

from app.core import csrf, freshness
from app.extensions import db
from app.models import Article, ArticleStatus
from app.models.types import utcnow

# Cookies that make a page personal: a reader's own pending responses, saved commenter details.
PERSONAL_COOKIES = ("parley_mine", "parley_commenter")
CACHED_TYPES = ("text/html", "application/atom+xml", "application/xml")  # xml: the sitemap
COMPRESSED_TYPES = (*CACHED_TYPES, "application/xml", "text/xml", "application/json", "text/css",
                    "application/javascript", "text/javascript", "text/plain")
MAX_COMPRESSED = 8 * 1024 * 1024  # bigger pages are sent as they are
# Headers that belong to one response, never stored with a page.
_NOT_STORED = frozenset({"set-cookie", "content-length", "content-encoding", "etag",
                         "last-modified", "vary", "x-parley-cache", "date", "cache-control"})
ENVIRON_KEY = "parley.page"
GZIP_LEVEL = 6
PERSONAL_GZIP_LEVEL = 1  # pages rendered for one reader: compressed quickly, once
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_DEFLATE_END = b"\x03\x00"  # an empty final block


# --- slots: per-reader values cut out of stored pages --------------------------------------

class Reader:
    """Who a cached page is served to, as far as its slots need: no Flask involved.
    `data`: what the reader's variant cookie holds (a returning commenter's saved details),
    decoded and checked by the variant's `decode`."""

    __slots__ = ("secret_key", "csrf_raw", "csrf_new", "_token", "variant", "data")

    def __init__(self, secret_key: str, csrf_raw: str | None, *, variant: str = "",
                 data: dict | None = None):
        self.secret_key = secret_key
        self.csrf_new = not csrf.is_raw(csrf_raw)
        self.csrf_raw = csrf.new_raw() if self.csrf_new else csrf_raw
        self._token = None
        self.variant, self.data = variant, data or {}

    @property
    def csrf_token(self) -> str:
        if self._token is None:
            self._token = csrf.token_for(self.secret_key, self.csrf_raw)
        return self._token


class Variant:
    """Readers whose page differs from an anonymous one only in slots filled from one cookie
    of theirs (a returning commenter's saved details): their pages are stored apart, once
    for all such readers, and served without Flask. `decode(secret_key, value)` gives the
    cookie's data, or None when it is not a valid one (the reader is then anonymous)."""

    def __init__(self, name: str, cookie: str, decode: Callable[[str, str], dict | None]):
        self.name, self.cookie, self.decode = name, cookie, decode
        self.pattern = re.compile(r"(?:^|[;,]\s*)" + re.escape(cookie) + r"=([^;,\s]+)")


VARIANTS: dict[str, Variant] = {}


def register_variant(name: str, cookie: str, decode: Callable[[str, str], dict | None]) -> None:
    VARIANTS[name] = Variant(name, cookie, decode)


def storing_variant() -> str | None:
    """The variant of the page being rendered for storing ("" for anonymous readers), or
    None when this page is not going to be stored: what views ask before they write a
    variant's slots instead of the reader's own values."""
    page = request.environ.get(ENVIRON_KEY)
    return page.get("variant", "") if page is not None and page.get("allowed") else None


class Slot:
    """A value that differs per reader or per request: `used()` is the value this request
    rendered into its page (None if it rendered none); `make(reader)` makes one for a reader
    the page cache serves."""

    def __init__(self, marker: bytes, used: Callable[[], str | None],
                 make: Callable[[Reader], str]):
        self.marker, self.used, self.make = marker, used, make


SLOTS: dict[bytes, Slot] = {}
CSRF_MARKER = b"\x00slot:csrf\x00"


def register_slot(marker: bytes, used: Callable[[], str | None],
                  make: Callable[[Reader], str]) -> None:
    """Declare a per-request value that cached pages must not share between readers."""
    SLOTS[marker] = Slot(marker, used, make)


register_slot(CSRF_MARKER, csrf.generated_token, lambda reader: reader.csrf_token)


def _cut(body: bytes, values: dict[bytes, str]) -> list[bytes]:
    """Split a page around each slot: [text, marker, text, marker, …, text]. `values`: the
    per-request values this render used, cut out where they stand; slots a template wrote
    as their markers are cut too."""
    for marker, value in values.items():
        body = body.replace(value.encode(), marker)
    present = [m for m in SLOTS if m in body]
    if not present:
        return [body]
    return re.split(b"(" + b"|".join(re.escape(m) for m in present) + b")", body)


# Runs of blank space that hold a line break, outside <pre> and <textarea> (where every
# space is the text): a page's templates leave many, and a thousand responses are a megabyte.
_KEEP_SPACING = re.compile(rb"(<(pre|textarea)[\s>].*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_LINE_SPACE = re.compile(rb"\n\s+")


def compact(html: bytes) -> bytes:
    """The same page with its template indentation and blank lines taken out: a browser
    renders it the same (a line break is a space there), in <pre> and <textarea> too, which
    are left as they are."""
    parts = _KEEP_SPACING.split(html)
    # split() gives text, whole element, tag name, text, …: squeeze only the texts.
    out = []
    for i, part in enumerate(parts):
        kind = i % 3
        if kind == 0:
            out.append(_LINE_SPACE.sub(b"\n", part))
        elif kind == 1:
            out.append(part)
    return b"".join(out)


# --- gzip around slots ------------------------------------------------------------------

def _deflate_part(data: bytes) -> bytes:
    """Deflate blocks for `data` that stand alone: no reference to what comes before, ending
    on a byte boundary (a sync flush), so they can be put between any other such blocks."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stored_block(data: bytes) -> bytes:
    """`data` as uncompressed deflate blocks (for a slot's few bytes)."""
    out = []
    for start in range(0, len(data), 65535):
        chunk = data[start:start + 65535]
        out.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(out)


def gzip_parts(deflated: list[bytes], plain: list[bytes]) -> list[bytes]:
    """A whole gzip member from deflate parts (`plain`: the same text uncompressed)."""
    crc, size = 0, 0
    for part in plain:
        crc = zlib.crc32(part, crc)
        size += len(part)
    return [_GZIP_HEADER, *deflated, _DEFLATE_END, struct.pack("<II", crc, size & 0xFFFFFFFF)]


def accepts_gzip(header: str) -> bool:
    """Tell whether an Accept-Encoding header takes gzip (and does not refuse it, q=0)."""
    for item in header.lower().split(","):
        name, _, params = item.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=")
            return not (params and quality.replace("0", "").strip(".") == "")
    return False


# --- stored pages -------------------------------------------------------------------------

class Entry:
    """One stored page: its text around the slots, plain and deflated, and what it shows."""

    __slots__ = ("scopes", "versions", "fresh_until", "headers", "plain", "deflated",
                 "markers", "etag", "last_modified", "modified_at", "size")

    def __init__(self, *, parts: list[bytes], headers: list[tuple[str, str]],
                 scopes: tuple[str, ...], versions: tuple[int, ...],
                 fresh_until: datetime | None, modified_at: datetime):
        self.scopes, self.versions, self.fresh_until = scopes, versions, fresh_until
        self.headers = headers
        self.plain = parts
        self.markers = frozenset(p for p in parts[1::2])
        self.deflated = [p if i % 2 else _deflate_part(p) for i, p in enumerate(parts)]
        self.size = sum(map(len, parts)) + sum(map(len, self.deflated))
        digest = hashlib.blake2b(b"".join(parts), digest_size=10).hexdigest()
        self.etag = digest
        self.modified_at = modified_at.astimezone(UTC).replace(microsecond=0)
        self.last_modified = format_datetime(self.modified_at, usegmt=True)

    def is_current(self, versions: freshness.Versions, now: datetime) -> bool:
        if self.fresh_until is not None and now >= self.fresh_until:
            return False
        found = versions.current(self.scopes)
        return tuple(found[name][0] for name in self.scopes) == self.versions


class PageCache:
    """A small thread-safe LRU of stored pages keyed by path and query, bounded in number
    and in bytes (a page with a thousand responses is a megabyte)."""

    def __init__(self, max_entries: int = 512, max_bytes: int = 64 * 1024 * 1024):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._pages: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is not None:
                self._pages.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = entry
            self._bytes += entry.size
            while self._pages and (len(self._pages) > self.max_entries
                                   or self._bytes > self.max_bytes):
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def bytes(self) -> int:
        return self._bytes


pages = PageCache()


def cache_key(environ) -> str:
    return (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "") + "?"
            + environ.get("QUERY_STRING", ""))


def next_change(now: datetime) -> datetime | None:
    """Return the next moment after `now` at which an article becomes visible by itself
    (the earliest date of a scheduled one), or None when none is waiting."""
    return db.session.scalar(
        select(func.min(Article.published_at)).where(
            Article.status.in_((ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)),
            Article.published_at > now))


# --- the views' side ----------------------------------------------------------------------

def is_personal(variant: str = "") -> bool:
    """Tell whether this reader must get a freshly rendered page (`variant`: the variant
    whose cookie the reader's page is stored for, which does not count)."""
    own = VARIANTS[variant].cookie if variant else None
    return (
        current_user.is_authenticated
        or request.method not in ("GET", "HEAD")
        or "_flashes" in session
        or any(name in request.cookies for name in PERSONAL_COOKIES if name != own)
    )


def depends_on(*scopes: str) -> None:
    """Name scopes (beyond `SITE`) that the page being rendered shows."""
    page = request.environ.get(ENVIRON_KEY)
    if page is not None:
        page["scopes"].update(scopes)


def fresh_until(moment: datetime | None) -> None:
    """Say the page being rendered changes by itself at `moment` with no write to mark it (a
    discussion closing by age): it is stored until then at most."""
    page = request.environ.get(ENVIRON_KEY)
    if page is not None and moment is not None:
        page["until"] = min(page.get("until", moment), moment)


def cached_page(view=None, *, params: tuple[str, ...] = (), variants: tuple[str, ...] = ()):
    """Let the page cache store this view's page for anonymous readers.

    `params`: the query parameters the page reads. A request with any other is rendered but
    not stored, so made-up query strings cannot push other pages out of the cache.
    `variants`: the `Variant`s this view renders with their slots (`storing_variant`).
    """
    if view is None:
        return lambda function: cached_page(function, params=params, variants=variants)
    allowed = frozenset(params)

    @wraps(view)
    def wrapped(*args, **kwargs):
        page = request.environ.get(ENVIRON_KEY)
        if (page is None or is_personal(page.get("variant", "")) or
                not allowed.issuperset(request.args) or
                page.get("variant", "") not in ("", *variants)):
            request.environ.pop(ENVIRON_KEY, None)
            return view(*args, **kwargs)
        page["allowed"] = True
        now = utcnow()
        result = view(*args, **kwargs)
        page["fresh_until"] = min(
            (m for m in (next_change(now), page.get("until")) if m is not None), default=None)
        page["slots"] = {marker: value for marker, slot in SLOTS.items()
                         if (value := slot.used())}
        page["flashed"] = "_flashes" in session
        page["csrf_raw"] = g.get("csrf_raw")
        return result

    return wrapped


# --- the middleware -----------------------------------------------------------------------

class PageCacheMiddleware:
    """Serve stored pages to anonymous readers; store the pages `cached_page` views render."""

    def __init__(self, app):
        self.app = app
        self.wsgi_app = app.wsgi_app
        variant_cookies = {v.cookie for v in VARIANTS.values()}
        names = (app.config["SESSION_COOKIE_NAME"],
                 app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
                 *(c for c in PERSONAL_COOKIES if c not in variant_cookies))
        self._personal = re.compile(
            r"(?:^|[;,]\s*)(?:" + "|".join(re.escape(n) for n in names) + r")=")
        secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
        self.csrf_cookie = csrf.cookie_name(secure)
        self._csrf_value = re.compile(r"(?:^|[;,]\s*)" + re.escape(self.csrf_cookie)
                                      + r"=([0-9a-f]{32})(?:;|,|$)")
        self._cookie_attributes = "; HttpOnly; Path=/; SameSite=Lax" + ("; Secure" if secure
                                                                        else "")
        self._versions: freshness.Versions | None = None
        self.static_prefix = (app.static_url_path or "/static") + "/"

    @property
    def versions(self) -> freshness.Versions:
        if self._versions is None:
            self._versions = freshness.versions_for(self.app)
        return self._versions

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or self._personal.search(environ.get("HTTP_COOKIE", "")):
            return self._compressed(environ, start_response)
        if environ.get("PATH_INFO", "").startswith(self.static_prefix):
            return self._compressed(environ, start_response)
        cookies = environ.get("HTTP_COOKIE", "")
        variant, data = self._variant(cookies)
        key = cache_key(environ) + ("\x00" + variant if variant else "")
        entry = pages.get(key)
        if entry is not None and entry.is_current(self.versions, utcnow()):
            found = self._csrf_value.search(cookies)
            reader = Reader(self.app.secret_key, found.group(1) if found else None,
                            variant=variant, data=data)
            return self.serve(entry, environ, start_response, reader, hit=True)
        if method == "HEAD":
            return self._compressed(environ, start_response)
        return self.render(key, environ, start_response, variant, data)

    def _variant(self, cookies: str) -> tuple[str, dict | None]:
        """The variant this reader's page is stored as ("" for none), with its data."""
        for variant in VARIANTS.values():
            found = variant.pattern.search(cookies)
            if found is not None:
                data = variant.decode(self.app.secret_key, found.group(1))
                if data:
                    return variant.name, data
        return "", None

    def _call_flask(self, environ):
        """Run Flask, returning its status, headers and the body iterable (not yet read)."""
        captured = {"written": []}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return captured["written"].append

        body = self.wsgi_app(environ, capture)
        return captured["status"], captured["headers"], captured["written"], body

    @staticmethod
    def _read(written: list[bytes], body) -> bytes:
        try:
            return b"".join([*written, *body])
        finally:
            if hasattr(body, "close"):
                body.close()

    # A miss: let Flask render, and keep the page if the view allowed it.
    def render(self, key: str, environ, start_response, variant: str = "",
               data: dict | None = None):
        before = self.versions.current((freshness.ANY,))[freshness.ANY][0]
        page = environ[ENVIRON_KEY] = {"scopes": {freshness.SITE}, "variant": variant}
        status, headers, written, body = self._call_flask(environ)
        if environ.get(ENVIRON_KEY) is not page or "slots" not in page:
            return self._pass(environ, start_response, status, headers, written, body)
        content = self._read(written, body)
        entry = self._store(key, page, before, status, headers, content)
        if entry is None:
            return self._pass(environ, start_response, status, headers, [], [content])
        # This first reader gets the page with the values Flask rendered into it.
        reader = Reader(self.app.secret_key, page.get("csrf_raw"), variant=variant, data=data)
        reader.csrf_new = False  # Flask set the cookie, if it was new
        cookies = [(k, v) for k, v in headers if k.lower() == "set-cookie"]
        return self.serve(entry, environ, start_response, reader, hit=False, cookies=cookies,
                          values={m: v.encode() for m, v in page["slots"].items()})

    def _compressed(self, environ, start_response):
        status, headers, written, body = self._call_flask(environ)
        return self._pass(environ, start_response, status, headers, written, body)

    def _store(self, key, page, before, status, headers, body) -> Entry | None:
        if not status.startswith("200") or page.get("flashed"):
            return None
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if content_type.split(";")[0].strip() not in CACHED_TYPES:
            return None
        if any(k.lower() == "set-cookie" and not v.startswith(self.csrf_cookie + "=")
               for k, v in headers):
            return None  # the view said something to this reader alone
        if any(k.lower() == "content-encoding" for k, _ in headers):
            return None
        scopes = tuple(sorted(page["scopes"]))
        found = self.versions.current((*scopes, freshness.ANY))
        if found.pop(freshness.ANY)[0] != before:
            return None  # something changed while the page was rendered: it may mix both
        stamps = [changed for _, changed in found.values() if changed is not None]
        if content_type.startswith("text/html"):
            body = compact(body)
        entry = Entry(
            parts=_cut(body, page["slots"]),
            headers=[(k, v) for k, v in headers if k.lower() not in _NOT_STORED],
            scopes=scopes, versions=tuple(found[name][0] for name in scopes),
            fresh_until=page.get("fresh_until"), modified_at=max(stamps, default=utcnow()))
        pages.put(key, entry)
        return entry

    def serve(self, entry: Entry, environ, start_response, reader: Reader, *, hit: bool,
              cookies=(), values: dict[bytes, bytes] | None = None):
        etag = entry.etag
        if entry.markers:  # the reader's own values are part of what they were sent
            mine = f"{reader.csrf_token if CSRF_MARKER in entry.markers else ''}{reader.data!r}"
            etag += "-" + hashlib.blake2b(mine.encode(), digest_size=4).hexdigest()
        etag = f'W/"{etag}"'
        headers = [*entry.headers, ("ETag", etag), ("Last-Modified", entry.last_modified),
                   ("Cache-Control", "no-cache"), ("Vary", "Accept-Encoding, Cookie")]
        if hit:
            headers.append(("X-Parley-Cache", "hit"))
        headers.extend(cookies)
        if reader.csrf_new and CSRF_MARKER in entry.markers:
            headers.append(("Set-Cookie",
                            f"{self.csrf_cookie}={reader.csrf_raw}{self._cookie_attributes}"))
        if self._not_modified(entry, environ, etag, reader):
            start_response("304 Not Modified",
                           [(k, v) for k, v in headers if k.lower() != "content-type"])
            return []
        values = {marker: (values or {}).get(marker) or SLOTS[marker].make(reader).encode()
                  for marker in entry.markers}
        plain = [values[p] if i % 2 else p for i, p in enumerate(entry.plain)]
        if accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            body = gzip_parts([_stored_block(values[p]) if i % 2 else p
                               for i, p in enumerate(entry.deflated)], plain)
            headers.append(("Content-Encoding", "gzip"))
        else:
            body = plain
        headers.append(("Content-Length", str(sum(map(len, body)))))
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else body

    @staticmethod
    def _not_modified(entry: Entry, environ, etag: str, reader: Reader) -> bool:
        if reader.csrf_new and CSRF_MARKER in entry.markers:
            return False  # a browser without its cookie needs the page that sets it
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match is not None:
            return any(tag.strip() in (etag, etag[2:], "*") for tag in match.split(","))
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since and not entry.markers:  # a page with a token is matched by its ETag only
            try:
                return entry.modified_at <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _pass(self, environ, start_response, status, headers, written, body):
        """A page not stored: sent as Flask made it, gzip-compressed if the reader takes it
        and it is a whole page of text (a streamed response has no length: left alone)."""
        names = {k.lower(): v for k, v in headers}
        content_type = names.get("content-type", "").split(";")[0].strip()
        length = names.get("content-length", "")
        if not (length.isdigit() and 1024 < int(length) <= MAX_COMPRESSED
                and "content-encoding" not in names and content_type in COMPRESSED_TYPES
                and environ.get("REQUEST_METHOD") != "HEAD"
                and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))):
            write = start_response(status, headers)
            for data in written:
                write(data)
            return body
        compressor = zlib.compressobj(PERSONAL_GZIP_LEVEL, zlib.DEFLATED, 31)
        content = compressor.compress(self._read(written, body)) + compressor.flush()
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(content)))]
        vary = names.get("vary")
        headers = [(k, v) for k, v in headers if k.lower() != "vary"]
        headers.append(("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"))
        start_response(status, headers)
        return [content]


def init_app(app) -> None:
    """Put the page cache in front of the app (call before the host check wraps it)."""
    pages.max_bytes = int(app.config.get("PAGE_CACHE_MB", 64)) * 1024 * 1024
    app.wsgi_app = PageCacheMiddleware(app)
