"""Issue #5: exporting the site as WXR 1.2, and the round trip export → empty site → import."""

from __future__ import annotations

import io
from collections import Counter
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.importers.wxr import import_wxr
from app.importers.wxr_export import cdata, export_wxr
from app.models import Article, Response, Role, Tag, User
from tests.factories import make_article, make_user
from tests.importers.helpers import (
    NOW,
    SMALL,
    WP,
    articles_by_status,
    delete_all_rows,
    import_file,
    responses_by_kind_and_status,
    row_counts,
)

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


def export_text(app) -> tuple[str, dict]:
    out = io.StringIO()
    counts = export_wxr(out, site_url=app.config["SITE_URL"], now=NOW)
    return out.getvalue(), counts


def site_shape() -> dict:
    """What a round trip must keep, by text rather than by id."""
    db.session.commit()
    db.session.expire_all()
    articles = list(db.session.scalars(select(Article)))
    responses = list(db.session.scalars(select(Response)))

    def text(response: Response | None) -> str | None:
        return response.body_html if response is not None else None

    return {
        "articles by status": articles_by_status(),
        "titles": sorted(a.title for a in articles),
        "articles": sorted(
            (a.title, a.status.value, a.slug, a.path or "", str(a.published_at), a.body_html,
             a.excerpt, a.summary, tuple(sorted(t.slug for t in a.tags)), a.author.name,
             a.comments_open, a.pings_open) for a in articles),
        "responses by kind and status": responses_by_kind_and_status(),
        "comment texts": sorted(r.body_html for r in responses),
        "threads": sorted((r.article.title, text(r), text(r.parent), r.depth)
                          for r in responses),
        "responses": sorted(
            (r.article.title, r.kind.value, r.status.value, r.author_name, r.author_email,
             r.author_url, r.author_ip, r.source_title, r.source_url, str(r.created_at),
             r.body_source, r.user.wp_login if r.user else "") for r in responses),
        "authors": sorted((u.name, u.email, u.wp_login, u.password_hash is None)
                          for u in db.session.scalars(select(User))),
        "tags": sorted((t.slug, t.name) for t in db.session.scalars(select(Tag))),
    }


def test_export_writes_a_wxr_1_2_document_of_the_whole_site(app, db):
    import_file(SMALL)
    text, counts = export_text(app)
    assert counts == {"authors": 2, "tags": 5, "articles": 6, "responses": 11}

    root = ElementTree.fromstring(text)
    channel = root.find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url") == app.config["SITE_URL"]
    authors = {a.findtext(f"{WP}author_login"): a.findtext(f"{WP}author_display_name")
               for a in channel.findall(f"{WP}author")}
    assert authors == {"joana": "Joana Conceição", "lucja": "Łucja Wiśniewska"}
    assert {t.findtext(f"{WP}tag_slug") for t in channel.findall(f"{WP}tag")} == {
        "viagens", "noticias", "acores", "cha", "faroleiro"}

    items = {item.findtext("title"): item for item in channel.findall("item")}
    assert Counter(item.findtext(f"{WP}status") for item in items.values()) == Counter(
        {"publish": 2, "draft": 3, "future": 1})
    assert {item.findtext(f"{WP}post_type") for item in items.values()} == {"post"}
    arrival = items["Chegada aos Açores"]
    assert arrival.findtext("link") == app.config["SITE_URL"] + "/2009/06/01/chegada-aos-acores/"
    assert arrival.findtext(f"{WP}post_date_gmt") == "2009-06-01 09:15:00"
    assert arrival.findtext(DC_CREATOR) == "joana"
    assert arrival.findtext(CONTENT).startswith("Chegámos a Ponta Delgada")
    assert {c.get("nicename") for c in arrival.findall("category")} == {
        "viagens", "acores", "faroleiro"}

    comments = arrival.findall(f"{WP}comment")
    assert len(comments) == 11
    ids = {c.findtext(f"{WP}comment_id") for c in comments}
    for c in comments:  # every reply points at a comment of the same item
        assert c.findtext(f"{WP}comment_parent") in ids | {"0"}
    by_author = {c.findtext(f"{WP}comment_author"): c for c in comments}
    assert Counter((c.findtext(f"{WP}comment_type"), c.findtext(f"{WP}comment_approved"))
                   for c in comments) == Counter({
                       ("comment", "1"): 6, ("comment", "0"): 1, ("comment", "spam"): 1,
                       ("comment", "trash"): 1, ("pingback", "1"): 1, ("trackback", "1"): 1})
    # A linkback's author is its source title; its text gets WordPress's framing back.
    ping = by_author["Ilhas e faróis | Diário de Bordo"]
    assert ping.findtext(f"{WP}comment_content").startswith("[&#8230;] li a chegada")
    # A "]]>" inside the text is split across two CDATA sections and reads back whole.
    assert by_author["Pedro Alves"].findtext(f"{WP}comment_content") == \
        "No cartaz do porto estava escrito ]]> em vez do preço."
    assert "]]]]><![CDATA[>" in text
    assert "Um fim de CDATA literal: ]]> tem de sobreviver." in \
        items["Zażółć gęślą jaźń"].findtext(CONTENT)


def test_cdata_splits_every_closing_sequence():
    assert cdata(None) == "<![CDATA[]]>"
    assert cdata("a]]>b]]>") == "<![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]>"
    wrapped = f"<x>{cdata('a]]>b]]>')}</x>"
    assert ElementTree.fromstring(wrapped).text == "a]]>b]]>"


