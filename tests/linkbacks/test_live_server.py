"""Parley as a real server process receiving linkbacks from pages on a second local server.

One gunicorn process serves the whole module, on the suite's database (SQLite, or PostgreSQL
with TEST_DATABASE_URL), and may fetch from one private address only: the page server's
127.0.0.1:port. Its sources link or don't, answer 404 or 410, drip (FETCH_TOTAL_TIMEOUT is 2 s
here), weigh 5 MB, redirect (to a linking page, or to addresses that are not public), speak
ISO-8859-1 or GB2312, or carry h-entry replies, likes and reposts. Pingbacks go through
`xmlrpc.client`, trackbacks and webmentions are form POSTs with urllib, as other blogs send
them. Each test checks the protocol's answer and, for what is accepted, what a reader sees on
the article page once a moderator approved it (approved here through the moderation service).

The suite empties the tables after each test; the server's page cache follows the content
version, and every test has an article of its own, at a path no other test used.
"""

from __future__ import annotations

import itertools
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import xmlrpc.client
from xml.etree import ElementTree

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.models import Article, Response, ResponseKind, ResponseStatus
from app.models.types import utcnow
from app.moderation import services as moderation
from tests.conftest import NoRedirect, free_port, gunicorn
from tests.factories import make_article
from tests.linkbacks.conftest import Sources

FORM = "application/x-www-form-urlencoded"
TIMEOUT = 2  # FETCH_TOTAL_TIMEOUT of the server, in seconds
_serial = itertools.count(1)


# --- the two servers --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages():
    """The page server, for the whole module (its port goes into the server's config)."""
    server = Sources()
    yield server
    server.close()


@pytest.fixture(scope="module")
def parley(app, database_url, pages, tmp_path_factory) -> str:
    """Parley under gunicorn on the suite's database; yields its URL (its SITE_URL too)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url,
           "PARLEY_INSTANCE": str(tmp_path_factory.mktemp("live-instance")),
           "SECRET_KEY": "live-server-test-secret", "HUEY_IMMEDIATE": "1", "SITE_URL": url,
           "SITE_TIMEZONE": "UTC", "FETCH_TOTAL_TIMEOUT": str(TIMEOUT),
           "LINKBACK_ALLOW_PRIVATE_NETWORKS": f"127.0.0.1:{pages.port}",
           # Every source here is on 127.0.0.1, and so is every sender: the per-host and
           # per-client limits would stop the module half way. The per-pair limit stays.
           "LINKBACK_CLIENT_LIMIT": "1000 per minute",
           "LINKBACK_SOURCE_HOST_LIMIT": "1000 per minute"}
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "TRUSTED_HOSTS"):
        env.pop(name, None)
    with gunicorn(env, ports=[port], threads=2) as (served,):
        yield served


@pytest.fixture
def article(db) -> Article:
    """A live article taking pings, at a permalink of its own."""
    found = make_article(title=f"Moving from sales into product management, part {next(_serial)}")
    db.session.commit()
    return found


@pytest.fixture
def target(parley, article) -> str:
    return parley + article.path


def unique(name: str) -> str:
    """A path no other request used: the server caches fetches and limits each pair."""
    return f"/{name}-{next(_serial)}/"


# --- source pages -----------------------------------------------------------------------------

def post_html(target: str, *, title: str = "A Post That Links", site: str = "Another Blog",
              before: str = "I read it and", link: str = "this article on careers",
              after: str = "says what I think about moving from sales into product work.",
              head: str = '<meta charset="utf-8">') -> str:
    """A blog post whose paragraph links to `target` (an empty target: no link at all)."""
    anchor = f'<a href="{target}">{link}</a>' if target else link
    return (f"<!doctype html><html><head>{head}<title>{title} | {site}</title>"
            f'<meta property="og:title" content="{title}">'
            f'<meta property="og:site_name" content="{site}"></head><body>'
            '<header><nav><a href="/">Home</a></nav></header>'
            f'<article><h1>{title}</h1><p>{before} {anchor} {after}</p></article></body></html>')


def entry_html(target: str, kind: str, *, author: str, content: str = "") -> str:
    """An h-entry whose author (an h-card) replies to, likes or reposts `target`."""
    prop = {"reply": "u-in-reply-to", "like": "u-like-of", "repost": "u-repost-of"}[kind]
    body = f'<div class="e-content">{content}</div>' if content else ""
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{kind} by {author}</title>'
            f'</head><body><article class="h-entry"><a class="{prop}" href="{target}">this</a>'
            f'<a class="p-author h-card" href="https://people.example/{kind}/">{author}</a>'
            '<time class="dt-published" datetime="2025-03-01T10:00:00+00:00">1 March</time>'
            f"{body}</article></body></html>")


# --- the three protocols, as clients send them ------------------------------------------------

def ping(parley: str, source: str, target: str) -> str:
    return xmlrpc.client.ServerProxy(parley + "/xmlrpc").pingback.ping(source, target)


def ping_fault(parley: str, source: str, target: str) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        ping(parley, source, target)
    return caught.value


def post_form(url: str, fields: dict, *, charset: str = "utf-8",
              content_type: str = FORM) -> tuple[int, dict, bytes]:
    """POST a form as a blog engine does; return status, headers and body, redirects unread."""
    data = urllib.parse.urlencode(fields, encoding=charset).encode("ascii")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def trackback(parley: str, article: Article, fields: dict,
              charset: str = "utf-8") -> tuple[int, str | None, str]:
    """Send a TrackBack ping; return the HTTP status, the answer's <error> and <message>."""
    status, headers, body = post_form(parley + article.path + "trackback/", fields,
                                      charset=charset,
                                      content_type=f"{FORM}; charset={charset}")
    assert headers["Content-Type"].startswith("text/xml")
    answer = ElementTree.fromstring(body)
    assert answer.tag == "response"
    return status, answer.findtext("error"), answer.findtext("message") or ""


