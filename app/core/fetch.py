"""The one way Parley talks to other sites: every outbound HTTP request goes through `fetch`.

A linkback makes Parley fetch a URL a stranger chose, so this module is what stands between a
stranger and Parley's network. It keeps to these rules:

- Only absolute http(s) addresses (`core/urls.clean_url`), on the usual web ports.
- The host is resolved once per request and every address it resolves to must be public
  (`is_public`), unless LINKBACK_ALLOW_PRIVATE_NETWORKS allows it. The connection is then made
  to that very address, with the Host header and TLS (SNI and certificate) on the host name, so
  a DNS answer that changes between the check and the connection (rebinding) changes nothing.
- A connect timeout, and one deadline for the whole fetch (DNS look-ups and redirects
  included) checked before every read, so a server that drips one byte at a time, or a name
  server that never answers, cannot hold a worker.
- At most FETCH_MAX_BYTES of body, decompressed or not, is read; the rest is never read.
- GET follows at most FETCH_MAX_REDIRECTS redirects, each checked like the first address.
- Successful GETs (and 4xx answers) are kept for FETCH_CACHE_SECONDS, so one source named by
  many linkbacks is fetched once.
- Bodies are decoded by `core/charsets.py` (header, then `<meta>`, then detection).

The exceptions' messages are for logs and moderators. Callers answer the remote party in their
protocol's own terms and never pass these on, so a scanner learns nothing about the network.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import metadata
from urllib.parse import urljoin, urlsplit

from flask import current_app, has_app_context

from app.core.charsets import codec_name, decode
from app.core.urls import DEFAULT_PORTS, BadUrl, clean_url

logger = logging.getLogger(__name__)

HTML = ("text/html", "application/xhtml+xml")
TEXT = HTML + ("text/plain", "text/*")  # trackback: any text

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
REDIRECTS = (301, 302, 303, 307, 308)
DEFAULT_ALLOWED_PORTS = (80, 443, 8080, 8443)
MAX_URL_LENGTH = 2048  # a redirect's Location may be longer than what people type
CHUNK = 64 * 1024


class FetchError(Exception):
    """A fetch that gave no answer; str() is for logs and moderators, never the remote party."""


class Refused(FetchError):
    """Not fetched at all: a bad address, scheme or port, or an address that is not public."""


class Unreachable(FetchError):
    """No usable answer: DNS failure, connection refused or reset, TLS failure, broken HTTP."""


class TimedOut(FetchError):
    """The connection took longer than FETCH_CONNECT_TIMEOUT, or the whole fetch longer than
    FETCH_TOTAL_TIMEOUT."""


class TooManyRedirects(FetchError):
    """More than FETCH_MAX_REDIRECTS redirects, or a redirect back to an earlier address."""


class Unsupported(FetchError):
    """A successful answer of a content type (or content encoding) the caller cannot use."""


@dataclass(frozen=True)
class Fetched:
    """One answer, whatever its status; `body` is capped and decompressed."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    content_type: str
    body: bytes
    truncated: bool

    def header(self, name: str) -> str | None:
        """Return the first value of the header `name` (any case), or None."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name: str) -> list[str]:
        """Return every value of the header `name` (any case), in the order received."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    @cached_property
    def _decoded(self) -> tuple[str, str]:
        return decode(self.body, self.header("Content-Type"))

    @property
    def text(self) -> str:
        """The body as text, in the charset `decode` finds."""
        return self._decoded[0]

    @property
    def charset(self) -> str:
        """The WHATWG name of the charset the body was decoded with."""
        return self._decoded[1]


# --- Which addresses may be fetched ---------------------------------------------------------

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Return the IPv4 addresses an IPv6 address carries (6to4, Teredo, NAT64)."""
    found = []
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_public(ip: IPAddress) -> bool:
    """Return whether `ip` is an ordinary address on the public internet.

    `is_global` alone lets through multicast and IPv6 site-local addresses, and says nothing
    of the IPv4 address that a mapped, 6to4, Teredo or NAT64 address leads to.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if ip.is_site_local or not all(is_public(v4) for v4 in _embedded_ipv4(ip)):
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified
                                 or ip.is_loopback or ip.is_link_local or ip.is_private)


