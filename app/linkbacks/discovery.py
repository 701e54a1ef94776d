"""The sending side's reading of pages: where to send a linkback, and what an article links to.

Webmention discovery is the W3C Recommendation's, step by step: the HTTP Link headers first
(every header, every link in it, the first whose rel has the token "webmention"), then the first
<link> or <a> element in document order with that rel token and an href, never one inside an
HTML comment or a <template>. Relative addresses resolve against the page's final URL after
redirects, an empty href is the page itself, and the endpoint's query string is kept. Only the
first endpoint found counts: if it is not an http(s) address there is no endpoint, since
looking further would send to an address the page did not advertise first.

The HTML is read with the linear tokenizer of `htmlscan.py`, never with `html.parser`, whose
time is quadratic on some malformed pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote, urldefrag, urlsplit, urlunsplit

from app.linkbacks.htmlscan import END, START, read_page, resolve, tokens
from app.linkbacks.source import excerpt as text_around

OUTBOUND_CONTEXT = 100  # characters each side: about 200 of text around an outbound link

_LINK_TARGET = re.compile(r"[\s,]*<([^>]*)>")
_LINK_PARAM = re.compile(r'\s*;\s*([^\s=;,]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,]*))?')
_ESCAPED = re.compile(r"\\(.)")
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"


def link_header(value: str) -> list[tuple[str, frozenset[str]]]:
    """Split one Link header value (RFC 8288) into (URI reference, rel tokens) pairs.

    Parameters are read with quoted strings and their escapes; only the first rel parameter
    of a link counts, and its tokens are compared in lower case. A malformed link is skipped.
    """
    links, pos, last = [], 0, value.rfind(">")
    while pos < last:  # past the last ">" no link can be complete
        found = _LINK_TARGET.match(value, pos)
        if found is None:  # not a link: skip to the next comma
            pos = value.find(",", pos + 1)
            if pos < 0:
                break
            continue
        uri, pos, rel = found.group(1), found.end(), None
        while (param := _LINK_PARAM.match(value, pos)) is not None and param.end() > pos:
            name, raw = param.group(1).lower(), (param.group(2) or "").strip()
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                raw = _ESCAPED.sub(r"\1", raw[1:-1])
            raw = raw.strip('"')  # a quote never closed: read leniently
            if name == "rel" and rel is None:
                rel = raw
            pos = param.end()
        links.append((uri.strip(), frozenset((rel or "").lower().split())))
        comma = value.find(",", pos)
        if comma < 0:
            break
        pos = comma
    return links


def _rel_elements(html: str, names: tuple[str, ...]) -> Iterator[tuple[frozenset[str], str]]:
    """Yield (rel tokens, href) of the `names` elements that have an href, in document order,
    outside <template> (comments never reach here)."""
    in_template = 0
    for kind, name, attrs in tokens(html):
        if name == "template" and kind in (START, END):
            in_template = in_template + 1 if kind == START else max(0, in_template - 1)
        elif kind == START and not in_template and name in names and "href" in attrs:
            yield frozenset(attrs.get("rel", "").lower().split()), attrs["href"]


def _first_rel(html: str | None, names: tuple[str, ...], rel: str) -> str | None:
    for rels, href in _rel_elements(html or "", names):
        if rel in rels:
            return href
    return None


def _endpoint(page_url: str, reference: str) -> str | None:
    """The absolute address a discovered reference names, or None if it is not http(s)."""
    url = urldefrag(resolve(page_url, reference)).url
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


def webmention_endpoint(page_url: str, link_headers: Iterable[str],
                        html: str | None) -> str | None:
    """Discover a page's Webmention endpoint (headers, then HTML); None if it has none."""
    for value in link_headers or ():
        for uri, rels in link_header(value):
            if "webmention" in rels:
                return _endpoint(page_url, uri)
    href = _first_rel(html, ("link", "a"), "webmention")
    return None if href is None else _endpoint(page_url, href)


def pingback_server(x_pingback: str | None, html: str | None, page_url: str) -> str | None:
    """Discover a page's Pingback server: the X-Pingback header, else <link rel="pingback">."""
    if x_pingback and x_pingback.strip():
        return _endpoint(page_url, x_pingback)
    href = _first_rel(html, ("link",), "pingback")
    return None if not href else _endpoint(page_url, href)


def outbound_links(html: str, base_url: str) -> list[tuple[str, str]]:
    """Each distinct http(s) address an article's body links to, in document order, with
    about 200 characters of the text around its first link (a change there re-sends)."""
    page = read_page(html or "")
    text = page.text
    found: dict[str, str] = {}
    for href, start, end in page.anchors:
        stripped = href.strip()
        if not stripped or stripped.startswith("#"):
            continue
        url = _outbound(base_url, stripped)
        if url and url not in found:
            found[url] = text_around(text, start, end, OUTBOUND_CONTEXT)
    return list(found.items())


def _outbound(base_url: str, href: str) -> str | None:
    """The link's absolute http(s) address without its fragment, scheme and host in lower
    case, no default port, escaped where it must be; None for mailto:, javascript: and the
    like, and for an address with a user name or password in it."""
    url = urldefrag(resolve(base_url, href)).url
    try:
        parts = urlsplit(url)
        port, host = parts.port, (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    host = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, quote(parts.path, safe=_SAFE_PATH) or "/",
                       quote(parts.query, safe=_SAFE_PATH + "?"), ""))
