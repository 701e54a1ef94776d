"""How the discussion words counts: "1 response", "2 responses"; the comment pages' numbers."""

from __future__ import annotations

# Words whose plural is not the singular with an "s".
_IRREGULAR = {"person": "people", "reply": "replies"}


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The count with its noun: "1 second", "0 comments", "1,200 responses"."""
    word = singular if count == 1 else (plural_form or _IRREGULAR.get(singular, singular + "s"))
    return f"{count:,} {word}"


