"""Public pages through the Flask test client."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from sqlalchemy import select

from app.models import Article, ResponseStatus, Role
from app.models.types import utcnow
from tests.factories import make_article, make_response, make_user

ATOM = "{http://www.w3.org/2005/Atom}"


def test_home_lists_live_articles_newest_first_with_counts(client, db):
    author = make_user(Role.AUTHOR, name="Maya Okafor")
    older = make_article(author, title="Older thoughts",
                         published_at=datetime(2024, 1, 5, 12, tzinfo=UTC))
    newer = make_article(author, title="Newer thoughts",
                         published_at=datetime(2024, 3, 9, 12, tzinfo=UTC))
    make_article(author, title="Secret draft", published=False)
    make_article(author, title="Future piece", published_at=utcnow() + timedelta(days=3))
    make_response(newer)
    make_response(newer)
    make_response(newer, status=ResponseStatus.PENDING)
    make_response(older, status=ResponseStatus.SPAM)

    html = client.get("/").get_data(as_text=True)

    assert html.index("Newer thoughts") < html.index("Older thoughts")
    assert "Secret draft" not in html and "Future piece" not in html
    assert "2 Responses" in html and "0 Responses" in html
    assert "Mar 9, 2024" in html and "Maya Okafor" in html


def test_home_paginates(client, db, app):
    author = make_user(Role.AUTHOR)
    for day in range(1, 13):
        make_article(author, title=f"Day {day:02d}",
                     published_at=datetime(2024, 5, day, tzinfo=UTC))
    first = client.get("/").get_data(as_text=True)
    second = client.get("/?page=2").get_data(as_text=True)
    assert "Day 12" in first and "Day 03" in first and "Day 02" not in first
    assert "Day 02" in second and "Day 01" in second and "Day 12" not in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert client.get("/?page=9").status_code == 404


def test_article_page_has_the_reference_anatomy(client, db):
    author = make_user(Role.AUTHOR, name="Maya Okafor", bio="Writes about product work.",
                       job_title="Product lead", social_handle="@maya@example.social")
    article = make_article(
        author, title="Roles compared", body="Intro.\n\n> A quote\n\n- one\n- two",
        published_at=datetime(2009, 6, 1, 21, 0, tzinfo=UTC), tags=["careers"],
        reprint_note="Reprinted in Example Weekly", reprint_url="https://weekly.example.org/1",
        translations=[("Português", "https://pt.example.org/a"),
                      ("zh-hans", "https://zh.example.org/a")],
    )
    make_response(article)
    assert article.path == "/2009/06/01/roles-compared/"

    response = client.get(article.path)
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<h1 class=\"p-name\">Roles compared</h1>" in html
    assert "Jun 1, 2009" in html and "Maya Okafor" in html
    # One word for all kinds together; the form is one link away from the top.
    assert 'href="#responses">1 response</a>' in html
    assert 'href="#respond">Leave a comment</a>' in html
    assert "<blockquote>" in html and "<li>one</li>" in html
    assert 'href="https://weekly.example.org/1">Reprinted in Example Weekly</a>' in html
    assert "Translations available:" in html
    # hreflang holds the language's BCP 47 tag; the link shows its name.
    assert '<a href="https://pt.example.org/a" hreflang="pt" lang="pt">Português</a>' in html
    assert '<a href="https://zh.example.org/a" hreflang="zh-Hans" lang="zh-Hans">简体中文</a>' \
        in html
    assert '<link rel="alternate" hreflang="pt" href="https://pt.example.org/a">' in html
    assert '<link rel="alternate" hreflang="zh-Hans" href="https://zh.example.org/a">' in html
    assert "Writes about product work." in html and "@maya@example.social" in html
    assert "1 response so far" in html
    assert "linkedin.com/sharing" in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all('src="/static/' in tag for tag in scripts)  # no third-party script


def test_missing_and_unpublished_articles_are_404_pages(client, db):
    draft = make_article(published=False, title="Not yet")
    assert draft.path is None
    response = client.get("/2024/01/01/not-yet/")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "<nav" in response.get_data(as_text=True)  # in the site's look


def test_tag_month_and_author_archives(client, db):
    author = make_user(Role.AUTHOR, name="Ines Carvalho")
    other = make_user(Role.AUTHOR, name="Someone Else")
    make_article(author, title="Tagged June", tags=["Road maps"],
                 published_at=datetime(2024, 6, 10, tzinfo=UTC))
    make_article(other, title="Untagged July", published_at=datetime(2024, 7, 1, tzinfo=UTC))

    tag_page = client.get("/tag/road-maps/").get_data(as_text=True)
    assert "Tagged June" in tag_page and "Untagged July" not in tag_page
    month_page = client.get("/2024/06/").get_data(as_text=True)
    assert "June 2024" in month_page and "Tagged June" in month_page
    assert "Untagged July" not in month_page
    author_page = client.get(f"/author/{author.slug}/").get_data(as_text=True)
    assert "Tagged June" in author_page and "Untagged July" not in author_page
    assert client.get("/tag/nope/").status_code == 404
    assert client.get("/2024/13/").status_code == 404
    assert client.get("/author/nobody/").status_code == 404


def test_month_archive_uses_site_time_zone(app, client, db):
    make_article(title="Late on the last night",
                 published_at=datetime(2024, 7, 1, 2, 30, tzinfo=UTC))  # June 30 in New York
    app.config["SITE_TIMEZONE"] = "America/New_York"
    try:
        assert "Late on the last night" in client.get("/2024/06/").get_data(as_text=True)
        assert "Late on the last night" not in client.get("/2024/07/").get_data(as_text=True)
    finally:
        app.config["SITE_TIMEZONE"] = "UTC"


def test_atom_feed_is_valid_xml_with_live_articles(client, db):
    make_article(title="Feed & friends", body="Body with <em>markup</em>.")
    make_article(title="Hidden draft", published=False)
    response = client.get("/feed/")
    assert response.content_type.startswith("application/atom+xml")
    root = ElementTree.fromstring(response.data)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Feed & friends"]
    content = root.find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html" and "<em>markup</em>" in content.text


def test_article_body_is_sanitised(client, db):
    article = make_article(body="Hi <script>alert(1)</script> <a href=\"javascript:x()\">x</a>"
                                " <img src=x onerror=alert(1)>")
    html = client.get(article.path).get_data(as_text=True)
    body = html[html.index('class="article-body'):html.index("</article>")]
    assert "<script" not in body and "javascript:" not in body and "onerror" not in body


def test_demo_translations_link_with_language_tags(runner, client, db):
    assert runner.invoke(args=["demo"]).exit_code == 0
    article = db.session.scalars(select(Article).where(Article.translations.any())).one()
    html = client.get(article.path).get_data(as_text=True)
    links = re.findall(r'<link rel="alternate" hreflang="([^"]+)"', html)
    assert sorted(links) == ["pl", "pt-BR", "zh-Hans"]
    assert 'hreflang="zh-Hans" lang="zh-Hans">简体中文</a>' in html
    assert 'hreflang="pt-BR" lang="pt-BR">Português (Brasil)</a>' in html
