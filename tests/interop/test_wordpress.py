"""Linkbacks both ways between Parley (under gunicorn) and a real WordPress 6.1.

WordPress to Parley: the peer publishes a post linking to a Parley article and, by itself,
discovers Parley's pingback server from the article page, sends the pingback, and posts a
trackback to the URL it was given; Parley must register both with the post's title, the
blog's name and the text around the link.

Parley to WordPress: an article linking to a WordPress post makes Parley discover WordPress's
X-Pingback and send a pingback, and a TrackBack URL listed in the editor is pinged; WordPress
must store each (held for moderation by its stock rules, which is fine) as its type.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Article, OutgoingLinkback, Response, ResponseKind
from app.templating import permalink
from tests.factories import make_article
from tests.interop.conftest import Parley, Peer, Published, unique_slug

# What publish-linking-post.php writes around its link.
WORDPRESS_TEXT = "This post links to an article on the receiver and discusses product " \
                 "management vs. project management in a few words."
_serial = itertools.count(1)


@dataclass(frozen=True)
class Stored:
    kind: ResponseKind
    status: str
    source_url: str
    source_title: str
    source_site: str
    body_source: str
    moderation_reason: str


def new_article(parley: Parley, **fields) -> str:
    """Create (and so publish, and send the linkbacks of) an article; return its permalink."""
    title = fields.pop("title", None) or f"Interop article {next(_serial)} {unique_slug('at')}"
    with parley.app.app_context():
        article = make_article(title=title, **fields)
        return permalink(article, external=True)


def article_id(parley: Parley, url: str) -> int:
    with parley.app.app_context():
        path = url.removeprefix(parley.url)
        return db.session.scalars(select(Article.id).where(Article.path == path)).one()


def linkbacks_on(parley: Parley, url: str) -> dict[ResponseKind, Stored]:
    found = article_id(parley, url)
    with parley.app.app_context():
        rows = db.session.scalars(select(Response).where(Response.article_id == found))
        return {row.kind: Stored(row.kind, row.status.value, row.source_url, row.source_title,
                                 row.source_site, row.body_source, row.moderation_reason)
                for row in rows}


def outgoing_of(parley: Parley, url: str) -> list[dict]:
    found = article_id(parley, url)
    with parley.app.app_context():
        rows = db.session.scalars(select(OutgoingLinkback).where(
            OutgoingLinkback.article_id == found).order_by(OutgoingLinkback.id))
        return [{"target": row.target_url, "via": row.via, "protocol": row.protocol,
                 "state": str(row.state), "status": row.answer_status, "detail": row.detail}
                for row in rows]


# --- WordPress sends -----------------------------------------------------------------------

@dataclass(frozen=True)
class Linked:
    article_url: str
    post: Published
    blog_name: str
    stored: dict[ResponseKind, Stored]


@pytest.fixture(scope="module")
def linked_from_wordpress(parley: Parley, wordpress: Peer) -> Linked:
    """A Parley article, and the WordPress post that links to it and pinged it."""
    article_url = new_article(parley, title=f"Product or project management? {unique_slug('pm')}")
    post = wordpress.publish(unique_slug("links-to-parley"), article_url,
                             article_url + "trackback/")
    return Linked(article_url, post, wordpress.option("blogname"),
                  linkbacks_on(parley, article_url))


def test_wordpress_pingback_is_registered_with_title_site_and_excerpt(linked_from_wordpress):
    linked = linked_from_wordpress
    slug = linked.post.url.rstrip("/").rsplit("/", 1)[-1]
    pingback = linked.stored.get(ResponseKind.PINGBACK)
    assert pingback is not None, linked.post.output
    assert pingback.source_url == linked.post.url
    assert pingback.source_title == f"Linking post {slug}"
    assert pingback.source_site == linked.blog_name
    assert "an article on the receiver" in pingback.body_source
    assert pingback.body_source in WORDPRESS_TEXT
    assert pingback.status == "pending"


def test_wordpress_trackback_is_registered_with_title_site_and_excerpt(linked_from_wordpress):
    linked = linked_from_wordpress
    slug = linked.post.url.rstrip("/").rsplit("/", 1)[-1]
    trackback = linked.stored.get(ResponseKind.TRACKBACK)
    assert trackback is not None, (linked.post.output, linked.stored)
    assert trackback.source_url == linked.post.url
    assert trackback.source_title == f"Linking post {slug}"
    assert trackback.source_site == linked.blog_name
    assert "product management vs. project management" in trackback.body_source
    assert trackback.status == "pending", trackback.moderation_reason  # it links back


# --- Parley sends --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wordpress_post(parley: Parley, wordpress: Peer) -> str:
    """A WordPress post for Parley articles to link to (it links to a Parley article too)."""
    anchor = new_article(parley, title=f"An anchor article {unique_slug('anchor')}")
    return wordpress.publish(unique_slug("parley-links-here"), anchor).url


def test_parley_sends_a_pingback_that_wordpress_accepts(parley, wordpress, wordpress_post):
    article_url = new_article(parley, body=(
        f"On roadmaps, [this post on the peer]({wordpress_post}) puts it better than I "
        "could: product management is not project management."))
    [sent] = outgoing_of(parley, article_url)
    assert (sent["target"], sent["protocol"], sent["state"]) == (
        wordpress_post, "pingback", "sent"), sent
    [comment] = wordpress.comments_from(article_url)
    assert comment["comment_type"] == "pingback", comment
    assert comment["comment_approved"] in ("0", "1"), comment


def test_parley_sends_a_listed_trackback_that_wordpress_accepts(parley, wordpress,
                                                               wordpress_post):
    title = f"Notes on roadmaps {unique_slug('tb')}"
    article_url = new_article(parley, title=title,
                              body="Roadmaps are promises; keep them few and honest.",
                              trackback_urls=[wordpress_post + "trackback/"])
    [sent] = outgoing_of(parley, article_url)
    assert (sent["target"], sent["protocol"], sent["state"]) == (
        wordpress_post + "trackback/", "trackback", "sent"), sent
    [comment] = wordpress.comments_from(article_url)
    assert comment["comment_type"] == "trackback", comment
    assert comment["comment_approved"] in ("0", "1"), comment
    assert comment["comment_author"] == parley.app.config["SITE_NAME"]
    assert title in comment["comment_content"]
    assert "Roadmaps are promises" in comment["comment_content"]
