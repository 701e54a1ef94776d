"""The one place where user HTML is cleaned: every call to bleach lives here."""

from __future__ import annotations

import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

ARTICLE_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "dd", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
ARTICLE_ATTRIBUTES = {
    "a": ["href", "title", "rel", "hreflang"],
    "abbr": ["title"],
    "blockquote": ["cite"],
    "img": ["src", "alt", "title", "width", "height"],
    "q": ["cite"],
    "th": ["scope", "colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
    "ol": ["start"],
    "code": ["class"],
}
PROTOCOLS = frozenset({"http", "https", "mailto"})

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
    ["table", "strikethrough"]
)


# Elements whose content is code, not text: dropped whole rather than left as visible text.
_CODE_ELEMENTS = re.compile(r"<(script|style|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)


def clean_article_html(html: str) -> str:
    """Return article HTML with everything outside the article allow-list removed."""
    return bleach.clean(
        _CODE_ELEMENTS.sub("", html),
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def render_article_markdown(source: str) -> str:
    """Render an article's Markdown (CommonMark) to sanitised HTML."""
    return clean_article_html(_markdown.render(source))


def strip_tags(html: str) -> str:
    """Return the text of an HTML fragment with every tag removed (still entity-escaped)."""
    return bleach.clean(html, tags=set(), strip=True, strip_comments=True)


COMMENT_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "i", "li", "ol", "p",
    "pre", "q", "s", "strong", "ul",
})
COMMENT_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"], "q": ["cite"],
                      "ol": ["start"]}
LINK_REL = "nofollow ugc"


def _force_rel(attrs, new=False):
    """Mark every link in reader text nofollow ugc, whatever rel it came with."""
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = LINK_REL
    return attrs


_comment_cleaner = bleach.Cleaner(
    tags=COMMENT_TAGS,
    attributes=COMMENT_ATTRIBUTES,
    protocols=PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_force_rel], skip_tags={"code", "pre"})],
)
# Lists and fenced code (```) render; indented code stays off, so that pasted text indented
# by four spaces is not turned into code.
_comment_markdown = MarkdownIt("commonmark", {"html": True, "breaks": True}).disable(
    ["heading", "lheading", "table", "image", "hr", "code"], ignoreInvalid=True
)


def render_comment(source: str) -> str:
    """Render a reader's comment (Markdown or the small HTML set) to safe HTML.

    Bare URLs become links, and every link is rel="nofollow ugc".
    """
    return _comment_cleaner.clean(_CODE_ELEMENTS.sub("", _comment_markdown.render(source))).strip()


def clean_excerpt(text: str) -> str:
    """Return plain text made safe to show: no markup survives."""
    return bleach.clean(text, tags=set(), strip=True, strip_comments=True)


def clean_comment_html(html: str) -> str:
    """Clean HTML written for another blog's comments (already in paragraphs)."""
    return _comment_cleaner.clean(_CODE_ELEMENTS.sub("", html)).strip()
