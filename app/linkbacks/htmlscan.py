"""A linear scan of HTML for the linkback code: tokens, one pass that collects a page's text,
links, title and meta tags, and the comparison of addresses.

Hostile pages are the normal case, so the HTML is read by a small tokenizer of our own rather
than `html.parser`: Python 3.11's parser takes quadratic time on inputs such as "<a" or "</"
repeated (a 1 MB page of them would hold a worker for minutes), and html5lib is no better on
some of them. The tokenizer follows the HTML tokenizer where it matters here (comments,
raw-text elements, quoted attributes, a tag cut off by the end of the file is dropped) and every
step moves forward, so its time is linear.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import quote, urljoin, urlsplit

MF2_MAX_DEPTH = 300  # deeper roots are read without microformats (mf2py recurses per level)
MF2_MAX_MARKUP = 256 * 1024  # at most this much of the roots goes to mf2py

START, END, TEXT, RAW = "start", "end", "text", "raw"
# Elements whose content is text, not markup: RAW_TEXT is never shown, RCDATA is (entities).
RAW_TEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext"})
RCDATA = frozenset({"title", "textarea"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr", "keygen"})
# Blocks an excerpt does not reach across.
BLOCKS = frozenset({"p", "li", "dd", "dt", "blockquote", "td", "th", "h1", "h2", "h3", "h4",
                    "h5", "h6", "pre", "figcaption", "header", "footer", "nav", "aside",
                    "article", "section", "main", "ul", "ol", "table", "form", "body"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
# Elements that do not break a line of text: anything else separates the words around it.
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em",
                    "font", "i", "ins", "kbd", "label", "mark", "q", "rp", "rt", "ruby", "s",
                    "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var",
                    "wbr", "nobr", "big"})
# Root classes that make a page worth handing to mf2py (h-* and the classic names for them).
MF_ROOTS = frozenset({"h-entry", "h-card", "h-feed", "h-cite", "hentry", "hfeed", "vcard"})

_HTML_SPACE = "\t\n\f\r "
_MARKUP = re.compile(r"<[a-zA-Z/!?]")
_TAG_NAME = re.compile(r"[^\t\n\f\r />]*")
_ATTR_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r />=]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
_SKIP_IN_TAG = re.compile(r"[\t\n\f\r /]*")
_SPACES = re.compile(r"[\t\n\f\r ]*")
_COMMENT_END = re.compile(r"--!?>")
_SAFE_NAME = re.compile(r"[a-z_:][-a-z0-9_:.]*\Z")
_WHITESPACE = re.compile(r"\s+")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_NAMES_HOST = re.compile(r"([a-z][a-z0-9+.-]*:)?[/\\]{2}")  # absolute, or scheme-relative
_URL_NOISE = str.maketrans("", "", "\t\n\r")  # removed from addresses, as browsers do
_raw_ends: dict[str, re.Pattern] = {}

# The tokenizer.

def tokens(html: str) -> Iterator[tuple[str, str, object]]:
    """Yield (START, name, attrs), (END, name, None), (TEXT, "", raw text) and
    (RAW, element name, its raw content) in document order; comments and doctypes vanish.

    Text is yielded as written (entities not yet decoded). A tag or comment that the end of
    the input cuts off ends the document, as in a browser, which keeps the scan linear.
    """
    pos, size, text_from = 0, len(html), 0
    while (found := _MARKUP.search(html, pos)) is not None:  # a "<" before anything else is text
        lt = found.start()
        char = html[lt + 1]
        if lt > text_from:
            yield TEXT, "", html[text_from:lt]
        if char.isalpha():
            tag = _tag(html, lt + 1)
            if tag is None:
                return
            name, attrs, pos = tag
            yield START, name, attrs
            if name in RAW_TEXT or name in RCDATA:
                end = _raw_end(name).search(html, pos)
                stop = end.start() if end else size
                yield RAW, name, html[pos:stop]
                pos = stop
        elif char == "/":
            after = html[lt + 2:lt + 3]
            if after.isascii() and after.isalpha():
                tag = _tag(html, lt + 2)
                if tag is None:
                    return
                yield END, tag[0], None
                pos = tag[2]
            else:  # "</>" is nothing; "</3" and the like are bogus comments
                pos = lt + 3 if after == ">" else _past(html, ">", lt + 2)
        elif char == "!" and html.startswith("--", lt + 2):
            close = _COMMENT_END.search(html, lt + 2)
            pos = close.end() if close else size
        else:  # doctype, CDATA outside foreign content, processing instruction
            pos = _past(html, ">", lt + 2)
        text_from = pos
    if text_from < size:
        yield TEXT, "", html[text_from:]


def _past(html: str, mark: str, start: int) -> int:
    found = html.find(mark, start)
    return len(html) if found < 0 else found + len(mark)


def _raw_end(name: str) -> re.Pattern:
    if name not in _raw_ends:
        _raw_ends[name] = re.compile(rf"</{name}[\t\n\f\r />]", re.I)
    return _raw_ends[name]


def _tag(html: str, start: int) -> tuple[str, dict[str, str], int] | None:
    """Read a tag's name and attributes from `start`; None when the input ends inside it."""
    size = len(html)
    match = _TAG_NAME.match(html, start)
    name, pos, attrs = match.group().lower(), match.end(), {}
    while True:
        pos = _SKIP_IN_TAG.match(html, pos).end()
        if pos >= size:
            return None
        if html[pos] == ">":
            return name, attrs, pos + 1
        match = _ATTR_NAME.match(html, pos)
        key, pos = match.group().lower(), match.end()
        after = _SPACES.match(html, pos).end()
        value = ""
        if html.startswith("=", after):
            pos = _SPACES.match(html, after + 1).end()
            if pos >= size:
                return None
            if html[pos] in "\"'":
                close = html.find(html[pos], pos + 1)
                if close < 0:
                    return None
                value, pos = html[pos + 1:close], close + 1
            else:
                match = _UNQUOTED.match(html, pos)
                value, pos = match.group(), match.end()
        attrs.setdefault(key, unescape(value) if "&" in value else value)


