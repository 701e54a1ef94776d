"""TrackBack 1.2 through the test client: the XML answers, charsets, unverified pings."""

from __future__ import annotations

import codecs
from urllib.parse import quote_from_bytes

import pytest
from defusedxml.ElementTree import fromstring
from sqlalchemy import select

from app.linkbacks import trackback
from app.models import Response, ResponseKind, ResponseStatus
from tests.factories import change_settings

FORM = "application/x-www-form-urlencoded"


def ping(client, article, fields: dict[str, bytes | str], charset: str | None = "utf-8"):
    try:
        encoding = codecs.lookup(charset or "utf-8").name
    except LookupError:
        encoding = "utf-8"  # a label the server must refuse

    def encoded(value):
        return quote_from_bytes(value.encode(encoding) if isinstance(value, str) else value)

    body = "&".join(f"{key}={encoded(value)}" for key, value in fields.items())
    content_type = FORM + (f"; charset={charset}" if charset else "")
    return client.post(article.path + "trackback/", data=body, content_type=content_type)


def answer(response) -> tuple[str, str]:
    assert response.content_type.startswith("text/xml")
    root = fromstring(response.data)
    assert root.tag == "response"
    return root.findtext("error"), root.findtext("message") or ""


def stored(db):
    db.session.expire_all()
    return list(db.session.scalars(select(Response)))


def test_a_trackback_is_stored_with_its_title_blog_name_and_excerpt(client, db, sources, article,
                                                                    target):
    source = sources.linking("/tb/", target)
    reply = ping(client, article, {"url": source, "title": "Why I left sales",
                                   "excerpt": "A year after the move, here is what changed.",
                                   "blog_name": "Field Notes"})
    assert reply.status_code == 200
    assert answer(reply) == ("0", "")
    [response] = stored(db)
    assert response.kind is ResponseKind.TRACKBACK
    assert response.status is ResponseStatus.PENDING
    assert (response.source_title, response.source_site) == ("Why I left sales", "Field Notes")
    assert response.body_source == "A year after the move, here is what changed."
    assert response.source_url == source


@pytest.mark.parametrize("charset, title", [
    ("iso-8859-1", "Transição de carreira: o que aprendi"),
    ("gb2312", "从销售转向产品管理"),
    ("windows-1250", "Zmiana ścieżki kariery"),
    ("shift_jis", "営業からプロダクトへ"),
    (None, "Transição sem charset declarado"),
])
def test_a_ping_is_read_in_the_charset_it_declares(client, db, sources, article, target,
                                                   charset, title):
    source = sources.linking("/tb/", target)
    reply = ping(client, article, {"url": source, "title": title, "blog_name": title[:10]},
                 charset=charset)
    assert answer(reply) == ("0", "")
    [response] = stored(db)
    assert response.source_title == title


def test_undeclared_latin1_is_detected(client, db, sources, article, target):
    source = sources.linking("/tb/", target)
    title = "Uma transição de carreira não é fácil, mas é possível e vale a pena"
    reply = ping(client, article, {"url": source, "title": title.encode("iso-8859-1")},
                 charset=None)
    assert answer(reply) == ("0", "")
    assert stored(db)[0].source_title == title


def test_utf7_is_refused(client, db, article):
    reply = ping(client, article, {"url": "https://example.org/"}, charset="utf-7")
    assert answer(reply)[0] == "1"
    assert "UTF-7" in answer(reply)[1]


def test_an_unknown_charset_is_refused(client, db, article):
    reply = ping(client, article, {"url": "https://example.org/"}, charset="klingon-8")
    assert answer(reply) == ("1", "The charset 'klingon-8' is not one I know.")


def test_the_url_is_required(client, db, article):
    code, message = answer(ping(client, article, {"title": "No url"}))
    assert code == "1" and "url" in message
    assert stored(db) == []


def test_a_url_that_is_not_a_web_address(client, db, article):
    code, message = answer(ping(client, article, {"url": "javascript:alert(1)"}))
    assert code == "1" and "web address" in message


