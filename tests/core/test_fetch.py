"""Outbound HTTP (app/core/fetch.py), against real HTTP servers on 127.0.0.1 (and ::1).

Each local site is allowed by an ip:port pair in LINKBACK_ALLOW_PRIVATE_NETWORKS, as an
operator would allow one local peer; everything else on 127.0.0.1 stays refused, which is what
the redirect and address tests rely on.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import ipaddress
import logging
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

import pytest

from app.core import fetch as fetching
from app.core.fetch import (
    HTML,
    TEXT,
    Allowance,
    Refused,
    TimedOut,
    TooManyRedirects,
    Unreachable,
    Unsupported,
    check_address,
    clear_cache,
    codec_name,
    decode,
    fetch,
    is_public,
    parse_allowance,
    user_agent,
)
from tests.conftest import free_port

MiB = 1024 * 1024
LINKING = ('<!doctype html><html><head><title>A post</title></head><body><p>I read '
           '<a href="https://blog.example/2024/05/roadmaps/">this article</a> today.</p>'
           '</body></html>')


# --- Local sites ------------------------------------------------------------------------------

@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, host: str, handler, tls: ssl.SSLContext | None):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.tls, self.connections = tls, 0
        super().__init__((host, 0), handler)

    def get_request(self):
        sock, address = super().get_request()
        self.connections += 1
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        pass  # the client hangs up on purpose in many of these tests


class Site:
    """A local HTTP(S) server in a thread: `routes` maps a path to a function answering the
    request handler. It records every request and counts every connection it accepts."""

    def __init__(self, routes: dict[str, Callable], host: str = "127.0.0.1",
                 tls: ssl.SSLContext | None = None):
        self.routes, self.seen, self.sni = routes, [], []
        self.stopped = threading.Event()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                site.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                site.routes.get(self.path.split("?")[0], page("no such page", status=404))(self)

            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        if tls is not None:
            tls.sni_callback = lambda sock, name, context: self.sni.append(name)
        self.server = _Server(host, Handler, tls)
        self.server.stopped = self.stopped  # for routes that wait: set when the test ends
        self.port = self.server.server_address[1]
        scheme = "https" if tls else "http"
        self.base = f"{scheme}://[{host}]:{self.port}" if ":" in host \
            else f"{scheme}://{host}:{self.port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, path: str = "/") -> str:
        return self.base + path

    @property
    def connections(self) -> int:
        return self.server.connections

    def close(self) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()


def page(body: str | bytes, *, content_type: str | None = "text/html; charset=utf-8",
         status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> Callable:
    """A route answering with a whole body and its Content-Length."""
    data = body.encode() if isinstance(body, str) else body

    def answer(handler) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return answer


def redirect(location: str, status: int = 302) -> Callable:
    return page("", content_type=None, status=status, headers=(("Location", location),))


class Lab:
    """The app's config for one test, and the local sites it starts."""

    def __init__(self, app, monkeypatch):
        self.app, self.monkeypatch, self.sites, self.allowed = app, monkeypatch, [], []

    def configure(self, **values) -> None:
        for name, value in values.items():
            self.monkeypatch.setitem(self.app.config, name, value)

    def serve(self, routes: dict | None = None, *, allowed: bool = True, **kwargs) -> Site:
        site = Site(routes or {}, **kwargs)
        self.sites.append(site)
        if allowed:
            host = site.base.split("//")[1].rsplit(":", 1)[0]
            self.allowed.append(f"{host}:{site.port}")
            self.configure(LINKBACK_ALLOW_PRIVATE_NETWORKS=", ".join(self.allowed))
        return site

    def count_resolutions(self) -> list[str]:
        """Wrap the module's resolver (its answers untouched); return the hosts it was asked."""
        asked, real = [], fetching.resolve

        def counting(host, port):
            asked.append(host)
            return real(host, port)

        self.monkeypatch.setattr(fetching, "resolve", counting)
        return asked

    def alias(self, *names: str) -> None:
        """Let `names` resolve as the system resolver resolves "localhost" (for tests of host
        names: the URL rule refuses the one-label "localhost" itself)."""
        real = fetching.resolve
        self.monkeypatch.setattr(fetching, "resolve", lambda host, port: real(
            "localhost" if host in names else host, port))


@pytest.fixture
def lab(app, monkeypatch):
    lab = Lab(app, monkeypatch)
    clear_cache()
    with app.app_context():
        yield lab
    clear_cache()
    for site in lab.sites:
        site.close()


def elapsed(since: float) -> float:
    return time.monotonic() - since