def webmention(parley: str, source: str, target: str) -> tuple[int, dict, str]:
    status, headers, body = post_form(parley + "/webmention", {"source": source,
                                                               "target": target})
    return status, headers, body.decode("utf-8")


def status_page(url: str) -> str:
    """The webmention's status page, once verification is no longer pending."""
    for _ in range(50):
        html = read_page(url)
        if 'data-state="pending"' not in html:
            return html
        time.sleep(0.1)
    return html


def read_page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.status == 200
        return answer.read().decode("utf-8")


# --- the database, and the moderator ----------------------------------------------------------

def stored(db, article: Article) -> list[Response]:
    """The article's responses as the server stored them (a fresh read)."""
    db.session.commit()
    return list(db.session.scalars(
        select(Response).where(Response.article_id == article.id).order_by(Response.id)))


def approve(db, response: Response) -> None:
    moderation.apply(response, "approve", None, seen=ResponseStatus.PENDING, now=utcnow())
    db.session.commit()


def only_linkback(db, article: Article, kind: ResponseKind) -> Response:
    [response] = stored(db, article)
    assert response.kind is kind
    assert response.status is ResponseStatus.PENDING  # held, like any new response
    return response


def shown_after_approval(db, parley: str, article: Article, response: Response) -> str:
    """Check the page hides the held linkback, approve it, return the page a reader gets."""
    label = str(escape(response.source_label))
    before = read_page(parley + article.path)
    assert f"<bdi>{label}</bdi>" not in before
    approve(db, response)
    page = read_page(parley + article.path)
    assert f'id="comment-{response.id}"' in page
    return page


def assert_shown_as_linkback(page: str, response: Response, label: str) -> None:
    """"Post Title | Site" linked to the source, the kind, and "[…] excerpt […]"."""
    assert f"<bdi>{escape(label)}</bdi>" in page
    assert f'href="{escape(response.source_url)}" rel="nofollow ugc"' in page
    assert f'<span class="response-kind">{response.linkback_label}</span>' in page
    assert response.body_html
    assert f"<p>[…] {response.body_html} […]</p>" in page


# --- pingback ---------------------------------------------------------------------------------