def test_round_trip_through_the_cli_keeps_articles_responses_and_threads(runner, db, tmp_path):
    imported = runner.invoke(args=["wxr", "import", str(SMALL)])
    assert imported.exit_code == 0, imported.output
    before = site_shape()
    assert before["articles by status"] == Counter({"published": 2, "draft": 3, "scheduled": 1})
    assert before["responses by kind and status"] == Counter({
        ("comment", "approved"): 6, ("comment", "pending"): 1, ("comment", "spam"): 1,
        ("comment", "trash"): 1, ("pingback", "approved"): 1, ("trackback", "approved"): 1})

    exported = tmp_path / "parley-export.xml"
    result = runner.invoke(args=["wxr", "export", str(exported)])
    assert result.exit_code == 0, result.output
    assert (f"Wrote {exported}: 6 articles, 11 responses, 2 authors, 5 tags."
            in result.output)

    delete_all_rows()
    assert set(row_counts().values()) == {0}

    again = runner.invoke(args=["wxr", "import", str(exported)])
    assert again.exit_code == 0, again.output
    assert "Authors created: 2   Tags created: 5" in again.output
    after = site_shape()
    for key in before:
        assert after[key] == before[key], key
    # The three-deep thread, by text.
    threads = {child: (parent, depth) for _title, child, parent, depth in after["threads"]}
    assert threads["<p>谢谢！我八月也想去看灯塔。</p>"] == (
        "<p><strong>Obrigada</strong>, Tomás! Agosto é a melhor altura.</p>", 2)
    assert threads["<p>Zgadzam się: prom jest tani, a widoki są piękne.</p>"] == (
        "<p>Quanto custa o ferry para o Pico?</p>", 1)


def test_the_exported_site_serves_the_same_permalinks_after_the_round_trip(
        app, runner, client, db, tmp_path):
    import_file(SMALL)
    exported = tmp_path / "export.xml"
    assert runner.invoke(args=["wxr", "export", str(exported)]).exit_code == 0
    delete_all_rows()
    assert runner.invoke(args=["wxr", "import", str(exported)]).exit_code == 0
    page = client.get("/2009/06/01/chegada-aos-acores/")
    assert page.status_code == 200
    assert "谢谢！我八月也想去看灯塔。" in page.get_data(as_text=True)
    assert client.get("/archives/106/").status_code == 200


def test_an_empty_site_exports_a_valid_file_that_imports_to_nothing(app, db):
    text, counts = export_text(app)
    assert counts == {"authors": 0, "tags": 0, "articles": 0, "responses": 0}
    assert ElementTree.fromstring(text).find("channel").findtext(f"{WP}wxr_version") == "1.2"
    summary = import_wxr(io.BytesIO(text.encode()), zone=ZoneInfo("UTC"), now=NOW)
    assert summary.version == "1.2" and not summary.posts_in_file
    db.session.rollback()


def test_articles_written_in_parley_are_exported_as_html(app, db):
    author = make_user(Role.AUTHOR, name="Maya Okafor")
    make_article(author, title="Written here", body="Plans meet **reality**.", tags=["careers"])
    make_article(author, title="Not yet", body="Draft text.", published=False)
    text, counts = export_text(app)
    assert counts["articles"] == 2 and counts["authors"] == 1
    items = {i.findtext("title"): i for i in ElementTree.fromstring(text).iter("item")}
    assert items["Written here"].findtext(CONTENT).strip() == \
        "<p>Plans meet <strong>reality</strong>.</p>"
    assert items["Written here"].findtext(f"{WP}status") == "publish"
    assert items["Not yet"].findtext(f"{WP}status") == "draft"
    assert items["Not yet"].findtext(f"{WP}post_date_gmt") == "0000-00-00 00:00:00"
    assert [c.text for c in items["Written here"].findall("category")] == ["careers"]


def test_a_parley_article_survives_the_round_trip(app, db, tmp_path):
    author = make_user(Role.AUTHOR)
    body = "## Heading\n\nFirst paragraph.\n\n- one\n- two\n"
    original = make_article(author, title="Round trip", body=body).body_html
    text, _counts = export_text(app)
    delete_all_rows()
    import_wxr(io.BytesIO(text.encode()), zone=ZoneInfo("UTC"), now=NOW)
    db.session.commit()
    assert db.session.scalars(select(Article)).one().body_html.strip() == original.strip()


def test_plain_text_with_ampersands_survives_the_round_trip_and_reads_as_html_in_wordpress(
        app, db):
    author = make_user(Role.AUTHOR, name="Ana & Rui")
    make_article(author, title="Tom & Jerry <3", excerpt="Cats & mice, &amp; more",
                 tags=["R&D"])
    text, _counts = export_text(app)
    item = ElementTree.fromstring(text).find("channel/item")
    # As WordPress keeps them: HTML, so "&" is "&amp;" and a "<" is not a tag.
    assert item.findtext("title") == "Tom &amp; Jerry &lt;3"
    assert item.findtext("{http://wordpress.org/export/1.2/excerpt/}encoded") == \
        "Cats &amp; mice, &amp;amp; more"
    assert item.findtext("category") == "R&amp;D"
    delete_all_rows()
    import_wxr(io.BytesIO(text.encode()), zone=ZoneInfo("UTC"), now=NOW)
    db.session.commit()
    back = db.session.scalars(select(Article)).one()
    assert (back.title, back.excerpt, [t.name for t in back.tags], back.author.name) == (
        "Tom & Jerry <3", "Cats & mice, &amp; more", ["R&D"], "Ana & Rui")
