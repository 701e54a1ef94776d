"""How the discussion words counts: "1 response", "2 responses"; the comment pages' numbers."""

from __future__ import annotations

# Words whose plural is not the singular with an "s".
_IRREGULAR = {"person": "people", "reply": "replies"}


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The count with its noun: "1 second", "0 comments", "1,200 responses"."""
    word = singular if count == 1 else (plural_form or _IRREGULAR.get(singular, singular + "s"))
    return f"{count:,} {word}"


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and those near `page`, with None
    where numbers are left out ("1 … 4 5 6 … 20")."""
    wanted = {1, pages, *range(page - around, page + around + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= pages)
    out: list[int | None] = []
    for number in shown:
        if out and number - out[-1] == 2:
            out.append(number - 1)  # a gap of one page: show it rather than "…"
        elif out and number - out[-1] > 2:
            out.append(None)
        out.append(number)
    return out
