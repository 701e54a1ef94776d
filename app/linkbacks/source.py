"""Reading a page that says it links to us: does it, and what should the linkback show?

Everything here is a pure function of the page's text, so the receive pipeline and the tests
call it without a network or a database. Hostile pages are the normal case, so the HTML is read
by a small tokenizer of our own rather than `html.parser`: Python 3.11's parser takes
quadratic time on inputs such as "<a" or "</" repeated (a 1 MB page of them would hold a worker
for minutes), and html5lib is no better on some of them. The tokenizer follows the HTML
tokenizer where it matters here (comments, raw-text elements, quoted attributes, a tag cut off
by the end of the file is dropped) and every step moves forward, so its time is linear.

Microformats2 are read by mf2py from a re-serialised copy of the page's top-level
microformats roots only, holding nothing but well-formed tags and escaped text (no comments,
scripts, styles or templates), so mf2py's parser never sees what could slow it down. That copy
stops at `MF2_MAX_MARKUP` characters (mf2py's time grows with what it reads), and a root nested
deeper than `MF2_MAX_DEPTH` elements means no microformats rather than a risk of mf2py's
recursion running out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape, unescape
from urllib.parse import quote, urljoin, urlsplit

import mf2py

from app.core.text import clean_line

MAX_TITLE = 300
CONTEXT = 100        # characters of text kept on each side of the link in an excerpt
LINK_TEXT = 200      # at most this much of a (huge) link's own text goes into an excerpt
MF2_MAX_DEPTH = 300  # deeper roots are read without microformats (mf2py recurses per level)
MF2_MAX_MARKUP = 256 * 1024  # at most this much of the roots goes to mf2py
SNAP = 30            # how far back an excerpt's cut may move to fall between two words

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
TITLE_SEPARATORS = (" – ", " — ", " | ", " - ", " » ", " · ", " :: ", ": ")
_FEED_SUFFIX = re.compile(r"\s*[»›|:–—-]\s*(?:comments\s+)?(?:feed|rss|atom)(?:\s+\w+)?$",
                          re.IGNORECASE)
# Elements that do not break a line of text: anything else separates the words around it.
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em",
                    "font", "i", "ins", "kbd", "label", "mark", "q", "rp", "rt", "ruby", "s",
                    "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var",
                    "wbr", "nobr", "big"})
# Root classes that make a page worth handing to mf2py (h-* and the classic names for them).
MF_ROOTS = frozenset({"h-entry", "h-card", "h-feed", "h-cite", "hentry", "hfeed", "vcard"})
REPLY_PROPERTIES = (("like-of", "like"), ("repost-of", "repost"), ("bookmark-of", "bookmark"),
                    ("in-reply-to", "reply"))

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
_TEXT_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\[\]]+", re.I)
_NAMES_HOST = re.compile(r"([a-z][a-z0-9+.-]*:)?[/\\]{2}")  # absolute, or scheme-relative
_URL_NOISE = str.maketrans("", "", "\t\n\r")  # removed from addresses, as browsers do
_MF_HINT = re.compile("|".join(sorted(MF_ROOTS)))
_raw_ends: dict[str, re.Pattern] = {}


@dataclass(frozen=True)
class SourcePage:
    """What a linking page says, as the receive pipeline stores and shows it."""

    links_to_target: bool
    title: str                 # cleaned one line, at most MAX_TITLE characters ("" if none)
    site_name: str             # og:site_name, else application-name, else ""
    excerpt: str               # plain text around the link, whole words, "" if none
    mention_type: str          # "reply", "like", "repost", "bookmark" or "mention"
    in_reply_to: tuple[str, ...]
    author_name: str
    author_url: str
    author_photo: str
    published: datetime | None  # aware UTC
    content_html: str          # the h-entry's e-content as given: NOT sanitised
    content_text: str


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


# Excerpts.

def excerpt(text: str, start: int, end: int, width: int = CONTEXT,
            blocks: Sequence[int] = ()) -> str:
    """Return about `width` characters each side of text[start:end], cut between words
    (between characters in scripts written without spaces), as one clean line; within the
    block (paragraph, list item…) that holds the link, when `blocks` says where blocks are."""
    end = min(max(end, start), start + LINK_TEXT, len(text))
    floor = max((b for b in blocks if b <= start), default=0)
    ceiling = min((b for b in blocks if b >= end), default=len(text))
    left = max(floor, start - width)
    right = end if end - start >= LINK_TEXT else min(ceiling, end + width)
    if left > floor:
        left = _snap_left(text, left, start)
    if right < ceiling:
        right = _snap_right(text, right, end)
    return clean_line(text[left:right])


def _wordless(char: str) -> bool:
    """Characters of scripts written without spaces (Chinese, Japanese), between which a cut
    is fine; Korean is wide too but spaces its words."""
    return unicodedata.east_asian_width(char) in ("W", "F") \
        and not unicodedata.name(char, "").startswith("HANGUL")


def _snap_left(text: str, cut: int, limit: int) -> int:
    if text[cut - 1].isspace() or _wordless(text[cut]) or _wordless(text[cut - 1]):
        pass
    else:
        space = text.find(" ", cut, min(limit, cut + SNAP))
        if space >= 0:
            cut = space + 1
    while cut < limit and unicodedata.category(text[cut]).startswith("M"):
        cut += 1  # never start on an accent that belongs to the letter before
    return cut


def _snap_right(text: str, cut: int, limit: int) -> int:
    if text[cut].isspace() or _wordless(text[cut]) or _wordless(text[cut - 1]):
        pass
    else:
        space = text.rfind(" ", max(limit, cut - SNAP), cut)
        if space >= 0:
            cut = space
    while cut < len(text) and unicodedata.category(text[cut]).startswith("M"):
        cut += 1  # keep the accents of the last letter
    return cut


# Microformats.

def _microformats(page: Page, base: str) -> dict | None:
    markup = page.roots.markup if page.roots else ""
    if not markup:
        return None
    try:
        return mf2py.parse(doc=markup, url=base, html_parser="html.parser",
                           metaformats=False)
    except Exception:  # noqa: BLE001 - a parser failure on hostile markup only loses mf2
        return None


def _props(item: object) -> dict:
    return item.get("properties", {}) if isinstance(item, dict) else {}


def _types(item: object) -> list:
    return item.get("type", []) if isinstance(item, dict) else []


def _urls(values: object) -> list[str]:
    """The addresses in an mf2 property: plain strings, or the url of an h-cite."""
    found = []
    for value in values if isinstance(values, list) else []:
        if isinstance(value, dict):
            value = (_props(value).get("url") or [value.get("value", "")])[0]
        if isinstance(value, dict):  # a u-url parsed as {"value":..., "alt":...}
            value = value.get("value", "")
        if isinstance(value, str) and value:
            found.append(value)
    return found


def _first_text(values: object) -> str:
    value = values[0] if isinstance(values, list) and values else ""
    if isinstance(value, dict):
        value = value.get("value", "")
    return value if isinstance(value, str) else ""


def _entries(parsed: dict) -> list[dict]:
    """The page's h-entries: top-level ones and those in a top-level h-feed, in order."""
    found = []
    for item in parsed.get("items", []):
        if "h-entry" in _types(item):
            found.append(item)
        elif "h-feed" in _types(item):
            found.extend(child for child in item.get("children", [])
                         if "h-entry" in _types(child))
    return found


