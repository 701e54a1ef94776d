"""Public pages. Thin: load, check visibility, render."""

from __future__ import annotations

from calendar import month_name
from functools import wraps

from flask import abort, current_app, make_response, redirect, render_template, request, url_for

from app.blog import archives, bp, search, services
from app.comments.presenter import render_article_page
from app.core import freshness
from app.core.converters import id_arg, int_arg
from app.core.pagecache import cached_page, depends_on
from app.core.timefmt import site_zone
from app.models.types import utcnow
from app.templating import absolute, site_url_for

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
    return render_template("blog/home.html", page=page,
                           months=archives.archive_months(site_zone()), month_names=month_name)


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


def _lists_articles(view=None, *, params: tuple[str, ...] = ("page",)):
    """A list of articles: stored for anonymous readers, fresh while no article (nor a
    response count) changes. `params`: the query parameters it reads."""
    if view is None:
        return lambda function: _lists_articles(function, params=params)

    @wraps(view)
    def wrapped(*args, **kwargs):
        depends_on(freshness.ARTICLES, freshness.DISCUSSIONS)
        return view(*args, **kwargs)

    return cached_page(wrapped, params=params)


@bp.get("/tag/<slug>/")
@_lists_articles
def tag(slug: str):
    found = services.tag_by_slug(slug)
    if found is None:
        abort(404)
    page = services.paginate(services.articles_with_tag(found), _page_number(), _per_page())
    return render_template("blog/archive.html", page=page, heading=f"Tagged “{found.name}”")


def _archive(query, heading: str):
    """A date archive's page: a 404 when it has no articles (WordPress's answer too)."""
    page = services.paginate(query, _page_number(), _per_page())
    if not page.total:
        abort(404)
    return render_template("blog/archive.html", page=page, heading=heading,
                           months=archives.archive_months(site_zone()), month_names=month_name)


@bp.get("/<int(fixed_digits=4):year>/")
@_lists_articles
def year(year: int):
    if not archives.valid_year(year):
        abort(404)
    return _archive(archives.articles_in_year(year, site_zone()), f"Articles from {year}")


@bp.get("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/")
@_lists_articles
def month(year: int, month: int):
    if not (1 <= month <= 12 and archives.valid_year(year)):
        abort(404)
    return _archive(services.articles_in_month(year, month, site_zone()),
                    f"Articles from {month_name[month]} {year}")


@bp.get("/search")
@_lists_articles(params=("q", "page"))
def search_page():
    try:
        found = search.search_articles(request.args.get("q"), page=_page_number(),
                                       per_page=_per_page())
    except search.PageOutOfRange:
        abort(404)
    return render_template("blog/search.html", found=found)


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


def _xml(body: str, status: int = 200):
    response = make_response(body, status)
    response.headers["Content-Type"] = "application/xml; charset=utf-8"
    return response


@bp.get("/sitemap.xml")
@cached_page
def sitemap():
    """Every article and question page, in one file while they fit in one (sitemaps.org's
    50,000), else an index of numbered files."""
    depends_on(freshness.ARTICLES, freshness.QUESTIONS)
    per_file = archives.URLS_PER_SITEMAP
    n_articles, n_questions = archives.sitemap_counts()
    if n_articles + n_questions <= per_file:
        entries = archives.article_entries(1, per_file) + archives.question_entries(1, per_file)
        return _xml(render_template("blog/sitemap.xml", entries=entries, absolute=absolute))
    files = [site_url_for("blog.sitemap_part", kind=kind, number=n)
             for kind, total in (("articles", n_articles), ("questions", n_questions))
             for n in range(1, -(-total // per_file) + 1)]
    return _xml(render_template("blog/sitemap_index.xml", files=files))


@bp.get("/sitemap-<any(articles, questions):kind>-<int:number>.xml")
@cached_page
def sitemap_part(kind: str, number: int):
    depends_on(freshness.ARTICLES, freshness.QUESTIONS)
    read = archives.article_entries if kind == "articles" else archives.question_entries
    entries = read(number, archives.URLS_PER_SITEMAP) if number >= 1 else []
    if not entries:
        abort(404)
    return _xml(render_template("blog/sitemap.xml", entries=entries, absolute=absolute))


# Staff areas and per-reader pages: nothing there for a search engine.
ROBOTS_DISALLOW = ("/admin/", "/moderation/", "/write/", "/login", "/register", "/account")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "",
             f"Sitemap: {site_url_for('blog.sitemap')}", ""]
    response = make_response("\n".join(lines))
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: send them to the SVG."""
    return redirect(url_for("static", filename="favicon.svg"), 301)