def test_a_pingback_from_a_linking_page_is_shown_after_approval(db, parley, pages, article,
                                                               target):
    source = pages.add(unique("linking"), post_html(target, title="Sales to Product",
                                                    site="Nadia Notes"))
    answer = ping(parley, source, target)
    assert "registered" in answer
    response = only_linkback(db, article, ResponseKind.PINGBACK)
    assert (response.source_url, response.source_title, response.source_site) == (
        source, "Sales to Product", "Nadia Notes")
    assert "I read it and this article on careers says what I think" in response.body_source
    # The extension lists it, to xmlrpc.client as to anyone.
    proxy = xmlrpc.client.ServerProxy(parley + "/xmlrpc")
    assert proxy.pingback.extensions.getPingbacks(target) == [source]

    page = shown_after_approval(db, parley, article, response)
    assert_shown_as_linkback(page, response, "Sales to Product | Nadia Notes")


def test_a_page_that_does_not_link_is_fault_0x11(db, parley, pages, article, target):
    source = pages.add(unique("unrelated"), post_html(""))
    assert ping_fault(parley, source, target).faultCode == 0x0011
    assert stored(db, article) == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_missing_or_gone_source_is_fault_0x10(db, parley, pages, article, target, status):
    source = pages.add(unique(f"status-{status}"), post_html(target), status=status)
    assert ping_fault(parley, source, target).faultCode == 0x0010
    assert stored(db, article) == []


def test_a_slow_source_is_fault_0x32_once_the_fetch_time_is_up(db, parley, pages, article,
                                                              target):
    # About 60 s to send in all, 10 bytes each 0.2 s: the link is in the first kilobyte.
    html = post_html(target) + "<p>and on, and on</p>" * 120
    source = pages.add(unique("slow"), html, delay=0.2)
    started = time.monotonic()
    assert ping_fault(parley, source, target).faultCode == 0x0032
    assert time.monotonic() - started < TIMEOUT + 2
    assert stored(db, article) == []


