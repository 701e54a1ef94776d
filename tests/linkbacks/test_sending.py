"""Sending linkbacks to real local servers: discovery, what is sent, retries, updates, the
editor's table.

The pages an article links to and their endpoints are served by `sources` (a real HTTP
server on 127.0.0.1 that records every request); the task runs inline (HUEY_IMMEDIATE), so
publishing or updating an article sends before the commit returns.
"""

from __future__ import annotations

import xmlrpc.client
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.authoring.services import ArticleInput, describe_linkback, linkbacks_sent, save_article
from app.extensions import db
from app.linkbacks import pingback, sending, trackback
from app.models import Article, OutgoingLinkback, Role
from app.models.types import utcnow
from app.tasks import huey
from app.templating import permalink
from tests.factories import PASSWORD, change_settings, make_article, make_user
from tests.linkbacks.conftest import Sources

ACCEPTED = {"Location": "/status/1"}
FILLER = ("Product work is mostly listening, and the rest is saying no with reasons that "
          "hold up when the people asking come back a month later with better numbers. ") * 4


@pytest.fixture(autouse=True)
def sending_on(db):
    """Sending is a setting; these tests are about what happens when it is on."""
    change_settings(send_linkbacks=True)


def rows(article: Article) -> dict[str, OutgoingLinkback]:
    """The article's rows by target, as the task left them (read afresh)."""
    db.session.commit()  # a new snapshot: the task wrote in a session of its own
    found = db.session.scalars(select(OutgoingLinkback)
                               .where(OutgoingLinkback.article_id == article.id)
                               .order_by(OutgoingLinkback.id))
    return {row.target_url: row for row in found}


def webmention_page(sources: Sources, path: str, *, how: str = "header",
                    endpoint: str = "/wm/endpoint", status: int = 202,
                    answer: str = "Accepted", extra_headers: dict | None = None) -> str:
    """A page advertising a webmention endpoint (Link header, <link>, or a relative <link>),
    and that endpoint answering `status`."""
    headers = dict(extra_headers or {})
    head = ""
    if how == "header":
        headers["Link"] = f'<{sources.base}{endpoint}>; rel="webmention"'
    elif how == "link":
        head = f'<link rel="webmention" href="{sources.base}{endpoint}">'
    else:  # relative
        head = f'<link rel="webmention" href="{endpoint}">'
    sources.add(endpoint, answer, status=status, content_type="text/plain",
                headers=ACCEPTED if status in (201, 202) else None)
    return sources.add(path, f"<!doctype html><html><head>{head}<title>A page</title></head>"
                             f"<body><p>Hello.</p></body></html>", headers=headers)


def pingback_page(sources: Sources, path: str, *, how: str = "header",
                  server: str = "/xmlrpc", answer: bytes | None = None) -> str:
    headers, head = {}, ""
    if how == "header":
        headers["X-Pingback"] = f"{sources.base}{server}"
    else:
        head = f'<link rel="pingback" href="{sources.base}{server}">'
    sources.add(server, answer if answer is not None else pingback.success("Thanks for the ping"),
                content_type="text/xml")
    return sources.add(path, f"<html><head>{head}</head><body>Hi</body></html>",
                       headers=headers)


def task_name(task) -> str:
    return task.name.rsplit(".", 1)[-1]


def form_of(seen) -> dict[str, list[str]]:
    return parse_qs(seen.body.decode("ascii"), encoding="utf-8", strict_parsing=True)


def posts_to(sources: Sources, path: str):
    return [seen for seen in sources.requests_to(path) if seen.method == "POST"]


def update(article: Article, body: str | None = None, **fields) -> Article:
    """Edit a live article as the editor would (same title and date)."""
    data = ArticleInput(title=article.title, body=article.body_source if body is None else body,
                        trackback_urls=fields.pop("trackback_urls",
                                                  article.trackback_urls.splitlines()),
                        **fields)
    saved = save_article(article, article.author, data, publish=False, now=utcnow(),
                         zone=ZoneInfo("UTC"))
    db.session.commit()
    return saved


# --- discovery and what is sent ------------------------------------------------------------

