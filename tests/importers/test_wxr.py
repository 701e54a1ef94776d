"""Issue #5: importing WordPress exports (WXR), field by field, with counts, malformed files,
idempotency and the `flask wxr import` command.

Most tests import tests/importers/fixtures/small.xml, written by hand for this purpose: two
authors; every post status; a page and an attachment; on post 101 a thread three deep
(201 → 202 → 203), a reply that comes before its parent (204 → 205), a reply to a comment that
does not exist (208 → 999), every comment status, a pingback and a trackback; CDATA edge cases;
Portuguese, Chinese and Polish text.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections import Counter
from datetime import UTC, datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.importers.autop import autop
from app.importers.wxr import CountingReader, WxrError, import_wxr, parse_wp_date
from app.models import (
    Article,
    ArticleStatus,
    BodyFormat,
    ImportJob,
    Response,
    ResponseKind,
    ResponseStatus,
    Role,
    Tag,
    User,
)
from tests.factories import PASSWORD, make_article, make_response, make_user
from tests.importers.helpers import (
    CORPUS,
    FIXTURES,
    NOW,
    SMALL,
    WP,
    article,
    corpus_counts,
    database_snapshot,
    import_file,
    needs_corpus,
    not_well_formed,
    readable,
    response,
    row_counts,
    write_wxr,
    wxr_comment,
    wxr_document,
    wxr_item,
)

# What small.xml holds, counted by hand (and checked against a plain ElementTree count below).
SMALL_POSTS_IN_FILE = Counter({
    ("post", "publish"): 2, ("post", "draft"): 1, ("post", "pending"): 1,
    ("post", "private"): 1, ("post", "future"): 1, ("page", "publish"): 1,
    ("attachment", "inherit"): 1,
})
SMALL_RESPONSES_IN_FILE = Counter({
    ("comment", "1"): 3, ("", "1"): 4, ("", "0"): 1, ("", "spam"): 1, ("", "trash"): 1,
    ("pingback", "1"): 1, ("trackback", "1"): 1,
})
SMALL_RESPONSES = Counter({
    ("comment", "approved"): 6, ("comment", "pending"): 1, ("comment", "spam"): 1,
    ("comment", "trash"): 1, ("pingback", "approved"): 1, ("trackback", "approved"): 1,
})
ARRIVAL = "/2009/06/01/chegada-aos-acores/"


@pytest.fixture
def small(db):
    """small.xml imported and committed; the summary."""
    return import_file(SMALL)


# --- authors ----------------------------------------------------------------------------------

def test_authors_become_users_who_cannot_log_in(small, db, forms):
    users = {u.wp_login: u for u in db.session.scalars(select(User))}
    assert set(users) == {"joana", "lucja"}
    assert small.authors_created == 2
    joana, lucja = users["joana"], users["lucja"]
    assert (joana.name, joana.email, joana.role) == ("Joana Conceição", "joana@example.com",
                                                     Role.AUTHOR)
    assert (lucja.name, lucja.email) == ("Łucja Wiśniewska", "lucja@example.org")
    for user in users.values():
        assert user.password_hash is None
        assert not user.check_password("")
        assert not user.check_password(PASSWORD)

    refused = forms.post("/login", {"email": "joana@example.com", "password": PASSWORD})
    assert refused.status_code == 422
    assert forms.client.get("/admin/import/").status_code == 302  # still a guest

    assert {a.wp_post_id for a in db.session.scalars(
        select(Article).where(Article.author_id == joana.id))} == {101, 102, 103, 105}
    assert {a.wp_post_id for a in db.session.scalars(
        select(Article).where(Article.author_id == lucja.id))} == {104, 106}
    # A comment the author wrote while logged in to WordPress is tied to their account.
    assert response(202).user_id == joana.id
    assert response(201).user_id is None


def test_an_author_is_matched_by_login_or_email_not_duplicated(db):
    existing = make_user(Role.ADMIN, email="joana@example.com", name="Joana (here already)")
    summary = import_file(SMALL)
    assert summary.authors_created == 1
    db.session.refresh(existing)
    assert existing.wp_login == "joana" and existing.password_hash is not None
    assert article(101).author_id == existing.id
    assert db.session.scalar(select(func.count()).select_from(User)) == 2


# --- articles ---------------------------------------------------------------------------------

def test_post_statuses_are_mapped_with_notes(small):
    statuses = {wp_id: article(wp_id).status for wp_id in (101, 102, 103, 104, 105, 106)}
    assert statuses == {
        101: ArticleStatus.PUBLISHED,  # publish
        102: ArticleStatus.DRAFT,      # draft
        103: ArticleStatus.DRAFT,      # pending
        104: ArticleStatus.DRAFT,      # private
        105: ArticleStatus.SCHEDULED,  # future
        106: ArticleStatus.PUBLISHED,  # publish
    }
    assert small.notes["pending posts imported as drafts"] == 1
    assert small.notes["private posts imported as drafts"] == 1
    assert small.articles == Counter({"created (published)": 2, "created (draft)": 3,
                                      "created (scheduled)": 1})


def test_dates_come_from_the_gmt_fields_else_from_local_time_in_the_site_zone(db):
    # Lisbon is UTC+1 in June: a date read from the local field would be an hour off.
    import_file(SMALL, zone="Europe/Lisbon")
    assert article(101).published_at == datetime(2009, 6, 1, 9, 15, tzinfo=UTC)
    assert article(105).published_at == datetime(2099, 1, 15, 9, 0, tzinfo=UTC)
    # Post 102's GMT date is 0000-00-00 00:00:00: its post_date (08:00 in Lisbon) is used.
    assert article(102).published_at == datetime(2009, 6, 5, 7, 0, tzinfo=UTC)
    assert response(201).created_at == datetime(2009, 6, 1, 12, 0, tzinfo=UTC)
    assert response(203).created_at == datetime(2009, 6, 2, 8, 0, tzinfo=UTC)
    assert article(101).created_at == article(101).published_at


def test_parse_wp_date():
    lisbon = ZoneInfo("Europe/Lisbon")
    assert parse_wp_date("2009-06-01 09:15:00", "2009-06-01 10:15:00", lisbon) == \
        datetime(2009, 6, 1, 9, 15, tzinfo=UTC)
    assert parse_wp_date("0000-00-00 00:00:00", "2009-01-05 08:00:00", lisbon) == \
        datetime(2009, 1, 5, 8, 0, tzinfo=UTC)  # winter: Lisbon is on UTC
    assert parse_wp_date("", " 2009-06-05 08:00:00 ", lisbon) == \
        datetime(2009, 6, 5, 7, 0, tzinfo=UTC)
    assert parse_wp_date("not a date", "2009-06-05 08:00:00", ZoneInfo("UTC")) == \
        datetime(2009, 6, 5, 8, 0, tzinfo=UTC)
    assert parse_wp_date("0000-00-00 00:00:00", "0000-00-00 00:00:00", lisbon) is None
    assert parse_wp_date("", "", lisbon) is None


def test_slugs_come_from_post_name_or_title_and_are_made_unique(db):
    here_first = make_article(title="Chegada aos Açores")  # takes the slug first
    assert here_first.slug == "chegada-aos-acores"
    summary = import_file(SMALL)
    assert article(101).slug == "chegada-aos-acores-2"
    assert summary.notes["duplicate slugs made unique with a number"] == 1
    # The permalink is the original one all the same.
    assert article(101).path == ARRIVAL
    assert article(106).slug == "zazolc-gesla-jazn"
    # Post 103 has an empty post_name (WordPress leaves pending posts without one).
    assert article(103).slug == "a-espera-de-revisao"


def test_titles_keep_their_non_ascii_text(small):
    assert article(101).title == "Chegada aos Açores"
    assert article(103).title == "À espera de revisão"
    assert article(104).title == "Notas privadas 私人笔记"
    assert article(105).title == "下一站：Kraków"
    assert article(106).title == "Zażółć gęślą jaźń"


def test_tags_come_from_categories_and_tags_of_the_channel_and_the_items(small, db):
    tags = {t.slug: t.name for t in db.session.scalars(select(Tag))}
    # Faroleiro exists only on an item; the post_format "Aside" is not a tag.
    assert tags == {"viagens": "Viagens", "noticias": "Notícias", "acores": "açores",
                    "cha": "chá", "faroleiro": "Faroleiro"}
    assert small.tags_created == 5
    assert {t.slug for t in article(101).tags} == {"viagens", "acores", "faroleiro"}
    assert {t.slug for t in article(106).tags} == {"noticias", "cha"}
    assert {t.slug for t in article(102).tags} == {"viagens"}
    assert article(103).tags == []


def test_content_gets_wordpress_paragraphs_and_is_sanitised(small):
    arrival = article(101)
    assert arrival.body_format is BodyFormat.HTML
    assert arrival.body_source.startswith("Chegámos a Ponta Delgada ao fim da tarde.\nO avião")
    assert arrival.body_html == (
        "<p>Chegámos a Ponta Delgada ao fim da tarde.<br>\nO avião atrasou-se uma hora.</p>\n"
        "<p>No dia seguinte fomos ao farol.</p>\n"
        "<blockquote>\n<p>Um farol não é um sítio, é uma promessa.</p>\n</blockquote>\n"
        "<p>Ao jantar: 晚饭 com amigos.</p>")
    assert arrival.excerpt == "Chegada tardia a São Miguel."  # tags stripped
    assert arrival.summary == "Chegada tardia a São Miguel."
    assert (arrival.comments_open, arrival.pings_open) == (True, True)

    pangram = article(106)
    assert "<script" not in pangram.body_html
    assert "onclick" not in pangram.body_html
    assert "javascript:" not in pangram.body_html
    assert '<a href="https://example.org/pl">um link</a>' in pangram.body_html
    assert "<em>polskimi</em>" in pangram.body_html
    # "]]]]><![CDATA[>" in the file is a "]]>" in the text: kept as written, escaped in HTML.
    assert "Um fim de CDATA literal: ]]> tem de sobreviver." in pangram.body_source
    assert "Um fim de CDATA literal: ]]&gt; tem de sobreviver." in pangram.body_html
    assert (pangram.comments_open, pangram.pings_open) == (False, True)
    # An empty CDATA excerpt: the summary comes from the text, the heading kept apart.
    assert pangram.excerpt == "" and pangram.summary.startswith("Pangram. Ćwiczenie z polskimi")


def test_autop_adds_paragraphs_and_line_breaks_like_wordpress():
    assert autop("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n<p>Three</p>"
    assert autop("a\r\n\r\nb") == "<p>a</p>\n<p>b</p>"
    assert autop("  \n\n ") == ""
    assert autop("Code:\n\n<pre>x = 1\n\ny = 2</pre>\n\nEnd") == \
        "<p>Code:</p>\n<pre>x = 1\n\ny = 2</pre>\n<p>End</p>"
    assert autop("<blockquote>Quoted</blockquote>") == \
        "<blockquote>\n<p>Quoted</p>\n</blockquote>"


def test_autop_leaves_text_inside_block_elements_alone():
    assert autop("<h2>Title</h2>\n<p>Para one.</p>\n<p>Para two.</p>") == \
        "<h2>Title</h2>\n<p>Para one.</p>\n<p>Para two.</p>"
    assert autop("<ul>\n<li>One</li>\n<li>Two</li>\n</ul>") == \
        "<ul>\n<li>One</li>\n<li>Two</li>\n</ul>"


def test_imported_html_content_has_no_empty_or_nested_paragraphs(small):
    html = article(106).body_html
    assert not re.search(r"<p>\s*</p>", html), html
    assert "<h2>Pangram</h2>" in html, html


# --- permalinks -------------------------------------------------------------------------------

def test_original_permalink_path_is_kept_and_serves_the_article(small, client):
    assert article(101).path == ARRIVAL
    assert article(106).path == "/archives/106/"  # a trailing slash is added
    assert article(102).path is None and article(103).path is None  # drafts at ?p=
    assert article(105).path == "/2099/01/15/proxima-paragem-krakow/"

    page = client.get(ARRIVAL)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Chegada aos Açores" in text and "Um farol não é um sítio" in text
    assert "Joana Conceição" in text

    assert "Zażółć gęślą jaźń" in client.get("/archives/106/").get_data(as_text=True)
    moved = client.get("/archives/106")
    assert (moved.status_code, moved.location) == (301, "/archives/106/")
    # Not public: the private post's and the scheduled post's permalinks.
    assert client.get("/2009/06/07/notas-privadas/").status_code == 404
    assert client.get("/2099/01/15/proxima-paragem-krakow/").status_code == 404


def test_wordpress_plain_links_redirect_to_the_permalink(small, client):
    for wp_id, path in ((101, ARRIVAL), (106, "/archives/106/")):
        found = client.get(f"/?p={wp_id}")
        assert (found.status_code, found.location) == (301, path)
        assert client.get(found.location).status_code == 200
    # Drafts, future posts, pages (not imported) and unknown ids are not found.
    for wp_id in (102, 103, 104, 105, 110, 111, 9999):
        assert client.get(f"/?p={wp_id}").status_code == 404, wp_id


# --- responses --------------------------------------------------------------------------------

def test_comment_fields_are_imported(small, db):
    tomas = response(201)
    assert tomas.article_id == article(101).id
    assert (tomas.author_name, tomas.author_email, tomas.author_url, tomas.author_ip) == (
        "Tomás Ribeiro", "tomas.ribeiro@example.com", "https://tomas.example.org/",
        "192.0.2.10")
    assert tomas.created_at == datetime(2009, 6, 1, 12, 0, tzinfo=UTC)
    assert tomas.approved_at == tomas.created_at
    assert tomas.body_source == "Que vista incrível!\nVolto em agosto.\n\nAbraço, Tomás"
    assert tomas.body_html == ("<p>Que vista incrível!<br>\nVolto em agosto.</p>\n"
                               "<p>Abraço, Tomás</p>")

    assert response(202).body_html == \
        "<p><strong>Obrigada</strong>, Tomás! Agosto é a melhor altura.</p>"

    wang = response(203)
    assert (wang.author_name, wang.author_email, wang.author_url, wang.author_ip) == (
        "王小明", "", "", "2001:db8::7")  # the email was an empty CDATA section
    assert wang.body_html == "<p>谢谢！我八月也想去看灯塔。</p>"
    assert response(204).author_name == "Łucja Wiśniewska"
    assert "prom jest tani" in response(204).body_html

    # "]]]]><![CDATA[>" in a comment: one "]]>" in the text.
    pedro = response(212)
    assert pedro.body_source == "No cartaz do porto estava escrito ]]> em vez do preço."
    assert pedro.body_html == "<p>No cartaz do porto estava escrito ]]&gt; em vez do preço.</p>"
    assert pedro.approved_at is None


def test_comment_kinds_and_statuses_are_mapped(small):
    got = {wp_id: (response(wp_id).kind, response(wp_id).status)
           for wp_id in (201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 212)}
    comment, approved = ResponseKind.COMMENT, ResponseStatus.APPROVED
    assert got == {
        201: (comment, approved), 202: (comment, approved), 203: (comment, approved),
        204: (comment, approved), 205: (comment, approved), 208: (comment, approved),
        206: (comment, ResponseStatus.SPAM),      # "spam"
        207: (comment, ResponseStatus.TRASH),     # "trash"
        212: (comment, ResponseStatus.PENDING),   # "0"
        209: (ResponseKind.PINGBACK, approved),
        210: (ResponseKind.TRACKBACK, approved),
    }
    assert small.responses == SMALL_RESPONSES


def test_threads_three_deep(small):
    top, reply, deeper = response(201), response(202), response(203)
    assert (top.parent_id, top.depth) == (None, 0)
    assert (reply.parent_id, reply.depth) == (top.id, 1)
    assert (deeper.parent_id, deeper.depth) == (reply.id, 2)
    assert reply.path == f"{top.path}.{reply.id:010d}"
    assert deeper.path == f"{reply.path}.{deeper.id:010d}"
    assert deeper.ancestor_ids == [top.id, reply.id]
    assert top.thread_id == reply.thread_id == deeper.thread_id == top.id


def test_a_reply_that_comes_before_its_parent_in_the_file_is_threaded(small):
    parent, child = response(205), response(204)
    assert child.id < parent.id  # written first, as it came first
    assert (child.parent_id, child.depth) == (parent.id, 1)
    assert (parent.parent_id, parent.depth) == (None, 0)
    assert child.path == f"{parent.path}.{child.id:010d}"
    assert child.thread_id == parent.id


def test_a_reply_whose_parent_is_missing_is_top_level_with_a_note(small):
    orphan = response(208)
    assert (orphan.parent_id, orphan.depth, orphan.path) == (None, 0, f"{orphan.id:010d}")
    assert orphan.thread_id == orphan.id
    assert small.notes["replies whose parent is missing: shown as top-level"] == 1


def test_linkbacks_keep_their_source_and_lose_the_excerpt_framing(small, client):
    ping = response(209)
    assert ping.kind is ResponseKind.PINGBACK
    assert ping.source_title == "Ilhas e faróis | Diário de Bordo"
    assert ping.source_url == "https://bordo.example.org/2009/06/06/ilhas-e-farois/"
    assert ping.author_name == ""
    assert ping.body_html == "li a chegada aos Açores da Joana e fiquei com vontade de ir"
    track = response(210)
    assert track.kind is ResponseKind.TRACKBACK
    assert track.source_title == "Weekend reading | Notes from Kraków"
    assert track.source_url == "https://notes.example.com/weekend-reading/"
    assert track.body_html == "a good account of landing on the islands at dusk"

    page = client.get(ARRIVAL).get_data(as_text=True)
    assert "Ilhas e faróis | Diário de Bordo" in page
    assert "[…] li a chegada aos Açores da Joana e fiquei com vontade de ir […]" in page
    assert "[...]" not in page


def test_linkback_framing_written_by_current_wordpress_is_removed_too(db):
    # WordPress's pingback server stores '[&#8230;] ' . esc_html( $excerpt ) . ' [&#8230;]'.
    wxr = wxr_with_comments(
        comment(1, "Ping | Elsewhere", "[&#8230;] said something nice [&#8230;]", "pingback"),
        comment(2, "Track | Elsewhere", "[…] unicode framing […]", "trackback"))
    import_wxr(io.BytesIO(wxr), zone=ZoneInfo("UTC"), now=NOW)
    assert response(1).body_html == "said something nice"
    assert response(2).body_html == "unicode framing"


def test_spam_trash_and_pending_responses_are_not_shown_to_readers(small, client):
    page = client.get(ARRIVAL).get_data(as_text=True)
    for text in ("Que vista incrível!", "谢谢！我八月也想去看灯塔。", "Quanto custa o ferry",
                 "prom jest tani", "Respondo a um comentário"):
        assert text in page, text
    for text in ("Best watches", "Comentário que o autor apagou", "No cartaz do porto"):
        assert text not in page, text


# --- what is skipped and the counts table -----------------------------------------------------

def test_pages_and_attachments_are_skipped_and_counted(small, db):
    assert small.posts_in_file[("page", "publish")] == 1
    assert small.posts_in_file[("attachment", "inherit")] == 1
    assert small.notes["page items skipped (Parley imports posts)"] == 1
    assert small.notes["attachment items skipped (Parley imports posts)"] == 1
    assert small.notes["comments on skipped page items"] == 1
    assert db.session.scalar(select(func.count()).select_from(Article)) == 6
    assert db.session.scalar(select(Article).where(Article.wp_post_id.in_((110, 111)))) is None
    assert db.session.scalar(select(Response).where(Response.wp_comment_id == 211)) is None
    assert db.session.scalar(select(func.count()).select_from(Response)) == 11


def test_counts_table_matches_what_the_fixture_holds(small):
    assert small.version == "1.2"
    assert small.posts_in_file == SMALL_POSTS_IN_FILE
    assert small.responses_in_file == SMALL_RESPONSES_IN_FILE
    # The same, counted independently with the standard library's parser.
    root = ElementTree.parse(SMALL).getroot()
    items = root.iter("item")
    assert Counter((i.findtext(f"{WP}post_type"), i.findtext(f"{WP}status"))
                   for i in items) == SMALL_POSTS_IN_FILE
    assert Counter((c.findtext(f"{WP}comment_type"), c.findtext(f"{WP}comment_approved"))
                   for c in root.iter(f"{WP}comment")) == SMALL_RESPONSES_IN_FILE

    table = small.table()
    assert table.startswith("WXR version 1.2\n")
    for line in ("  post             publish                     2",
                 "  attachment       inherit                     1",
                 "  created (draft)                               3",
                 "  (comment)        1                           4",
                 "  comment          approved                    6",
                 "  trackback        approved                    1",
                 "Authors created: 2   Tags created: 5",
                 "  1 × replies whose parent is missing: shown as top-level"):
        assert line in table.splitlines(), line
    assert small.as_dict()["articles"] == 6 and small.as_dict()["responses"] == 11


def flatten_posts(entry: dict) -> Counter:
    return Counter({(kind, status): n for kind, by_status in entry["posts_by_type_status"].items()
                    for status, n in by_status.items()})


def flatten_comments(entry: dict) -> Counter:
    return Counter({tuple(key.split("|")): n
                    for key, n in entry["comments_type_x_approved"].items()})


@needs_corpus
def test_theme_unit_test_counts_match_the_corpus(db):
    expected = corpus_counts("theme-unit-test.xml")
    summary = import_file(CORPUS / "theme-unit-test.xml")
    assert summary.version == expected["wxr_version"] == "1.2"
    assert summary.posts_in_file == flatten_posts(expected)
    assert sum(summary.posts_in_file.values()) == expected["items"] == 180
    assert summary.responses_in_file == flatten_comments(expected)
    assert sum(summary.responses_in_file.values()) == expected["comments_total"] == 32
    by_type = Counter()
    for (kind, _approved), n in summary.responses_in_file.items():
        by_type[kind] += n
    assert by_type == Counter(expected["comments_by_type"])
    by_approved = Counter()
    for (_kind, approved), n in summary.responses_in_file.items():
        by_approved[approved] += n
    assert by_approved == Counter(expected["comments_by_approved"])

    # What was kept: posts (not pages, attachments or menu items), minus nothing else.
    posts = expected["posts_by_type_status"]["post"]
    assert summary.articles == Counter({"created (published)": posts["publish"],
                                        "created (draft)": posts["draft"],
                                        "created (scheduled)": posts["future"]})
    # Comments on the two pages (4 + 1, from INDEX.md) are skipped; the rest are imported.
    assert summary.notes["comments on skipped page items"] == 5
    assert sum(summary.responses.values()) == 32 - 5
    assert summary.responses[("pingback", "approved")] == 2
    assert summary.responses[("trackback", "approved")] == 2
    # The 10-deep thread of "Template: Comments" (post 1148).
    deepest = db.session.scalar(select(func.max(Response.depth)).join(Article).where(
        Article.wp_post_id == 1148))
    assert deepest == 9


def _corpus_entries() -> list[dict]:
    if not (CORPUS / "counts.json").is_file():
        return []
    return json.loads((CORPUS / "counts.json").read_text(encoding="utf-8"))


@needs_corpus
@pytest.mark.parametrize("entry", _corpus_entries(), ids=lambda entry: entry["file"])
def test_every_corpus_file_is_counted_as_counts_json_says_or_refused(db, entry):
    before = database_snapshot()
    source = CORPUS / entry["file"]
    if "parse_error" in entry:
        reason, line, column = re.search(r"^(.*): line (\d+), column (\d+)",
                                         entry["parse_error"]).groups()
        with pytest.raises(WxrError, match=re.escape(not_well_formed(reason, line, column))):
            import_file(source, commit=False)
        db.session.rollback()
        assert database_snapshot() == before
        return
    if entry["wxr_version"] is None and not entry["items"]:
        # Neither a version nor an item: WordPress's importer refuses these files too.
        with pytest.raises(WxrError, match="not a WordPress export"):
            import_file(source, commit=False)
        return
    summary = import_file(source)
    assert summary.posts_in_file == flatten_posts(entry)
    assert summary.responses_in_file == flatten_comments(entry)
    assert summary.version == (entry["wxr_version"] or "")


# --- other versions and encodings -------------------------------------------------------------

def test_wxr_1_0_with_tag_domain_categories(db):
    summary = import_file(FIXTURES / "v10.xml")
    assert summary.version == "1.0"
    assert not any(note.startswith("unknown WXR version") for note in summary.notes)
    old = article(7)
    assert (old.title, old.status, old.path) == ("Um post de 2008", ArticleStatus.PUBLISHED,
                                                 "/2008/06/30/um-post-de-2008/")
    assert old.published_at == datetime(2008, 6, 30, 18, 20, tzinfo=UTC)
    assert old.body_html == "<p>Primeiro parágrafo de 2008.</p>\n<p>Segundo parágrafo.</p>"
    # domain="tag" is WXR 1.0's post_tag; the bare <category> (no domain) is a duplicate.
    assert {(t.slug, t.name) for t in old.tags} == {
        ("geral", "Geral"), ("velharias", "velharias"), ("memorias", "memórias")}
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 3
    # WXR 1.0 has no wp:author: the dc:creator becomes an author who cannot log in.
    assert (old.author.wp_login, old.author.password_hash) == ("admin", None)
    reader, reply = response(31), response(32)
    assert (reader.author_name, reader.author_email) == ("Leitor Antigo", "leitor@example.org")
    assert (reply.parent_id, reply.depth) == (reader.id, 1)


def test_a_file_in_latin_1_is_decoded_as_its_declaration_says(db):
    raw = (FIXTURES / "latin1.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert "Coração".encode("latin-1") in raw and "Coração".encode() not in raw
    summary = import_file(FIXTURES / "latin1.xml")
    assert summary.version == "1.1"
    post = article(24)
    assert post.title == "Coração de São João"
    assert post.body_html == ("<p>Não há pão sem suor.</p>\n"
                              "<p>À noite: açúcar, café e manjericão.</p>")
    assert [t.name for t in post.tags] == ["tradições"]
    assert post.author.name == "Sebastião Simões"
    assert response(40).author_name == "Conceição Gonçalves"
    assert response(40).body_html == "<p>Que saudade das sardinhas e do alho-porró!</p>"


def test_an_unknown_version_is_imported_with_a_note(db):
    summary = import_file(FIXTURES / "unknown-version.xml")
    assert summary.version == "9.9"
    assert summary.notes == Counter({"unknown WXR version “9.9”: read as 1.2": 1})
    assert article(1).title == "From a newer exporter"
    assert "unknown WXR version “9.9”: read as 1.2" in summary.table()


# --- idempotency ------------------------------------------------------------------------------

def test_importing_the_same_file_twice_creates_nothing_the_second_time(db):
    first = import_file(SMALL)
    counts, snapshot = row_counts(), database_snapshot()
    second = import_file(SMALL)
    assert row_counts() == counts
    # Nothing changed but the content-version counter the second transaction bumped.
    after = database_snapshot()
    assert {k: v for k, v in after.items() if k != "cache_scopes"} == \
        {k: v for k, v in snapshot.items() if k != "cache_scopes"}
    assert second.articles == Counter({"already imported": 6})
    assert second.responses == Counter()
    assert second.responses_existing == sum(first.responses.values()) == 11
    assert (second.authors_created, second.tags_created) == (0, 0)
    assert second.posts_in_file == first.posts_in_file  # the file is still counted in full
    assert (second.as_dict()["articles"], second.as_dict()["responses"]) == (0, 0)
    table = second.table()
    assert "  already imported                              6" in table.splitlines()  # articles
    assert "  already imported                            11" in table.splitlines()  # responses


def test_a_later_export_with_a_new_reply_adds_only_that_reply(db, tmp_path):
    import_file(SMALL)
    new_reply = comment(213, "Tomás Ribeiro", "E eu respondo ao 王小明.", "comment", parent=203)
    later = tmp_path / "later.xml"
    later.write_text(SMALL.read_text(encoding="utf-8").replace(
        "\t</item>", new_reply + "\t</item>", 1), encoding="utf-8")
    counts = row_counts()

    summary = import_file(later)

    assert summary.responses == Counter({("comment", "approved"): 1})
    assert summary.responses_existing == 11
    assert row_counts()["responses"] == counts["responses"] + 1
    added, parent = response(213), response(203)
    assert (added.parent_id, added.depth) == (parent.id, 3)
    assert added.path == f"{parent.path}.{added.id:010d}"


# --- files that are refused -------------------------------------------------------------------

@pytest.fixture
def seeded(db):
    """Some content already on the site, to show that a refused file leaves it as it was."""
    author = make_user(Role.AUTHOR, name="Here Before")
    here = make_article(author, title="Already here", tags=["kept"])
    make_response(here, body="An existing comment.")
    return database_snapshot()


def refuse(path, db) -> WxrError:
    with pytest.raises(WxrError) as caught:
        import_file(path, commit=False)
    db.session.rollback()  # as the CLI and the task do
    return caught.value


def test_a_truncated_file_reports_line_and_column_and_keeps_nothing(seeded, db):
    items_read = []
    with (FIXTURES / "truncated.xml").open("rb") as source, pytest.raises(WxrError) as caught:
        import_wxr(source, zone=ZoneInfo("UTC"), now=NOW,
                   progress=lambda: items_read.append(
                       db.session.scalar(select(func.count()).select_from(Article))))
    # The first item was whole: it had been written (in the transaction) before the error.
    assert items_read == [2]
    db.session.rollback()
    message = str(caught.value)
    assert message == ("The file is not well-formed XML: no element found at line 44, column "
                       "16 (the file ends before its elements are closed; it may have been cut "
                       "short). Nothing was imported.")
    assert database_snapshot() == seeded


@pytest.mark.parametrize(("name", "expected"), [
    ("not-xml.txt", "The file is not well-formed XML: syntax error at line 1, column 0 (this "
                    "is not XML). Nothing was imported."),
    ("not-wxr.xml", "This is XML, but not a WordPress export (WXR): its root element is "
                    "<html>, not <rss>."),
    ("xxe.xml", "The file declares XML entities of its own (<!ENTITY …>), which Parley refuses "
                "for safety; a WordPress export never does. Nothing was imported."),
    ("bomb.xml", "The file declares XML entities of its own (<!ENTITY …>), which Parley "
                 "refuses for safety; a WordPress export never does. Nothing was imported."),
])
def test_files_that_are_not_wordpress_exports_are_refused_clearly(seeded, db, name, expected):
    started = time.monotonic()
    error = refuse(FIXTURES / name, db)
    assert str(error) == expected
    assert time.monotonic() - started < 5  # the bomb is never expanded
    assert database_snapshot() == seeded


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "not well-formed XML: no element found at line 1, column 0"),
    (b'<?xml version="1.0"?><rss version="2.0"></rss>', "This is RSS, but not a WordPress export "
                                                        "(WXR): it has no channel."),
    (b'<rss version="2.0"><channel><title>An empty feed</title></channel></rss>',
     "This is RSS, but not a WordPress export (WXR): it has no wp:wxr_version and no WordPress "
     "items."),
])
def test_empty_files_and_plain_rss_feeds_are_refused(seeded, db, content, expected):
    with pytest.raises(WxrError, match=re.escape(expected)):
        import_wxr(io.BytesIO(content), zone=ZoneInfo("UTC"), now=NOW)
    db.session.rollback()
    assert database_snapshot() == seeded


def test_a_plain_rss_feed_with_items_is_refused(seeded, db):
    feed = (b'<rss version="2.0"><channel><title>A plain feed</title><item>'
            b"<title>Feed entry</title><description>Hello</description>"
            b"<link>https://blog.example.com/2009/06/01/hello/</link></item></channel></rss>")
    with pytest.raises(WxrError, match="not a WordPress export"):
        import_wxr(io.BytesIO(feed), zone=ZoneInfo("UTC"), now=NOW)
    db.session.rollback()
    assert database_snapshot() == seeded


def test_an_external_entity_is_never_read(db, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    wxr = (FIXTURES / "xxe.xml").read_text().replace("file:///etc/passwd", secret.as_uri())
    with pytest.raises(WxrError, match="refuses for safety"):
        import_wxr(io.BytesIO(wxr.encode()), zone=ZoneInfo("UTC"), now=NOW)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


@needs_corpus
@pytest.mark.parametrize(("name", "reason", "line", "column"), [
    ("wordpress-importer/malformed.xml", "mismatched tag", 90, 2),  # (INDEX.md)
    # An unescaped "]]>" inside CDATA.
    ("wordpress-importer/crazy-cdata.xml", "not well-formed (invalid token)", 18, 71),
])
def test_malformed_corpus_files_are_refused_with_line_and_column(seeded, db, name, reason, line,
                                                                 column):
    error = refuse(CORPUS / name, db)
    assert str(error).startswith(not_well_formed(reason, line, column))
    assert str(error).endswith("Nothing was imported.")
    assert database_snapshot() == seeded


@needs_corpus
def test_crazy_cdata_escaped_keeps_nested_cdata_text(db):
    import_file(CORPUS / "wordpress-importer" / "crazy-cdata-escaped.xml")
    post = db.session.scalars(select(Article)).one()
    assert post.body_source == "Content with nested <![CDATA[ tags ]]> :)"


# --- streaming --------------------------------------------------------------------------------

def test_the_import_reads_a_stream_and_reports_progress_per_item(db):
    calls = []
    with SMALL.open("rb") as raw:
        reader = CountingReader(raw)
        import_wxr(reader, zone=ZoneInfo("UTC"), now=NOW,
                   progress=lambda: calls.append(reader.done))
    assert len(calls) == 8  # one per <item>, pages and attachments included
    assert calls == sorted(calls) and calls[-1] <= SMALL.stat().st_size
    assert reader.done == SMALL.stat().st_size


def test_import_wxr_never_commits(db):
    with SMALL.open("rb") as source:
        import_wxr(source, zone=ZoneInfo("UTC"), now=NOW)
    db.session.rollback()
    assert row_counts()["articles"] == 0 and row_counts()["users"] == 0


# --- the command line -------------------------------------------------------------------------

def test_cli_import_prints_the_table_and_exits_0(runner, db):
    result = runner.invoke(args=["wxr", "import", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert "WXR version 1.2" in result.output
    assert "  post             future                      1" in result.output
    assert "  created (published)                           2" in result.output
    assert "  pingback         approved                    1" in result.output
    assert "Authors created: 2   Tags created: 5" in result.output
    assert row_counts()["articles"] == 6 and row_counts()["responses"] == 11

    again = runner.invoke(args=["wxr", "import", str(SMALL)])
    assert again.exit_code == 0, again.output
    assert "already imported" in again.output
    assert row_counts()["articles"] == 6 and row_counts()["responses"] == 11


def test_cli_import_of_a_malformed_file_fails_and_keeps_nothing(runner, seeded, db):
    result = runner.invoke(args=["wxr", "import", str(FIXTURES / "truncated.xml")])
    assert result.exit_code == 1
    assert ("Error: The file is not well-formed XML: no element found at line 44, column 16 "
            "(the file ends before its elements are closed; it may have been cut short). "
            "Nothing was imported.") in result.output
    assert "WXR version" not in result.output
    after = database_snapshot()
    assert {k: v for k, v in after.items() if k != "import_jobs"} == \
        {k: v for k, v in seeded.items() if k != "import_jobs"}
    job = db.session.scalars(select(ImportJob)).one()  # the command's own, for the record
    assert (job.state, job.filename) == ("failed", "truncated.xml")
    assert (FIXTURES / "truncated.xml").exists()  # the command never deletes your file


def test_cli_import_of_a_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["wxr", "import", str(tmp_path / "nope.xml")])
    assert result.exit_code == 2 and "does not exist" in result.output


# --- building small WXR documents in tests ----------------------------------------------------

def comment(wp_id: int, author: str, content: str, kind: str, *, parent: int = 0,
            approved: str = "1") -> str:
    return (f"\t\t<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>"
            f"<wp:comment_author><![CDATA[{author}]]></wp:comment_author>"
            f"<wp:comment_date_gmt>2020-01-02 10:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content><![CDATA[{content}]]></wp:comment_content>"
            f"<wp:comment_approved>{approved}</wp:comment_approved>"
            f"<wp:comment_type>{kind}</wp:comment_type>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n")


def wxr_with_comments(*comments: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version><item><title>Linked to</title>"
        "<link>https://old.example.com/2020/01/01/linked-to/</link>"
        "<guid>https://old.example.com/?p=1</guid><wp:post_id>1</wp:post_id>"
        "<wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n"
        + "".join(comments) + "</item></channel></rss>\n").encode()


# --- issue #8: plain text once escaped, h1, addresses, oversize texts -------------------------

def test_entities_in_titles_excerpts_and_names_are_shown_escaped_once(db, client):
    # WordPress keeps these as HTML: "Tom &amp; Jerry" is what an author typed as "Tom & Jerry".
    wxr = wxr_document(
        wxr_item(1, "Tom &amp; Jerry", excerpt="Tom &amp; Jerry &lt;3 <em>cheese</em>",
                 extra='<category domain="post_tag" nicename="cats-mice">'
                       "<![CDATA[Cats &amp; mice]]></category>",
                 comments=wxr_comment(1, "Ana &amp; Rui", "Great &amp; funny.")))
    import_wxr(io.BytesIO(wxr), zone=ZoneInfo("UTC"), now=NOW)
    db.session.commit()
    post = article(1)
    assert (post.title, post.excerpt, post.summary) == (
        "Tom & Jerry", "Tom & Jerry <3 cheese", "Tom & Jerry <3 cheese")
    assert [t.name for t in post.tags] == ["Cats & mice"]
    assert response(1).author_name == "Ana & Rui"

    home = client.get("/").get_data(as_text=True)
    assert ">Tom &amp; Jerry</a>" in home
    assert '<p class="excerpt">Tom &amp; Jerry &lt;3 cheese</p>' in home
    assert "&amp;amp;" not in home and "&amp;lt;" not in home
    page = client.get(post.path).get_data(as_text=True)
    assert "Ana &amp; Rui" in page and "&amp;amp;" not in page


def test_h1_headings_in_imported_posts_stay_headings(db):
    wxr = wxr_document(wxr_item(1, "Headings", content="<h1>Big news</h1>\n\nThe text."))
    import_wxr(io.BytesIO(wxr), zone=ZoneInfo("UTC"), now=NOW)
    assert article(1).body_html == "<h1>Big news</h1>\n<p>The text.</p>"


def test_commenter_and_linkback_addresses_pass_the_url_rule(db, client):
    wxr = wxr_document(wxr_item(1, "Links", comments="".join((
        wxr_comment(1, "Mallory", "Hi", url="javascript:alert(document.cookie)"),
        wxr_comment(2, "Eve", "Hi", url="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"),
        wxr_comment(3, "Bob", "Hi", url="http://Bob.Example.COM"),
        wxr_comment(4, "Carol", "Hi", url="carol.example.org/me"),
        wxr_comment(5, "Ping | Elsewhere", "[...] linked [...]", kind="pingback",
                    url="javascript:alert(1)"),
        wxr_comment(6, "Dave", "Hi")))))
    summary = import_wxr(io.BytesIO(wxr), zone=ZoneInfo("UTC"), now=NOW)
    db.session.commit()
    assert [response(n).author_url for n in range(1, 7)] == [
        "", "", "http://bob.example.com/", "http://carol.example.org/me", "", ""]
    assert response(5).source_url == ""
    assert summary.notes["commenter websites were not web addresses and were left out"] == 2
    assert summary.notes["linkback sources were not web addresses and were left out"] == 1
    assert "  2 × commenter websites were not web addresses and were left out" in \
        summary.table().splitlines()
    page = client.get(article(1).path).get_data(as_text=True)
    assert "javascript:" not in page and "data:text" not in page
    assert 'href="http://bob.example.com/"' in page


def test_ids_that_are_not_plain_numbers_are_ignored_not_a_crash(db):
    wxr = wxr_document(wxr_item(1, "Odd ids", comments="".join((
        wxr_comment(1, "First", "One"),
        "<wp:comment><wp:comment_id>²</wp:comment_id><wp:comment_author>Two</wp:comment_author>"
        "<wp:comment_content>Two</wp:comment_content><wp:comment_approved>1"
        "</wp:comment_approved><wp:comment_parent>99999999999999999999</wp:comment_parent>"
        "<wp:comment_user_id>٣</wp:comment_user_id></wp:comment>\n"))))
    import_wxr(io.BytesIO(wxr.replace(b"<wp:post_id>1<", b"<wp:post_id>98765432109876543<")),
               zone=ZoneInfo("UTC"), now=NOW)
    db.session.commit()
    post = db.session.scalars(select(Article)).one()
    assert post.wp_post_id is None
    odd = db.session.scalars(select(Response).where(Response.wp_comment_id.is_(None))).one()
    assert (odd.author_name, odd.parent_id, odd.user_id) == ("Two", None, None)


def big_text_wxr(tmp_path, text: str, *, where: str = "content"):
    """Two posts; the second holds `text` as its content or as a comment's text."""
    if where == "content":
        second = wxr_item(2, "The big one", content=text)
    else:
        second = wxr_item(2, "The big one", comments=wxr_comment(1, "Reader", text))
    return write_wxr(tmp_path / "big.xml", wxr_item(1, "A small one"), second)


