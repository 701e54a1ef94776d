"""The editor: list, write, preview, save, publish, unpublish. Thin over services."""

from __future__ import annotations

from datetime import UTC

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from app.authoring import bp, services
from app.authoring.forms import ArticleForm, EmptyForm
from app.core.permissions import writers_only
from app.core.sanitize import render_article_markdown
from app.core.text import parse_tag_list
from app.core.timefmt import site_zone, to_site_time
from app.core.urls import BadUrl
from app.errors import CSRF_HANDLERS
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
                saved = _save(form, article, publish=bool(form.publish.data), now=now)
                if saved is not None:
                    db.session.commit()
                    flash(_saved_message(saved, now), "success")
                    return redirect(url_for("authoring.edit", article_id=saved.id))
    status = 422 if request.method == "POST" and preview_html is None else 200
    return render_template("authoring/editor.html", form=form, article=article,
                           autosave=_autosaved(article),
                           autosave_seconds=current_app.config.get("AUTOSAVE_SECONDS", 30),
                           preview_html=preview_html, now=now,
                           linkbacks=services.linkbacks_sent(article.id) if article else [],
                           sending_on=site_settings.load().send_linkbacks, trash_form=EmptyForm(),
                           zone_label=services.zone_label(site_zone(), now)), status


def _save(form: ArticleForm, article: Article | None, *, publish: bool, now) -> Article | None:
    """Save the validated form through the one save path; on a refusal, put the reason
    beside its field and return None. The caller commits."""
    try:
        return services.save_article(article, current_user, _input_from(form),
                                     publish=publish, now=now, zone=site_zone())
    except services.DuplicateSlug:
        form.slug.errors.append("Another article already uses this slug.")
    except BadUrl as error:
        form.reprint_url.errors.append(str(error))
    except services.BadTranslations as error:
        form.translations.errors.extend(error.messages)
    except services.BadTrackbackUrls as error:
        form.trackback_urls.errors.extend(error.messages)
    return None


def _autosaved(article: Article | None) -> bool:
    """Only drafts (and new articles) save themselves: readers never see half-typed text."""
    return article is None or article.status is ArticleStatus.DRAFT


@bp.post("/autosave")
@writers_only
def autosave_new():
    return _autosave(None)


@bp.post("/<int:article_id>/autosave")
@writers_only
def autosave(article_id: int):
    return _autosave(_load_editable(article_id))


def _autosave(article: Article | None):
    """The editor's script saving a draft as the author types: JSON, never a flash."""
    if not _autosaved(article):
        return jsonify(error="Autosave is for drafts; a published or scheduled article "
                             "changes when you press Update."), 409
    form = ArticleForm()
    now = utcnow()
    saved = _save(form, article, publish=False, now=now) if form.validate() else None
    if saved is None:
        errors = {name: list(messages) for name, messages in form.errors.items()}
        return jsonify(errors=errors), 422
    db.session.commit()
    return jsonify(id=saved.id, saved_at=now.isoformat(),
                   saved_label=f"Draft saved at {to_site_time(now):%H:%M}",
                   edit_url=url_for("authoring.edit", article_id=saved.id),
                   autosave_url=url_for("authoring.autosave", article_id=saved.id))


def _autosave_expired(error):
    return jsonify(errors={"csrf_token": [str(error.description)]}), 400


CSRF_HANDLERS["authoring.autosave"] = _autosave_expired
CSRF_HANDLERS["authoring.autosave_new"] = _autosave_expired


def _saved_message(article: Article, now) -> str:
    if article.is_live(now):
        return "Published. It is on the site now."
    if article.status is ArticleStatus.SCHEDULED:
        return "Scheduled. It will appear on the site at its publication date."
    return "Draft saved."
