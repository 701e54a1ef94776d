"""Pingback 1.0 through the test client: every fault code, the extension, what is stored."""

from __future__ import annotations

import xmlrpc.client

import pytest
from sqlalchemy import select

from app.linkbacks import pingback
from app.models import Response, ResponseKind, ResponseStatus
from tests.factories import make_article, make_response


def call(client, method: str, *params, raw: bytes | None = None):
    body = raw if raw is not None else xmlrpc.client.dumps(params, method).encode()
    answer = client.post("/xmlrpc", data=body, content_type="text/xml")
    return answer


def result(answer):
    """The value of a methodResponse, or the Fault it carries (as xmlrpc.client reads it)."""
    assert answer.status_code == 200, answer.data
    assert answer.content_type.startswith("text/xml")
    try:
        (value,), _ = xmlrpc.client.loads(answer.data)
    except xmlrpc.client.Fault as fault:
        return fault
    return value


def fault_code(answer) -> int:
    value = result(answer)
    assert isinstance(value, xmlrpc.client.Fault), value
    return value.faultCode


def stored(db):
    db.session.expire_all()
    return list(db.session.scalars(select(Response)))


def test_a_pingback_is_registered_with_title_site_and_excerpt(client, db, sources, target):
    source = sources.linking("/post/", target, title="Sales to Product", site="Nadia's Notes")
    answer = result(call(client, "pingback.ping", source, target))
    assert isinstance(answer, str) and "registered" in answer
    [response] = stored(db)
    assert response.kind is ResponseKind.PINGBACK
    assert response.status is ResponseStatus.PENDING  # held, like any new response
    assert "held" in response.moderation_reason
    assert response.source_url == source
    assert response.source_title == "Sales to Product"
    assert response.source_site == "Nadia's Notes"
    assert "this article on careers" in response.body_source
    assert response.author_ip == "127.0.0.1"
    # The source was fetched once, announcing who fetched it.
    [seen] = sources.requests_to("/post/")
    assert seen.headers["User-Agent"].startswith("Parley/")


def test_fault_0x10_the_source_does_not_exist(client, db, sources, target):
    missing = sources.base + "/gone/"
    assert fault_code(call(client, "pingback.ping", missing, target)) == 0x0010
    assert stored(db) == []


def test_fault_0x11_the_source_does_not_link(client, db, sources, target):
    source = sources.add("/unrelated/", "<html><title>Other</title><p>No links here.</p>")
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0011
    assert stored(db) == []


def test_fault_0x11_a_link_only_in_a_comment_does_not_count(client, db, sources, target):
    source = sources.add("/hidden/", f"<html><title>T</title><!-- <a href='{target}'>x</a> -->")
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0011


def test_fault_0x20_the_target_does_not_exist(client, app, db, sources):
    target = app.config["SITE_URL"] + "/2020/01/01/no-such-article/"
    source = sources.linking("/a/", target)
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0020


def test_fault_0x20_for_a_draft(client, app, db, sources):
    draft = make_article(title="Not yet", published=False)
    target = app.config["SITE_URL"] + f"/2020/01/01/{draft.slug}/"
    source = sources.linking("/a/", target)
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0020


@pytest.mark.parametrize("path", ["/", "/feed/"])
def test_fault_0x21_a_page_that_is_not_an_article(client, app, db, sources, article, path):
    target = app.config["SITE_URL"] + path
    source = sources.linking("/a/", target)
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0021


def test_fault_0x21_pings_closed(client, db, sources, article, target):
    article.pings_open = False
    db.session.commit()
    source = sources.linking("/a/", target)
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0021
    assert sources.seen == []  # refused before the source was fetched


def test_fault_0x21_a_target_on_another_site(client, db, sources, article):
    target = "https://example.org" + article.path
    source = sources.linking("/a/", target)
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0021


def test_fault_0x30_already_registered(client, db, sources, target):
    source = sources.linking("/post/", target)
    assert isinstance(result(call(client, "pingback.ping", source, target)), str)
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0030
    assert len(stored(db)) == 1