@pytest.mark.parametrize(("where", "what"), [
    ("content", "its content"), ("comment", "the text of one of its comments")])
def test_a_text_over_the_limit_is_refused_while_reading_naming_the_item(
        app, seeded, db, tmp_path, monkeypatch, where, what):
    monkeypatch.setitem(app.config, "WXR_MAX_TEXT_BYTES", 1000)
    path = big_text_wxr(tmp_path, "x" * 3_000_000, where=where)
    line = path.read_text().splitlines().index("<title><![CDATA[The big one]]></title>")
    with path.open("rb") as raw, pytest.raises(WxrError) as caught:
        reader = CountingReader(raw)
        import_wxr(reader, zone=ZoneInfo("UTC"), now=NOW)
    db.session.rollback()
    assert str(caught.value) == (f"Item “The big one” (line {line}): {what} is over 1,000 "
                                 "bytes; nothing was imported.")
    # Refused while the text was being read: the parser never got far into it.
    assert reader.done < 100_000 < path.stat().st_size
    assert database_snapshot() == seeded


def test_a_text_at_the_limit_imports_and_the_limit_counts_bytes(app, db, tmp_path,
                                                                monkeypatch):
    monkeypatch.setitem(app.config, "WXR_MAX_TEXT_BYTES", 1000)
    import_file(big_text_wxr(tmp_path, "y" * 1000))
    assert article(2).body_source == "y" * 1000
    # 600 characters, 1,200 bytes in UTF-8: over.
    with pytest.raises(WxrError, match="its content is over 1,000 bytes"):
        import_file(big_text_wxr(tmp_path, "é" * 600), commit=False)
    db.session.rollback()