# --- The address rule -------------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.0.9",                 # loopback
    "10.1.2.3", "172.16.0.1", "192.168.1.1",    # private
    "169.254.169.254", "169.254.0.1",           # link-local, the cloud metadata address
    "100.64.0.1", "100.127.255.254",            # CGNAT, shared address space
    "0.0.0.0", "255.255.255.255",               # unspecified, broadcast
    "224.0.0.1", "239.255.255.250",             # multicast (is_global says yes to these)
    "240.0.0.1", "192.0.2.1", "198.18.0.1",     # reserved, documentation, benchmarking
    "::1", "::",                                # IPv6 loopback, unspecified
    "fe80::1", "fc00::1", "fd12:3456::1",       # link-local, unique-local
    "fec0::1",                                  # site-local (is_global says yes)
    "ff02::1", "ff0e::1",                       # multicast, even global scope
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "::127.0.0.1",                              # IPv4-compatible (deprecated)
    "2002:7f00:1::", "2002:a00:1::",            # 6to4 of 127.0.0.1 and 10.0.0.1
    "64:ff9b::7f00:1",                          # NAT64 of 127.0.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",     # Teredo
    "2001:db8::1",                              # documentation
])
def test_addresses_that_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", [
    "93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:2800:220:1:248:1893:25c8:1946",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",  # a mapped address is judged by the IPv4 address it carries
])
def test_public_addresses(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("value", ["", "  ", "0", "off", "false", "No", False, None])
def test_the_allowance_off(value):
    allowance = parse_allowance(value)
    assert allowance == Allowance()
    assert not allowance.permits(ipaddress.ip_address("127.0.0.1"), 8091, (80, 443))


@pytest.mark.parametrize("value", ["1", "true", "YES", " on ", True])
def test_the_allowance_for_everything(value):
    allowance = parse_allowance(value)
    assert allowance.everything
    assert allowance.permits(ipaddress.ip_address("169.254.169.254"), 22, (80, 443))


def test_the_allowance_lists_networks_and_pairs():
    allowance = parse_allowance("10.0.0.0/8, 127.0.0.1:8091 [::1]:8000,fd00::/8 192.168.1.7")
    assert allowance.networks == (ipaddress.ip_network("10.0.0.0/8"),
                                  ipaddress.ip_network("fd00::/8"),
                                  ipaddress.ip_network("192.168.1.7/32"))
    assert allowance.pairs == {(ipaddress.ip_address("127.0.0.1"), 8091),
                               (ipaddress.ip_address("::1"), 8000)}
    assert parse_allowance(["127.0.0.1:8091"]).pairs == {(ipaddress.ip_address("127.0.0.1"),
                                                          8091)}


def test_networks_allow_any_port_and_pairs_only_theirs():
    allowance = parse_allowance("10.0.0.0/8, 127.0.0.1:8091")
    ports = (80, 443)

    def permits(address: str, port: int) -> bool:
        return allowance.permits(ipaddress.ip_address(address), port, ports)

    assert permits("10.9.8.7", 22) and permits("10.0.0.1", 8091)
    assert permits("127.0.0.1", 8091) and permits("::ffff:127.0.0.1", 8091)
    assert not permits("127.0.0.1", 8092) and not permits("127.0.0.2", 8091)
    assert not permits("::1", 8091) and not permits("169.254.169.254", 80)
    assert permits("93.184.216.34", 443) and not permits("93.184.216.34", 8091)


def test_entries_that_mean_nothing_are_ignored_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="app.core.fetch"):
        allowance = parse_allowance("nonsense 10.0.0.0/33 1.2.3.4:99999 127.0.0.1:8091 [::1]")
    assert allowance.networks == () and not allowance.everything
    assert allowance.pairs == {(ipaddress.ip_address("127.0.0.1"), 8091)}
    assert "nonsense" in caplog.text and "10.0.0.0/33" in caplog.text


# --- check_address: resolving once, refusing before connecting ----------------------------

def test_a_name_that_resolves_to_loopback_is_refused(lab):
    asked = lab.count_resolutions()
    with pytest.raises(Refused, match="address 127.0.0.1 is not public"):
        check_address("localhost", 8091)
    assert asked == ["localhost"]


def test_the_setting_on_allows_any_address_and_port(lab):
    lab.configure(LINKBACK_ALLOW_PRIVATE_NETWORKS="1")
    assert check_address("localhost", 22) == [ipaddress.ip_address("127.0.0.1")]
    lab.configure(LINKBACK_ALLOW_PRIVATE_NETWORKS=True)
    assert check_address("169.254.169.254", 80) == [ipaddress.ip_address("169.254.169.254")]


def test_a_pair_allows_that_port_only(lab):
    lab.configure(LINKBACK_ALLOW_PRIVATE_NETWORKS="127.0.0.1:8091")
    assert check_address("localhost", 8091) == [ipaddress.ip_address("127.0.0.1")]
    with pytest.raises(Refused, match="127.0.0.1 is not public"):
        check_address("localhost", 8092)
    with pytest.raises(Refused, match="::1 is not public"):
        check_address("[::1]", 8091)


def test_public_addresses_only_on_web_ports(lab):
    assert check_address("93.184.216.34", 443) == [ipaddress.ip_address("93.184.216.34")]
    with pytest.raises(Refused, match="port 22 is not allowed"):
        check_address("93.184.216.34", 22)
    lab.configure(FETCH_ALLOWED_PORTS=(8000,))
    assert check_address("93.184.216.34", 8000)
    with pytest.raises(Refused, match="port 443"):
        check_address("93.184.216.34", 443)


def test_a_name_that_does_not_resolve(lab):
    with pytest.raises(Unreachable, match="could not resolve"):
        check_address("nothing-here.invalid", 80)


