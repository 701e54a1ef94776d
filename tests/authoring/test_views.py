"""The editor through the test client: roles, preview, save, publish, errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from app.models import Article, ArticleStatus, Role
from tests.factories import PASSWORD, make_article, make_user

EDITOR_PAGES = ["/write/", "/write/new"]


@pytest.mark.parametrize("url", EDITOR_PAGES)
def test_guests_are_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
@pytest.mark.parametrize("url", EDITOR_PAGES)
def test_members_and_moderators_get_403(forms, db, role, url):
    user = make_user(role)
    forms.login(user.email, PASSWORD)
    response = forms.client.get(url)
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)


def test_authors_cannot_edit_each_others_articles(forms, db):
    article = make_article(make_user(Role.AUTHOR))
    intruder = make_user(Role.AUTHOR)
    forms.login(intruder.email, PASSWORD)
    assert forms.client.get(f"/write/{article.id}/edit").status_code == 403
    assert forms.client.get("/write/99999/edit").status_code == 404


def article_form(**fields):
    data = {"title": "Roles compared", "slug": "", "body": "Hello **world**", "excerpt": "",
            "tags": "careers, product", "publish_at": "", "reprint_note": "", "reprint_url": "",
            "translations": "", "comments_open": "y", "pings_open": "y"}
    data.update(fields)
    return data


def test_preview_renders_without_saving(forms, db):
    author = make_user(Role.AUTHOR)
    forms.login(author.email, PASSWORD)
    response = forms.post("/write/new", article_form(preview="Preview"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview (not saved yet)" in html and "<strong>world</strong>" in html
    assert "Hello **world**" in html  # the source stays in the textarea
    assert db.session.scalars(db.select(Article)).first() is None


def test_save_draft_then_publish(forms, db):
    author = make_user(Role.AUTHOR)
    forms.login(author.email, PASSWORD)
    response = forms.post("/write/new", article_form(save="Save draft"))
    assert response.status_code == 302
    article = db.session.scalars(db.select(Article)).one()
    assert article.status is ArticleStatus.DRAFT and article.author_id == author.id
    url = f"/write/{article.id}/edit"
    response = forms.post(url, article_form(publish="Publish",
                                            translations="Polski, https://pl.example.org/x"))
    assert response.status_code == 302
    db.session.refresh(article)
    assert article.status is ArticleStatus.PUBLISHED and article.path
    assert [t.language for t in article.translations] == ["Polski"]
    assert forms.client.get(article.path).status_code == 200
    assert "Roles compared" in forms.client.get("/").get_data(as_text=True)


def test_schedule_with_a_future_date(forms, db):
    author = make_user(Role.AUTHOR)
    forms.login(author.email, PASSWORD)
    forms.post("/write/new", article_form(publish="Publish", publish_at="2999-01-01T09:00"))
    article = db.session.scalars(db.select(Article)).one()
    assert article.status is ArticleStatus.SCHEDULED
    assert forms.client.get(article.path).status_code == 404


def test_unpublish_takes_it_off_the_site(forms, db):
    author = make_user(Role.AUTHOR)
    article = make_article(author)
    forms.login(author.email, PASSWORD)
    response = forms.post(f"/write/{article.id}/edit", article_form(unpublish="Unpublish"))
    assert response.status_code == 302
    assert forms.client.get(article.path).status_code == 404


def test_bad_input_is_shown_beside_each_field_and_nothing_is_lost(forms, db):
    author = make_user(Role.AUTHOR)
    make_article(author, title="Taken", slug="taken")
    forms.login(author.email, PASSWORD)
    body = "My long draft that must survive"
    response = forms.post("/write/new", article_form(
        title="", body=body, tags="fine, bad<tag>", slug="Not A Slug",
        translations="just words", reprint_url="notaurl", save="Save draft"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="title-error">Give the article a title.' in html
    assert 'id="slug-error">Use only lowercase letters' in html
    assert 'id="tags-error">' in html and "bad&lt;tag&gt;" in html
    assert 'id="translations-error">' in html and 'id="reprint_url-error">' in html
    assert body in html

    duplicate = forms.post("/write/new", article_form(slug="taken", save="Save draft"))
    assert 'id="slug-error">Another article already uses this slug.' in \
        duplicate.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 1


def test_unknown_languages_and_bad_reprint_links_are_shown_beside_their_fields(forms, db):
    author = make_user(Role.AUTHOR)
    forms.login(author.email, PASSWORD)
    typed = "Klingonese, https://tlh.example.org/a\nPolski, https://pl.example.org/a"
    response = forms.post("/write/new", article_form(
        translations=typed, reprint_note="Elsewhere", reprint_url="javascript:alert(1)",
        publish="Publish"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="translations-error">“Klingonese, https://tlh.example.org/a”: '
                     r"Write the language as a code like &#39;pl&#39; or a known name: ", html)
    assert 'id="reprint_url-error">Only web addresses starting with http:// or https:// ' \
        'are accepted.' in html
    assert f">\r\n{typed}</textarea>" in html  # kept as typed
    assert 'value="javascript:alert(1)"' in html
    assert db.session.scalars(db.select(Article)).first() is None

    fixed = forms.post("/write/new", article_form(
        translations="Klingon (tlh), https://tlh.example.org/a\npl, pl.example.org/a",
        reprint_note="Elsewhere", reprint_url="https://weekly.example.org/1", publish="Publish"))
    assert fixed.status_code == 302
    article = db.session.scalars(db.select(Article)).one()
    assert [(t.language, t.code, t.url) for t in article.translations] == [
        ("Klingon", "tlh", "https://tlh.example.org/a"),
        ("Polski", "pl", "http://pl.example.org/a")]


def test_admin_edits_any_article(forms, db):
    article = make_article(make_user(Role.AUTHOR), title="Someone's")
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    assert "Someone" in forms.client.get("/write/").get_data(as_text=True)
    assert forms.client.get(f"/write/{article.id}/edit").status_code == 200


class EditorFields(HTMLParser):
    """Read the editor form as a browser would submit it: inputs, textareas, checkboxes."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.buttons: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "textarea":
            self._textarea = name
            self.values[name] = ""
        elif tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "submit":
                self.buttons[attrs["value"]] = name
            elif kind != "checkbox" or "checked" in attrs:
                self.values[name] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            value = self.values[self._textarea]
            # Browsers drop the one line break that follows <textarea>.
            self.values[self._textarea] = re.sub(r"^\r?\n", "", value)
            self._textarea = None