def test_fault_0x31_too_many_from_one_client(client, app, db, sources, target, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "LINKBACK_CLIENT_LIMIT", "2 per minute")
    for n in range(2):
        call(client, "pingback.ping", sources.base + f"/none{n}/", target)
    answer = call(client, "pingback.ping", sources.linking("/p/", target), target)
    assert fault_code(answer) == 0x0031
    assert int(answer.headers["Retry-After"]) > 0
    assert sources.requests_to("/p/") == []


def test_fault_0x31_the_same_pair_again_within_30_seconds(client, app, db, sources, target,
                                                          monkeypatch, clock):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    source = sources.add("/soon/", "<title>T</title><p>not yet linking</p>")
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0011
    sources.linking("/soon/", target)
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0031
    clock.advance(31)
    from app.core import fetch

    fetch.clear_cache()
    assert isinstance(result(call(client, "pingback.ping", source, target)), str)


def test_fault_0x32_a_source_that_errs(client, db, sources, target):
    source = sources.add("/broken/", "oops", status=503)
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0032


def test_fault_0x32_a_slow_source(client, app, db, sources, target, monkeypatch):
    monkeypatch.setitem(app.config, "FETCH_TOTAL_TIMEOUT", 1.0)
    source = sources.add("/slow/", "<title>x</title>" + "<p>slow</p>" * 50, delay=0.3)
    assert fault_code(call(client, "pingback.ping", source, target)) == 0x0032
    assert stored(db) == []


def test_a_private_address_is_refused_like_a_missing_source(client, app, db, sources, target,
                                                           monkeypatch):
    from app.core import fetch

    sources.linking("/post/", target)
    app.config["LINKBACK_ALLOW_PRIVATE_NETWORKS"] = ""
    # A dotted name that resolves to 127.0.0.1 (the system resolver's answer for localhost:
    # the URL rule refuses the one-label name itself), and the address itself.
    asked = []
    real_resolve = fetch.resolve

    def resolve(host, port, *args, **kwargs):
        asked.append(host)
        return real_resolve("localhost" if host == "blog.test" else host, port, *args, **kwargs)

    monkeypatch.setattr(fetch, "resolve", resolve)
    for source in (f"http://blog.test:{sources.port}/post/", sources.base + "/post/"):
        answer = result(call(client, "pingback.ping", source, target))
        assert answer.faultCode == 0x0010
        assert "127.0.0.1" not in answer.faultString and "private" not in answer.faultString
    assert asked == ["blog.test", "127.0.0.1"]  # looked up, refused, never connected
    assert sources.seen == []


def test_a_redirect_to_a_private_address_is_refused(client, app, db, sources, target):
    from tests.linkbacks.conftest import Sources

    inner = Sources()
    try:
        inner.linking("/secret/", target)
        source = sources.add("/hop/", "", status=302,
                             headers={"Location": inner.base + "/secret/"})
        assert fault_code(call(client, "pingback.ping", source, target)) == 0x0010
        assert inner.seen == []  # the other port on 127.0.0.1 was never reached
        for address in ("http://[::1]/", "http://169.254.169.254/latest/meta-data/"):
            sources.add("/hop2/", "", status=301, headers={"Location": address})
            from app.core import fetch

            fetch.clear_cache()
            assert fault_code(call(client, "pingback.ping", sources.base + "/hop2/",
                                   target)) == 0x0010
    finally:
        inner.close()


@pytest.mark.parametrize("raw, code", [
    (b"<methodCall><methodName>pingback.ping</methodName", pingback.PARSE_ERROR),
    (b"not xml at all", pingback.PARSE_ERROR),
    (b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 "
     b"'&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>]><methodCall><methodName>&lol2;"
     b"</methodName></methodCall>", pingback.PARSE_ERROR),
    (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
     b"<methodCall><methodName>pingback.ping</methodName><params><param><value>&e;"
     b"</value></param></params></methodCall>", pingback.PARSE_ERROR),
    (b"<methodResponse><params/></methodResponse>", pingback.NOT_XML_RPC),
    (b"<methodCall><params/></methodCall>", pingback.NOT_XML_RPC),
])
def test_faults_for_what_is_not_a_call(client, db, raw, code):
    assert fault_code(call(client, "", raw=raw)) == code