@dataclass(frozen=True)
class Allowance:
    """What LINKBACK_ALLOW_PRIVATE_NETWORKS allows beyond public addresses on web ports."""

    everything: bool = False
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    pairs: frozenset[tuple[IPAddress, int]] = frozenset()

    def permits(self, ip: IPAddress, port: int, public_ports) -> bool:
        """Return whether `ip`:`port` may be fetched."""
        if self.everything:
            return True
        plain = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped \
            else ip
        if any(plain in network for network in self.networks) or (plain, port) in self.pairs:
            return True
        return is_public(ip) and port in public_ports


_ON = {"1", "true", "yes", "on"}
_OFF = {"", "0", "false", "no", "off"}
_PAIR = re.compile(r"^(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<v4>[0-9.]+)):(?P<port>\d{1,5})$", re.I)


def _allowance_entry(entry: str) -> tuple[str, object]:
    """Return ("pair", (ip, port)) or ("network", network) for one entry; raise ValueError."""
    pair = _PAIR.match(entry)
    if pair:
        port = int(pair["port"])
        if not 0 < port < 65536:
            raise ValueError(f"port {port} out of range")
        return "pair", (ipaddress.ip_address(pair["v6"] or pair["v4"]), port)
    return "network", ipaddress.ip_network(entry, strict=False)


def parse_allowance(value: str | bool | list | tuple | None) -> Allowance:
    """Read LINKBACK_ALLOW_PRIVATE_NETWORKS: off, "1" (or True) for everything, or a comma or
    space separated list of CIDR networks (any port) and ip:port pairs (that port only).

    An entry that is neither is logged and ignored, so a typo allows less, never more.
    """
    if isinstance(value, list | tuple):
        value = ",".join(map(str, value))
    return _parse_allowance(value)


@cache
def _parse_allowance(value: str | bool | None) -> Allowance:
    if value is None or isinstance(value, bool):
        return Allowance(everything=bool(value))
    text = str(value).strip().lower()
    if text in _OFF or text in _ON:
        return Allowance(everything=text in _ON)
    networks, pairs = [], set()
    for entry in filter(None, re.split(r"[\s,]+", text)):
        try:
            kind, item = _allowance_entry(entry)
        except ValueError:
            logger.warning("LINKBACK_ALLOW_PRIVATE_NETWORKS: ignoring %r (not a network or "
                           "address:port)", entry)
            continue
        (pairs.add if kind == "pair" else networks.append)(item)
    return Allowance(networks=tuple(networks), pairs=frozenset(pairs))


def _setting(name: str, default):
    """Read a config value, with the default outside an app (scripts, unit tests)."""
    return current_app.config.get(name, default) if has_app_context() else default


def _policy() -> tuple[Allowance, frozenset[int]]:
    """What may be fetched beyond public addresses, and the ports public addresses may use."""
    return (parse_allowance(_setting("LINKBACK_ALLOW_PRIVATE_NETWORKS", "")),
            frozenset(_setting("FETCH_ALLOWED_PORTS", DEFAULT_ALLOWED_PORTS)))


