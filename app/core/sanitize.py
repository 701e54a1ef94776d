"""The one place where user HTML is cleaned: every call to bleach lives here."""

from __future__ import annotations

import bleach
from markdown_it import MarkdownIt

ARTICLE_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "dd", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
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


def clean_article_html(html: str) -> str:
    """Return article HTML with everything outside the article allow-list removed."""
    return bleach.clean(
        html,
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
