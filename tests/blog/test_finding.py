"""Readers finding things: search, date archives, sitemap, robots.txt, feeds and favicon in
the page's head, through the Flask test client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from app.blog import archives
from app.models import ResponseKind, Role
from app.models.types import utcnow
from tests.factories import make_article, make_response, make_user

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def author(db):
    return make_user(Role.AUTHOR, name="Ines Falk")


def test_search_finds_live_articles_ranked_and_highlighted(client, author):
    make_article(author, title="Roadmaps that survive contact",
                 body="A roadmap is a bet. Roadmaps change.",
                 published_at=datetime(2025, 6, 3, tzinfo=UTC))
    make_article(author, title="Hiring notes",
                 body="## Plans\n\nWe also talk about the roadmap here.",
                 published_at=datetime(2025, 6, 4, tzinfo=UTC))
    make_article(author, title="Roadmap draft", body="roadmap roadmap", published=False)
    make_article(author, title="Roadmap soon", published_at=utcnow() + timedelta(days=2))

    html = client.get("/search?q=roadmap").get_data(as_text=True)

    assert "2 articles match" in html
    assert html.index("<mark>Roadmaps</mark> that survive") < html.index("Hiring notes")
    assert "Plans. We also talk about the <mark>roadmap</mark> here" in html
    assert "Roadmap draft" not in html and "Roadmap soon" not in html
    assert 'value="roadmap"' in html  # the header's box keeps what was typed


def test_search_escapes_what_it_shows(client, author):
    make_article(author, title="Tags <b>bold</b> & more",
                 body="Writing `<script>alert(1)</script>` in code is safe.")
    html = client.get("/search?q=writing").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<mark>Writing</mark> &lt;script&gt;alert(1)&lt;/script&gt; in code" in html
    html = client.get('/search?q="<img src=x onerror=alert(1)>"').get_data(as_text=True)
    assert "<img src=x" not in html


def test_search_empty_and_nothing_found_say_so(client, author):
    make_article(author, title="Something")
    assert "Type a word or two" in client.get("/search").get_data(as_text=True)
    assert "Type a word or two" in client.get("/search?q=").get_data(as_text=True)
    assert "has no word to look for" in client.get("/search?q=%22*%22").get_data(as_text=True)
    html = client.get("/search?q=zebra").get_data(as_text=True)
    assert "No articles match “zebra”" in html


def test_search_pages(client, author, app):
    for n in range(app.config["ARTICLES_PER_PAGE"] + 2):
        make_article(author, title=f"Interview story {n}")
    first = client.get("/search?q=interview").get_data(as_text=True)
    second = client.get("/search?q=interview&page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert second.count('class="article-summary"') == 2 and 'rel="prev"' in second
    assert client.get("/search?q=interview&page=3").status_code == 404


def test_search_is_stored_for_anonymous_readers_and_freshened(client, author):
    make_article(author, title="Backlog grooming")
    assert "1 article matches" in client.get("/search?q=backlog").get_data(as_text=True)
    make_article(author, title="Backlog myths")
    assert "2 articles match" in client.get("/search?q=backlog").get_data(as_text=True)


def test_search_runs_in_a_constant_number_of_queries(client, author, count_queries):
    make_article(author, title="Scope one", tags=["a"])
    client.get("/search?q=scope")
    with count_queries() as few:
        client.get("/search?q=scope&page=1")
    for n in range(6):
        make_article(author, title=f"Scope {n}", tags=[f"t{n}", "b"])
    with count_queries() as many:
        client.get("/search?q=scope&page=1")
    assert many.count == few.count


def test_year_and_month_archives(client, author):
    make_article(author, title="June piece", published_at=datetime(2025, 6, 10, tzinfo=UTC))
    make_article(author, title="March piece", published_at=datetime(2025, 3, 1, tzinfo=UTC))
    make_article(author, title="Old piece", published_at=datetime(2023, 1, 5, tzinfo=UTC))

    year = client.get("/2025/").get_data(as_text=True)
    assert "<h1>Articles from 2025</h1>" in year
    assert "June piece" in year and "March piece" in year and "Old piece" not in year
    month = client.get("/2025/06/").get_data(as_text=True)
    assert "<h1>Articles from June 2025</h1>" in month and "March piece" not in month
    assert '<a href="/2025/06/">June 2025</a> (1)' in month
    assert '<a href="/2023/01/">January 2023</a> (1)' in month
    assert month.index("June 2025</a>") < month.index("March 2025</a>")
    assert '<a href="/2025/03/">March 2025</a> (1)' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/2025/13/", "/2025/00/", "/2025/07/", "/2024/", "/0000/",
                                  "/9999/12/", "/2025/6/"])
def test_empty_or_invalid_archives_are_not_found(client, author, path):
    make_article(author, published_at=datetime(2025, 6, 10, tzinfo=UTC))
    assert client.get(path).status_code == 404


def test_archives_page(client, author, app):
    for day in range(1, app.config["ARTICLES_PER_PAGE"] + 2):
        make_article(author, title=f"Day {day}", published_at=datetime(2025, 6, day, tzinfo=UTC))
    assert 'rel="next"' in client.get("/2025/06/").get_data(as_text=True)
    assert 'rel="prev"' in client.get("/2025/?page=2").get_data(as_text=True)


def test_archives_run_in_a_constant_number_of_queries(client, author, count_queries):
    make_article(author, published_at=datetime(2025, 6, 1, tzinfo=UTC), tags=["x"])
    with count_queries() as few:
        client.get("/2025/?page=1")
    for day in range(2, 8):
        make_article(author, published_at=datetime(2025, day, 2, tzinfo=UTC), tags=[f"y{day}"])
    with count_queries() as many:
        client.get("/2025/?page=1")
    assert many.count == few.count


def _sitemap(client, path="/sitemap.xml"):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    return ElementTree.fromstring(response.data)


def test_sitemap_lists_articles_and_questions_with_lastmod(client, author, app):
    live = make_article(author, title="In the map", published_at=datetime(2025, 6, 1, tzinfo=UTC))
    hidden = make_article(author, title="Not yet", published=False)
    question = make_response(live, kind=ResponseKind.QUESTION, title="How do I start?",
                             body="Where do I begin?")
    make_response(hidden, kind=ResponseKind.QUESTION, title="Hidden one")

    root = _sitemap(client)
    assert root.tag == f"{SITEMAP}urlset"
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
            for u in root.findall(f"{SITEMAP}url")}
    site = app.config["SITE_URL"].rstrip("/")
    assert set(urls) == {site + live.path, f"{site}/questions/{question.id}-how-do-i-start"}
    for lastmod in urls.values():
        datetime.fromisoformat(lastmod)  # W3C datetime


def test_a_big_sitemap_becomes_an_index(client, author, app, monkeypatch):
    monkeypatch.setattr(archives, "URLS_PER_SITEMAP", 2)
    articles = [make_article(author) for _ in range(3)]
    make_response(articles[0], kind=ResponseKind.QUESTION, title="A question here")

    root = _sitemap(client)
    assert root.tag == f"{SITEMAP}sitemapindex"
    site = app.config["SITE_URL"].rstrip("/")
    files = [s.findtext(f"{SITEMAP}loc") for s in root.findall(f"{SITEMAP}sitemap")]
    assert files == [f"{site}/sitemap-articles-1.xml", f"{site}/sitemap-articles-2.xml",
                     f"{site}/sitemap-questions-1.xml"]
    listed = [u.findtext(f"{SITEMAP}loc") for f in files
              for u in _sitemap(client, f.removeprefix(site)).findall(f"{SITEMAP}url")]
    assert len(listed) == 4 and len(set(listed)) == 4
    assert client.get("/sitemap-articles-3.xml").status_code == 404
    assert client.get("/sitemap-articles-0.xml").status_code == 404


def test_robots_names_the_sitemap_and_keeps_out_of_staff_areas(client, app):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert f"Sitemap: {app.config['SITE_URL'].rstrip('/')}/sitemap.xml" in lines
    for area in ("/admin/", "/moderation/", "/write/"):
        assert f"Disallow: {area}" in lines


def test_head_advertises_both_feeds_the_favicon_and_search(client, db):
    html = client.get("/").get_data(as_text=True)
    assert 'type="application/atom+xml" title="The Product Desk: comments" ' \
        'href="/comments/feed/">' in html
    assert html.count('type="application/atom+xml"') == 2
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg' in html
    assert '<a href="/comments/feed/">comments feed</a>' in html  # the footer's link
    assert 'role="search"' in html and 'action="/search"' in html
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon.location.endswith("/static/favicon.svg")
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    ElementTree.fromstring(svg.data)


def test_the_sitemap_is_stored_until_an_article_changes(client, author, count_queries):
    make_article(author, title="First")
    first = client.get("/sitemap.xml").data
    with count_queries() as served:
        assert client.get("/sitemap.xml").data == first
    assert served.count <= 1  # the versions of its scopes, nothing else
    make_article(author, title="Second")
    assert len(_sitemap(client).findall(f"{SITEMAP}url")) == 2


def test_archive_months_follow_new_and_scheduled_articles(app, author):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Lisbon")
    make_article(author, published_at=datetime(2025, 5, 31, 23, 30, tzinfo=UTC))  # June there
    assert archives.archive_months(zone) == [archives.ArchiveMonth(2025, 6, 1)]
    later = utcnow() + timedelta(hours=1)
    make_article(author, published_at=later)
    make_article(author, published_at=datetime(2024, 2, 1, tzinfo=UTC))
    assert archives.archive_months(zone)[-1] == archives.ArchiveMonth(2024, 2, 1)
    assert len(archives.archive_months(zone)) == 2  # the scheduled one is not out yet
    seen = archives.archive_months(zone, now=later + timedelta(minutes=1))
    assert len(seen) == 3
