"""Reading a page that says it links to us: does it, and what should the linkback show?

Everything here is a pure function of the page's text, so the receive pipeline and the tests
call it without a network or a database. The page is read in one linear pass by
`htmlscan.read_page` (never `html.parser`, which is quadratic on some hostile input).

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
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

import mf2py

from app.core.text import clean_line
from app.linkbacks.htmlscan import (
    MF_ROOTS,
    Page,
    Targets,
    compare_form,
    first_link,
    read_page,
    resolve,
)

MAX_TITLE = 300
CONTEXT = 100        # characters of text kept on each side of the link in an excerpt
LINK_TEXT = 200      # at most this much of a (huge) link's own text goes into an excerpt
SNAP = 30            # how far back an excerpt's cut may move to fall between two words

TITLE_SEPARATORS = (" – ", " — ", " | ", " - ", " » ", " · ", " :: ", ": ")
_FEED_SUFFIX = re.compile(r"\s*[»›|:–—-]\s*(?:comments\s+)?(?:feed|rss|atom)(?:\s+\w+)?$",
                          re.IGNORECASE)
REPLY_PROPERTIES = (("like-of", "like"), ("repost-of", "repost"), ("bookmark-of", "bookmark"),
                    ("in-reply-to", "reply"))

_WHITESPACE = re.compile(r"\s+")
_TEXT_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\[\]]+", re.I)
_MF_HINT = re.compile("|".join(sorted(MF_ROOTS)))


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
