"""Public pages. Thin: load, check visibility, render."""

from __future__ import annotations

from calendar import month_name
from functools import wraps

from flask import abort, current_app, make_response, redirect, render_template, request

from app.blog import bp, services
from app.comments.presenter import render_article_page
from app.core import freshness
from app.core.converters import id_arg, int_arg
from app.core.pagecache import cached_page, depends_on
from app.core.timefmt import site_zone
from app.models.types import utcnow

# What an article's page reads from its query string: the comment page, the no-script reply.
ARTICLE_PARAMS = ("cpage", "replytocom")


def _page_number() -> int:
    return int_arg(request.args, "page", 1)


def _per_page() -> int:
    return current_app.config["ARTICLES_PER_PAGE"]


@bp.get("/")
@cached_page(params=("p", "page"))
def home():
    if (wp_id := id_arg(request.args, "p")) is not None:
        # WordPress's plain links (?p=123) of imported posts lead to their permalinks.
        found = services.article_by_wordpress_id(wp_id)
        if found is None:
            abort(404)
        return redirect(found.path, 301)
    depends_on(freshness.ARTICLES, freshness.DISCUSSIONS)
    page = services.paginate(services.visible_articles(), _page_number(), _per_page())
    return render_template("blog/home.html", page=page)


@bp.get("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<int(fixed_digits=2):day>/<slug>/")
@cached_page(params=ARTICLE_PARAMS, variants=("commenter",))
def article(year: int, month: int, day: int, slug: str):
    found = services.article_for_reading(f"/{year:04d}/{month:02d}/{day:02d}/{slug}/")
    if found is None:
        abort(404)
    depends_on(freshness.article(found.id))
    return render_article_page(found)


@bp.get("/<path:path>")
@cached_page(params=ARTICLE_PARAMS, variants=("commenter",))
def imported_permalink(path: str):
    """An imported post keeps whatever permalink it had on its old blog."""
    found = services.article_by_path("/" + path)
    if found is None and not path.endswith("/"):
        found = services.article_by_path(f"/{path}/")
        if found is not None:
            return redirect(found.path, 301)
    if found is None:
        abort(404)
    depends_on(freshness.article(found.id))
    return render_article_page(found)


def _lists_articles(view):
    """A list of articles: stored for anonymous readers, fresh while no article (nor a
    response count) changes."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        depends_on(freshness.ARTICLES, freshness.DISCUSSIONS)
        return view(*args, **kwargs)

    return cached_page(wrapped, params=("page",))


@bp.get("/tag/<slug>/")
@_lists_articles
def tag(slug: str):
    found = services.tag_by_slug(slug)
    if found is None:
        abort(404)
    page = services.paginate(services.articles_with_tag(found), _page_number(), _per_page())
    return render_template("blog/archive.html", page=page, heading=f"Tagged “{found.name}”")


@bp.get("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/")
@_lists_articles
def month(year: int, month: int):
    if not 1 <= month <= 12:
        abort(404)
    query = services.articles_in_month(year, month, site_zone())
    page = services.paginate(query, _page_number(), _per_page())
    return render_template("blog/archive.html", page=page, heading=f"{month_name[month]} {year}")


@bp.get("/author/<slug>/")
@_lists_articles
def author(slug: str):
    found = services.author_by_slug(slug)
    if found is None:
        abort(404)
    page = services.paginate(services.articles_by_author(found), _page_number(), _per_page())
    return render_template("blog/author.html", page=page, author=found)


@bp.get("/feed/")
@_lists_articles
def feed():
    articles = services.feed_articles()
    updated = max((a.updated_at for a in articles), default=utcnow())
    body = render_template("blog/feed.xml", articles=articles, updated=updated)
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response
