"""The sending side's discovery (app/linkbacks/discovery.py): Webmention endpoints (every
webmention.rocks discovery case, from its recorded headers and HTML and again served by a real
local server through core/fetch), pingback servers, and an article's outbound links."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest

from app.core import fetch
from app.linkbacks.discovery import (
    link_header,
    outbound_links,
    pingback_server,
    webmention_endpoint,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "webmention"
ROCKS = "https://webmention.rocks"
PAGE = "https://peer.example/2024/05/post/"
KEYS = {"{KEY1}": "k1a2b3", "{KEY2}": "k2c4d5"}


def _cases() -> list:
    path = CORPUS / "discovery-tests.json"
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the webmention corpus is missing at {CORPUS}")
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus at {CORPUS}"))]
    tests = json.loads(path.read_text(encoding="utf-8"))["tests"]
    return [pytest.param(case, id=f"rocks-{case['num']}") for case in tests]


def with_keys(value):
    """The case with its one-time keys filled in (test 23 records them as placeholders)."""
    text = json.dumps(value)
    for placeholder, key in KEYS.items():
        text = text.replace(placeholder, key)
    return json.loads(text)


def link_values(headers: list[dict]) -> list[str]:
    """Every Link header value, whatever the name's case (as Fetched.header_values gives)."""
    return [header["value"] for header in headers if header["name"].lower() == "link"]


def final_response(case: dict) -> tuple[str, list[dict], str]:
    """(final URL, headers, html) of the case, following a recorded redirect chain."""
    if not case.get("redirect_chain"):
        return case["url"], case["response_headers"], case["html"]
    url = case["url"]
    for step in case["redirect_chain"]:
        assert step["request"] == url
        location = next((h["value"] for h in step["headers"] if h["name"] == "Location"), None)
        if location is None:
            return url, step["headers"], step["html"]
        url = urljoin(url, location)  # a relative Location resolves against the request
    raise AssertionError("the chain never ends")


# Every webmention.rocks case, from the recorded response.

@pytest.mark.parametrize("case", _cases())
def test_webmention_rocks_discovery(case):
    case = with_keys(case)
    url, headers, html = final_response(case)
    endpoint = webmention_endpoint(url, link_values(headers), html)
    assert endpoint == case["expected_endpoint"]
    assert endpoint not in case.get("must_not_send_to", [])


# The same cases served by a real local server and fetched through core/fetch, redirects and
# header casing included: what the sending side does, minus the POST.

def serve(sources, case: dict) -> tuple[str, str]:
    """Serve the case, rewritten from webmention.rocks to the local server; return its URL
    and the endpoint expected there."""
    local = with_keys(json.loads(json.dumps(case).replace(ROCKS, sources.base)))
    steps = local.get("redirect_chain") or [
        {"request": local["url"], "status": local["response_status"],
         "headers": local["response_headers"], "html": local["html"]}]
    for step in steps:
        headers: dict[str, str] = {}
        for header in step["headers"]:
            # Two headers of one name (test 18): the second goes out in other letter case,
            # which HTTP treats as the same header, since the server takes a dict.
            name = header["name"]
            while name in headers:
                name = name.swapcase() if name != name.swapcase() else name.upper()
            headers[name] = header["value"]
        sources.add(step["request"].removeprefix(sources.base), step.get("html") or "",
                    status=step["status"], headers=headers)
    return local["url"], local["expected_endpoint"]


@pytest.mark.parametrize("case", _cases())
def test_webmention_rocks_discovery_over_http(case, sources, app_ctx):
    url, expected = serve(sources, case)
    page = fetch.fetch(url, accept=None, use_cache=False)
    assert page.status == 200
    html = page.text if page.content_type in fetch.HTML else None
    assert webmention_endpoint(page.url, page.header_values("Link"), html) == expected
    assert len(sources.seen) == len(case.get("redirect_chain") or [case])  # each URL once


# Link headers.

def test_link_header_values_are_split_with_their_rel_tokens():
    value = ('<https://a.example/one>; rel="other webmention", </two?x=1,2>; rel=WebMention, '
             '<three>; title="a, b; c"; rel="next"; rel="webmention", <four>')
    assert link_header(value) == [
        ("https://a.example/one", frozenset({"other", "webmention"})),
        ("/two?x=1,2", frozenset({"webmention"})),
        ("three", frozenset({"next"})),  # only the first rel parameter counts
        ("four", frozenset()),
    ]


def test_malformed_link_headers_are_skipped_not_fatal():
    assert link_header("nonsense, <ok>; rel=webmention") == [("ok", frozenset({"webmention"}))]
    assert link_header('<x>; rel="unterminated') == [("x", frozenset({"unterminated"}))]
    assert link_header("") == [] and link_header(";;;,,,<<<") == []
    started = time.process_time()
    assert link_header("<," * 40_000) == [] and len(link_header("<x>;a=b," * 8_000)) == 8_000
    assert time.process_time() - started < 1


def test_the_first_header_link_wins_over_html_and_later_headers():
    html = '<link rel="webmention" href="/from-html">'
    headers = ['<https://peer.example/a>; rel="preload", </first>; rel="webmention"',
               '</second>; rel="webmention"']
    assert webmention_endpoint(PAGE, headers, html) == "https://peer.example/first"
    assert webmention_endpoint(PAGE, [], html) == "https://peer.example/from-html"
    assert webmention_endpoint(PAGE, ['</x>; rel="not-webmention"'], None) is None


# HTML.