@pytest.mark.parametrize("how", ["header", "link", "relative"])
def test_a_webmention_is_sent_to_the_advertised_endpoint(app, db, sources, how):
    page = webmention_page(sources, f"/post-{how}", how=how)
    article = make_article(body=f"I liked [this post]({page}) a lot.")

    (sent,) = posts_to(sources, "/wm/endpoint")
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form_of(sent) == {"source": [permalink(article, external=True)], "target": [page]}
    row = rows(article)[page]
    assert (row.protocol, row.state, row.answer_status) == ("webmention", "sent", 202)
    assert row.endpoint == f"{sources.base}/wm/endpoint"
    assert "202 Accepted" in row.detail and "/status/1" in row.detail
    assert row.attempts == 1 and row.last_attempt_at is not None and row.in_article


@pytest.mark.parametrize("how", ["header", "link"])
def test_a_pingback_is_sent_when_there_is_no_webmention_endpoint(app, db, sources, how):
    page = pingback_page(sources, f"/ping-{how}", how=how)
    article = make_article(body=f"See [the post]({page}).")

    (call,) = posts_to(sources, "/xmlrpc")
    assert call.headers["Content-Type"] == "text/xml"
    params, method = xmlrpc.client.loads(call.body)
    assert method == "pingback.ping"
    assert params == (permalink(article, external=True), page)
    row = rows(article)[page]
    assert (row.protocol, row.state) == ("pingback", "sent")
    assert row.detail == "Thanks for the ping"


def test_webmention_wins_over_pingback(app, db, sources):
    page = webmention_page(sources, "/both",
                           extra_headers={"X-Pingback": f"{sources.base}/xmlrpc"})
    sources.add("/xmlrpc", pingback.success("ok"), content_type="text/xml")
    article = make_article(body=f"[Both]({page})")

    assert len(posts_to(sources, "/wm/endpoint")) == 1
    assert posts_to(sources, "/xmlrpc") == []
    assert rows(article)[page].protocol == "webmention"


def test_a_page_with_neither_gets_nothing_and_says_so(app, db, sources):
    page = sources.add("/plain", "<html><body>No endpoints here.</body></html>")
    article = make_article(body=f"[Plain]({page})")

    assert [seen.method for seen in sources.seen] == ["GET"]
    row = rows(article)[page]
    assert (row.state, row.protocol, row.attempts) == ("no_endpoint", "", 1)


def test_links_to_the_site_itself_are_not_sent(app, db, sources):
    page = webmention_page(sources, "/elsewhere")
    own = app.config["SITE_URL"] + "/2020/01/01/older-post/"
    article = make_article(body=f"[Mine]({own}) and [theirs]({page}).")

    assert list(rows(article)) == [page]


# --- answers -------------------------------------------------------------------------------

def test_a_400_is_refused_with_the_first_line_of_the_answer(app, db, sources):
    page = webmention_page(sources, "/picky", status=400,
                           answer="Target is not on this site\nmore details here")
    article = make_article(body=f"[Picky]({page})")

    row = rows(article)[page]
    assert (row.state, row.answer_status) == ("refused", 400)
    assert row.detail == "Target is not on this site"
    assert row.next_attempt_at is None


@pytest.mark.parametrize(("code", "state"), [(0x0011, "refused"), (0x0030, "sent"),
                                             (0x0032, "failed")])
def test_pingback_faults(app, db, sources, code, state):
    page = pingback_page(sources, "/faulty", answer=pingback.fault(code, "Said no"))
    article = make_article(body=f"[Faulty]({page})")

    row = rows(article)[page]
    assert row.state == state
    assert row.detail == f"fault {code}: Said no"


def test_a_500_fails_is_retried_with_back_off_and_then_succeeds(app, db, sources,
                                                                  monkeypatch):
    page = webmention_page(sources, "/flaky", status=500, answer="Oops")
    before, scheduled_before = utcnow(), {task.id for task in huey.scheduled()}
    article = make_article(body=f"[Flaky]({page})")

    row = rows(article)[page]
    assert (row.state, row.attempts, row.answer_status) == ("failed", 1, 500)
    assert before + timedelta(minutes=1) <= row.next_attempt_at <= utcnow() + timedelta(minutes=1)
    (retry,) = [task for task in huey.scheduled() if task.id not in scheduled_before]
    assert task_name(retry) == "retry_row" and retry.args == (row.id,)
    assert abs(retry.eta.replace(tzinfo=UTC) - row.next_attempt_at) < timedelta(seconds=2)

    sending.retry_row(row.id)  # too early: nothing is sent
    assert len(posts_to(sources, "/wm/endpoint")) == 1

    sources.add("/wm/endpoint", "Accepted", status=202, content_type="text/plain")
    later = row.next_attempt_at + timedelta(seconds=1)
    monkeypatch.setattr(sending, "utcnow", lambda: later)
    sending.retry_row(row.id)

    assert len(posts_to(sources, "/wm/endpoint")) == 2
    row = rows(article)[page]
    assert (row.state, row.attempts, row.answer_status) == ("sent", 2, 202)
    assert row.last_attempt_at == later and row.next_attempt_at is None


