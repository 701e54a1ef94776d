"""The article a reader's page shows is kept per process between changes: a personal page
(which the page cache does not serve) reads it with no query, and any change to the article,
its author's name or its tags is shown at once."""

from __future__ import annotations

from app.blog import services
from app.extensions import db as _db
from app.models import ArticleStatus, Role
from tests.factories import make_article, make_user


def test_the_article_is_read_once_then_kept(app, db, count_queries):
    article = make_article(title="Kept between changes", tags=["roadmaps"])
    with app.test_request_context():
        first = services.article_for_reading(article.path)
        with count_queries() as queries:
            again = services.article_for_reading(article.path)
    assert again is first and queries.count == 0
    assert [t.name for t in again.tags] == ["roadmaps"] and again.author.name


def test_a_missing_or_unpublished_article_is_none(app, db):
    draft = make_article(title="Not yet", published=False)
    with app.test_request_context():
        assert services.article_for_reading("/no/such/path/") is None
        assert services.article_for_reading(draft.path or "/none/") is None


def _personal(client):
    client.set_cookie("parley_commenter", "not even signed: still a personal page")
    return client


def test_a_personal_page_shows_an_article_edit_and_an_author_rename_at_once(client, db):
    author = make_user(Role.AUTHOR, name="First Name")
    article = make_article(author, title="Before the edit")
    reader = _personal(client)
    assert "Before the edit" in reader.get(article.path).get_data(as_text=True)

    article.title = "After the edit"
    _db.session.commit()
    page = reader.get(article.path).get_data(as_text=True)
    assert "After the edit" in page and "Before the edit" not in page

    author.name = "Second Name"
    _db.session.commit()
    assert "Second Name" in reader.get(article.path).get_data(as_text=True)


def test_an_unpublished_article_is_gone_for_personal_readers_at_once(client, db):
    article = make_article(title="Soon withdrawn")
    reader = _personal(client)
    assert reader.get(article.path).status_code == 200
    article.status = ArticleStatus.DRAFT
    _db.session.commit()
    assert reader.get(article.path).status_code == 404
