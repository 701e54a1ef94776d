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


def excerpt_from_html(body_html: str, words: int = 55) -> str:
    """Return the first words of an HTML body as plain text, with an ellipsis if cut."""
    text = html.unescape(strip_tags(body_html))
    parts = text.split()
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
