"""Tools → Export: the WXR download, whole site or one author's, streamed, and who may."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.importers import wxr_export
from app.importers.wxr import import_wxr
from app.models import Article, Response, Role
from tests.factories import PASSWORD, make_article, make_response, make_user
from tests.importers.helpers import NOW, delete_all_rows

DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
WP = "{http://wordpress.org/export/1.2/}"


@pytest.fixture
def site(db):
    ada = make_user(Role.AUTHOR, name="Ada Quill", email="ada@example.org")
    ben = make_user(Role.AUTHOR, name="Ben Inkwell", email="ben@example.org")
    first = make_article(ada, title="Roadmaps that age well", tags=["planning"])
    make_response(first, body="Quarterly, not yearly.")
    make_response(make_article(ada, title="Saying no kindly"), body="A good list.")
    second = make_article(ben, title="Discovery interviews", tags=["research"])
    make_response(second, body="Five people is plenty.")
    return {"ada": ada, "ben": ben}


def download(forms, author=None):
    url = "/admin/export/download" + (f"?author={author}" if author else "")
    return forms.client.get(url)


def titles(document: bytes) -> list[str]:
    return sorted(item.findtext("title") for item in ElementTree.fromstring(document)
                  .iter("item"))


def test_admin_downloads_the_whole_site_and_it_round_trips_through_the_importer(
        forms, db, site, app):
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    page = forms.client.get("/admin/export/").get_data(as_text=True)
    assert "All content" in page and "Articles by Ada Quill" in page
    response = download(forms)
    assert response.status_code == 200
    assert response.is_streamed  # a generator, never the whole file in memory
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    assert response.headers["Content-Disposition"].endswith('.xml"')
    document = response.get_data()
    assert titles(document) == ["Discovery interviews", "Roadmaps that age well",
                                "Saying no kindly"]
    forms.client.get("/logout")
    delete_all_rows()
    summary = import_wxr(io.BytesIO(document), zone=wxr_export.ZoneInfo("UTC"), now=NOW)
    _db.session.commit()
    assert summary.as_dict()["articles"] == 3
    assert sorted(_db.session.scalars(select(Article.title))) == titles(document)
    assert sorted(_db.session.scalars(select(Response.body_html))) == [
        "<p>A good list.</p>", "<p>Five people is plenty.</p>", "<p>Quarterly, not yearly.</p>"]


def test_one_authors_export_holds_only_their_articles_authors_and_tags(forms, db, site):
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    document = download(forms, site["ada"].id).get_data()
    root = ElementTree.fromstring(document)
    assert titles(document) == ["Roadmaps that age well", "Saying no kindly"]
    assert {item.findtext(DC_CREATOR) for item in root.iter("item")} == {site["ada"].slug}
    assert [a.findtext(f"{WP}author_login") for a in root.iter(f"{WP}author")] == [
        site["ada"].slug]
    assert [t.findtext(f"{WP}tag_slug") for t in root.iter(f"{WP}tag")] == ["planning"]
    assert b"Five people is plenty." not in document


def test_an_author_exports_their_own_articles_only(forms, db, site):
    forms.login(site["ben"].email, PASSWORD)
    assert titles(download(forms).get_data()) == ["Discovery interviews"]
    assert titles(download(forms, site["ben"].id).get_data()) == ["Discovery interviews"]
    assert download(forms, site["ada"].id).status_code == 403


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
def test_readers_and_moderators_may_not_export(forms, db, site, role):
    forms.login(make_user(role).email, PASSWORD)
    assert forms.client.get("/admin/export/").status_code == 403
    assert download(forms).status_code == 403


def test_the_export_comes_in_chunks_with_a_constant_number_of_queries(
        app, db, count_queries, monkeypatch):
    author = make_user(Role.AUTHOR)
    for n in range(12):
        article = make_article(author, title=f"Note {n}", tags=[f"tag {n % 3}"])
        make_response(article, make_response(article, body=f"First on {n}"), body="A reply")
    monkeypatch.setattr(wxr_export, "CHUNK_CHARS", 1000)

    def statements(batch: int) -> tuple[int, int]:
        monkeypatch.setattr(wxr_export, "EXPORT_BATCH", batch)
        _db.session.rollback()  # each count starts a transaction of its own
        with app.test_request_context(), count_queries() as counter:
            chunks = list(wxr_export.wxr_chunks(site_url="http://x.test", now=NOW))
        assert all(len(chunk) < 1000 + 4000 for chunk in chunks)
        return counter.count, len(chunks)

    many, chunks = statements(3)  # four batches
    few, _ = statements(12)  # one batch
    assert chunks > 5
    # Three more batches, four statements each: the articles, their tags, their responses,
    # and those responses' question tags; nothing per article or per response.
    assert many - few == 3 * 4


def test_a_streamed_export_of_an_empty_site_is_still_a_wxr_document(forms, db):
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    root = ElementTree.fromstring(download(forms).get_data())
    assert root.find("channel").findtext(f"{WP}wxr_version") == "1.2"
    assert _db.session.scalar(select(func.count()).select_from(Article)) == 0
