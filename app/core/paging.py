"""What every pager shares: previous and next, and which page numbers to link."""

from __future__ import annotations


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and those near `page`, with None
    where numbers are left out ("1 … 4 5 6 … 20"); a gap of one page shows that page."""
    wanted = {1, pages, *range(page - around, page + around + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= pages)
    out: list[int | None] = []
    for number in shown:
        if out and number - out[-1] == 2:
            out.append(number - 1)
        elif out and number - out[-1] > 2:
            out.append(None)
        out.append(number)
    return out


class Paged:
    """For a page of a list with `page` and `pages` (a field or a property)."""

    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def page_numbers(self, around: int = 2) -> list[int | None]:
        return page_numbers(self.page, self.pages, around)