def editor_fields(html: str) -> EditorFields:
    parser = EditorFields()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(("published_at", "button", "status"), [
    (datetime(2024, 5, 3, 9, 30, tzinfo=UTC), "Update", ArticleStatus.PUBLISHED),
    (datetime(2999, 1, 1, 9, 0, tzinfo=UTC), "Update", ArticleStatus.SCHEDULED),
    (datetime(2999, 1, 1, 9, 0, tzinfo=UTC), "Reschedule", ArticleStatus.SCHEDULED),
])
def test_an_existing_article_opens_filled_in_and_saves_unchanged(
        forms, db, published_at, button, status):
    author = make_user(Role.AUTHOR)
    article = make_article(author, title="Roles compared", body="Hello **world**",
                           tags=["roadmaps", "careers", "product"], published_at=published_at,
                           reprint_note="Reprinted in Weekly",
                           reprint_url="https://weekly.example.org/1",
                           translations=[("Polski", "https://pl.example.org/x"),
                                         ("pt-BR", "https://br.example.org/y")])
    before = (article.path, article.slug, article.published_at)
    forms.login(author.email, PASSWORD)
    url = f"/write/{article.id}/edit"

    page = editor_fields(forms.client.get(url).get_data(as_text=True))

    values = page.values
    assert values["title"] == "Roles compared" and values["body"] == "Hello **world**"
    assert values["tags"] == "careers, product, roadmaps"
    assert values["translations"] == ("Polski, https://pl.example.org/x\n"
                                      "Português (Brasil), https://br.example.org/y")
    assert values["reprint_url"] == "https://weekly.example.org/1"
    assert values["publish_at"] == published_at.strftime("%Y-%m-%dT%H:%M")
    assert values["comments_open"] == "y" and values["pings_open"] == "y"

    response = forms.client.post(url, data={**values, page.buttons[button]: button})

    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(article)
    assert (article.path, article.slug, article.published_at) == before
    assert article.status is status
    assert [t.name for t in article.tags] == ["careers", "product", "roadmaps"]
    assert [(t.language, t.code, t.url) for t in article.translations] == [
        ("Polski", "pl", "https://pl.example.org/x"),
        ("Português (Brasil)", "pt-BR", "https://br.example.org/y")]


def test_trackback_urls_are_checked_line_by_line_and_kept_when_saved(forms, db):
    author = make_user(Role.AUTHOR)
    forms.login(author.email, PASSWORD)
    typed = "https://blog.example.org/trackback/7\nnot a url at all"
    response = forms.post("/write/new", article_form(trackback_urls=typed, save="Save draft"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ('id="trackback_urls-error">“not a url at all”: A web address cannot contain spaces '
            "or invisible characters.") in html
    assert "https://blog.example.org/trackback/7\nnot a url at all</textarea>" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 0

    response = forms.post("/write/new", article_form(
        trackback_urls="blog.example.org/trackback/7\n", save="Save draft"))
    assert response.status_code == 302
    article = db.session.scalars(db.select(Article)).one()
    assert article.trackback_urls == "http://blog.example.org/trackback/7"
    page = editor_fields(forms.client.get(response.headers["Location"]).get_data(as_text=True))
    assert page.values["trackback_urls"] == "http://blog.example.org/trackback/7"