@pytest.mark.parametrize(("html", "expected"), [
    ('<a href="/a" rel="webmention">a</a><link rel="webmention" href="/link">', "/a"),
    ('<!-- <link rel="webmention" href="/c"> --><link rel=webmention href=/real>', "/real"),
    ('<template><link rel="webmention" href="/t"></template><a rel="webmention" '
     'href="/real">x</a>', "/real"),
    ('<script>"<link rel=webmention href=/s>"</script><link rel=webmention href=/real>', "/real"),
    ('&lt;link rel="webmention" href="/escaped"&gt;<a href="/real" rel="me webmention">x</a>',
     "/real"),
    ('<link rel="webmention"><a rel="webmention" href="/with-href">x</a>', "/with-href"),
    ('<LINK REL="WebMention" HREF="endpoint?a=1&amp;b=2#frag">', "endpoint?a=1&b=2"),
    ('<link rel="webmention" href="">', ""),
    ('<link rel="webmention" href="  relative/path  ">', "relative/path"),
    ('<img rel="webmention" src="/no"><area rel="webmention" href="/no">', None),
    ('<link rel="webmention" href="mailto:me@example.org"><link rel=webmention href=/b>', None),
    ('<link rel="webmentions" href="/near-miss">', None),
    ("", None), (None, None), ("<a" * 50_000, None),
])
def test_html_discovery(html, expected):
    found = webmention_endpoint(PAGE, [], html)
    assert found == (None if expected is None else urljoin(PAGE, expected).split("#")[0])


def test_discovery_resolves_against_the_final_url_and_keeps_the_query():
    html = '<link rel="webmention" href="webmention?token=abc">'
    assert webmention_endpoint("https://peer.example/moved/here", [], html) == \
        "https://peer.example/moved/webmention?token=abc"


def test_discovery_stops_at_the_first_endpoint_in_a_huge_page_and_is_linear():
    html = '<link rel="webmention" href="/early">' + "<p>x</p>" * 200_000
    assert webmention_endpoint(PAGE, [], html) == "https://peer.example/early"
    started = time.process_time()
    assert webmention_endpoint(PAGE, [], "</" * 500_000 + "<!" * 500_000) is None
    assert time.process_time() - started < 2


# Pingback servers.

def test_the_x_pingback_header_comes_first():
    html = '<link rel="pingback" href="https://peer.example/from-html.php">'
    assert pingback_server("https://peer.example/xmlrpc.php", html, PAGE) == \
        "https://peer.example/xmlrpc.php"
    assert pingback_server(None, html, PAGE) == "https://peer.example/from-html.php"
    assert pingback_server("  ", html, PAGE) == "https://peer.example/from-html.php"


def test_pingback_link_discovery():
    assert pingback_server(None, '<link rel="pingback" href="/xmlrpc.php">', PAGE) == \
        "https://peer.example/xmlrpc.php"
    assert pingback_server(None, '<link rel="Pingback" href="x.php?a=1&amp;b=2">', PAGE) == \
        "https://peer.example/2024/05/post/x.php?a=1&b=2"
    assert pingback_server(None, '<!-- <link rel="pingback" href="/c"> -->', PAGE) is None
    assert pingback_server(None, '<a rel="pingback" href="/a">', PAGE) is None  # only <link>
    assert pingback_server(None, '<link rel="pingback" href="">', PAGE) is None
    assert pingback_server(None, '<link rel="pingback" href="ftp://x/">', PAGE) is None
    assert pingback_server(None, None, PAGE) is None


def test_a_relative_x_pingback_resolves_against_the_page():
    assert pingback_server("/rpc", None, PAGE) == "https://peer.example/rpc"


# An article's outbound links.

ARTICLE = """<p>I moved from sales to product after reading <a href="https://a.example/post#top">
this account of the first year</a>, which matched what I saw.</p>
<p>Write to <a href="mailto:me@example.org">me</a>, <a href="#notes">see the notes</a>,
<a href="javascript:alert(1)">click</a>, or <a href="ftp://files.example/x">download</a>.</p>
<!-- <a href="https://hidden.example/">old</a> -->
<p>Again: <a href="https://A.example:443/post">the same post</a>, and
<a href="/2023/01/earlier/">my earlier note</a> and <a href="//b.example/x y">b</a>.</p>"""


def test_outbound_links_are_distinct_absolute_http_addresses_in_document_order():
    links = outbound_links(ARTICLE, "https://parley.example/2024/05/post/")
    assert [url for url, _ in links] == [
        "https://a.example/post",
        "https://parley.example/2023/01/earlier/",
        "https://b.example/x%20y",
    ]


def test_each_outbound_link_carries_about_200_characters_of_its_context():
    long = "Word " * 100
    html = f"<p>{long}<a href='https://a.example/'>the link</a> {long}</p>"
    (url, context), = outbound_links(html, "https://parley.example/")
    assert "the link" in context and 180 <= len(context) <= 210
    for before, after in (("Word <a", "Other <a"), ("</a> Word", "</a> Other")):
        changed = html.replace(before, after)
        assert outbound_links(changed, "https://parley.example/")[0][1] != context
    first = outbound_links(ARTICLE, "https://parley.example/")[0][1]
    assert "this account of the first year" in first and "my earlier note" not in first


def test_outbound_links_of_nothing_are_nothing():
    assert outbound_links("", "https://parley.example/") == []
    assert outbound_links("<p>No links.</p><a>no href</a>", "https://parley.example/") == []