# --- Fetching a page ----------------------------------------------------------------------

def test_a_linking_page(lab):
    site = lab.serve({"/post/": page(LINKING, headers=(
        ("Link", '<https://a.example/wm>; rel="webmention"'),
        ("link", '<https://a.example/other>; rel="other"')))})
    fetched = fetch(site.url("/post/"))
    assert (fetched.status, fetched.content_type, fetched.truncated) == (200, "text/html", False)
    assert fetched.url == site.url("/post/")
    assert fetched.text == LINKING and fetched.charset == "utf-8"
    assert fetched.body == LINKING.encode()
    assert fetched.header("content-type") == "text/html; charset=utf-8"
    assert fetched.header_values("LINK") == ['<https://a.example/wm>; rel="webmention"',
                                             '<https://a.example/other>; rel="other"']
    assert fetched.header("X-Nothing") is None
    seen = site.seen[0]
    assert (seen.method, seen.path) == ("GET", "/post/")
    assert seen.headers["Host"] == f"127.0.0.1:{site.port}"
    assert seen.headers["Accept-Encoding"] == "gzip, deflate"
    assert seen.headers["Accept"].startswith("text/html, application/xhtml+xml")


def test_the_user_agent_names_parley_its_version_and_the_site(lab):
    lab.configure(SITE_URL="https://desk.example")
    site = lab.serve({"/": page(LINKING)})
    fetch(site.url())
    expected = f"Parley/{metadata.version('parley')} (+https://desk.example)"
    assert site.seen[0].headers["User-Agent"] == expected == user_agent()


@pytest.mark.parametrize("status", [404, 410, 500])
def test_an_error_status_is_returned_with_its_body_whatever_its_type(lab, status):
    site = lab.serve({"/gone": page("Gone for good", content_type="text/plain", status=status)})
    fetched = fetch(site.url("/gone"))
    assert (fetched.status, fetched.content_type, fetched.text) == (status, "text/plain",
                                                                    "Gone for good")


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json",
                                          "text/plain", None])
def test_a_page_of_another_type_is_unsupported(lab, content_type):
    body = b"%PDF-1.4 " + bytes(5 * MiB)
    site = lab.serve({"/doc": page(body, content_type=content_type)})
    with pytest.raises(Unsupported, match=content_type or "none"):
        fetch(site.url("/doc"), accept=HTML)
    assert len(site.seen) == 1


@pytest.mark.parametrize("content_type", ["text/plain; charset=utf-8", "text/markdown",
                                          "text/html", "application/xhtml+xml"])
def test_text_accepts_any_text(lab, content_type):
    site = lab.serve({"/ping.txt": page("see https://blog.example/a/", content_type=content_type)})
    assert fetch(site.url("/ping.txt"), accept=TEXT).text == "see https://blog.example/a/"


def test_accept_none_takes_any_type(lab):
    site = lab.serve({"/api": page('{"ok": true}', content_type="application/json")})
    fetched = fetch(site.url("/api"), accept=None)
    assert (fetched.content_type, fetched.body) == ("application/json", b'{"ok": true}')
    assert site.seen[0].headers["Accept"] == "*/*"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "javascript:alert(1)", "/relative/page",
                                 "file:///etc/passwd", "http://user:secret@127.0.0.1/",
                                 "127.0.0.1/no-scheme", "http://localhost/", ""])
def test_only_absolute_http_addresses_are_fetched(lab, url):
    asked = lab.count_resolutions()
    with pytest.raises(Refused, match="not a fetchable address"):
        fetch(url)
    assert asked == []


def test_a_post_is_sent_and_never_follows_a_redirect(lab):
    site = lab.serve({"/xmlrpc": redirect("/elsewhere", 302), "/elsewhere": page(LINKING)})
    fetched = fetch(site.url("/xmlrpc"), method="POST", data=b"<methodCall/>",
                    headers={"Content-Type": "text/xml"}, accept=None, use_cache=False)
    assert fetched.status == 302 and fetched.header("Location") == "/elsewhere"
    assert [(s.method, s.path, s.body) for s in site.seen] == [
        ("POST", "/xmlrpc", b"<methodCall/>")]
    assert site.seen[0].headers["Content-Type"] == "text/xml"
    assert site.seen[0].headers["Content-Length"] == "13"


def test_a_refused_connection_is_unreachable(lab):
    port = free_port()
    lab.configure(LINKBACK_ALLOW_PRIVATE_NETWORKS=f"127.0.0.1:{port}")
    with pytest.raises(Unreachable, match="could not connect"):
        fetch(f"http://127.0.0.1:{port}/")


def test_a_server_that_hangs_up_is_unreachable(lab):
    def hang_up(handler):
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    site = lab.serve({"/": hang_up})
    with pytest.raises(Unreachable):
        fetch(site.url())


# --- Timeouts -----------------------------------------------------------------------------

def drip(head: bytes, body: bytes, *, every: float = 0.5) -> Callable:
    """Send `head` at once, then `body` one byte every `every` seconds."""
    def answer(handler):
        handler.wfile.write(head)
        for byte in body:
            if handler.server.stopped.wait(every):
                return
            handler.wfile.write(bytes([byte]))
    return answer


