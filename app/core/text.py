"""Small text helpers: slugs, excerpts, tag lists."""

from __future__ import annotations

import html
import re
import unicodedata

from app.core.sanitize import strip_tags

TAG_PATTERN = re.compile(r"^[\w][\w .+#-]*$", re.UNICODE)


# Letters that Unicode does not decompose into an ASCII letter plus an accent.
TRANSLITERATE = str.maketrans({"Ł": "L", "ł": "l", "ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O",
                               "ø": "o", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th", "Œ": "OE",
                               "œ": "oe", "ı": "i", "Ħ": "H", "ħ": "h"})


def slugify(text: str, max_length: int = 80) -> str:
    """Turn text into a lowercase ASCII slug of letters, digits and hyphens."""
    normalised = unicodedata.normalize("NFKD", text.translate(TRANSLITERATE))
    normalised = normalised.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", normalised.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def is_valid_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)) and len(slug) <= 200


# Where one block of an article ends and the next begins: headings, paragraphs, list items,
# code blocks, quotes, table cells, line and thematic breaks.
_BLOCK_EDGE = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|dl|dt|dd|pre|blockquote|div|table|tr|td|th|caption|figure|"
    r"figcaption|section|article|aside|header|footer|details|summary)\b[^>]*>|<(?:br|hr)\b[^>]*>",
    re.IGNORECASE)
_EDGE_MARK = "\ue000"  # a private-use character: no article text holds it, bleach keeps it
_ENDS_SENTENCE = re.compile(r"[.!?…:;,)\]}\"'”’»]$")


def text_blocks(body_html: str) -> list[str]:
    """The text of each block of an HTML body, in order, each on one line (empty ones left
    out): a heading, a list item and a code block stay apart."""
    marked = _BLOCK_EDGE.sub(_EDGE_MARK, body_html)
    text = html.unescape(strip_tags(marked))
    return [block for part in text.split(_EDGE_MARK) if (block := " ".join(part.split()))]


def plain_text(body_html: str) -> str:
    """An HTML body as one line of plain text, its blocks kept apart: a block that does not
    end a sentence (a heading, a list item) gets a full stop before the next one."""
    blocks = text_blocks(body_html)
    return " ".join(block if index == len(blocks) - 1 or _ENDS_SENTENCE.search(block)
                    else block + "." for index, block in enumerate(blocks))


def excerpt_from_html(body_html: str, words: int = 55) -> str:
    """Return the first words of an HTML body as plain text, with an ellipsis if cut.

    Blocks keep their edges (`plain_text`), so "Why it matters" and "Teams ship" never read
    as one sentence."""
    parts = plain_text(body_html).split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + " …"


def parse_tag_list(raw: str) -> tuple[list[str], list[str]]:
    """Split a comma-separated tag entry into (valid names, rejected names)."""
    names, rejected, seen = [], [], set()
    for part in raw.split(","):
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > 60 or not TAG_PATTERN.match(name):
            rejected.append(name)
            continue
        key = name.lower()
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names, rejected


# Format characters that join letters in some scripts and in emoji: kept in names.
_JOINERS = {"\u200c", "\u200d"}
# Letters and signs that show as nothing: Hangul fillers, the blank Braille pattern.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def clean_line(text: str) -> str:
    """Return a single-line field (a name) as it should be stored and shown.

    Control and format characters are dropped: the bidirectional embeddings, overrides and
    isolates (U+202A–202E, U+2066–2069), the direction marks (U+200E, U+200F, U+061C), zero
    width spaces and the like, so that nobody's name can turn the text around it or hide in
    it; line breaks and tabs become spaces, and runs of spaces one. The zero-width joiner and
    non-joiner stay: scripts such as Persian and emoji sequences need them.
    """
    kept = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category in ("Zl", "Zp") or char in "\t\n\r\v\f\x85":
            kept.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn") and char not in _JOINERS:
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def has_visible(text: str) -> bool:
    """Tell whether the text has at least one character that shows: a letter, a digit, a
    punctuation mark or a symbol (not a space, a joiner, a lone accent or a blank filler)."""
    return any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK_LETTERS for c in text)


def clean_name(value: str | None) -> str | None:
    """A form filter for a person's name: clean_line, leaving a missing value alone."""
    return clean_line(value) if value else value


class VisibleName:
    """A form validator: refuse a name with no character that shows."""

    def __call__(self, form, field) -> None:
        from wtforms.validators import ValidationError

        if field.data and not has_visible(field.data):
            raise ValidationError("Enter a name that shows: this one is made only of invisible "
                                  "characters or spaces.")