# Comparing addresses.

def _percent(part: str) -> str:
    """Percent-encode what must be, upper-case escapes, and decode escaped unreserved ones."""
    return _PERCENT.sub(_escape_form, quote(part, safe="!#$%&'()*+,/:;=?@[]~"))


def _escape_form(match: re.Match) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def compare_form(url: str) -> tuple[tuple[str, str, str, str], str] | None:
    """Return ((scheme, host[:port], path, query), fragment) as compared, or None if `url`
    is not an http(s) address: case-insensitive scheme and host, no default port, no
    trailing slash, escapes normalised."""
    try:
        parts = urlsplit(url.strip())
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return None
    if scheme not in ("http", "https") or not host:
        return None
    host = host.rstrip(".")
    with suppress(UnicodeError, ValueError):  # a name IDNA refuses is compared as it is
        host = host.encode("idna").decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    key = (scheme, host, _percent(parts.path).rstrip("/"), _percent(parts.query))
    return key, _percent(parts.fragment)


class Targets:
    """The addresses that count as the target, and the test of a link against them."""

    def __init__(self, urls: Sequence[str]):
        self._fragments: dict[tuple, set[str]] = {}
        self._hosts: set[str] = set()
        for url in urls:
            form = compare_form(url or "")
            if form:
                self._fragments.setdefault(form[0], set()).add(form[1])
                host = urlsplit(form[0][0] + "://" + form[0][1]).hostname or ""
                self._hosts.add(host)
                with suppress(UnicodeError, ValueError):
                    self._hosts.add(host.encode("ascii").decode("idna"))

    def on_host(self, url: str) -> bool:
        """Tell cheaply whether `url` is on a target's host (some of the page's links are)."""
        return compare_form(url) is not None and any(
            host == (urlsplit(url).hostname or "").rstrip(".") for host in self._hosts)

    def may_match(self, href: str, base_on_host: bool) -> bool:
        """A quick test before resolving: a relative href can only match when the page's base
        is on a target's host, an absolute one only when it names such a host."""
        lowered = href.lower().translate(_URL_NOISE).strip(_HTML_SPACE)
        if not _NAMES_HOST.match(lowered):
            return base_on_host
        return any(host in lowered for host in self._hosts)

    def __bool__(self) -> bool:
        return bool(self._fragments)

    def match(self, url: str) -> bool:
        """Tell whether `url` is a target: a target's fragment must match, else it is ignored."""
        form = compare_form(url)
        if form is None or form[0] not in self._fragments:
            return False
        fragments = self._fragments[form[0]]
        return "" in fragments or form[1] in fragments


def resolve(base: str, href: str) -> str:
    """Resolve an href as a browser would (spaces around it dropped); "" when impossible."""
    try:
        return urljoin(base, href.strip(_HTML_SPACE))
    except ValueError:
        return ""


# One pass over a page.

@dataclass
class Roots:
    """The page's top-level microformats roots, re-serialised for mf2py: only well-formed
    tags and escaped text, no comments, scripts, styles or templates, at most MF2_MAX_MARKUP
    characters (mf2py's time grows with what it is given; the rest of a huge entry is lost)."""

    parts: list[str] = field(default_factory=list)
    size: int = 0
    level: int | None = None  # the open elements outside the root being copied
    too_deep: bool = False

    def add(self, text: str) -> None:
        if self.level is not None:
            self.parts.append(text)
            self.size += len(text)
            if self.size > MF2_MAX_MARKUP:
                self.level = None

    def enter(self, attrs: dict[str, str], level: int) -> None:
        if self.level is None and self.size <= MF2_MAX_MARKUP \
                and not MF_ROOTS.isdisjoint(attrs.get("class", "").split()):
            self.level = level

    def check(self, level: int) -> None:
        """Stop copying when the root has closed, or give up when it nests too deep."""
        if self.level is not None and level <= self.level:
            self.level = None
        elif self.level is not None and level - self.level > MF2_MAX_DEPTH:
            self.level, self.too_deep = None, True

    @property
    def markup(self) -> str:
        return "" if self.too_deep else "".join(self.parts)