@pytest.fixture
def quick(lab):
    lab.configure(FETCH_TOTAL_TIMEOUT=1.5)
    return lab


def test_a_body_that_drips_times_out(quick):
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n"
    site = quick.serve({"/": drip(head, b"x" * 100)})
    started = time.monotonic()
    with pytest.raises(TimedOut):
        fetch(site.url())
    assert 1.4 < elapsed(started) < 3


def test_headers_that_drip_time_out(quick):
    site = quick.serve({"/": drip(b"", b"HTTP/1.0 200 OK\r\n" + b"X" * 100)})
    started = time.monotonic()
    with pytest.raises(TimedOut):
        fetch(site.url())
    assert 1.4 < elapsed(started) < 3


def test_a_server_that_never_answers_times_out(quick):
    site = quick.serve({"/": lambda handler: handler.server.stopped.wait(30)})
    started = time.monotonic()
    with pytest.raises(TimedOut):
        fetch(site.url())
    assert 1.4 < elapsed(started) < 3


def test_a_connection_that_is_never_accepted_times_out(lab):
    lab.configure(FETCH_CONNECT_TIMEOUT=0.5)
    with socket.socket() as listener, socket.socket() as filler:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        filler.connect(("127.0.0.1", port))  # the backlog is full: the next SYN is dropped
        lab.configure(LINKBACK_ALLOW_PRIVATE_NETWORKS=f"127.0.0.1:{port}")
        started = time.monotonic()
        with pytest.raises(TimedOut, match="no connection"):
            fetch(f"http://127.0.0.1:{port}/")
        assert elapsed(started) < 2


def test_a_name_server_that_never_answers_times_out(lab, monkeypatch):
    lab.configure(FETCH_CONNECT_TIMEOUT=0.5)
    site = lab.serve({"/": page(LINKING)})
    answer, real = threading.Event(), fetching.resolve
    # The real answer, after a wait the test ends: a name server that does not answer.
    monkeypatch.setattr(fetching, "resolve", lambda host, port: answer.wait(10) and real(host,
                                                                                          port))
    started = time.monotonic()
    try:
        with pytest.raises(TimedOut, match="no DNS answer"):
            fetch(site.url())
        assert elapsed(started) < 1.5 and site.connections == 0
    finally:
        answer.set()


# --- The size cap -------------------------------------------------------------------------

def chunked(total: int, sent: list[int]) -> Callable:
    """Stream `total` bytes of HTML, chunked, counting in `sent` what was written."""
    chunk = b"<p>" + b"x" * (64 * 1024 - 8) + b"</p>\n"

    def answer(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n")
        while sent[0] < total:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent[0] += len(chunk)
        handler.wfile.write(b"0\r\n\r\n")

    return answer


def _measured(call: Callable):
    """Run `call`; return its result, its peak of Python memory and its duration."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1], elapsed(started)
    finally:
        tracemalloc.stop()


def test_a_huge_body_is_cut_at_the_cap_and_the_rest_never_read(lab):
    sent = [0]
    site = lab.serve({"/huge": chunked(50 * MiB, sent)})
    fetched, peak, duration = _measured(lambda: fetch(site.url("/huge")))
    assert len(fetched.body) == MiB and fetched.truncated
    assert fetched.body.startswith(b"<p>xxx")
    assert peak < 4 * MiB and duration < 5
    time.sleep(0.2)
    assert sent[0] < 20 * MiB  # the server gave up once Parley hung up


@pytest.mark.parametrize(("size", "truncated"), [(999, False), (1000, False), (1001, True)])
def test_truncated_says_whether_anything_was_left(lab, size, truncated):
    lab.configure(FETCH_MAX_BYTES=1000)
    site = lab.serve({"/": page(b"y" * size)})
    fetched = fetch(site.url())
    assert (len(fetched.body), fetched.truncated) == (min(size, 1000), truncated)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """100 MB of zeros in about 100 KB of gzip."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MiB)
    return b"".join(compressor.compress(block) for _ in range(100)) + compressor.flush()


def test_a_gzip_bomb_costs_no_more_than_the_cap(lab, gzip_bomb):
    site = lab.serve({"/bomb": page(gzip_bomb, headers=(("Content-Encoding", "gzip"),))})
    fetched, peak, duration = _measured(lambda: fetch(site.url("/bomb")))
    assert fetched.body == bytes(MiB) and fetched.truncated
    assert peak < 4 * MiB and duration < 5


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "deflate", "raw deflate"])
def test_a_compressed_page_is_decompressed(lab, coding):
    html = LINKING * 50
    if coding == "raw deflate":
        squeezer = zlib.compressobj(6, zlib.DEFLATED, -15)
        body, coding = squeezer.compress(html.encode()) + squeezer.flush(), "deflate"
    else:
        body = gzip.compress(html.encode()) if "gzip" in coding else zlib.compress(html.encode())
    site = lab.serve({"/": page(body, headers=(("Content-Encoding", coding),))})
    fetched = fetch(site.url())
    assert (fetched.text, fetched.truncated) == (html, False)


