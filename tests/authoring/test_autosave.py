"""Autosave through the test client: the editor's script saving a draft as its author types."""

from __future__ import annotations

from datetime import timedelta

from app.models import Article, ArticleStatus, Role
from app.models.types import utcnow
from tests.authoring.test_views import article_form
from tests.factories import PASSWORD, make_article, make_user


def _author(forms):
    author = make_user(Role.AUTHOR)
    forms.login(author.email, PASSWORD)
    return author


def test_autosave_creates_a_draft_then_updates_it(forms, db):
    author = _author(forms)
    first = forms.post("/write/autosave", article_form(title="Half a thought", body="Begun"),
                       form_url="/write/new")
    assert first.status_code == 200, first.get_data(as_text=True)
    data = first.get_json()
    article = db.session.get(Article, data["id"])
    assert article.author_id == author.id and article.status is ArticleStatus.DRAFT
    assert article.title == "Half a thought" and article.body_source == "Begun"
    assert data["edit_url"] == f"/write/{article.id}/edit"
    assert data["saved_at"] and data["saved_label"].startswith("Draft saved at ")

    again = forms.post(f"/write/{article.id}/autosave",
                       article_form(title="A whole thought", body="Begun and finished"),
                       form_url=data["edit_url"])
    assert again.status_code == 200 and again.get_json()["id"] == article.id
    db.session.expire_all()
    assert db.session.scalars(db.select(Article)).all() == [article]
    assert article.title == "A whole thought" and article.body_source == "Begun and finished"
    assert article.status is ArticleStatus.DRAFT and article.path is None


def test_the_editor_offers_autosave_to_drafts_only(forms, db, app, monkeypatch):
    author = _author(forms)
    monkeypatch.setitem(app.config, "AUTOSAVE_SECONDS", 7)
    html = forms.client.get("/write/new").get_data(as_text=True)
    assert 'data-autosave-seconds="7"' in html and 'data-autosave-url="/write/autosave"' in html
    assert 'id="autosave-status" role="status" aria-live="polite"' in html
    assert "/static/editor.js" in html
    draft = make_article(author, published=False)
    html = forms.client.get(f"/write/{draft.id}/edit").get_data(as_text=True)
    assert f'data-autosave-url="/write/{draft.id}/autosave"' in html
    published = make_article(author)
    html = forms.client.get(f"/write/{published.id}/edit").get_data(as_text=True)
    assert "data-autosave-url" not in html
    assert "Autosave is for drafts; a published article changes when you press Update." in html


def test_a_published_article_is_never_autosaved(forms, db):
    author = _author(forms)
    article = make_article(author, title="On the site", body="As readers see it")
    response = forms.post(f"/write/{article.id}/autosave",
                          article_form(title="Half-typ", body="As readers se"),
                          form_url=f"/write/{article.id}/edit")
    assert response.status_code == 409 and "Autosave is for drafts" in response.get_json()["error"]
    db.session.expire_all()
    assert article.title == "On the site" and article.body_source == "As readers see it"
    assert article.status is ArticleStatus.PUBLISHED


def test_autosave_without_the_csrf_token_is_refused(forms, db):
    author = _author(forms)
    draft = make_article(author, title="Untouched", published=False)
    response = forms.client.post(f"/write/{draft.id}/autosave", data=article_form(title="Forged"))
    assert response.status_code == 400 and "csrf_token" in response.get_json()["errors"]
    response = forms.client.post("/write/autosave", data=article_form(title="Forged"))
    assert response.status_code == 400
    db.session.expire_all()
    assert draft.title == "Untouched"
    assert db.session.scalars(db.select(Article)).all() == [draft]


def test_someone_elses_draft_cannot_be_autosaved(forms, db):
    draft = make_article(make_user(Role.AUTHOR), title="Mine", published=False)
    _author(forms)
    response = forms.post(f"/write/{draft.id}/autosave", article_form(title="Yours now"),
                          form_url="/write/new")
    assert response.status_code == 403
    db.session.expire_all()
    assert draft.title == "Mine"


def test_members_cannot_autosave(forms, db):
    member = make_user(Role.MEMBER)
    forms.login(member.email, PASSWORD)
    response = forms.post("/write/autosave", article_form(), form_url="/")
    assert response.status_code == 403
    assert db.session.scalars(db.select(Article)).first() is None


def test_bad_input_answers_422_with_the_fields_errors(forms, db):
    author = _author(forms)
    draft = make_article(author, title="Short and fine", published=False)
    response = forms.post(f"/write/{draft.id}/autosave", article_form(title="x" * 201),
                          form_url=f"/write/{draft.id}/edit")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["title"]
    assert "200" in response.get_json()["errors"]["title"][0]
    taken = make_article(author, title="Taken", slug="taken")
    response = forms.post(f"/write/{draft.id}/autosave", article_form(slug=taken.slug),
                          form_url=f"/write/{draft.id}/edit")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"slug": ["Another article already uses this slug."]}
    db.session.expire_all()
    assert draft.title == "Short and fine"


def test_a_scheduled_article_is_never_autosaved(forms, db):
    author = _author(forms)
    article = make_article(author, title="Out tomorrow", published_at=utcnow() + timedelta(days=1))
    assert article.status is ArticleStatus.SCHEDULED
    response = forms.post(f"/write/{article.id}/autosave", article_form(title="Out tomorr"),
                          form_url=f"/write/{article.id}/edit")
    assert response.status_code == 409
    db.session.expire_all()
    assert article.title == "Out tomorrow" and article.status is ArticleStatus.SCHEDULED