def test_it_gives_up_after_the_last_attempt(app, db, sources, monkeypatch):
    page = webmention_page(sources, "/down", status=503, answer="Down")
    article = make_article(body=f"[Down]({page})")
    waits = []
    for _ in range(sending.MAX_ATTEMPTS - 1):
        row = rows(article)[page]
        waits.append(row.next_attempt_at - row.last_attempt_at)
        due = row.next_attempt_at
        monkeypatch.setattr(sending, "utcnow", lambda due=due: due)
        sending.retry_row(row.id)

    row = rows(article)[page]
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                     timedelta(hours=2)]
    assert (row.state, row.attempts, row.next_attempt_at) == ("gave_up", 5, None)
    assert len(posts_to(sources, "/wm/endpoint")) == 5
    assert describe_linkback(row).startswith("Gave up after 5 attempts")


# --- updates and removals -------------------------------------------------------------------

def test_an_update_resends_to_a_changed_link_but_not_an_unchanged_one(app, db, sources):
    first = webmention_page(sources, "/first", endpoint="/wm/first")
    second = webmention_page(sources, "/second", endpoint="/wm/second")
    body = f"I agree with [the first]({first}).\n\n{FILLER}\n\nAnd [the second]({second})."
    article = make_article(body=body)
    assert len(posts_to(sources, "/wm/first")) == len(posts_to(sources, "/wm/second")) == 1

    update(article, body.replace("I agree with", "I disagree with"))

    assert len(posts_to(sources, "/wm/first")) == 2
    assert len(posts_to(sources, "/wm/second")) == 1
    update(article)  # nothing changed: nothing sent
    assert len(posts_to(sources, "/wm/first")) == 2


def test_a_removed_link_gets_one_more_webmention(app, db, sources):
    kept = webmention_page(sources, "/kept", endpoint="/wm/kept")
    gone = webmention_page(sources, "/gone", endpoint="/wm/gone")
    article = make_article(body=f"[Kept]({kept})\n\n{FILLER}\n\n[Gone]({gone})")

    update(article, f"[Kept]({kept})\n\n{FILLER}")

    notices = posts_to(sources, "/wm/gone")
    assert len(notices) == 2 and form_of(notices[1])["target"] == [gone]
    row = rows(article)[gone]
    assert (row.in_article, row.state) == (False, "sent")
    update(article, article.body_source + "\n\nA new closing line.")
    assert len(posts_to(sources, "/wm/gone")) == 2


def test_a_pingback_is_not_sent_again_when_the_text_changes(app, db, sources):
    page = pingback_page(sources, "/pinged")
    article = make_article(body=f"Old words around [it]({page}).")
    update(article, f"New words around [it]({page}).")
    update(article, "The link is gone.")

    assert len(posts_to(sources, "/xmlrpc")) == 1
    row = rows(article)[page]
    assert (row.state, row.in_article) == ("sent", False)


# --- trackbacks ------------------------------------------------------------------------------

def test_a_listed_trackback_url_is_pinged_once_in_utf8(app, db, sources):
    url = sources.add("/tb/7", trackback.answer_ok(), content_type="text/xml")
    article = make_article(title="Café über 東京", body="Zażółć gęślą jaźń. " * 40,
                           trackback_urls=[url])

    (ping,) = posts_to(sources, "/tb/7")
    assert ping.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    fields = form_of(ping)
    assert fields["url"] == [permalink(article, external=True)]
    assert fields["title"] == ["Café über 東京"]
    assert fields["blog_name"] == [app.config["SITE_NAME"]]
    excerpt = fields["excerpt"][0]
    assert excerpt.startswith("Zażółć gęślą jaźń.") and len(excerpt) <= 252
    row = rows(article)[url]
    assert (row.via, row.protocol, row.state) == ("trackback", "trackback", "sent")

    update(article)
    assert len(posts_to(sources, "/tb/7")) == 1
    update(article, trackback_urls=[])
    assert rows(article)[url].in_article is False
    update(article, trackback_urls=[url])  # listed again: pinged again
    assert len(posts_to(sources, "/tb/7")) == 2