def test_a_compressed_page_is_cut_at_the_cap(lab):
    lab.configure(FETCH_MAX_BYTES=1000)
    html = LINKING * 50
    site = lab.serve({"/": page(gzip.compress(html.encode()),
                                headers=(("Content-Encoding", "gzip"),))})
    fetched = fetch(site.url())
    assert (fetched.body, fetched.truncated) == (html.encode()[:1000], True)


def test_an_encoding_we_did_not_offer_is_unsupported(lab):
    site = lab.serve({"/": page(b"\x1b\x00", headers=(("Content-Encoding", "br"),))})
    with pytest.raises(Unsupported, match="br"):
        fetch(site.url())


def test_a_broken_gzip_stream_is_unreachable(lab):
    site = lab.serve({"/": page(b"\x1f\x8b\x08\x00 not gzip at all",
                                headers=(("Content-Encoding", "gzip"),))})
    with pytest.raises(Unreachable, match="broken"):
        fetch(site.url())


# --- Redirects ----------------------------------------------------------------------------

def chain(length: int) -> dict[str, Callable]:
    """/hop/<length> redirects to /hop/<length - 1> ... /hop/0, the page."""
    routes = {f"/hop/{n}": redirect(f"/hop/{n - 1}") for n in range(1, length + 1)}
    return {**routes, "/hop/0": page(LINKING)}


def test_five_redirects_are_followed(lab):
    site = lab.serve(chain(5))
    fetched = fetch(site.url("/hop/5"))
    assert (fetched.status, fetched.url, fetched.text) == (200, site.url("/hop/0"), LINKING)
    assert [seen.path for seen in site.seen] == [f"/hop/{n}" for n in range(5, -1, -1)]


def test_a_sixth_redirect_is_refused_and_not_followed(lab):
    site = lab.serve(chain(6))
    with pytest.raises(TooManyRedirects, match="more than 5"):
        fetch(site.url("/hop/6"))
    assert [seen.path for seen in site.seen] == [f"/hop/{n}" for n in range(6, 0, -1)]


def test_the_redirect_limit_is_the_setting(lab):
    lab.configure(FETCH_MAX_REDIRECTS=1)
    site = lab.serve(chain(2))
    assert fetch(site.url("/hop/1")).status == 200
    with pytest.raises(TooManyRedirects):
        fetch(site.url("/hop/2"))


@pytest.mark.parametrize("routes", [
    {"/a": redirect("/b"), "/b": redirect("/a")},
    {"/a": redirect("/a")},
    {"/a": redirect("/b"), "/b": redirect("/a#again")},
])
def test_a_redirect_loop_is_refused(lab, routes):
    site = lab.serve(routes)
    with pytest.raises(TooManyRedirects, match="loop"):
        fetch(site.url("/a"))
    assert len(site.seen) <= 2


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_relative_locations_are_resolved(lab, status):
    site = lab.serve({"/blog/2024/post": redirect("../moved/post?x=1", status),
                      "/blog/moved/post": page(LINKING)})
    fetched = fetch(site.url("/blog/2024/post#comments"))
    assert fetched.url == site.url("/blog/moved/post?x=1#comments")  # the fragment carries over
    assert site.seen[-1].path == "/blog/moved/post?x=1"


def test_a_redirect_to_another_local_port_is_refused(lab):
    other = lab.serve({"/": page(LINKING)}, allowed=False)
    site = lab.serve({"/": redirect(other.url("/"))})
    with pytest.raises(Refused, match="127.0.0.1 is not public"):
        fetch(site.url())
    assert other.connections == 0 and len(site.seen) == 1


def test_a_redirect_to_ipv6_loopback_is_refused(lab):
    try:
        other = lab.serve({"/": page(LINKING)}, allowed=False, host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    site = lab.serve({"/": redirect(other.url("/"))})
    with pytest.raises(Refused, match="::1 is not public"):
        fetch(site.url())
    assert other.connections == 0


@pytest.mark.parametrize("location", ["http://169.254.169.254/latest/meta-data/",
                                      "http://[::ffff:169.254.169.254]/",
                                      "http://[fd00::1]/", "http://10.0.0.1/"])
def test_a_redirect_to_a_private_address_is_refused_before_connecting(lab, location):
    site = lab.serve({"/": redirect(location)})
    started = time.monotonic()
    with pytest.raises(Refused, match="is not public"):
        fetch(site.url())
    assert elapsed(started) < 1  # no connection was tried: 169.254.169.254 would just hang


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/", "javascript:alert(1)",
                                      "http://user:pw@127.0.0.1/"])
def test_a_redirect_out_of_the_web_is_refused(lab, location):
    site = lab.serve({"/": redirect(location)})
    with pytest.raises(Refused, match="not a fetchable address"):
        fetch(site.url())


# --- Names, resolution, connecting to what was checked ----------------------------------

def test_localhost_is_refused_and_nothing_connects(lab):
    site = lab.serve({"/": page(LINKING)})
    with pytest.raises(Refused):
        fetch(f"http://localhost:{site.port}/")
    lab.configure(LINKBACK_ALLOW_PRIVATE_NETWORKS="1")
    with pytest.raises(Refused):  # the URL rule itself takes no one-label host
        fetch(f"http://localhost:{site.port}/")
    assert site.connections == 0


