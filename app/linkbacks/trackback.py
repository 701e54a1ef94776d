"""TrackBack 1.2: the form a ping arrives in, the XML it is answered with, both ways.

A ping is a form POST of `url` (required), `title`, `excerpt` and `blog_name`, in whatever
charset the request's Content-Type declares: TrackBack predates UTF-8 everywhere, so the body
is decoded here with that charset (or, undeclared, as UTF-8 when it is, else by detection),
not by the framework. UTF-7 is refused: it smuggles markup past filters that read ASCII.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.core import charsets

FIELDS = ("url", "title", "excerpt", "blog_name")
# How much of each field is kept: a title and a site name are one line, an excerpt a few.
LIMITS = {"url": 2000, "title": 300, "excerpt": 1000, "blog_name": 200}
_NON_ASCII = re.compile(rb"[\x80-\xff]")


class PingError(Exception):
    """The ping cannot be read; the message goes back in <message>."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Ping:
    url: str
    title: str = ""
    excerpt: str = ""
    blog_name: str = ""
    charset: str = "utf-8"


def declared_charset(content_type: str) -> str | None:
    match = re.search(r";\s*charset\s*=\s*\"?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1).lower() if match else None


def parse_ping(body: bytes, content_type: str) -> Ping:
    """Read a ping's fields in the charset the request declares; raise PingError."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and mime != "application/x-www-form-urlencoded":
        raise PingError("Send the ping as application/x-www-form-urlencoded.")
    charset = declared_charset(content_type)
    if charset is not None:
        try:
            charset = codecs.lookup(charset).name
        except LookupError:
            raise PingError(f"The charset {charset[:40]!r} is not one I know.") from None
        if charset == "utf-7":
            raise PingError("UTF-7 is not accepted; send the ping in UTF-8.")
    # Percent-escape raw bytes, so that every field's bytes come out of the parser untouched
    # (as Latin-1 characters) and are decoded below with the ping's own charset.
    quoted = _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], body).decode("ascii")
    raw: dict[str, bytes] = {}
    for key, value in parse_qsl(quoted, keep_blank_values=True, encoding="latin-1",
                                max_num_fields=50):
        if key in FIELDS and key not in raw:
            raw[key] = value.encode("latin-1")
    used = charset or _guess(b" ".join(raw.values()))
    fields = {key: _clean(_decode(value, charset), LIMITS[key]) for key, value in raw.items()}
    if not fields.get("url"):
        raise PingError("The ping has no url: say which page links here.")
    return Ping(url=fields["url"], title=fields.get("title", ""),
                excerpt=fields.get("excerpt", ""), blog_name=fields.get("blog_name", ""),
                charset=used)


def _guess(data: bytes) -> str:
    """The charset of undeclared text: UTF-8 when it decodes as such, else detected."""
    return charsets.decode(data, None)[1]


def _decode(value: bytes, charset: str | None) -> str:
    """One field's text: in the declared charset, else as the fetch module reads a page with
    none declared (UTF-8 when it is valid, else detected)."""
    if charset is None:
        return charsets.decode(value, None)[0]
    return value.decode(charset, errors="replace")


def _clean(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def answer_ok() -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>0</error>\n</response>\n'


def answer_error(message: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>1</error>\n'
            f"<message>{escape(message)}</message>\n</response>\n").encode()


# The sending side.

def build_ping(url: str, title: str, excerpt: str, blog_name: str) -> bytes:
    """The form body of a ping from our article, in UTF-8 (declared by the caller)."""
    return urlencode({"url": url, "title": title, "excerpt": excerpt,
                      "blog_name": blog_name}, encoding="utf-8").encode("ascii")


def parse_response(body: bytes) -> tuple[bool, str]:
    """Read a TrackBack answer: (True, "") on <error>0</error>, else (False, the message).

    ValueError when the answer is not TrackBack's XML."""
    try:
        root = fromstring(body.strip(), forbid_dtd=True, forbid_entities=True,
                          forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise ValueError("the answer is not well-formed XML") from error
    if root.tag != "response" or root.find("error") is None:
        raise ValueError("the answer is not a TrackBack response")
    code = (root.findtext("error") or "").strip()
    message = " ".join((root.findtext("message") or "").split())[:300]
    return code == "0", message
