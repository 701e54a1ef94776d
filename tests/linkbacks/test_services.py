"""The receive pipeline's rules, called directly: no request, no protocol."""

from __future__ import annotations

import pytest

from app.linkbacks import services
from app.models import Response, ResponseKind, ResponseStatus
from tests.factories import make_article, make_response


def incoming(source: str, target: str, kind=ResponseKind.PINGBACK, **fields):
    return services.Incoming(kind=kind, source=source, target=target, client_ip="192.0.2.7",
                             **fields)


def test_a_target_resolves_to_its_article_and_a_fragment_to_a_response(app, db, article):
    site = app.config["SITE_URL"]
    assert services.resolve_target(site + article.path).article.id == article.id
    # Without the trailing slash, and naming a response.
    found = services.resolve_target(site + article.path.rstrip("/") + "#comment-42")
    assert (found.article.id, found.parent_id) == (article.id, 42)


def test_a_wordpress_style_target_resolves(app, db):
    imported = make_article(title="Imported")
    imported.wp_post_id = 812
    db.session.commit()
    assert services.resolve_target(app.config["SITE_URL"] + "/?p=812").article.id == imported.id


@pytest.mark.parametrize("url, error", [
    ("{site}/2001/02/03/nothing/", services.TargetNotFound),
    ("{site}/", services.TargetNotUsable),
    ("{site}/tag/careers/", services.TargetNotUsable),
    ("https://other.example{path}", services.TargetNotUsable),
    ("http://127.0.0.1:1{path}", services.TargetNotUsable),  # same host, another port
    ("mailto:a@b.example", services.TargetNotFound),
])
def test_targets_that_are_not_articles_here(app, db, article, url, error):
    with pytest.raises(error):
        services.resolve_target(url.format(site=app.config["SITE_URL"], path=article.path))


def test_same_page_ignores_fragment_and_trailing_slash():
    assert services.same_page("https://a.example/p/", "https://A.example/p#x")
    assert not services.same_page("https://a.example/p/", "https://a.example/q/")


def test_check_refuses_a_duplicate_pingback_but_not_a_repeated_webmention(app, db, article):
    target = app.config["SITE_URL"] + article.path
    make_response(article, kind=ResponseKind.PINGBACK, source_url="https://b.example/post/")
    db.session.commit()
    with pytest.raises(services.AlreadyRegistered):
        services.check(incoming("https://b.example/post/", target))
    source, found = services.check(incoming("https://b.example/post/", target,
                                            kind=ResponseKind.WEBMENTION))
    assert (source, found.article.id) == ("https://b.example/post/", article.id)


def test_a_linkback_never_counts_as_previously_approved(app, db, article):
    """The comment rules apply, but nothing a linkback says proves who sent it."""
    make_response(article, kind=ResponseKind.PINGBACK, source_url="https://b.example/old/",
                  status=ResponseStatus.APPROVED)
    db.session.commit()
    decision = services._decide(Response(), ResponseKind.PINGBACK, {
        "body_source": "text", "source_title": "B"}, "https://b.example/new/",
        incoming("https://b.example/new/", "x"))
    assert decision.status is ResponseStatus.PENDING


@pytest.mark.parametrize("url, ours", [
    ("{site}/2025/01/01/x/", True),
    ("http://example.org/", False),
    ("http://127.0.0.1:1/", False),          # this machine, another site (port)
    ("not a url at all", False),
    ("http://127.0.0.1:99999/", False),      # no such port
])
def test_is_this_site(app, url, ours):
    with app.app_context():
        assert services.is_this_site(url.format(site=app.config["SITE_URL"])) is ours


def test_http_and_https_on_default_ports_are_one_site(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://blog.example")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["blog.example"])
    with app.app_context():
        assert services.is_this_site("http://blog.example/2025/01/01/x/")
        assert services.is_this_site("https://BLOG.example:443/")
        assert not services.is_this_site("https://blog.example:8443/")
