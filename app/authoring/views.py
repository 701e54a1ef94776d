"""The editor: list, write, preview, save, publish, unpublish. Thin over services."""

from __future__ import annotations

from datetime import UTC

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.authoring import bp, services
from app.authoring.forms import ArticleForm, EmptyForm
from app.core.permissions import writers_only
from app.core.sanitize import render_article_markdown
from app.core.text import parse_tag_list
from app.core.timefmt import site_zone, to_site_time
from app.core.urls import BadUrl
from app.extensions import db
from app.models import Article, ArticleStatus
from app.models.types import utcnow
from app.moderation import settings as site_settings


def _input_from(form: ArticleForm) -> services.ArticleInput:
    publish_at = None
    if form.publish_at.data is not None:
        publish_at = form.publish_at.data.replace(tzinfo=site_zone()).astimezone(UTC)
    return services.ArticleInput(
        title=form.title.data or "",
        body=form.body.data or "",
        slug=(form.slug.data or "").strip(),
        excerpt=form.excerpt.data or "",
        tags=parse_tag_list(form.tags.data or "")[0],
        publish_at=publish_at,
        reprint_note=form.reprint_note.data or "",
        reprint_url=form.reprint_url.data or "",
        translations=services.parse_translations(form.translations.data or "")[0],
        comments_open=form.comments_open.data,
        pings_open=form.pings_open.data,
        keep_open=form.keep_open.data,
        trackback_urls=services.parse_trackback_urls(form.trackback_urls.data or "")[0],
    )


def _fill_from(form: ArticleForm, article: Article) -> None:
    """Show the article as the editor's fields hold it, so that sending the form back
    unchanged saves the same article. (Not `obj=article`: its attributes would win, and
    `tags` and `translations` are lists of rows, not the text the fields take.)"""
    form.process(data={
        "title": article.title,
        "slug": article.slug,
        "body": article.body_source,
        "excerpt": article.excerpt,
        "tags": ", ".join(tag.name for tag in article.tags),
        "publish_at": (to_site_time(article.published_at).replace(tzinfo=None)
                       if article.published_at else None),
        "reprint_note": article.reprint_note,
        "reprint_url": article.reprint_url,
        "translations": services.format_translations(article),
        "comments_open": article.comments_open,
        "pings_open": article.pings_open,
        "keep_open": article.keep_open,
        "trackback_urls": article.trackback_urls,
    })


def _load_editable(article_id: int) -> Article:
    article = db.get_or_404(Article, article_id)
    if not services.can_edit(current_user, article):
        abort(403)
    return article


@bp.get("/")
@writers_only
def index():
    trashed = request.args.get("view") == "trash"
    articles = services.articles_for(current_user, trashed=trashed)
    return render_template("authoring/index.html", articles=articles, now=utcnow(),
                           trashed=trashed, trash_days=services.TRASH_DAYS,
                           trash_form=EmptyForm(),
                           counts=services.response_counts([a.id for a in articles]),
                           status_label=services.status_label)


@bp.post("/<int:article_id>/trash")
@writers_only
def trash(article_id: int):
    article = _load_editable(article_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.trash(article, utcnow())
    db.session.commit()
    flash(f"“{article.title}” is in the Trash; restore it within {services.TRASH_DAYS} days.",
          "success")
    return redirect(url_for("authoring.index"))


@bp.post("/<int:article_id>/restore")
@writers_only
def restore(article_id: int):
    article = _load_editable(article_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.restore(article)
    db.session.commit()
    flash(f"“{article.title}” is back, as a draft.", "success")
    return redirect(url_for("authoring.edit", article_id=article.id))


@bp.route("/new", methods=["GET", "POST"])
@writers_only
def new():
    return _editor(None)


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
@writers_only
def edit(article_id: int):
    return _editor(_load_editable(article_id))


def _editor(article: Article | None):
    form = ArticleForm()
    now = utcnow()
    if request.method == "GET" and article is not None:
        _fill_from(form, article)
    preview_html = None
    if request.method == "POST":
        if form.unpublish.data and article is not None:  # CSRFProtect has checked the token
            services.unpublish(article)
            db.session.commit()
            flash("The article is off the site and saved as a draft.", "success")
            return redirect(url_for("authoring.edit", article_id=article.id))
        if form.validate():
            if form.preview.data:
                preview_html = render_article_markdown(form.body.data or "")
            else:
                try:
                    saved = services.save_article(
                        article, current_user, _input_from(form),
                        publish=bool(form.publish.data), now=now, zone=site_zone())
                except services.DuplicateSlug:
                    form.slug.errors.append("Another article already uses this slug.")
                except BadUrl as error:
                    form.reprint_url.errors.append(str(error))
                except services.BadTranslations as error:
                    form.translations.errors.extend(error.messages)
                except services.BadTrackbackUrls as error:
                    form.trackback_urls.errors.extend(error.messages)
                else:
                    db.session.commit()
                    flash(_saved_message(saved, now), "success")
                    return redirect(url_for("authoring.edit", article_id=saved.id))
    status = 422 if request.method == "POST" and preview_html is None else 200
    return render_template("authoring/editor.html", form=form, article=article,
                           preview_html=preview_html, now=now,
                           linkbacks=services.linkbacks_sent(article.id) if article else [],
                           sending_on=site_settings.load().send_linkbacks, trash_form=EmptyForm(),
                           zone_label=services.zone_label(site_zone(), now)), status


def _saved_message(article: Article, now) -> str:
    if article.is_live(now):
        return "Published. It is on the site now."
    if article.status is ArticleStatus.SCHEDULED:
        return "Scheduled. It will appear on the site at its publication date."
    return "Draft saved."