def resolve(host: str, port: int) -> list[IPAddress]:
    """Look the host up once (the system resolver); return its addresses, in its order."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unreachable(f"could not resolve {host}: {error}") from None
    addresses = dict.fromkeys(ipaddress.ip_address(answer[4][0]) for answer in answers)
    if not addresses:
        raise Unreachable(f"{host} has no address")
    return list(addresses)


_LOOKUPS = threading.BoundedSemaphore(16)  # look-ups waiting on slow name servers, at most


def _resolve_within(host: str, port: int, timeout: float) -> list[IPAddress]:
    """Run `resolve` in a thread, so that a name server that never answers (which whoever
    owns the name controls) costs the fetch `timeout`, not the resolver's own timeouts."""
    if not _LOOKUPS.acquire(timeout=timeout):
        raise TimedOut(f"no DNS look-up slot for {host} within {timeout:g} s")
    outcome: dict[str, object] = {}

    def look_up() -> None:
        try:
            outcome["addresses"] = resolve(host, port)
        except Exception as error:  # noqa: BLE001 - handed to the waiting thread
            outcome["error"] = error
        finally:
            _LOOKUPS.release()

    thread = threading.Thread(target=look_up, name="parley-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimedOut(f"no DNS answer for {host} within {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["addresses"]


def check_address(host: str, port: int, *, timeout: float | None = None) -> list[IPAddress]:
    """Resolve `host` once and return its addresses; raise Refused unless every one of them
    may be fetched on `port`. Connect only to what this returns. The look-up may take
    `timeout` seconds (default FETCH_CONNECT_TIMEOUT)."""
    allowance, public_ports = _policy()
    if timeout is None:
        timeout = float(_setting("FETCH_CONNECT_TIMEOUT", 5))
    addresses = _resolve_within(host.strip("[]"), port, timeout)
    for ip in addresses:
        if allowance.permits(ip, port, public_ports):
            continue
        if is_public(ip):
            raise Refused(f"port {port} is not allowed (address {ip})")
        raise Refused(f"address {ip} is not public")
    return addresses


# --- One request and its answer -------------------------------------------------------------

@dataclass(frozen=True)
class _Limits:
    """The fetch settings, read once per fetch."""

    connect_timeout: float
    total_timeout: float
    max_bytes: int
    max_redirects: int
    cache_seconds: float

    @classmethod
    def current(cls) -> _Limits:
        return cls(float(_setting("FETCH_CONNECT_TIMEOUT", 5)),
                   float(_setting("FETCH_TOTAL_TIMEOUT", 10)),
                   int(_setting("FETCH_MAX_BYTES", 1024 * 1024)),
                   int(_setting("FETCH_MAX_REDIRECTS", 5)),
                   float(_setting("FETCH_CACHE_SECONDS", 60)))


class _Clock:
    """The fetch's deadline: every socket operation gets min(connect timeout, time left)."""

    def __init__(self, limits: _Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.total_timeout

    def timeout(self) -> float:
        """Seconds the next operation may take; raise TimedOut once the deadline is past."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimedOut(f"no complete answer within {self.limits.total_timeout:g} s")
        return min(self.limits.connect_timeout, left)

    def arm(self, sock: socket.socket) -> None:
        sock.settimeout(self.timeout())


class _Reader(io.RawIOBase):
    """The socket as a file for http.client, the deadline checked before every read."""

    def __init__(self, sock: socket.socket, clock: _Clock):
        self.sock, self.clock = sock, clock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.clock.arm(self.sock)
        return self.sock.recv_into(buffer)


class _Wire:
    """What http.client takes for its socket: writes under the deadline, reads through
    `_Reader`. Closing is left to `_exchange`, which opened the socket."""

    def __init__(self, sock: socket.socket, clock: _Clock):
        self.sock, self.clock = sock, clock

    def sendall(self, data: bytes) -> None:
        self.clock.arm(self.sock)
        self.sock.sendall(data)

    def makefile(self, *args, **kwargs) -> io.BufferedReader:
        return io.BufferedReader(_Reader(self.sock, self.clock))

    def close(self) -> None:
        pass


@cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _connect(addresses: list[IPAddress], port: int, host: str, tls: bool,
             clock: _Clock) -> socket.socket:
    """Connect to the first checked address that answers (TLS on the host name)."""
    error: OSError | None = None
    for ip in addresses:
        family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            clock.arm(sock)
            sock.connect((str(ip), port))
            if tls:
                return _tls_context().wrap_socket(sock, server_hostname=host)
            return sock
        except TimeoutError:
            sock.close()
            raise TimedOut(f"no connection to {ip}:{port} within "
                           f"{clock.limits.connect_timeout:g} s") from None
        except OSError as failure:  # refused, unreachable, TLS (ssl.SSLError is an OSError)
            sock.close()
            error = failure
    raise Unreachable(f"could not connect to {host}:{port}: {error}")


def _request_headers(netloc: str, accept: tuple[str, ...] | None,
                     extra: dict[str, str] | None) -> dict[str, str]:
    headers = {
        "Host": netloc,
        "User-Agent": user_agent(),
        "Accept": ", ".join(accept) + ", */*;q=0.1" if accept else "*/*",
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    lowered = {key.lower(): key for key in headers}
    for key, value in (extra or {}).items():
        if key.lower() != "host":
            headers.pop(lowered.get(key.lower(), key), None)
            headers[key] = value
    return headers


def _mime_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _accepts(content_type: str, accept: tuple[str, ...]) -> bool:
    return any(content_type == kind or (kind.endswith("/*") and
                                        content_type.startswith(kind[:-1])) for kind in accept)


def _exchange(url: str, method: str, data: bytes | None, headers: dict[str, str] | None,
              accept: tuple[str, ...] | None, clock: _Clock) -> Fetched:
    """Make one request to the checked address and return its answer (body not read for
    redirects and unaccepted types)."""
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    addresses = check_address(parts.hostname, port, timeout=clock.timeout())
    sock = _connect(addresses, port, parts.hostname, parts.scheme == "https", clock)
    try:
        # It never connects by itself: it is handed the socket to the checked address.
        connection = http.client.HTTPConnection(parts.hostname, port)
        connection.sock = _Wire(sock, clock)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=data,
                           headers=_request_headers(parts.netloc, accept, headers))
        response = connection.getresponse()
        content_type = _mime_type(response.getheader("Content-Type"))
        body, truncated = b"", False
        if _follows(method, response.status, response.getheader("Location")):
            pass  # the caller follows it; the body of a redirect is of no use
        elif accept is not None and 200 <= response.status < 300 \
                and not _accepts(content_type, accept):
            raise Unsupported(f"content type {content_type or 'none'} is not accepted")
        else:
            body, truncated = _read_body(response, clock.limits.max_bytes)
        return Fetched(url, response.status, response.getheaders(), content_type, body,
                       truncated)
    except TimeoutError:
        raise TimedOut(f"{parts.netloc} stopped answering") from None
    except (OSError, http.client.HTTPException) as error:
        raise Unreachable(f"{parts.netloc}: {error!r}") from None
    finally:
        sock.close()


def _follows(method: str, status: int, location: str | None) -> bool:
    """Whether this answer is a redirect that `fetch` follows (GET only)."""
    return method == "GET" and status in REDIRECTS and bool(location)


# --- The body, capped ------------------------------------------------------------------------

class _Inflater:
    """A bounded gzip or deflate decoder: never more than `max_length` bytes out per call."""

    def __init__(self, coding: str):
        # "deflate" should be zlib-wrapped, but some servers send it raw: `_raw_next` retries
        # the first block as raw deflate. wbits 47 reads gzip (or zlib) headers.
        self._raw_next = coding == "deflate"
        self._stream = zlib.decompressobj(15 if self._raw_next else 47)

    @property
    def finished(self) -> bool:
        return self._stream.eof and not self._stream.unconsumed_tail

    @property
    def eof(self) -> bool:
        return self._stream.eof

    def pending(self) -> bytes:
        return self._stream.unconsumed_tail

    def inflate(self, data: bytes, max_length: int) -> bytes:
        try:
            return self._stream.decompress(data, max_length)
        except zlib.error:
            if not self._raw_next:
                raise
            self._stream = zlib.decompressobj(-15)
            return self._stream.decompress(data, max_length)
        finally:
            self._raw_next = False


def _inflater(encoding: str) -> _Inflater | None:
    """Return a decoder for the Content-Encoding, None for identity; raise Unsupported for an
    encoding we did not offer."""
    codings = [c.strip() for c in encoding.lower().split(",") if c.strip() not in ("", "identity")]
    if not codings:
        return None
    if codings not in (["gzip"], ["x-gzip"], ["deflate"]):
        raise Unsupported(f"content encoding {encoding} is not supported")
    return _Inflater(codings[0])


def _read_body(response: http.client.HTTPResponse, cap: int) -> tuple[bytes, bool]:
    """Read at most `cap` bytes from the wire and return at most `cap` bytes of body (after
    decompression), and whether anything was left unread."""
    inflater = _inflater(response.getheader("Content-Encoding") or "")
    body, wire = bytearray(), 0
    if inflater is None:
        while len(body) < cap and (chunk := response.read(min(CHUNK, cap - len(body)))):
            body += chunk
        return bytes(body), len(body) >= cap and response.length != 0
    try:
        while len(body) < cap and not inflater.eof:
            if not (data := inflater.pending()):
                if wire >= cap or not (data := response.read(min(CHUNK, cap - wire))):
                    break
                wire += len(data)
            body += inflater.inflate(data, cap - len(body))
    except zlib.error as error:
        raise Unreachable(f"the body's {response.getheader('Content-Encoding')} stream is "
                          f"broken: {error}") from None
    return bytes(body), not inflater.finished and (len(body) >= cap or wire >= cap)


# --- Redirects, the cache, and the public function ------------------------------------------

def _clean(url: str) -> str:
    """Apply the one URL rule; anything it refuses (or an empty address) is Refused."""
    try:
        cleaned = clean_url(url, max_length=MAX_URL_LENGTH, assume_http=False)
    except BadUrl as error:
        raise Refused(f"not a fetchable address ({error}): {url[:200]!r}") from None
    if not cleaned:
        raise Refused("not a fetchable address: it is empty")
    return cleaned


def _redirect_target(url: str, location: str) -> str:
    """Resolve a Location against the URL that answered; keep its fragment if none is given."""
    target = _clean(urljoin(url, location.strip()))
    fragment = urlsplit(url).fragment
    return target if "#" in target or not fragment else f"{target}#{fragment}"


def _follow(url: str, method: str, data: bytes | None, headers: dict[str, str] | None,
            accept: tuple[str, ...] | None, limits: _Limits) -> Fetched:
    """Fetch `url`, following (for GET) each redirect after checking it like the first."""
    clock = _Clock(limits)
    seen = {url.split("#", 1)[0]}
    for _ in range(limits.max_redirects + 1):
        fetched = _exchange(url, method, data, headers, accept, clock)
        if not _follows(method, fetched.status, fetched.header("Location")):
            return fetched
        url = _redirect_target(url, fetched.header("Location"))
        if url.split("#", 1)[0] in seen:
            raise TooManyRedirects(f"redirect loop back to {url}")
        seen.add(url.split("#", 1)[0])
    raise TooManyRedirects(f"more than {limits.max_redirects} redirects (last to {url})")


class _Gate:
    """The fetches of one key under way: one runs, the others wait for its outcome."""

    def __init__(self):
        self.lock, self.users, self.error = threading.Lock(), 0, None


class _Cache:
    """Recent answers by request, bounded in entries and bytes. Requests arriving together for
    one key share one fetch and its outcome, failure included."""

    def __init__(self, max_entries: int = 64, max_bytes: int = 16 * 1024 * 1024):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[tuple, tuple[float, Fetched]] = OrderedDict()
        self._gates: dict[tuple, _Gate] = {}
        self._lock = threading.Lock()

    def _get(self, key: tuple) -> Fetched | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= time.monotonic():
                self._entries.pop(key, None)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def _put(self, key: tuple, fetched: Fetched, seconds: float) -> None:
        if len(fetched.body) > self.max_bytes:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, fetched)
            self._entries.move_to_end(key)
            total = sum(len(kept.body) for _, kept in self._entries.values())
            while len(self._entries) > self.max_entries or total > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                total -= len(dropped.body)

    def fetch(self, key: tuple, seconds: float, produce: Callable[[], Fetched]) -> Fetched:
        """Return the kept answer for `key`, or produce, keep (2xx and 4xx) and return one."""
        if (kept := self._get(key)) is not None:
            return kept
        with self._lock:
            gate = self._gates.setdefault(key, _Gate())
            gate.users += 1
        try:
            with gate.lock:
                if gate.error is not None:
                    raise type(gate.error)(*gate.error.args)
                if (kept := self._get(key)) is not None:
                    return kept
                try:
                    fetched = produce()
                except FetchError as error:
                    gate.error = error
                    raise
                if 200 <= fetched.status < 300 or 400 <= fetched.status < 500:
                    self._put(key, fetched, seconds)
                return fetched
        finally:
            with self._lock:
                gate.users -= 1
                if not gate.users:
                    del self._gates[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_cache = _Cache()


def clear_cache() -> None:
    """Forget every kept answer (tests, or after changing what may be fetched)."""
    _cache.clear()


def fetch(url: str, *, method: str = "GET", data: bytes | None = None,
          headers: dict[str, str] | None = None, accept: tuple[str, ...] | None = HTML,
          use_cache: bool = True) -> Fetched:
    """Fetch `url` within the limits and return the answer, whatever its status.

    GET follows redirects, each checked again; POST (and anything else) does not. `accept`
    lists the content types a 2xx answer may have (None: any). Raise a FetchError subclass
    when there is no answer to return.
    """
    url, method, limits = _clean(url), method.upper(), _Limits.current()
    if method != "GET" or not use_cache or limits.cache_seconds <= 0:
        return _follow(url, method, data, headers, accept, limits)
    # What may be fetched is part of the key: an answer kept while an address was allowed is
    # not served once it no longer is.
    key = (url, accept, tuple(sorted((headers or {}).items())), _policy(), limits)
    return _cache.fetch(key, limits.cache_seconds,
                        lambda: _follow(url, method, data, headers, accept, limits))


@cache
def _version() -> str:
    try:
        return metadata.version("parley")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def user_agent() -> str:
    """Name Parley, its version and the site, so the other side knows who is asking."""
    site = _setting("SITE_URL", "")
    return f"Parley/{_version()} (+{site})" if site else f"Parley/{_version()}"


__all__ = ["HTML", "TEXT", "FetchError", "Fetched", "Refused", "TimedOut", "TooManyRedirects",
           "Unreachable", "Unsupported", "check_address", "clear_cache", "codec_name",
           "decode", "fetch", "is_public", "user_agent"]
