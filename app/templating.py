"""What every template can use: date filters, permalinks, share links, site settings."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Flask, current_app, url_for

from app.core import timefmt
from app.core.paging import page_numbers
from app.core.urls import safe_href
from app.models import Article


def absolute(path: str) -> str:
    """Return the full URL of a path on this site, from SITE_URL (never the request's Host)."""
    return current_app.config["SITE_URL"] + path


def site_url_for(endpoint: str, **values) -> str:
    """url_for(..., _external=True), but built on SITE_URL."""
    return absolute(url_for(endpoint, **values))


def permalink(article: Article, external: bool = False) -> str:
    """Return the article's permalink path (or full URL)."""
    path = article.path or "/"
    return absolute(path) if external else path


def share_links(article: Article) -> list[tuple[str, str]]:
    """Plain share links (no third-party script): (label, href)."""
    url = permalink(article, external=True)
    title = article.title
    return [
        ("Email", f"mailto:?subject={quote(title)}&body={quote(url)}"),
        ("Mastodon", "https://mastodonshare.com/?" + urlencode({"text": title, "url": url})),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": f"{title} {url}"})),
        ("Hacker News", "https://news.ycombinator.com/submitlink?" + urlencode(
            {"u": url, "t": title})),
    ]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = timefmt.format_date
    app.jinja_env.filters["datetime"] = timefmt.format_datetime
    app.jinja_env.filters["iso"] = timefmt.isoformat
    app.jinja_env.filters["safe_href"] = safe_href
    from app.questions.rules import STATUS_LABELS
    from app.questions.services import question_url

    app.jinja_env.globals.update(permalink=permalink, share_links=share_links,
                                 site_url_for=site_url_for, question_url=question_url,
                                 status_labels=STATUS_LABELS, page_numbers=page_numbers)

    @app.context_processor
    def site():
        return {
            "site_name": current_app.config["SITE_NAME"],
            "site_tagline": current_app.config["SITE_TAGLINE"],
        }