def _cards(parsed: dict) -> Iterator[dict]:
    """Every h-card of the page, at any depth (bounded by the page's own depth limit)."""
    pending = deque(parsed.get("items", []))
    while pending:
        item = pending.popleft()
        if not isinstance(item, dict):
            continue
        if "h-card" in _types(item):
            yield item
        pending.extend(item.get("children", []))
        for values in _props(item).values():
            pending.extend(value for value in values if isinstance(value, dict)
                           and "type" in value)


def _content(entry: dict) -> tuple[str, str]:
    """The entry's (content html, content text); a plain-text content is escaped as html."""
    value = (_props(entry).get("content") or [""])[0]
    if isinstance(value, dict):
        return str(value.get("html", "")), _tidy(str(value.get("value", "")))
    text = _tidy(str(value))
    return escape(text, quote=False), text


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def _reply_type(entry: dict, targets: Targets) -> str:
    for name, kind in REPLY_PROPERTIES:
        if any(targets.match(url) for url in _urls(_props(entry).get(name))):
            return kind
    return "mention"


@dataclass
class Found:
    """What the page's microformats say, once an h-entry is chosen."""

    entry: dict | None = None
    content_page: Page | None = None  # the entry's content read, when it holds the link
    content_link: list | None = None


def _choose(parsed: dict | None, base: str, targets: Targets) -> Found:
    """Pick the first h-entry that links to a target (by a reply property or in its
    content), else the first h-entry."""
    entries = _entries(parsed) if parsed else []
    for entry in entries:
        html = _content(entry)[0]
        content = read_page(html) if html else None
        link = first_link(content, base, targets) if content else None
        if link or _reply_type(entry, targets) != "mention":
            return Found(entry, content, link)
    return Found(entries[0] if entries else None)


def _author(entry: dict | None, parsed: dict | None, page: Page,
            base: str) -> tuple[str, str, str]:
    """(name, url, photo) of the entry's author (an h-card, a name or an address), else of
    the page's rel=author, else of its only top-level h-card; an address alone is completed
    from the page's h-card for it, when there is one."""
    author = (_props(entry).get("author") or [None])[0]
    if author is None and page.rel_author:
        author = resolve(base, page.rel_author)
    if author is None and parsed:
        cards = [item for item in parsed.get("items", []) if "h-card" in _types(item)]
        author = cards[0] if len(cards) == 1 else None
    name, url, photo = _card(author)
    if parsed and url and not (name and photo):
        wanted = Targets([url])
        card = next((c for c in _cards(parsed)
                     if any(wanted.match(u) for u in _urls(_props(c).get("url")))), None)
        if card is not None:
            more = _card(card)
            name, photo = name or more[0], photo or more[2]
    if name == url:
        name = ""
    return shorten(name, 200), _web_address(url), _web_address(photo)


