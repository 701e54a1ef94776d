"""The Trash: trash, restore within 30 days, purge after; readers get 404 meanwhile."""

from __future__ import annotations

from datetime import timedelta

from app.authoring.services import TRASH_DAYS, purge_trashed_articles, restore, trash
from app.models import Article, ArticleStatus, Response, Role
from app.models.types import utcnow
from tests.factories import PASSWORD, make_article, make_response, make_user


def test_trash_takes_it_off_and_restore_brings_it_back_as_a_draft(app, db):
    article = make_article()
    trash(article, utcnow())
    db.session.commit()
    assert article.status is ArticleStatus.DRAFT and article.trashed_at is not None
    restore(article)
    db.session.commit()
    assert article.trashed_at is None and article.status is ArticleStatus.DRAFT


def test_purge_deletes_only_what_was_trashed_more_than_30_days_ago(app, db):
    now = utcnow()
    old, recent, kept = make_article(), make_article(), make_article()
    make_response(old)
    trash(old, now - timedelta(days=TRASH_DAYS, minutes=1))
    trash(recent, now - timedelta(days=TRASH_DAYS - 1))
    db.session.commit()
    old_id = old.id
    assert purge_trashed_articles(now) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Article, old_id) is None
    assert db.session.scalar(db.select(Response).where(Response.article_id == old_id)) is None
    assert db.session.get(Article, recent.id) is not None
    assert db.session.get(Article, kept.id) is not None


def test_trashed_article_is_404_then_restored_through_the_views(app, forms, db):
    author = make_user(Role.AUTHOR)
    article = make_article(author, title="Roadmaps in the bin")
    path = article.path
    reader = app.test_client()
    assert reader.get(path).status_code == 200
    forms.login(author.email, PASSWORD)
    response = forms.post(f"/write/{article.id}/trash", {}, form_url=f"/write/{article.id}/edit")
    assert response.status_code == 302
    assert reader.get(path).status_code == 404
    edit_link = f'href="/write/{article.id}/edit"'
    forms.client.get("/write/")  # shows the flash message
    assert edit_link not in forms.client.get("/write/").get_data(as_text=True)
    trash_view = forms.client.get("/write/?view=trash").get_data(as_text=True)
    assert "Roadmaps in the bin" in trash_view and ">trash<" in trash_view
    restored = forms.post(f"/write/{article.id}/restore", {}, form_url="/write/?view=trash")
    assert restored.status_code == 302
    db.session.expire_all()
    assert db.session.get(Article, article.id).trashed_at is None
    forms.client.get("/write/")
    assert edit_link in forms.client.get("/write/").get_data(as_text=True)


def test_trash_without_csrf_is_refused(forms, db):
    author = make_user(Role.AUTHOR)
    article = make_article(author)
    forms.login(author.email, PASSWORD)
    response = forms.client.post(f"/write/{article.id}/trash", data={})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Article, article.id).trashed_at is None