def test_a_trackback_error_is_refused_with_its_message(app, db, sources):
    url = sources.add("/tb/8", trackback.answer_error("Pings are closed here"),
                      content_type="text/xml")
    article = make_article(trackback_urls=[url])

    row = rows(article)[url]
    assert (row.state, row.detail) == ("refused", "Pings are closed here")


# --- safety and settings ----------------------------------------------------------------------

def test_a_private_address_is_refused_and_nothing_connects(app, db, sources):
    page = webmention_page(sources, "/private")
    app.config["LINKBACK_ALLOW_PRIVATE_NETWORKS"] = ""  # the sources fixture puts it back
    article = make_article(body=f"[Private]({page})")

    assert sources.seen == []
    row = rows(article)[page]
    assert (row.state, row.detail, row.next_attempt_at) == ("refused", "address not public",
                                                            None)


def test_an_endpoint_on_an_address_not_allowed_is_refused(app, db, sources):
    inside = Sources()  # allowed: only the page's server, not this one
    try:
        inside.add("/admin/hook", "Accepted", status=202, content_type="text/plain")
        page = sources.add("/lure", "<p>Hi</p>", headers={
            "Link": f'<{inside.base}/admin/hook>; rel="webmention"'})
        article = make_article(body=f"[Lure]({page})")

        assert inside.seen == []
        row = rows(article)[page]
        assert (row.state, row.protocol, row.detail) == ("refused", "webmention",
                                                         "address not public")
    finally:
        inside.close()


def test_nothing_is_sent_with_the_setting_off(app, db, sources):
    change_settings(send_linkbacks=False)
    page = webmention_page(sources, "/quiet")
    article = make_article(body=f"[Quiet]({page})")

    assert sources.seen == [] and rows(article) == {}


def test_a_scheduled_article_sends_at_its_publication_time(app, db, sources):
    page = webmention_page(sources, "/later")
    when = datetime(2999, 1, 1, 9, 0, tzinfo=UTC)
    article = make_article(body=f"[Later]({page})", published_at=when)

    assert sources.seen == [] and rows(article) == {}
    (task,) = [task for task in huey.scheduled() if task_name(task) == "send_article"
               and task.args == (article.id,) and task.eta.replace(tzinfo=UTC) == when]


def test_drafts_send_nothing(app, db, sources):
    page = webmention_page(sources, "/draft")
    make_article(body=f"[Draft]({page})", published=False)
    assert sources.seen == []


# --- the editor -------------------------------------------------------------------------------

def test_the_editor_shows_each_outcome(app, db, sources, forms, count_queries):
    sent = webmention_page(sources, "/ok", endpoint="/wm/ok")
    refused = webmention_page(sources, "/no", endpoint="/wm/no", status=400,
                              answer="Source does not link to target")
    failed = webmention_page(sources, "/broken", endpoint="/wm/broken", status=500)
    nothing = sources.add("/nothing", "<p>Nothing here</p>")
    tb = sources.add("/tb/9", trackback.answer_ok(), content_type="text/xml")
    author = make_user(Role.AUTHOR)
    forms.login(author.email, PASSWORD)
    body = "\n\n".join(f"[{name}]({url}) {FILLER}" for name, url in
                       [("ok", sent), ("no", refused), ("broken", failed), ("none", nothing)])
    response = forms.post("/write/new", {
        "title": "Linking out", "body": body, "excerpt": "", "tags": "", "slug": "",
        "publish_at": "", "reprint_note": "", "reprint_url": "", "translations": "",
        "comments_open": "y", "pings_open": "y", "trackback_urls": tb,
        "publish": "Publish"})
    assert response.status_code == 302, response.get_data(as_text=True)

    html = forms.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Linkbacks sent" in html
    assert "Sent — the receiver answered “202 Accepted" in html
    assert "Refused — Source does not link to target" in html
    assert "Failed (500 Internal Server Error), retrying at " in html
    assert "No linkback endpoint found" in html
    assert "Sent — the receiver answered “no error”" in html
    assert f'href="{sent}"' in html and f'href="{tb}"' in html
    assert html.count("Webmention") >= 3 and "TrackBack" in html

    article = db.session.scalars(select(Article)).one()
    with count_queries() as counter:
        lines = linkbacks_sent(article.id)
    assert counter.count == 1 and len(lines) == 5