def test_a_name_resolving_to_loopback_is_refused_and_nothing_connects(lab):
    lab.alias("blog.parley-test.example")
    site = lab.serve({"/": page(LINKING)}, allowed=False)
    with pytest.raises(Refused, match="address 127.0.0.1 is not public"):
        fetch(f"http://blog.parley-test.example:{site.port}/")
    assert site.connections == 0


def test_the_setting_on_allows_local_addresses(lab):
    site = lab.serve({"/": page(LINKING)}, allowed=False)
    with pytest.raises(Refused):
        fetch(site.url())
    lab.configure(LINKBACK_ALLOW_PRIVATE_NETWORKS="1")
    assert fetch(site.url()).status == 200


def test_the_host_header_names_the_host_not_the_address(lab):
    lab.alias("blog.parley-test.example")
    site = lab.serve({"/": page(LINKING)})
    fetched = fetch(f"http://Blog.Parley-Test.example:{site.port}/")
    assert fetched.url == f"http://blog.parley-test.example:{site.port}/"
    assert site.seen[0].headers["Host"] == f"blog.parley-test.example:{site.port}"


def test_each_hop_is_resolved_once_and_nothing_else_looks_up(lab, monkeypatch):
    site = lab.serve(chain(2))
    asked = lab.count_resolutions()
    lookups, real_getaddrinfo = [], socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda *args, **kw: lookups.append(args[0]) or real_getaddrinfo(*args,
                                                                                          **kw))
    assert fetch(site.url("/hop/2")).status == 200
    assert asked == lookups == ["127.0.0.1"] * 3
    fetch(site.url("/hop/2"))  # kept: no look-up at all
    assert len(asked) == len(lookups) == 3


def test_a_cached_answer_is_not_served_once_the_address_is_refused(lab):
    site = lab.serve({"/": page(LINKING)})
    assert fetch(site.url()).status == 200
    lab.configure(LINKBACK_ALLOW_PRIVATE_NETWORKS="")
    with pytest.raises(Refused):
        fetch(site.url())


# --- TLS ----------------------------------------------------------------------------------

NAME = "blog.parley-test.example"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A test CA and a certificate for NAME and 127.0.0.1 that it signed (openssl CLI)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    key = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Parley test CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign")
    openssl("req", *key, "-keyout", "site.key", "-out", "site.csr", "-subj", f"/CN={NAME}")
    (folder / "ext.cnf").write_text(f"subjectAltName=DNS:{NAME},IP:127.0.0.1\n"
                                    "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "site.pem", "-days", "2", "-extfile", "ext.cnf")
    return folder


@pytest.fixture
def tls_site(lab, certificates):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "site.pem", certificates / "site.key")
    lab.alias(NAME, "other.parley-test.example")
    return lab.serve({"/": page(LINKING)}, tls=context)


@pytest.fixture
def trusting(lab, certificates):
    """Make fetch trust the test CA."""
    context = ssl.create_default_context(cafile=str(certificates / "ca.pem"))
    lab.monkeypatch.setattr(fetching, "_tls_context", lambda: context)


def test_https_checks_the_certificate_against_the_name(tls_site, trusting):
    fetched = fetch(f"https://{NAME}:{tls_site.port}/")
    assert (fetched.status, fetched.text) == (200, LINKING)
    assert tls_site.sni == [NAME]
    assert tls_site.seen[0].headers["Host"] == f"{NAME}:{tls_site.port}"


def test_https_refuses_a_certificate_for_another_name(tls_site, trusting):
    # The certificate is good for 127.0.0.1, the address connected to, but not for the name.
    with pytest.raises(Unreachable, match="certificate|match"):
        fetch(f"https://other.parley-test.example:{tls_site.port}/")
    assert tls_site.seen == []


def test_https_refuses_a_certificate_nobody_trusts(tls_site):
    with pytest.raises(Unreachable, match="CERTIFICATE_VERIFY_FAILED"):
        fetch(f"https://{NAME}:{tls_site.port}/")
    assert tls_site.seen == []


# --- Charsets -----------------------------------------------------------------------------