def test_a_page_that_does_not_link_back_is_kept_as_spam(client, db, sources, article):
    source = sources.add("/nolink/", "<title>Cheap pills</title><p>Buy now.</p>")
    reply = ping(client, article, {"url": source, "title": "Cheap pills"})
    assert answer(reply) == ("0", "")
    [response] = stored(db)
    assert response.status is ResponseStatus.SPAM
    assert response.moderation_reason == "spam: no link back"


def test_a_page_that_does_not_link_back_can_be_refused(client, db, sources, article):
    change_settings(unverified_trackbacks="refuse")
    db.session.commit()
    source = sources.add("/nolink/", "<title>Cheap pills</title><p>Buy now.</p>")
    code, message = answer(ping(client, article, {"url": source, "title": "Cheap pills"}))
    assert code == "1" and "does not link" in message
    assert stored(db) == []


def test_a_plain_text_page_that_names_the_target_counts(client, db, sources, article, target):
    source = sources.add("/notes.txt", f"Notes.\nSee {target} for the argument.\n",
                         content_type="text/plain; charset=utf-8")
    assert answer(ping(client, article, {"url": source, "title": "Notes"})) == ("0", "")
    assert stored(db)[0].status is ResponseStatus.PENDING


def test_a_second_ping_from_the_same_url_is_refused(client, db, sources, article, target):
    source = sources.linking("/tb/", target)
    assert answer(ping(client, article, {"url": source}))[0] == "0"
    code, message = answer(ping(client, article, {"url": source}))
    assert code == "1" and "already" in message


def test_closed_pings(client, db, sources, article, target):
    article.pings_open = False
    db.session.commit()
    code, message = answer(ping(client, article, {"url": sources.linking("/tb/", target)}))
    assert code == "1" and "closed" in message
    assert sources.seen == []


def test_a_trackback_to_no_article(client, db, sources, target):
    reply = client.post("/2001/01/01/nothing/trackback/", data="url=https%3A%2F%2Fx.example%2F",
                        content_type=FORM)
    code, message = answer(reply)
    assert code == "1" and "not an article" in message


def test_a_flood_gets_429_with_retry_after(client, app, db, sources, article, target,
                                          monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "LINKBACK_CLIENT_LIMIT", "1 per minute")
    ping(client, article, {"url": sources.linking("/a/", target)})
    reply = ping(client, article, {"url": sources.linking("/b/", target)})
    assert reply.status_code == 429 and int(reply.headers["Retry-After"]) > 0
    assert answer(reply)[0] == "1"


def test_a_body_over_a_megabyte_is_413_in_trackback_form(client, db, article):
    reply = client.post(article.path + "trackback/", data="url=" + "a" * (1024 * 1024 + 1),
                        content_type=FORM)
    assert reply.status_code == 413
    assert answer(reply)[0] == "1"


def test_a_wrong_content_type_is_refused(client, db, article):
    reply = client.post(article.path + "trackback/", data=b"{}", content_type="application/json")
    assert answer(reply)[0] == "1"


def test_build_and_parse_round_trip():
    body = trackback.build_ping("https://a.example/p/", "Título", "Trecho", "Blog")
    parsed = trackback.parse_ping(body, FORM + "; charset=utf-8")
    assert (parsed.url, parsed.title, parsed.excerpt, parsed.blog_name) == (
        "https://a.example/p/", "Título", "Trecho", "Blog")
    assert trackback.parse_response(trackback.answer_ok()) == (True, "")
    assert trackback.parse_response(trackback.answer_error("No <way>")) == (False, "No <way>")
    with pytest.raises(ValueError):
        trackback.parse_response(b"<html>oops</html>")


def test_a_pingback_and_a_trackback_from_the_same_post_are_both_registered(
        client, app, db, sources, article, target, monkeypatch):
    """WordPress sends both for one linking post, one right after the other."""
    import xmlrpc.client

    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    source = sources.linking("/both/", target)
    body = xmlrpc.client.dumps((source, target), "pingback.ping").encode()
    assert b"<fault>" not in client.post("/xmlrpc", data=body, content_type="text/xml").data
    assert answer(ping(client, article, {"url": source, "title": "Both"})) == ("0", "")
    assert sorted(r.kind.value for r in stored(db)) == ["pingback", "trackback"]
