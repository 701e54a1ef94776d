"""Linkbacks in a real browser (issue 9): a pingback really received over XML-RPC from a page on
a local HTTP server, approved by a moderator in the queue, then read on the article as
"Post Title | Site Name" with its […] excerpt."""

from __future__ import annotations

import re
import threading
import xmlrpc.client
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Response, ResponseKind, ResponseStatus, Role
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import assert_accessible
from tests.factories import change_settings, make_article, make_response, make_user
from tests.linkbacks.test_display import linkback

pytestmark = pytest.mark.browser

SOURCE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Post Title</title>
<meta property="og:site_name" content="Site Name"></head>
<body><article><p>I read a piece on roadmaps today. <a href="{target}">This article</a> says
plans meet reality sooner than we think.</p></article></body></html>
"""


class SourceSite:
    """Pages of another blog, served over real HTTP on 127.0.0.1 from a thread."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                body = pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                data = (body or "Not found").encode()
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str, html: str) -> str:
        self.pages[path] = html
        return self.url + path


@pytest.fixture
def source_site() -> Iterator[SourceSite]:
    site = SourceSite()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def private_sources_allowed(app, monkeypatch):
    """The source pages are on 127.0.0.1, which the fetcher refuses unless told otherwise."""
    monkeypatch.setitem(app.config, "LINKBACK_ALLOW_PRIVATE_NETWORKS", "1")


def fresh(db, response_id: int) -> Response:
    """The response as the live server left it (end this session's old snapshot first)."""
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Response, response_id)


def reader_sees(page: Page, response_id: int, label: str, excerpt: re.Pattern) -> None:
    item = page.locator(f"#comment-{response_id}")
    expect(item.locator(".response-author")).to_have_text(label)
    expect(item.locator(".response-author a")).to_have_attribute("rel", "nofollow ugc")
    expect(item.locator(".response-kind")).to_have_text("Pingback")
    expect(item.locator(".response-text")).to_have_text(excerpt)


def test_a_moderator_approves_a_received_pingback_and_a_reader_sees_it(
        open_page, live_server, source_site, private_sources_allowed, db):
    change_settings(manual_approval=True)
    article = make_article(title="Roadmaps that survive contact", body="Plans meet reality.")
    moderator = make_user(Role.MODERATOR, name="Mo Derator")
    target = live_server.url + article.path
    source = source_site.page("/2024/05/roadmaps/", SOURCE_PAGE.format(target=target))

    answer = xmlrpc.client.ServerProxy(live_server.url + "/xmlrpc").pingback.ping(source, target)
    assert isinstance(answer, str) and answer
    db.session.commit()
    ping = db.session.scalars(select(Response).where(Response.source_url == source)).one()
    assert (ping.kind, ping.status) == (ResponseKind.PINGBACK, ResponseStatus.PENDING)

    reader = open_page()
    reader.goto(target)
    expect(reader.locator(f"#comment-{ping.id}")).to_have_count(0)
    expect(reader.get_by_text("Post Title | Site Name")).to_have_count(0)

    page = open_page()
    log_in(page, live_server.url, moderator.email)
    page.goto(f"{live_server.url}/moderation/")
    row = page.locator(f"tr#row-{ping.id}")
    expect(row.locator(".response-kind")).to_have_text("pingback")
    expect(row.get_by_role("link", name="Post Title | Site Name")).to_have_attribute(
        "href", source)
    expect(row.locator(".excerpt")).to_contain_text("This article says plans meet reality")
    row.get_by_role("button", name=f"Approve #{ping.id}", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Approve: 1 response.")).to_be_visible()
    expect(row).to_have_count(0)
    assert fresh(db, ping.id).status is ResponseStatus.APPROVED

    reader.reload()
    reader_sees(reader, ping.id, "Post Title | Site Name",
                re.compile(r"^\[…\] .*This article says plans meet reality.* \[…\]$"))
    expect(reader.locator(f"#comment-{ping.id} .response-author a")).to_have_attribute(
        "href", source)


@pytest.mark.parametrize("separate", [False, True])
def test_every_way_a_linkback_shows_is_accessible(open_page, live_server, db, separate):
    change_settings(linkbacks_separate=separate)
    article = make_article(title="Roadmaps that survive contact")
    make_response(article, body="A comment first.")
    linkback(article, excerpt="text around the link")
    linkback(article, ResponseKind.TRACKBACK, title="Leituras", site="Diário")
    linkback(article, ResponseKind.WEBMENTION, title="产品经理", site="博客")
    linkback(article, ResponseKind.WEBMENTION, mention_type="reply", author_name="Ana Lima",
             author_url="https://ana.example/", author_photo="https://ana.example/me.jpg",
             url="https://ana.example/re/1", body_html="<p>My reply.</p>")
    for n, kind in enumerate(["like", "like", "repost"]):
        linkback(article, ResponseKind.WEBMENTION, mention_type=kind, author_name=f"Fan {n}",
                 url=f"https://fan{n}.example/{kind}")
    page = open_page()
    page.goto(live_server.url + article.path)
    expect(page.get_by_text("Liked by 2 people:")).to_be_visible()
    expect(page.get_by_role("link", name="Post Title | Site Name", exact=True)).to_be_visible()
    if separate:
        expect(page.get_by_role("heading", name="Pingbacks and trackbacks")).to_be_visible()
    assert_accessible(page)
