"""W3C Webmention (2017 Recommendation): the receiving endpoint's wire format.

A webmention is a form POST of `source` and `target`. What can be checked without fetching
is checked at once and refused with 400 and the reason in plain text; the rest is verified on
the task queue, and the sender gets 202 Accepted with a `Location` status page telling how it
went. A flood gets 429 with `Retry-After`.
"""

from __future__ import annotations

from dataclasses import dataclass

FORM = "application/x-www-form-urlencoded"


class FormError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Mention:
    source: str
    target: str


def parse_form(content_type: str, form) -> Mention:
    """Read `source` and `target` from the request's form; raise FormError."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime != FORM:
        raise FormError(f"Send the webmention as {FORM}, with source and target.")
    source, target = (form.get("source") or "").strip(), (form.get("target") or "").strip()
    missing = [name for name, value in (("source", source), ("target", target)) if not value]
    if missing:
        raise FormError(f"The webmention has no {' and no '.join(missing)}: "
                        "both source and target are required.")
    return Mention(source=source, target=target)


def text(message: str) -> tuple[str, dict[str, str]]:
    """A plain-text body and its headers, for the 400, 413 and 429 answers."""
    return message + "\n", {"Content-Type": "text/plain; charset=utf-8"}
