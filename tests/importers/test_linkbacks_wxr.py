"""Linkbacks through WXR (issue 9): imported as WordPress keeps them (a pingback's "[…]"
framing removed so the page does not show it twice, a trackback's title in <strong>, Semantic
Linkbacks' webmention meta), exported the same way, and unchanged by a round trip."""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.importers.wxr import import_wxr
from app.importers.wxr_export import export_wxr
from app.models import Response, ResponseKind, ResponseStatus
from tests.factories import make_article, make_response
from tests.importers.helpers import (
    NOW,
    WP,
    delete_all_rows,
    response,
    wxr_comment,
    wxr_document,
    wxr_item,
)


def import_text(data: bytes) -> None:
    import_wxr(io.BytesIO(data), zone=ZoneInfo("UTC"), now=NOW)
    db.session.commit()


def meta(key: str, value: str) -> str:
    return (f"<wp:commentmeta><wp:meta_key>{key}</wp:meta_key>"
            f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:commentmeta>")


def with_meta(comment: str, *entries: str) -> str:
    return comment.replace("</wp:comment>", "".join(entries) + "</wp:comment>")


def test_a_pingback_loses_its_framing_so_the_page_shows_it_once(db, client):
    import_text(wxr_document(wxr_item(1, "Roadmaps", comments=wxr_comment(
        7, "Post Title | Site Name", "[&#8230;] plans &amp; promises, <em>again</em> [&#8230;]",
        url="https://blog.example.net/p/", kind="pingback"))))
    ping = response(7)
    assert (ping.kind, ping.source_title, ping.source_url, ping.author_url) == (
        ResponseKind.PINGBACK, "Post Title | Site Name", "https://blog.example.net/p/", "")
    assert ping.body_source == "plans & promises, again"
    assert ping.body_html == "plans &amp; promises, again"
    page = client.get(ping.article.path).get_data(as_text=True)
    assert "[…] plans &amp; promises, again […]" in page
    assert "[…] […]" not in page and "[&#8230;]" not in page and page.count("[…]") == 2


def test_a_wordpress_trackback_gives_its_title_and_blog_apart(db, client):
    # WordPress stores a trackback as "<strong>title</strong>\n\nexcerpt" by the blog's name.
    import_text(wxr_document(wxr_item(1, "Roadmaps", comments=wxr_comment(
        8, "Notes from Kraków", "<strong>Weekend reading</strong>\n\na good account of dusk",
        url="https://notes.example.com/weekend/", kind="trackback"))))
    track = response(8)
    assert (track.source_title, track.source_site) == ("Weekend reading", "Notes from Kraków")
    assert track.source_label == "Weekend reading | Notes from Kraków"
    assert track.body_source == "a good account of dusk"
    page = client.get(track.article.path).get_data(as_text=True)
    assert "<bdi>Weekend reading | Notes from Kraków</bdi>" in page
    assert "[…] a good account of dusk […]" in page


def test_semantic_linkbacks_webmentions_keep_their_type_person_and_source(db, client):
    like = with_meta(
        wxr_comment(9, "Ana Lima", "", url="https://ana.example/", kind="webmention"),
        meta("semantic_linkbacks_type", "like"),
        meta("semantic_linkbacks_canonical", "https://ana.example/likes/1"),
        meta("semantic_linkbacks_avatar", "https://ana.example/me.jpg"))
    reply = with_meta(
        wxr_comment(10, "Ben Ode", "<p>I <em>agree</em>.</p>", url="https://ben.example/",
                    kind="webmention"),
        meta("semantic_linkbacks_type", "reply"),
        meta("semantic_linkbacks_canonical", "https://ben.example/re/2"))
    plugin_type = wxr_comment(11, "Cy Dee", "", url="https://cy.example/r/3", kind="repost")
    import_text(wxr_document(wxr_item(1, "Roadmaps", comments=like + reply + plugin_type)))

    liked = response(9)
    assert (liked.kind, liked.mention_type, liked.author_name, liked.author_url,
            liked.source_url, liked.author_photo) == (
        ResponseKind.WEBMENTION, "like", "Ana Lima", "https://ana.example/",
        "https://ana.example/likes/1", "https://ana.example/me.jpg")
    answered = response(10)
    assert (answered.mention_type, answered.author_name, answered.source_url) == (
        "reply", "Ben Ode", "https://ben.example/re/2")
    assert answered.body_html == "<p>I <em>agree</em>.</p>"
    reposted = response(11)
    assert (reposted.kind, reposted.mention_type, reposted.source_url) == (
        ResponseKind.WEBMENTION, "repost", "https://cy.example/r/3")
    page = client.get(liked.article.path).get_data(as_text=True)
    assert "Liked by 1 person:" in page and "Reposted by 1 person:" in page
    assert "<p>I <em>agree</em>.</p>" in page


def export(app) -> str:
    out = io.StringIO()
    export_wxr(out, site_url=app.config["SITE_URL"], now=NOW)
    return out.getvalue()


LINKBACK_FIELDS = ("kind", "status", "source_title", "source_site", "source_url", "mention_type",
                   "author_name", "author_url", "author_photo", "body_source", "body_html",
                   "created_at")


def linkbacks() -> dict[str, tuple]:
    db.session.commit()
    return {r.source_url: tuple(getattr(r, f) for f in LINKBACK_FIELDS)
            for r in db.session.scalars(select(Response).where(
                Response.kind != ResponseKind.COMMENT))}


WHEN = datetime(2024, 4, 2, 10, 30, tzinfo=UTC)  # whole seconds, as WXR keeps dates


def received(article, kind, url, *, excerpt: str = "", body_html: str | None = None,
             **fields) -> Response:
    """A linkback as the receive pipeline stores it (factories, not the network)."""
    found = make_response(article, kind=kind, body=excerpt, author_name=fields.pop(
        "author_name", ""), author_email="", source_url=url, created_at=WHEN, **fields)
    found.body_html = html.escape(excerpt, quote=False) if body_html is None else body_html
    db.session.commit()
    return found


def test_linkbacks_survive_an_export_and_import_as_wordpress_writes_them(app, db):
    article = make_article(title="Roadmaps")
    make_response(article, body="A plain comment.")
    received(article, ResponseKind.PINGBACK, "https://blog.example.net/p/",
             source_title="Post Title", source_site="Site Name", excerpt="plans & promises")
    received(article, ResponseKind.TRACKBACK, "https://notes.example.com/w/",
             source_title="Weekend reading", source_site="Notes from Kraków",
             excerpt="a good account", status=ResponseStatus.SPAM)
    received(article, ResponseKind.WEBMENTION, "https://zh.example/post/",
             source_title="产品经理", source_site="博客", mention_type="mention",
             excerpt="我读了一篇文章")
    received(article, ResponseKind.WEBMENTION, "https://ben.example/re/2",
             source_title="Re: roadmaps", mention_type="reply", author_name="Ben Ode",
             author_url="https://ben.example/", excerpt="I agree.",
             body_html="<p>I <em>agree</em>.</p>")
    received(article, ResponseKind.WEBMENTION, "https://ana.example/likes/1",
             mention_type="like", author_name="Ana Lima", author_url="https://ana.example/",
             author_photo="https://ana.example/me.jpg")
    before = linkbacks()

    text = export(app)
    comments = {c.findtext(f"{WP}comment_author_url"): c
                for c in ElementTree.fromstring(text).iter(f"{WP}comment")}
    ping = comments["https://blog.example.net/p/"]
    assert ping.findtext(f"{WP}comment_type") == "pingback"
    assert ping.findtext(f"{WP}comment_author") == "Post Title | Site Name"
    assert ping.findtext(f"{WP}comment_content") == "[&#8230;] plans &amp; promises [&#8230;]"
    track = comments["https://notes.example.com/w/"]
    assert track.findtext(f"{WP}comment_type") == "trackback"
    assert track.findtext(f"{WP}comment_author") == "Notes from Kraków"
    assert track.findtext(f"{WP}comment_content") == \
        "<strong>Weekend reading</strong>\n\n[&#8230;] a good account [&#8230;]"
    assert track.findtext(f"{WP}comment_approved") == "spam"
    mention = comments["https://zh.example/post/"]
    assert (mention.findtext(f"{WP}comment_type"), mention.findtext(f"{WP}comment_author")) == \
        ("webmention", "产品经理 | 博客")
    answer = comments["https://ben.example/"]
    assert answer.findtext(f"{WP}comment_author") == "Ben Ode"
    assert answer.findtext(f"{WP}comment_content") == "<p>I <em>agree</em>.</p>"
    stored_meta = {m.findtext(f"{WP}meta_key"): m.findtext(f"{WP}meta_value")
                   for m in answer.findall(f"{WP}commentmeta")}
    assert stored_meta["semantic_linkbacks_type"] == "reply"
    assert stored_meta["semantic_linkbacks_canonical"] == "https://ben.example/re/2"

    delete_all_rows()
    import_text(text.encode())
    after = linkbacks()
    for url, fields in before.items():
        assert after[url] == fields, url
    assert len(after) == len(before) == 5


def test_brackets_that_are_not_framing_stay_and_a_second_round_trip_changes_nothing(app, db):
    article = make_article(title="Roadmaps")
    received(article, ResponseKind.PINGBACK, "https://blog.example.net/p/",
             source_title="Post Title | Site Name", source_site="Site Name",
             excerpt="[not framing] but text")
    first = export(app)
    assert "[&#8230;] [not framing] but text [&#8230;]" in first
    delete_all_rows()
    import_text(first.encode())
    [ping] = db.session.scalars(select(Response)).all()
    assert (ping.body_source, ping.source_title, ping.source_label) == (
        "[not framing] but text", "Post Title | Site Name", "Post Title | Site Name")
    assert export(app).count("[&#8230;] [not framing] but text [&#8230;]") == 1
