"""Numbers that arrive in addresses: route segments and query-string parameters.

Ids are 32-bit integer columns on PostgreSQL and 64-bit ones on SQLite; a number past them
makes the database driver fail. So `BoundedIntegerConverter` is registered as the app's `int`
converter, and a route whose number could not name a row does not match (a 404 page);
`int_arg` / `id_arg` read numeric query parameters the same way for every view, and
`parse_id` a form's hidden id.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, Map, ValidationError

# The largest value of a PostgreSQL `integer` (every id column is one).
MAX_INT = 2**31 - 1
_PLAIN_NUMBER = re.compile(r"[0-9]{1,10}")


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` that takes only ASCII digits and values that fit an integer column."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 0,
                 max: int | None = MAX_INT, signed: bool = False) -> None:
        bounded = MAX_INT if max is None or max > MAX_INT else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bounded, signed=signed)

    def to_python(self, value: str) -> int:
        # Refuse long digit strings before turning them into a number at all.
        if len(value.lstrip("-").lstrip("0")) > len(str(MAX_INT)):
            raise ValidationError()
        return super().to_python(value)


def _number(raw: str | None, minimum: int, maximum: int) -> int | None:
    """Return the value of plain ASCII digits within the bounds, else None."""
    if raw is None or not _PLAIN_NUMBER.fullmatch(raw):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def parse_id(raw: str | None) -> int | None:
    """Return the id that a form value (a hidden field) gives, or None when it is not plain
    digits that an id column can hold."""
    return _number((raw or "").strip(), 1, MAX_INT)


def int_arg(args: MultiDict, name: str, default: int | None, *, minimum: int = 1,
            maximum: int = MAX_INT) -> int | None:
    """Read a numeric query parameter (a page number, a filter), or the default when it is
    missing, not a plain number, or outside minimum..maximum."""
    value = _number(args.get(name), minimum, maximum)
    return default if value is None else value


def id_arg(args: MultiDict, name: str) -> int | None:
    """Read a query parameter that names a row by its id: None when it is absent or empty,
    a 404 when it is given but no row could have that id."""
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    value = _number(raw, 1, MAX_INT)
    if value is None:
        raise NotFound()
    return value
