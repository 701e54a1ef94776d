"""W3C Webmention through the test client: the 400 reasons, the 202 status page, microformats,
updates and deletes."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.core import fetch
from app.models import Response, ResponseKind, ResponseStatus, WebmentionRequest
from tests.factories import make_article, make_response

REPLY = """<!doctype html><html><head><meta charset="utf-8"><title>Re: careers</title></head>
<body><article class="h-entry">
<a class="u-in-reply-to" href="{reply_to}">In reply to</a>
<div class="p-author h-card"><a class="u-url p-name" href="https://rosa.example/">Rosa Lima</a>
<img class="u-photo" src="/me.jpg" alt=""></div>
<time class="dt-published" datetime="2025-06-02T10:00:00+02:00">2 June</time>
<div class="e-content"><p>{text}</p></div>
</article></body></html>"""

LIKE = """<!doctype html><html><head><title>Like</title></head><body>
<div class="h-entry"><a class="u-like-of" href="{target}">liked</a>
<a class="p-author h-card" href="https://sam.example/">Sam Ito</a></div></body></html>"""


def send(client, source: str, target: str, **headers):
    return client.post("/webmention", data={"source": source, "target": target}, **headers)


def status_page(client, answer):
    assert answer.status_code == 202, answer.get_data(as_text=True)
    page = client.get(urlsplit(answer.headers["Location"]).path)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def responses(db):
    db.session.expire_all()
    return list(db.session.scalars(select(Response).order_by(Response.id)))


def requests(db):
    db.session.expire_all()
    return list(db.session.scalars(select(WebmentionRequest).order_by(WebmentionRequest.id)))


@pytest.mark.parametrize("source, target, reason", [
    ("not a url", "{target}", "source is not a web address"),
    ("{src}", "also not", "target is not a web address"),
    ("ftp://files.example/a", "{target}", "source is not a web address"),
    ("{src}", "gopher://x.example/", "target is not a web address"),
    ("{target}", "{target}", "same page"),
    ("{src}", "https://elsewhere.example/2020/01/01/x/", "not on this site"),
    ("{src}", "{site}/2020/01/01/missing/", "not an article"),
    ("{src}", "{site}/", "not an article"),
])
def test_synchronous_refusals_are_400_with_a_reason(client, app, db, sources, article, source,
                                                   target, reason):
    values = {"target": app.config["SITE_URL"] + article.path, "src": sources.base + "/x/",
              "site": app.config["SITE_URL"]}
    answer = send(client, source.format(**values), target.format(**values))
    assert answer.status_code == 400
    assert answer.content_type.startswith("text/plain")
    assert reason in answer.get_data(as_text=True)
    assert requests(db) == [] and sources.seen == []


def test_missing_fields_and_wrong_type_are_400(client, db, target):
    assert send(client, "", target).status_code == 400
    answer = client.post("/webmention", json={"source": "a", "target": target})
    assert answer.status_code == 400 and "x-www-form-urlencoded" in answer.get_data(as_text=True)


def test_closed_comments_are_400(client, db, sources, article, target):
    article.pings_open = False
    db.session.commit()
    answer = send(client, sources.linking("/a/", target), target)
    assert answer.status_code == 400 and "closed" in answer.get_data(as_text=True)


def test_accepted_mention_goes_through_pending_to_accepted(client, app, db, sources, target,
                                                          monkeypatch):
    source = sources.linking("/m/", target, title="Careers", site="Rosa's Log")
    # Verification waits on the queue: see the pending page first.
    monkeypatch.setattr("app.tasks.huey.immediate", False)
    from app.tasks import huey

    huey.flush()
    answer = send(client, source, target)
    assert "being verified" in status_page(client, answer)
    assert responses(db) == []
    # The worker runs the task.
    huey.immediate = True
    [request] = requests(db)
    from app.linkbacks import jobs

    jobs.verify_webmention.call_local(request.id)
    page = status_page(client, answer)
    assert "accepted" in page and "moderator approves" in page
    [response] = responses(db)
    assert response.kind is ResponseKind.WEBMENTION and response.mention_type == "mention"
    assert response.status is ResponseStatus.PENDING
    assert (response.source_title, response.source_site) == ("Careers", "Rosa's Log")


def test_a_source_without_a_link_is_rejected_on_the_status_page(client, db, sources, target):
    source = sources.add("/n/", "<title>n</title><p>nothing</p>")
    page = status_page(client, send(client, source, target))
    assert "rejected" in page and "does not link" in page
    assert responses(db) == []


def test_a_missing_source_is_rejected(client, db, sources, target):
    page = status_page(client, send(client, sources.base + "/404/", target))
    assert "rejected" in page and "could not be fetched" in page


def test_a_reply_is_threaded_under_the_response_it_replies_to(client, app, db, sources, article,
                                                             target):
    parent = make_response(article, author_name="Ana")
    db.session.commit()
    reply_to = f"{target}#comment-{parent.id}"
    source = sources.add("/reply/", REPLY.format(reply_to=reply_to,
                                                 text="Ana, I made the same move in 2019."))
    status_page(client, send(client, source, reply_to))
    reply = [r for r in responses(db) if r.kind is ResponseKind.WEBMENTION][0]
    assert reply.mention_type == "reply"
    assert reply.parent_id == parent.id
    assert reply.author_name == "Rosa Lima"
    assert reply.author_url == "https://rosa.example/"
    assert reply.author_photo == sources.base + "/me.jpg"
    assert reply.source_published_at.isoformat() == "2025-06-02T08:00:00+00:00"
    assert "same move in 2019" in reply.body_html


def test_a_like(client, db, sources, target):
    source = sources.add("/like/", LIKE.format(target=target))
    status_page(client, send(client, source, target))
    [like] = responses(db)
    assert like.mention_type == "like" and like.author_name == "Sam Ito"


def test_a_repeat_updates_only_what_changed(client, db, sources, target):
    source = sources.add("/r/", REPLY.format(reply_to=target, text="First version."))
    status_page(client, send(client, source, target))
    [first] = responses(db)
    first_hash = first.content_hash
    # Approve it: an unchanged repeat keeps it approved and untouched.
    first.status = ResponseStatus.APPROVED
    db.session.commit()
    fetch.clear_cache()
    page = status_page(client, send(client, source, target))
    assert "nothing changed" in page
    [same] = responses(db)
    assert same.status is ResponseStatus.APPROVED and same.content_hash == first_hash
    # The source changes: the stored reply follows and is moderated again.
    sources.add("/r/", REPLY.format(reply_to=target, text="Second, edited version."))
    fetch.clear_cache()
    page = status_page(client, send(client, source, target))
    assert "updated" in page
    [changed] = responses(db)
    assert changed.id == first.id
    assert "Second, edited version." in changed.body_html
    assert changed.status is ResponseStatus.PENDING
    assert changed.edited_at is not None


def test_a_source_gone_410_removes_the_mention(client, db, sources, target):
    source = sources.linking("/g/", target)
    status_page(client, send(client, source, target))
    assert len(responses(db)) == 1
    sources.add("/g/", "Gone", status=410)
    fetch.clear_cache()
    page = status_page(client, send(client, source, target))
    assert "removed" in page and "gone" in page
    assert responses(db) == []


def test_a_source_that_no_longer_links_removes_the_mention(client, db, sources, target):
    source = sources.linking("/g/", target)
    status_page(client, send(client, source, target))
    sources.add("/g/", "<title>Edited</title><p>The link was taken out.</p>")
    fetch.clear_cache()
    page = status_page(client, send(client, source, target))
    assert "removed" in page
    assert responses(db) == []


def test_a_410_for_an_unknown_mention_is_rejected_and_stores_nothing(client, db, sources, target):
    source = sources.add("/never/", "Gone", status=410)
    page = status_page(client, send(client, source, target))
    assert "rejected" in page
    assert responses(db) == []


def test_a_flood_is_429_with_retry_after(client, app, db, sources, target, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    source = sources.linking("/f/", target)
    assert send(client, source, target).status_code == 202
    again = send(client, source, target)
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0


def test_an_unknown_status_page_is_404(client, db):
    assert client.get("/webmention/status/nothing-here").status_code == 404


def test_a_body_over_a_megabyte_is_413_in_plain_text(client, db):
    answer = client.post("/webmention", data="source=" + "a" * (1024 * 1024 + 1),
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 413 and answer.content_type.startswith("text/plain")


def test_a_mention_of_an_imported_permalink(client, app, db, sources):
    imported = make_article(title="Imported")
    imported.path = "/old-blog/imported-post.html"
    db.session.commit()
    target = app.config["SITE_URL"] + imported.path
    status_page(client, send(client, sources.linking("/i/", target), target))
    assert responses(db)[0].article_id == imported.id


def test_a_webmention_whose_job_was_lost_is_verified_later(client, db, sources, target,
                                                          monkeypatch):
    from datetime import timedelta

    from app.linkbacks import jobs
    from app.tasks import huey

    monkeypatch.setattr(huey, "immediate", False)
    huey.flush()
    send(client, sources.linking("/lost/", target), target)
    huey.flush()  # the worker lost it
    huey.immediate = True
    [request] = requests(db)
    jobs.requeue_stale_webmentions.call_local()
    assert requests(db)[0].state == "pending"  # not stale yet
    request.updated_at -= timedelta(minutes=jobs.STALE_MINUTES + 1)
    db.session.commit()
    jobs.requeue_stale_webmentions.call_local()
    assert requests(db)[0].state == "accepted"
    assert len(responses(db)) == 1
