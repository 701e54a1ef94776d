"""Posting, editing and deleting comments; subscriptions; comment feeds; avatars."""

from __future__ import annotations

import hashlib

from flask import abort, current_app, flash, make_response, redirect, render_template, request
from flask_limiter.util import get_remote_address

from app.blog.services import article_by_path, visible_articles
from app.comments import bp, feeds, services, subscriptions
from app.comments.forms import CommentForm, EditCommentForm
from app.comments.identity import (
    current_commenter,
    remember_response,
    save_details,
    seconds_since_shown,
)
from app.comments.presenter import (
    render_article_page,
    render_form_fragment,
    render_response_fragment,
)
from app.comments.threads import page_of
from app.core import settings as site_settings
from app.core.identicon import identicon_svg
from app.extensions import csrf, db, limiter
from app.models import Article, Response, ResponseStatus
from app.models.types import utcnow
from app.templating import permalink


def _wants_fragment() -> bool:
    return request.headers.get("X-Parley-Fragment") == "1"


def _live_article(article_id: int) -> Article:
    article = db.session.scalars(visible_articles().where(Article.id == article_id)).first()
    if article is None:
        abort(404)
    return article


def response_url(response: Response) -> str:
    page = page_of(response, site_settings.load())
    query = f"?cpage={page}" if page > 1 else ""
    return f"{permalink(response.article)}{query}#comment-{response.id}"


def _comment_rate() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


@bp.post("/articles/<int:article_id>/comments")
@limiter.limit(_comment_rate, key_func=get_remote_address)
def post(article_id: int):
    article = _live_article(article_id)
    form = CommentForm()
    if form.preview.data:
        preview = services.preview_html(form.body.data or "")
        if _wants_fragment():
            return render_form_fragment(article, form, preview, 200)
        return render_article_page(article, form=form, preview=preview)
    data = services.CommentInput(
        body=form.body.data or "", name=form.name.data or "", email=form.email.data or "",
        website=form.website.data or "", parent_id=form.parent(), notify=form.notify.data)
    commenter = current_commenter()
    data.honeypot = form.homepage.data or ""
    data.seconds_to_fill = seconds_since_shown(form.stamp.data or "", commenter.now)
    try:
        response = services.submit_comment(article, data, commenter, site_settings.load())
    except services.CommentRefused as refusal:
        for name, message in refusal.errors.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        if _wants_fragment():
            return render_form_fragment(article, form, None, 422)
        return render_article_page(article, form=form, status=422)
    db.session.commit()
    if _wants_fragment():
        result = make_response(render_response_fragment(article, response))
    else:
        if response.status is ResponseStatus.PENDING:
            flash("Thank you. Your comment is awaiting moderation; until then only you see it.",
                  "info")
        result = redirect(response_url(response))
    remember_response(result, response.id)
    if commenter.user is None:
        save_details(result, response.author_name, response.author_email, response.author_url,
                     keep=form.remember.data)
    return result


@bp.errorhandler(429)
def too_many(error):
    """Refuse a comment posted too often with the form again, the text kept, and the wait."""
    if request.endpoint != "comments.post":
        return error
    article = _live_article(request.view_args["article_id"])
    form = CommentForm()
    form.body.errors = [f"Too many comments from your address ({error.description}). "
                        "Wait a little and send it again; your text is kept here."]
    if _wants_fragment():
        return render_form_fragment(article, form, None, 429)
    return render_article_page(article, form=form, status=429)


@bp.get("/comment/<int:response_id>/", endpoint="permalink")
def permalink_redirect(response_id: int):
    response = db.get_or_404(Response, response_id)
    if response.status is not ResponseStatus.APPROVED or not response.article.is_live(utcnow()):
        abort(404)
    return redirect(response_url(response))


def _own_recent(response_id: int) -> Response:
    response = db.get_or_404(Response, response_id)
    if not services.can_change(response, current_commenter(), site_settings.load()):
        abort(403)
    return response


@bp.route("/comment/<int:response_id>/edit", methods=["GET", "POST"])
def edit(response_id: int):
    response = _own_recent(response_id)
    form = EditCommentForm()
    if request.method == "GET":
        form.body.data = response.body_source
    elif form.validate_on_submit():
        try:
            services.edit_comment(response, form.body.data or "", current_commenter(),
                                  site_settings.load())
        except services.CommentRefused as refusal:
            form.body.errors = [refusal.errors["body"]]
        else:
            db.session.commit()
            flash("Your comment is updated.", "success")
            return redirect(response_url(response) if response.status is
                            ResponseStatus.APPROVED else permalink(response.article))
    return render_template("comments/edit.html", form=form, response=response), \
        422 if form.errors else 200


@bp.post("/comment/<int:response_id>/delete")
def delete(response_id: int):
    response = _own_recent(response_id)
    services.delete_own(response)
    db.session.commit()
    flash("Your comment is deleted.", "success")
    return redirect(permalink(response.article) + "#responses")


@bp.route("/subscriptions/confirm/<token>", methods=["GET", "POST"])
def confirm_subscription(token: str):
    return _subscription_step(token, "confirm")


@bp.route("/subscriptions/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: mail clients POST without a form; the signed token suffices
def unsubscribe(token: str):
    return _subscription_step(token, "unsubscribe")


def _subscription_step(token: str, action: str):
    """Show what a signed mail link will do (GET); do it on the button's POST."""
    try:
        subscription = subscriptions.read_token(token, action)
    except subscriptions.BadLink as error:
        return render_template("comments/subscription.html", error=str(error), action=action), 400
    article = subscription.article
    if request.method == "POST":
        if action == "confirm":
            subscriptions.confirm(subscription, utcnow())
        else:
            subscriptions.unsubscribe(subscription)
        db.session.commit()
        return render_template("comments/subscription.html", done=True, action=action,
                               article=article, email=subscription.email)
    return render_template("comments/subscription.html", action=action, article=article,
                           email=subscription.email)


@bp.get("/comments/feed/")
def site_feed():
    return feeds.atom_response(feeds.site_responses(), title_suffix="comments")


@bp.get("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<int(fixed_digits=2):day>/"
        "<slug>/feed/")
def article_feed(year: int, month: int, day: int, slug: str):
    article = article_by_path(f"/{year:04d}/{month:02d}/{day:02d}/{slug}/")
    if article is None:
        abort(404)
    return feeds.atom_response(feeds.article_responses(article), article=article)


@bp.get("/avatar/<key>.svg")
def identicon(key: str):
    if len(key) > 64:
        abort(404)
    response = make_response(identicon_svg(hashlib.sha256(key.encode()).hexdigest()))
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
