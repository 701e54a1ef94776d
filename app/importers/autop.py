"""WordPress's automatic paragraphs, so that imported content renders as WordPress shows it.

WordPress stores post and comment text without <p> tags and adds them when it displays the
text: a blank line starts a paragraph, a single line break becomes <br />. Block-level HTML
is left as it is, and nothing inside <pre> is touched.
"""

from __future__ import annotations

import re

BLOCK_TAGS = (
    "address|article|aside|blockquote|caption|col|colgroup|dd|details|div|dl|dt|fieldset|"
    "figcaption|figure|footer|form|h[1-6]|header|hr|li|main|map|math|menu|nav|ol|p|pre|section|"
    "summary|table|tbody|td|tfoot|th|thead|tr|ul|style|script|iframe|object|embed|video|audio"
)
_BLOCK_START = re.compile(rf"^\s*</?(?:{BLOCK_TAGS})[\s/>]", re.IGNORECASE)
_BLOCK_END = re.compile(rf"</(?:{BLOCK_TAGS})>\s*$", re.IGNORECASE)
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.IGNORECASE | re.DOTALL)
_BLOCK_OPEN = re.compile(rf"(<(?:{BLOCK_TAGS})(?:\s[^>]*)?/?>)", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"(</(?:{BLOCK_TAGS})>)", re.IGNORECASE)
_QUOTE_EDGES = re.compile(r"(<blockquote(?:\s[^>]*)?>)|(</blockquote>)", re.IGNORECASE)


def autop(text: str) -> str:
    """Add paragraphs and line breaks to text written for WordPress."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\n\n\x00pre{len(kept) - 1}\x00\n\n"

    text = _PRE.sub(keep, text)
    # A block starts a new chunk and one starts after it ends, so no paragraph wraps a block;
    # the text inside a block stays as it is.
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    # A quotation holds paragraphs of its own, as in WordPress.
    text = _QUOTE_EDGES.sub(lambda m: f"{m.group(1) or ''}\n\n{m.group(2) or ''}", text)
    out = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip("\n")
        if not block.strip():
            continue
        if block.startswith("\x00pre"):
            out.append(kept[int(block[4:-1])])
        elif _BLOCK_START.match(block) or _BLOCK_END.search(block):
            out.append(block.strip())
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br />\n", block.strip()) + "</p>")
    return "\n".join(out)
