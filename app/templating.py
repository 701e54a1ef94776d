"""What every template can use: date filters, permalinks, share links, site settings."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Flask, current_app, request

from app.core import timefmt
from app.models import Article


def permalink(article: Article, external: bool = False) -> str:
    """Return the article's permalink path (or full URL)."""
    path = article.path or "/"
    return request.host_url.rstrip("/") + path if external else path


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
    app.jinja_env.globals.update(permalink=permalink, share_links=share_links)

    @app.context_processor
    def site():
        return {
            "site_name": current_app.config["SITE_NAME"],
            "site_tagline": current_app.config["SITE_TAGLINE"],
        }