def huge_page(target: str, *, link_at: int) -> bytes:
    """5 MB of HTML with the link `link_at` bytes in."""
    filler = b"<p>" + b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 16 + b"</p>\n"
    head = b'<!doctype html><html><head><meta charset="utf-8"><title>Big | Heavy Blog</title>'
    body = bytearray(head + b"</head><body>")
    body += filler * (max(link_at - len(body), 0) // len(filler))
    body += f'<p>A long read: <a href="{target}">this article on careers</a>.</p>'.encode()
    body += filler * ((5 * 1024 * 1024 - len(body)) // len(filler) + 1)
    return bytes(body + b"</body></html>")


def test_a_huge_page_linking_in_its_first_megabyte_is_registered_quickly(db, parley, pages,
                                                                        article, target):
    source = pages.add(unique("huge"), huge_page(target, link_at=200_000))
    assert len(pages.pages[source.removeprefix(pages.base)].body) > 5 * 1024 * 1024
    started = time.monotonic()
    assert "registered" in ping(parley, source, target)
    assert time.monotonic() - started < 3
    response = only_linkback(db, article, ResponseKind.PINGBACK)
    assert "A long read: this article on careers." in response.body_source
    page = shown_after_approval(db, parley, article, response)
    assert_shown_as_linkback(page, response, response.source_label)


def test_a_huge_page_linking_only_after_its_first_megabyte_does_not_link(db, parley, pages,
                                                                         article, target):
    source = pages.add(unique("huge-late"), huge_page(target, link_at=3 * 1024 * 1024))
    started = time.monotonic()
    assert ping_fault(parley, source, target).faultCode == 0x0011  # the rest was not read
    assert time.monotonic() - started < 3
    assert stored(db, article) == []


def test_a_redirect_to_a_linking_page_is_followed(db, parley, pages, article, target):
    landing = pages.add(unique("landing"), post_html(target, title="Moved Here",
                                                     site="Wandering Blog"))
    middle = pages.add(unique("middle"), "", status=301, headers={"Location": landing})
    source = pages.add(unique("old-address"), "", status=302, headers={"Location": middle})
    assert "registered" in ping(parley, source, target)
    response = only_linkback(db, article, ResponseKind.PINGBACK)
    assert (response.source_title, response.source_site) == ("Moved Here", "Wandering Blog")
    page = shown_after_approval(db, parley, article, response)
    assert_shown_as_linkback(page, response, "Moved Here | Wandering Blog")


def test_a_redirect_to_an_address_that_is_not_public_is_refused(db, parley, pages, article,
                                                                target):
    inner = Sources()  # another port on 127.0.0.1: not the one the server may fetch from
    try:
        secret = inner.add("/secret/", post_html(target))
        for private in (secret, f"http://[::1]:{pages.port}/", "http://[::1]/",
                        "http://169.254.169.254/latest/meta-data/"):
            source = pages.add(unique("hop"), "", status=302, headers={"Location": private})
            started = time.monotonic()
            fault = ping_fault(parley, source, target)
            assert fault.faultCode == 0x0010, private
            # Answered like a missing page, naming nothing of what is behind the redirect.
            for word in ("127.0.0.1", "::1", "169.254", "private", "public"):
                assert word not in fault.faultString, (private, fault.faultString)
            assert time.monotonic() - started < 2, private  # refused, not tried
        assert inner.seen == []
    finally:
        inner.close()
    assert stored(db, article) == []


PORTUGUESE = {"title": "Da área comercial à gestão de produto", "site": "Diário de Produto",
              "before": "Concordo com quase tudo: a transição é difícil, exige paciência, e",
              "link": "este artigo", "after": "explica bem porquê, com ação e coração."}
CHINESE = {"title": "从销售转向产品管理", "site": "产品笔记",
           "before": "我读了这篇关于职业转型的文章，", "link": "这篇文章",
           "after": "讲得很清楚，尤其是关于定价和用户访谈的部分。"}


@pytest.mark.parametrize("words, charset, declared", [
    (PORTUGUESE, "iso-8859-1", "header"),
    (PORTUGUESE, "iso-8859-1", "meta"),
    (CHINESE, "gb2312", "header"),
    (CHINESE, "gb2312", "meta"),
])
def test_a_page_in_its_own_charset_comes_out_right(db, parley, pages, article, target, words,
                                                   charset, declared):
    if declared == "header":
        content_type, head = f"text/html; charset={charset.upper()}", ""
    else:
        content_type = "text/html"
        head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    html = post_html(target, head=head, **words)
    source = pages.add(unique(f"{charset}-{declared}"), html.encode(charset),
                       content_type=content_type)
    assert "registered" in ping(parley, source, target)
    response = only_linkback(db, article, ResponseKind.PINGBACK)
    assert (response.source_title, response.source_site) == (words["title"], words["site"])
    assert f"{words['before']} {words['link']} {words['after']}" in response.body_source
    page = shown_after_approval(db, parley, article, response)
    assert_shown_as_linkback(page, response, f"{words['title']} | {words['site']}")
    assert str(escape(words["before"])) in page


# --- trackback --------------------------------------------------------------------------------

def test_a_trackback_from_a_linking_page_is_shown_after_approval(db, parley, pages, article,
                                                                target):
    source = pages.add(unique("tb"), post_html(target))
    status, error, message = trackback(parley, article, {
        "url": source, "title": "Why I moved to product", "blog_name": "Field Notes",
        "excerpt": "Three years in sales taught me what customers actually ask for."})
    assert (status, error, message) == (200, "0", "")
    response = only_linkback(db, article, ResponseKind.TRACKBACK)
    assert (response.source_url, response.source_title, response.source_site) == (
        source, "Why I moved to product", "Field Notes")
    assert response.body_source == "Three years in sales taught me what customers actually " \
                                   "ask for."
    page = shown_after_approval(db, parley, article, response)
    assert_shown_as_linkback(page, response, "Why I moved to product | Field Notes")


def test_a_trackback_in_iso_8859_1_comes_out_right(db, parley, pages, article, target):
    source = pages.add(unique("tb-latin1"), post_html(target, **PORTUGUESE).encode("latin-1"),
                       content_type="text/html; charset=iso-8859-1")
    status, error, _ = trackback(parley, article, {
        "url": source, "title": PORTUGUESE["title"], "blog_name": PORTUGUESE["site"],
        "excerpt": "Uma reflexão sobre a mudança de área."}, charset="iso-8859-1")
    assert (status, error) == (200, "0")
    response = only_linkback(db, article, ResponseKind.TRACKBACK)
    assert (response.source_title, response.source_site, response.body_source) == (
        PORTUGUESE["title"], PORTUGUESE["site"], "Uma reflexão sobre a mudança de área.")
    page = shown_after_approval(db, parley, article, response)
    assert_shown_as_linkback(page, response, f"{PORTUGUESE['title']} | {PORTUGUESE['site']}")


def test_a_trackback_from_a_page_without_the_link_is_kept_as_spam(db, parley, pages, article):
    source = pages.add(unique("tb-nolink"), post_html(""))
    status, error, _ = trackback(parley, article, {"url": source, "title": "Cheap pills",
                                                   "excerpt": "Buy now"})
    assert (status, error) == (200, "0")
    [response] = stored(db, article)
    assert response.status is ResponseStatus.SPAM
    assert response.moderation_reason == "spam: no link back"
    assert "Cheap pills" not in read_page(parley + article.path)


@pytest.mark.parametrize("status", [404, 410])
def test_a_trackback_from_a_missing_page_is_an_error(db, parley, pages, article, target, status):
    source = pages.add(unique(f"tb-{status}"), post_html(target), status=status)
    answer, error, message = trackback(parley, article, {"url": source, "title": "Gone"})
    assert (answer, error) == (200, "1")
    assert message and "127.0.0.1" not in message
    assert stored(db, article) == []


def test_a_trackback_without_a_url_is_an_error(db, parley, article):
    answer, error, message = trackback(parley, article, {"title": "No address"})
    assert (answer, error) == (200, "1")
    assert "url" in message
    assert stored(db, article) == []


# --- webmention -------------------------------------------------------------------------------

def test_a_webmention_reply_shows_its_text_and_author_after_approval(db, parley, pages, article,
                                                                    target):
    source = pages.add(unique("reply"), entry_html(
        target, "reply", author="Mei Chen",
        content="<p>Great piece; the part about <em>pricing</em> rang true.</p>"))
    status, headers, text = webmention(parley, source, target)
    assert status == 202, text
    location = headers["Location"]
    assert location.startswith(parley + "/webmention/status/")
    assert 'data-state="accepted"' in status_page(location)

    response = only_linkback(db, article, ResponseKind.WEBMENTION)
    assert (response.mention_type, response.author_name) == ("reply", "Mei Chen")
    assert "pricing" in response.body_source
    before = read_page(parley + article.path)
    assert "rang true" not in before
    approve(db, response)
    page = read_page(parley + article.path)
    assert "<bdi>Mei Chen</bdi>" in page
    assert "the part about <em>pricing</em> rang true." in page
    assert '<span class="response-kind">Reply</span>' in page


@pytest.mark.parametrize("kind, row", [("like", "Liked by 1 person:"),
                                       ("repost", "Reposted by 1 person:")])
def test_a_webmention_like_or_repost_joins_the_row_under_the_article(db, parley, pages, article,
                                                                    target, kind, row):
    source = pages.add(unique(kind), entry_html(target, kind, author="Ola Nordmann"))
    status, headers, text = webmention(parley, source, target)
    assert status == 202, text
    assert 'data-state="accepted"' in status_page(headers["Location"])
    response = only_linkback(db, article, ResponseKind.WEBMENTION)
    assert (response.mention_type, response.author_name) == (kind, "Ola Nordmann")
    assert row not in read_page(parley + article.path)
    approve(db, response)
    page = read_page(parley + article.path)
    reactions = page[page.index(row):]
    reactions = reactions[:reactions.index("</ul>")]
    assert f'id="comment-{response.id}"' in reactions
    assert "<bdi>Ola Nordmann</bdi>" in reactions
    assert f'href="https://people.example/{kind}/"' in reactions


@pytest.mark.parametrize("name, status", [("nolink", 200), ("missing", 404), ("gone", 410)])
def test_a_webmention_that_fails_verification_is_rejected_on_its_status_page(
        db, parley, pages, article, target, name, status):
    source = pages.add(unique(f"wm-{name}"), post_html("" if name == "nolink" else target),
                       status=status)
    answer, headers, text = webmention(parley, source, target)
    assert answer == 202, text
    page = status_page(headers["Location"])
    assert 'data-state="rejected"' in page
    assert "<strong>rejected</strong>: " in page
    assert stored(db, article) == []


def test_a_webmention_to_a_page_that_is_not_an_article_is_400_at_once(db, parley, pages,
                                                                      article, target):
    source = pages.add(unique("wm-home"), post_html(parley + "/"))
    status, _, text = webmention(parley, source, parley + "/")
    assert status == 400
    assert "not an article" in text
    assert pages.requests_to(source.removeprefix(pages.base)) == []  # refused before fetching
