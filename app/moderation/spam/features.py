"""What the spam model looks at in a response: a set of named features, each a string.

Pure functions of the text, name, website and kind. A feature's name says what it is by its
prefix, which `describe` turns into words for the moderator:

    w:subscribe        a word                  b:check out     two words in a row
    c:fr3              three characters        link:youtube.com a link to that host
    tld:ru             a link to that top-level domain
    links:2+           how many links          len:short       how long the text is
    caps:most          how much is in capitals repeat:chars    "!!!!", "soooo"
    name:vevo          a word of the name      name:digits     digits in the name
    site:example.com   the author's website    kind:pingback   what kind of response
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

MAX_TEXT = 5000  # characters of a response the model reads; the rest adds nothing it needs
MAX_FEATURES = 600  # per response, so a long text costs no more than a short one
MAX_WORD = 30

_TAG = re.compile(r"<[^>]{0,500}>")
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]{1,500})""", re.IGNORECASE)
# An address in plain text: with a scheme, with www., or a bare host under a common TLD.
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]]{1,500}"
    r"|\b[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*\."
    r"(?:com|net|org|info|biz|ru|cn|ly|co|tk|me|tv|us|uk|de|io|xyz|top|online|site)\b"
    r"(?:/[^\s<>\"'()\[\]]{0,500})?",
    re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_REPEAT_CHAR = re.compile(r"([^\W\d_])\1\1|([!?.$*])\2\2")


def host_of(address: str) -> str:
    if "://" not in address:
        address = "http://" + address
    try:
        host = (urlsplit(address).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _length(size: int) -> str:
    for limit, name in ((20, "very short"), (60, "short"), (200, "medium"), (600, "long")):
        if size < limit:
            return name
    return "very long"


def _capitals(text: str) -> str | None:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 8:
        return None
    share = sum(map(str.isupper, letters)) / len(letters)
    return "none" if share < 0.05 else "some" if share < 0.3 else "most" if share < 0.7 \
        else "all"


def words_of(text: str) -> list[str]:
    """The text's words, folded (NFKC, then case-folded): "Ｆｒｅｅ" and "FREE" are "free"."""
    return [w for w in _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
            if len(w) <= MAX_WORD]


def extract(body: str, name: str = "", website: str = "", kind: str = "comment") -> list[str]:
    """The response's features, each once, in a stable order, at most MAX_FEATURES."""
    body = body[:MAX_TEXT]
    found = [f"kind:{kind}"]
    links = _HREF.findall(body)
    plain = html.unescape(_TAG.sub(" ", body)).replace("\ufeff", "")
    links += _URL.findall(plain)
    for address in links:
        if host := host_of(address)[:70]:
            found += (f"link:{host}", f"tld:{host.rsplit('.', 1)[-1]}")
    found.append("links:" + ("0" if not links else "1" if len(links) == 1 else "2+"))
    rest = _URL.sub(" ", plain)
    found.append(f"len:{_length(len(plain.strip()))}")
    if capitals := _capitals(rest):
        found.append(f"caps:{capitals}")
    if _REPEAT_CHAR.search(rest):
        found.append("repeat:chars")
    found += [f"name:{word}" for word in words_of(name)]
    if any(c.isdigit() for c in name):
        found.append("name:digits")
    if website and (host := host_of(website)[:70]):
        found.append(f"site:{host}")
    words = words_of(rest)
    found += ["w:" + word for word in words]
    found += [f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    # Three characters at a time, across the words (a space marks their edges): what is
    # left of "fr3e m0ney" when its words are new, and the only handle on scripts without
    # spaces between words.
    joined = f" {' '.join(words)} "
    found += ["c:" + joined[i:i + 3] for i in range(len(joined) - 2)]
    return list(dict.fromkeys(found))[:MAX_FEATURES]  # each once, in order


_KIND_WORDS = {"comment": "being a comment", "question": "being a question",
               "pingback": "being a pingback", "trackback": "being a trackback",
               "webmention": "being a webmention"}
_CAPS_WORDS = {"none": "no capitals", "some": "some capitals", "most": "mostly capitals",
               "all": "all in capitals"}


def describe(feature: str) -> str:
    """A feature in a moderator's words: 'subscribe', a link to youtube.com, shouting."""
    prefix, _, value = feature.partition(":")
    if prefix in ("w", "b"):
        return f"‘{value}’"
    if prefix == "c":
        return f"the letters ‘{value.strip()}’"
    if prefix == "link":
        return f"a link to {value}"
    if prefix == "tld":
        return f"a link to a .{value} address"
    if prefix == "links":
        return {"0": "no links", "1": "one link"}.get(value, "two links or more")
    if prefix == "len":
        return f"a {value} text"
    if prefix == "caps":
        return _CAPS_WORDS.get(value, value)
    if prefix == "repeat":
        return "repeated characters"
    if prefix == "name":
        return "digits in the name" if value == "digits" else f"the name ‘{value}’"
    if prefix == "site":
        return f"a website at {value}"
    if prefix == "kind":
        return _KIND_WORDS.get(value, value)
    return feature