def test_a_quadratic_blowup_is_refused_quickly(client, db):
    entity = "A" * 50_000
    body = (f"<?xml version='1.0'?><!DOCTYPE m [<!ENTITY a '{entity}'>]><methodCall>"
            f"<methodName>{'&a;' * 15_000}</methodName></methodCall>").encode()
    assert len(body) < 1024 * 1024
    assert fault_code(call(client, "", raw=body)) == pingback.PARSE_ERROR


@pytest.mark.parametrize("method", ["system.multicall", "wp.getUsersBlogs", "pingback.pong",
                                    "system.listMethods"])
def test_fault_unknown_method(client, db, method):
    assert fault_code(call(client, method, "x")) == pingback.UNKNOWN_METHOD


@pytest.mark.parametrize("params", [(), ("only-one",), ("a", "b", "c"), (1, 2),
                                    ({"source": "a"}, "b")])
def test_fault_wrong_parameters(client, db, params):
    assert fault_code(call(client, "pingback.ping", *params)) == pingback.BAD_PARAMS


def test_a_body_over_a_megabyte_is_413_in_xml_rpc_form(client, db):
    body = b"<methodCall>" + b" " * (1024 * 1024 + 10) + b"</methodCall>"
    answer = client.post("/xmlrpc", data=body, content_type="text/xml")
    assert answer.status_code == 413
    with pytest.raises(xmlrpc.client.Fault):
        xmlrpc.client.loads(answer.data)


def test_get_is_refused_with_allow_post(client, db):
    answer = client.get("/xmlrpc")
    assert answer.status_code == 405 and answer.headers["Allow"] == "POST"


def test_get_pingbacks_lists_registered_sources_but_not_spam_or_trash(client, app, db, article,
                                                                      target):
    for n, status in enumerate(ResponseStatus):
        make_response(article, kind=ResponseKind.PINGBACK, status=status,
                      source_url=f"https://blog{n}.example/post/")
    make_response(article, kind=ResponseKind.TRACKBACK, source_url="https://tb.example/")
    db.session.commit()
    listed = result(call(client, "pingback.extensions.getPingbacks", target))
    assert sorted(listed) == ["https://blog0.example/post/", "https://blog1.example/post/"]


def test_get_pingbacks_faults_for_unknown_targets(client, app, db, article):
    url = app.config["SITE_URL"] + "/2001/01/01/nothing/"
    assert fault_code(call(client, "pingback.extensions.getPingbacks", url)) == 0x0020
    assert fault_code(call(client, "pingback.extensions.getPingbacks",
                           app.config["SITE_URL"] + "/")) == 0x0021


def test_a_pingback_passes_the_comment_rules(client, db, sources, target):
    from tests.factories import change_settings

    change_settings(disallowed_words=("casino",))
    db.session.commit()
    source = sources.linking("/spam/", target, title="Best casino bonus")
    assert isinstance(result(call(client, "pingback.ping", source, target)), str)
    [response] = stored(db)
    assert response.status is ResponseStatus.SPAM
    assert "casino" in response.moderation_reason


def test_fault_0x31_a_flood_against_one_source_host(client, app, db, sources, target,
                                                    monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "LINKBACK_SOURCE_HOST_LIMIT", "2 per minute")
    for n in range(2):
        call(client, "pingback.ping", sources.add(f"/n{n}/", "<title>n</title>"), target)
    third = sources.linking("/third/", target)
    assert fault_code(call(client, "pingback.ping", third, target)) == 0x0031
    assert sources.requests_to("/third/") == []  # that host is not fetched again for now