# Realistic paragraphs: detection has nothing else to go on. Undeclared ISO-8859-1 and
# Windows-1252 cannot be told apart except by bytes 0x80-0x9F (which ISO-8859-1 pages use as
# Windows-1252 anyway, hence WHATWG's mapping), so the tests check the text, not the name.
PARAGRAPHS = {
    "iso-8859-1": ("latin-1", "Le café de la gare était plein à craquer ce matin-là. Les "
                   "voyageurs, fatigués par un long trajet, attendaient leur train en lisant le "
                   "journal. À côté de la fenêtre, une jeune femme écrivait une lettre à sa "
                   "cousine restée à Genève; elle parlait de l'été, des vacances passées au "
                   "bord du lac et des promenades en forêt. Plus loin, un garçon mangeait une "
                   "crêpe au sucre, pendant que son père lisait à voix haute un article sur la "
                   "météo des prochains jours."),
    "windows-1252": ("cp1252", "“Quality is never an accident,” she said — and she meant it. "
                     "The team’s roadmap for 2024 included a €20,000 budget for research… Each "
                     "‘discovery sprint’ lasted two weeks; the product manager’s notes were "
                     "shared with everyone. “Don’t ship what you can’t explain,” was the rule – "
                     "written on the whiteboard. Naïve assumptions were challenged, résumés of "
                     "past failures were read aloud, and the café downstairs sold more coffee "
                     "than ever before."),
    "gb2312": ("gb2312", "产品经理的工作不仅仅是写需求文档。一个好的产品经理需要了解用户，理解"
               "市场，并且能够和工程师、设计师一起把想法变成真正可用的产品。在过去的十年里，"
               "我们看到越来越多的公司开始重视产品管理，因为他们发现，只有真正解决用户问题的"
               "产品才能在竞争中生存下来。"),
    "gbk": ("gbk", "這是一篇關於產品管理的文章。我們討論了團隊如何溝通，以及產品經理應該怎樣"
            "寫出清楚的需求。許多公司在過去幾年裡開始重視用戶研究，因為他們發現，只有真正解決"
            "問題的產品才能長久。"),
    "shift_jis": ("shift_jis", "プロダクトマネージャーの仕事は、仕様書を書くことだけではあり"
                  "ません。ユーザーを理解し、市場を知り、エンジニアやデザイナーと一緒にアイデア"
                  "を本当に使える製品に変えていくことが求められます。この記事では、ロードマップ"
                  "の作り方とチームとのコミュニケーションについて説明します。"),
    "utf-8": ("utf-8", "Ce texte mélange le français, 中文的句子, 日本語の文, and English — "
              "Zażółć gęślą jaźń. Привет, мир! The product desk welcomes every reader."),
}


def html_page(text: str, head: str = "") -> str:
    return (f"<!doctype html><html><head>{head}<title>Notes</title></head>"
            f"<body><article><p>{text}</p></article></body></html>")


@pytest.mark.parametrize("label", PARAGRAPHS)
@pytest.mark.parametrize("declared", ["header", "meta", "http-equiv", "nowhere"])
def test_pages_in_each_charset_decode_right(lab, label, declared):
    codec, text = PARAGRAPHS[label]
    head = {"meta": f'<meta charset="{label}">',
            "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; '
                          f'charset={label.upper()}">'}.get(declared, "")
    html = html_page(text, head)
    content_type = f"text/html; charset={label}" if declared == "header" else "text/html"
    site = lab.serve({"/": page(html.encode(codec), content_type=content_type)})
    assert fetch(site.url()).text == html


@pytest.mark.parametrize(("codec", "label", "text"), [
    ("cp1250", "windows-1250", "Zespół produktowy spotkał się w środę, żeby omówić plan na "
     "następny kwartał. Każdy miał przygotować krótką prezentację o tym, czego nauczył się od "
     "użytkowników. Dyskusja była długa, ale w końcu ustalono, że najważniejsza jest poprawa "
     "wyszukiwarki. Źródłem wielu problemów okazała się stara baza danych."),
    ("cp1251", "windows-1251", "Команда продукта встретилась в среду, чтобы обсудить план на "
     "следующий квартал. Каждый должен был подготовить короткую презентацию о том, чему он "
     "научился у пользователей."),
])
def test_other_legacy_charsets_are_detected(codec, label, text):
    # Best effort beyond the five that must work. Not every case can be: Hungarian in
    # Windows-1250 reads as well in Windows-1252 (ő/õ, ű/û), and Windows-1252 wins that tie.
    html = html_page(text)
    assert decode(html.encode(codec), None) == (html, label)


def test_the_charsets_named_are_whatwg_names():
    assert decode("é".encode("latin-1"), "text/html; charset=ISO-8859-1")[1] == "windows-1252"
    assert decode("中文".encode("gb2312"), "gb2312") == ("中文", "gbk")
    assert decode("日本".encode("cp932"), 'text/html; charset="Shift_JIS"') == ("日本",
                                                                                 "shift_jis")
    assert decode(b"plain", "text/plain; charset=us-ascii") == ("plain", "windows-1252")


@pytest.mark.parametrize(("charset", "codec"), [
    ("windows-874", "cp874"), ("x-mac-cyrillic", "mac_cyrillic"), ("gbk", "gb18030"),
    ("Shift_JIS", "cp932"), ("latin1", "cp1252"), ("utf-7", None), ("rot13", None)])
def test_the_codec_for_a_charset(charset, codec):
    assert codec_name(charset) == codec


def test_windows_1252_keeps_its_five_unassigned_bytes():
    assert decode(b"a\x81b\x9dc\x80", "windows-1252")[0] == "a\x81b\x9dc€"


def test_a_byte_order_mark_wins():
    assert decode(b"\xef\xbb\xbfcaf\xc3\xa9", "text/html; charset=iso-8859-1") == ("café",
                                                                                    "utf-8")
    assert decode("\ufeffhé".encode("utf-16-le"), "text/html; charset=utf-8") == ("hé",
                                                                                  "utf-16le")