def test_a_huge_text_outside_any_item_is_refused_too(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "WXR_MAX_TEXT_BYTES", 1000)
    wxr = wxr_document(channel=f"<description>{'z' * 5000}</description>\n")
    with pytest.raises(WxrError) as caught:
        import_wxr(io.BytesIO(wxr), zone=ZoneInfo("UTC"), now=NOW)
    assert str(caught.value) == ("Line 8: the text of the <description> is over 1,000 bytes; "
                                 "nothing was imported.")


def test_the_default_text_limit_is_10_mb(app):
    assert app.config["WXR_MAX_TEXT_BYTES"] == 10 * 1024 * 1024


def _malformed_corpus_entries() -> list[dict]:
    return [entry for entry in _corpus_entries() if "parse_error" in entry]


@needs_corpus
@pytest.mark.parametrize("entry", _malformed_corpus_entries(), ids=lambda entry: entry["file"])
def test_every_malformed_corpus_file_gets_a_readable_message(db, entry):
    reason, line, column = re.search(r"^(.*): line (\d+), column (\d+)",
                                     entry["parse_error"]).groups()
    with pytest.raises(WxrError) as caught:
        import_file(CORPUS / entry["file"], commit=False)
    db.session.rollback()
    message = str(caught.value)
    assert message.startswith(not_well_formed(reason, line, column) + " (")
    assert message.endswith("). Nothing was imported.")
    assert readable(message), message


@needs_corpus
def test_the_malformed_corpus_is_all_there():
    assert {entry["file"] for entry in _malformed_corpus_entries()} == {
        "wordpress-importer/crazy-cdata.xml", "wordpress-importer/malformed-simple.xml",
        "wordpress-importer/malformed.xml", "narravo-synthetic/wxr_encoding.xml",
        "narravo-synthetic/wxr_malformed.xml"}


