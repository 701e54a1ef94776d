"""The one rule for web addresses that people and other sites give us.

Every URL that enters Parley (the comment form, a moderator's quick edit, a WordPress import,
a profile, the article editor, linkbacks) goes through `clean_url`, which keeps only absolute
http and https addresses, normalised and length-capped. Templates show stored addresses through
`safe_href`, so a bad value already in a database can never become a link.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

MAX_URL_LENGTH = 500
SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are in a path, query or fragment; anything else is percent-encoded.
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


class BadUrl(ValueError):
    """The address is not one Parley keeps; the message says why, for the person who typed it."""


def _host(raw_host: str) -> str:
    """Return the host in lowercase ASCII (IDNA for international names), or raise BadUrl."""
    host = raw_host.rstrip(".").lower()
    if ":" in host:  # urlsplit gives an IPv6 literal without its brackets
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError as error:
            raise BadUrl("The address has an impossible IP address in it.") from error
    if _IPV4.match(host):
        if all(0 <= int(part) <= 255 for part in host.split(".")):
            return host
        raise BadUrl("The address has an impossible IP address in it.")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise BadUrl("The address has a site name that cannot exist.") from error
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        raise BadUrl("Enter a full web address with a site name, like https://example.com.")
    if labels[-1].isdigit():
        raise BadUrl("The address has a site name that cannot exist.")
    return ascii_host


def clean_url(raw: str | None, *, max_length: int = MAX_URL_LENGTH,
              assume_http: bool = True) -> str:
    """Return the normalised http(s) address for what was given, "" for nothing.

    Raise BadUrl when it is not an absolute http or https address (javascript:, data:,
    relative paths, user names and passwords in the address, control characters) or when it
    is longer than `max_length`. With `assume_http`, "example.com/page" means http://.
    """
    text = unicodedata.normalize("NFC", (raw or "").strip())
    if not text:
        return ""
    compact = "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cc")
    named = re.match(r"^([a-z][a-z0-9+.-]*):(?!\d+(/|$))", compact, re.I)
    if named and named.group(1).lower() not in SCHEMES:
        raise BadUrl("Only web addresses starting with http:// or https:// are accepted.")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text) or " " in text:
        raise BadUrl("A web address cannot contain spaces or invisible characters.")
    if "\\" in text:
        raise BadUrl("A web address cannot contain a backslash.")
    if assume_http and "://" not in text and not re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I):
        text = "http://" + text
    if assume_http and re.match(r"^[a-z0-9.-]+:\d+(/|$)", text, re.I):
        text = "http://" + text  # "example.com:8080/" is a host and a port, not a scheme
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise BadUrl("This is not a web address Parley can use.") from error
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise BadUrl("Only web addresses starting with http:// or https:// are accepted.")
    if not text.lower().startswith(scheme + "://"):
        raise BadUrl("Enter a full web address, starting with http:// or https://.")
    if parts.username is not None or parts.password is not None:
        raise BadUrl("A web address with a user name or password in it is not accepted.")
    if not parts.hostname:
        raise BadUrl("Enter a full web address with a site name, like https://example.com.")
    host = _host(parts.hostname)
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path, safe=_SAFE_PATH) or "/"
    query = quote(parts.query, safe=_SAFE_QUERY)
    fragment = quote(parts.fragment, safe=_SAFE_QUERY)
    url = urlunsplit((scheme, netloc, path, query, fragment))
    if len(url) > max_length:
        raise BadUrl(f"The address is {len(url):,} characters long; the limit is "
                     f"{max_length:,}.")
    return url


def url_or_empty(raw: str | None, *, max_length: int = MAX_URL_LENGTH) -> str:
    """Return the cleaned address, or "" when it is not one (for data that nobody can fix
    at the moment it arrives, such as an import)."""
    try:
        return clean_url(raw, max_length=max_length)
    except BadUrl:
        return ""


def safe_href(value: str | None) -> str | None:
    """Return a stored address if it may be a link's href, else None.

    The render-side guard: whatever a database holds, only an absolute http(s) address with a
    host and no control characters becomes an href.
    """
    if not value or len(value) > 2048:
        return None
    if not value.startswith(("http://", "https://")):
        return None
    if any(ord(c) < 33 or ord(c) == 127 or c == "\\" for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in SCHEMES or not parts.hostname or parts.username is not None:
        return None
    return value


class WebAddress:
    """A form validator applying the rule beside its field; the field keeps the clean URL."""

    def __init__(self, max_length: int = MAX_URL_LENGTH):
        self.max_length = max_length

    def __call__(self, form, field) -> None:
        from wtforms.validators import ValidationError

        try:
            field.data = clean_url(field.data, max_length=self.max_length)
        except BadUrl as error:
            raise ValidationError(str(error)) from error