def test_the_header_wins_over_the_meta():
    body = '<meta charset="utf-8"><p>café</p>'.encode("latin-1")
    assert decode(body, "text/html; charset=iso-8859-1")[0] == '<meta charset="utf-8"><p>café</p>'


def test_a_meta_in_a_comment_or_past_the_first_kilobytes_is_ignored():
    text = "Zespół produktowy spotkał się w środę, żeby omówić plan na następny kwartał."
    commented = f'<!-- <meta charset="koi8-r"> --><p>{text}</p>'
    assert decode(commented.encode("utf-8"), None) == (commented, "utf-8")
    late = f"<p>{'x' * 5000}</p><meta charset=\"koi8-r\"><p>{text}</p>"
    assert decode(late.encode("utf-8"), None) == (late, "utf-8")


def test_a_meta_naming_utf16_means_utf8():
    body = '<meta charset="utf-16"><p>café</p>'.encode()
    assert decode(body, None) == ('<meta charset="utf-16"><p>café</p>', "utf-8")


@pytest.mark.parametrize("label", ["utf-7", "x-made-up", "base64", "rot13"])
def test_labels_browsers_do_not_know_are_ignored(label):
    # UTF-7 above all: "+ADw-script+AD4-" must not become a tag.
    body = b"<p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>"
    assert decode(body, f"text/html; charset={label}") == (body.decode(), "utf-8")


def test_utf8_cut_by_the_cap_is_still_utf8():
    body = ("Zażółć gęślą jaźń " * 20).strip().encode()[:-1]  # the last "ń" cut in half
    text, charset = decode(body, None)
    assert charset == "utf-8" and text.endswith("jaź\ufffd")


# --- The cache ----------------------------------------------------------------------------

def test_the_same_get_within_the_window_is_not_repeated(lab):
    site = lab.serve({"/": page(LINKING)})
    first = fetch(site.url())
    assert fetch(site.url()) is first
    assert len(site.seen) == 1
    fetch(site.url(), accept=TEXT)  # another question: asked again
    fetch(site.url(), use_cache=False)
    assert len(site.seen) == 3
    clear_cache()
    fetch(site.url())
    assert len(site.seen) == 4


def test_a_kept_answer_expires(lab):
    lab.configure(FETCH_CACHE_SECONDS=0.3)
    site = lab.serve({"/": page(LINKING)})
    fetch(site.url())
    fetch(site.url())
    assert len(site.seen) == 1
    time.sleep(0.4)
    fetch(site.url())
    assert len(site.seen) == 2


@pytest.mark.parametrize(("route", "kept"), [
    (page("missing", status=404), True),
    (page("gone", status=410), True),
    (page("oops", status=500), False),
    (page("busy", status=503), False),
    (page(b"%PDF", content_type="application/pdf"), False),
])
def test_only_successes_and_client_errors_are_kept(lab, route, kept):
    site = lab.serve({"/": route})
    for _ in range(2):
        with contextlib.suppress(Unsupported):
            fetch(site.url())
    assert len(site.seen) == (1 if kept else 2)


def test_posts_are_never_kept(lab):
    site = lab.serve({"/": page("ok", content_type="text/plain")})
    for _ in range(2):
        fetch(site.url(), method="POST", data=b"a=1", accept=None)
    assert len(site.seen) == 2


def test_the_cache_keeps_at_most_64_answers(lab):
    site = lab.serve({f"/{n}": page(LINKING) for n in range(65)})
    for n in range(65):
        fetch(site.url(f"/{n}"))
    fetch(site.url("/64"))
    assert len(site.seen) == 65
    fetch(site.url("/0"))  # the oldest went
    assert len(site.seen) == 66


def test_the_cache_keeps_a_bounded_number_of_bytes(lab, monkeypatch):
    monkeypatch.setattr(fetching._cache, "max_bytes", 250_000)
    site = lab.serve({f"/{n}": page(b"z" * 100_000) for n in range(3)})
    for n in range(3):
        fetch(site.url(f"/{n}"))
    fetch(site.url("/2"))
    fetch(site.url("/1"))
    assert len(site.seen) == 3
    fetch(site.url("/0"))
    assert len(site.seen) == 4


def test_requests_arriving_together_fetch_once(app, lab):
    def slow(handler):
        time.sleep(0.3)
        page(LINKING)(handler)

    site = lab.serve({"/": slow})
    results = []

    def worker():
        with app.app_context():
            results.append(fetch(site.url()))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(results) == 3 and len({id(result) for result in results}) == 1
    assert len(site.seen) == 1


def test_requests_arriving_together_share_a_failure(app, quick):
    site = quick.serve({"/": lambda handler: handler.server.stopped.wait(30)})
    failures = []

    def worker():
        with app.app_context():
            try:
                fetch(site.url())
            except TimedOut as error:
                failures.append(error)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(failures) == 3 and elapsed(started) < 2.5  # one wait of 1.5 s, not three
    assert len(site.seen) == 1
    fetch_again = threading.Thread(target=worker)  # a failure is not kept: asked again
    fetch_again.start()
    fetch_again.join(10)
    assert len(site.seen) == 2