def _card(author: object) -> tuple[str, str, str]:
    if isinstance(author, dict):
        props = _props(author)
        name = _first_text(props.get("name")) or str(author.get("value", ""))
        return name, (_urls(props.get("url")) or [""])[0], (_urls(props.get("photo")) or [""])[0]
    if isinstance(author, str):
        return ("", author, "") if author.startswith(("http://", "https://")) else (author, "", "")
    return "", "", ""


def _web_address(url: str) -> str:
    return url if compare_form(url) is not None else ""


def parse_datetime(value: str) -> datetime | None:
    """An mf2 dt-published as an aware UTC datetime; a time without a zone is taken as UTC."""
    text = value.strip().replace(" ", "T", 1)
    text = re.sub(r"[zZ]$", "+00:00", text)
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
    try:
        when = datetime.fromisoformat(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


# Titles.

def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _title(entry: dict | None, page: Page, site_name: str = "") -> str:
    """The h-entry's name unless it only repeats the content, else og:title, else <title>
    without the site's name that blogs add to it ("Post – Blog", "Blog | Post")."""
    name = _first_text(_props(entry).get("name"))
    content = _squash(_content(entry)[1]) if entry else ""
    core = _squash(name).rstrip(".…")
    if core and not (content and content.startswith(core)):
        return shorten(name, MAX_TITLE)
    if page.meta.get("og:title"):
        return shorten(page.meta["og:title"], MAX_TITLE)
    return shorten(without_site(page.title or "", site_name), MAX_TITLE)


def without_site(title: str, site_name: str) -> str:
    """The title without a leading or trailing site name and its separator."""
    line, site = clean_line(title), clean_line(site_name)
    if not site or line == site:
        return line
    for separator in TITLE_SEPARATORS:
        if line.endswith(separator + site):
            return line[:-len(separator + site)].strip() or line
        if line.startswith(site + separator):
            return line[len(site + separator):].strip() or line
    return line


def site_name_of(page: Page) -> str:
    """og:site_name, else application-name, else the name a blog gives its feed ("Blog »
    Feed", as WordPress writes it), else ""."""
    named = page.meta.get("og:site_name") or page.meta.get("application-name")
    if not named and page.feed_title:
        named = _FEED_SUFFIX.sub("", clean_line(page.feed_title))
    return shorten(named or "", 200)


def shorten(text: str, limit: int) -> str:
    """One clean line of at most `limit` characters, cut between words with an ellipsis."""
    line = clean_line(text)
    if len(line) <= limit:
        return line
    cut = line[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit - SNAP else cut).rstrip() + "…"


# The whole reading.

def read_source(html: str, source_url: str, targets: Sequence[str], *,
                plain_text: bool = False) -> SourcePage:
    """Read a fetched source: whether it links to a target and what to show for it."""
    html = _usable(html)
    wanted = Targets(targets)
    if plain_text:
        return _read_text(html, wanted)
    page = read_page(html, microformats=bool(_MF_HINT.search(html)))
    base = resolve(source_url, page.base) if page.base else source_url
    base = base or source_url
    parsed = _microformats(page, base)
    found = _choose(parsed, base, wanted)
    link = found.content_link
    text_page = found.content_page if link else page
    if link is None:
        link = first_link(page, base, wanted)
    mention_type = _reply_type(found.entry, wanted) if found.entry else "mention"
    content_html, content_text = _content(found.entry) if found.entry else ("", "")
    name, url, photo = _author(found.entry, parsed, page, base)
    site_name = site_name_of(page)
    return SourcePage(
        links_to_target=link is not None or mention_type != "mention",
        title=_title(found.entry, page, site_name),
        site_name=site_name,
        excerpt=excerpt(text_page.text, link[1], link[2], blocks=text_page.blocks)
        if link else "",
        mention_type=mention_type,
        in_reply_to=tuple(dict.fromkeys(
            u for u in _urls(_props(found.entry).get("in-reply-to")) if _web_address(u))),
        author_name=name, author_url=url, author_photo=photo,
        published=parse_datetime(_first_text(_props(found.entry).get("published"))),
        content_html=content_html, content_text=content_text,
    )


def _usable(html: str | None) -> str:
    """The text with NULs and lone surrogates (undecodable bytes) made harmless."""
    html = (html or "").replace("\x00", "\ufffd")
    try:
        html.encode("utf-8")
    except UnicodeEncodeError:
        html = html.encode("utf-8", "replace").decode("utf-8")
    return html


def _read_text(text: str, targets: Targets) -> SourcePage:
    """A text/plain page links to the target when the target's address is in it."""
    flat = _WHITESPACE.sub(" ", text)
    link = None
    for match in _TEXT_URL.finditer(flat):
        url = match.group().rstrip(".,;:!?)'\"»")
        if targets.match(url):
            link = (match.start(), match.start() + len(url))
            break
    return SourcePage(
        links_to_target=link is not None, title="", site_name="",
        excerpt=excerpt(flat, *link) if link else "", mention_type="mention", in_reply_to=(),
        author_name="", author_url="", author_photo="", published=None, content_html="",
        content_text="")