@dataclass
class Page:
    """What one pass over an HTML document collects."""

    chunks: list[str] = field(default_factory=list)
    length: int = 0
    anchors: list[list] = field(default_factory=list)  # [href, text start, text end]
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    rel_author: str | None = None
    feed_title: str | None = None  # the title of the page's first RSS/Atom <link rel=alternate>
    # Where paragraphs and other blocks start and end in `text`: an excerpt stays inside the
    # block that holds the link, as a reader would quote it (not the menu before it).
    blocks: list[int] = field(default_factory=list)
    roots: Roots | None = None
    _gap: bool = False

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def add_text(self, raw: str) -> None:
        """Append visible text with whitespace collapsed; a gap becomes one space."""
        text = _WHITESPACE.sub(" ", raw)
        if text.startswith(" "):
            self._gap, text = True, text[1:]
        if not text:
            return
        if self._gap and self.length:
            self.chunks.append(" ")
            self.length += 1
        self._gap = text.endswith(" ")
        text = text.rstrip(" ")
        self.chunks.append(text)
        self.length += len(text)

    def separate(self) -> None:
        self._gap = True


def read_page(html: str, *, microformats: bool = False) -> Page:
    """Collect a page's visible text, its links with their place in that text, its title,
    meta tags, base and rel=author; with `microformats`, the copy of its roots for mf2py."""
    page = Page(roots=Roots() if microformats else None)
    roots = page.roots or Roots()
    stack: list[str] = []
    open_names: Counter[str] = Counter()
    in_template = 0
    anchor: list | None = None
    for kind, name, value in tokens(html):
        if name == "template" and kind in (START, END):
            in_template = in_template + 1 if kind == START else max(0, in_template - 1)
        elif in_template:
            continue
        elif kind == TEXT:
            text = unescape(value)
            page.add_text(text)
            roots.add(escape(text, quote=False))
        elif kind == RAW and name in RCDATA:
            text = unescape(value)
            if name == "title" and page.title is None:
                page.title = text
            roots.add(escape(text, quote=False))
        elif kind == START:
            anchor = _start(page, name, value, anchor)
            if page.roots is not None:
                roots.enter(value, len(stack))
                roots.add(_serialised(name, value))
            if name not in VOID:
                stack.append(name)
                open_names[name] += 1
            roots.check(len(stack))
        elif kind == END and open_names[name]:
            while stack:  # as the tree builder does: close up to the matching element
                popped = stack.pop()
                open_names[popped] -= 1
                if popped == "a" and anchor is not None:
                    anchor[2], anchor = page.length, None
                if popped == name:
                    break
            roots.add(f"</{name}>" if _SAFE_NAME.match(name) else "")
            roots.check(len(stack))
            if name in BLOCKS:
                page.blocks.append(page.length)
            if name not in INLINE:
                page.separate()
    if anchor is not None:
        anchor[2] = page.length
    return page


def _serialised(name: str, attrs: dict[str, str]) -> str:
    if not _SAFE_NAME.match(name):
        return ""
    return "<" + name + "".join(f' {key}="{escape(value)}"' for key, value in attrs.items()
                                if _SAFE_NAME.match(key)) + ">"


def _start(page: Page, name: str, attrs: dict[str, str], anchor: list | None) -> list | None:
    """Take what a start tag tells; return the <a> now open (a new one closes the last)."""
    if name not in INLINE:
        page.separate()
    if name in BLOCKS:
        page.blocks.append(page.length)
    href = attrs.get("href")
    if name == "a":
        if anchor is not None:
            anchor[2] = page.length
        anchor = None
        if href is not None:
            anchor = [href, page.length, None]
            page.anchors.append(anchor)
    elif name == "area" and href is not None:
        page.anchors.append([href, page.length, page.length])
    elif name == "base" and href is not None and page.base is None:
        page.base = href
    elif name == "meta" and attrs:
        key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
        if key and "content" in attrs:
            page.meta.setdefault(key, attrs["content"])
    rels = attrs.get("rel", "").lower().split()
    if name in ("a", "link") and href and page.rel_author is None and "author" in rels:
        page.rel_author = href
    if name == "link" and "alternate" in rels and page.feed_title is None and attrs.get("title") \
            and attrs.get("type", "").lower() in FEED_TYPES:
        page.feed_title = unescape(attrs["title"])
    return anchor


def first_link(page: Page, base: str, targets: Targets) -> list | None:
    """Return the first [href, start, end] of the page's links that points at a target."""
    seen: dict[str, bool] = {}
    base_on_host = targets.on_host(base)
    for anchor in page.anchors:
        href = anchor[0]
        if href not in seen:
            seen[href] = targets.may_match(href, base_on_host) \
                and targets.match(resolve(base, href))
        if seen[href]:
            return anchor
    return None
