"""Posting, editing and deleting comments; subscriptions; comment feeds; avatars."""

from __future__ import annotations

import hashlib

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address

from app.comments import bp, feeds, proof, services, subscriptions, wording
from app.comments.forms import CommentForm, EditCommentForm
from app.comments.identity import (
    current_commenter,
    remember_proven,
    remember_response,
    renewed_stamp,
    save_details,
    seconds_since_shown,
)
from app.comments.presenter import (
    new_comment_form,
    note_for,
    render_article_page,
    render_form_fragment,
    render_response_fragment,
)
from app.comments.threads import page_of
from app.core import freshness
from app.core.identicon import identicon_svg
from app.core.pagecache import cached_page, depends_on
from app.errors import CSRF_HANDLERS, MESSAGES
from app.extensions import csrf, db, limiter
from app.models import Article, Response, ResponseStatus
from app.models.article import article_by_path, visible_articles
from app.models.types import utcnow
from app.moderation import settings as site_settings
from app.templating import permalink


def _wants_fragment() -> bool:
    return request.headers.get("X-Parley-Fragment") == "1"


def _live_article(article_id: int) -> Article:
    article = _article_or_none(article_id)
    if article is None:
        abort(404)
    return article


def _article_or_none(article_id: int | None) -> Article | None:
    if article_id is None:
        return None
    return db.session.scalars(visible_articles().where(Article.id == article_id)).first()


def _error_page(code: int):
    """The site's own page for an error that an endpoint other than the comment post hit."""
    title, message = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _form_again(form: CommentForm, status: int):
    """Answer the comment post with its form again: the fragment for the script, else the
    article page (whose form the browser lands on, through the form's #respond)."""
    article = _article_or_none((request.view_args or {}).get("article_id"))
    if article is None:
        return _error_page(404)
    if _wants_fragment():
        return render_form_fragment(article, form, None, status)
    return render_article_page(article, form=form, status=status)


def response_url(response: Response) -> str:
    if response.article is None:  # a question of its own, or an answer to one
        from app.questions.services import question_url

        question = response if response.thread_id == response.id else \
            db.session.get(Response, response.thread_id)
        return f"{question_url(question)}#comment-{response.id}"
    page = page_of(response, site_settings.load())
    query = f"?cpage={page}" if page > 1 else ""
    return f"{permalink(response.article)}{query}#comment-{response.id}"


@bp.app_template_global("response_link")
def response_link(response: Response) -> str:
    """Where a response is read: its place in the article's discussion (or the question's
    page, for a question of its own)."""
    return response_url(response)


@bp.app_template_filter("plural")
def plural_filter(count: int, singular: str, plural_form: str | None = None) -> str:
    """`{{ n|plural('response') }}`: "1 response", "2 responses"."""
    return wording.plural(count, singular, plural_form)



def _comment_rate() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


@bp.get("/articles/<int:article_id>/comments")
def post_page(article_id: int):
    """The address a form without JavaScript lands on after a preview or an error: opened
    again (a reload, a bookmark), it leads to the article's form."""
    return redirect(permalink(_live_article(article_id)) + "#respond")


@bp.post("/articles/<int:article_id>/comments")
@limiter.limit(_comment_rate, key_func=get_remote_address)
def post(article_id: int):
    article = _live_article(article_id)
    # The form keeps its stamp (when it was first shown) through previews and errors.
    form = CommentForm()
    if form.preview.data:
        preview = services.preview_html(form.body.data or "")
        if _wants_fragment():
            return render_form_fragment(article, form, preview, 200)
        return render_article_page(article, form=form, preview=preview)
    data = form.to_input()
    commenter = current_commenter()
    data.honeypot = form.homepage.data or ""
    data.seconds_to_fill = seconds_since_shown(form.stamp.data or "", commenter.now)
    settings = site_settings.load()
    try:
        response = services.submit_comment(article, data, commenter, settings)
    except services.CommentRefused as refusal:
        for name, message in refusal.errors.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        if "stamp" in refusal.errors:
            form.stamp.data = renewed_stamp(commenter.now, settings.min_fill_seconds)
        if _wants_fragment():
            return render_form_fragment(article, form, None, 422)
        return render_article_page(article, form=form, status=422)
    db.session.commit()
    if _wants_fragment():
        result = make_response(render_response_fragment(article, response))
    else:
        if response.status is ResponseStatus.PENDING:
            flash("Thank you. Your comment is awaiting moderation; until then only you see it.",
                  note_for(response.id, "info"))
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
        return _error_page(429)
    form = CommentForm()
    form.body.errors = [f"Too many comments from your address ({error.description}). "
                        "Wait a little and send it again; your text is kept here."]
    return _form_again(form, 429)


def _size(limit: int | None) -> str:
    if not limit:
        return "the most this site accepts"
    size = f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"{size}, the most this site accepts"


@bp.errorhandler(413)
def too_large(error):
    """Refuse a comment post over the size limit in the form's own way. Its body was not read,
    so the form comes back empty; the text is still in the browser (and with JavaScript, in
    the form, where the script keeps it)."""
    if request.endpoint != "comments.post":
        return _error_page(413)
    limit = request.max_content_length or current_app.config.get("MAX_FORM_MEMORY_SIZE")
    form = new_comment_form(unread=True)
    kept = ("Your text is still here in the form: shorten it and send it again."
            if _wants_fragment() else
            "It could not be kept here, but it is still in your browser: go back to find it, "
            "shorten it and send it again.")
    form.body.errors = [f"What you sent is over {_size(limit)}, so it was not received. {kept}"]
    return _form_again(form, 413)


def expired_form(error):
    """A comment post whose security token was missing or out of date: the form again, with
    what was typed and a fresh token (with JavaScript and without)."""
    form = CommentForm()
    form.form_errors.append("Your form had expired; check it and send it again.")
    return _form_again(form, 400)


CSRF_HANDLERS["comments.post"] = expired_form


@bp.get("/comment/<int:response_id>/", endpoint="permalink")
def permalink_redirect(response_id: int):
    response = db.get_or_404(Response, response_id)
    if response.status is not ResponseStatus.APPROVED or (
            response.article is not None and not response.article.is_live(utcnow())):
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
        was_public = response.status is ResponseStatus.APPROVED
        try:
            status = services.edit_comment(response, form.body.data or "", current_commenter(),
                                           site_settings.load())
        except services.CommentRefused as refusal:
            form.body.errors = [refusal.errors["body"]]
        else:
            db.session.commit()
            if was_public and status is not ResponseStatus.APPROVED:
                flash("Your edited comment is held for moderation: until a moderator approves "
                      "it, only you see it.", note_for(response.id, "info"))
            else:
                flash("Your comment is updated.", note_for(response.id))
            # The note shows beside the comment, where the browser lands.
            return redirect(response_url(response))
    return render_template("comments/edit.html", form=form, response=response), \
        422 if form.errors else 200


@bp.route("/comment/<int:response_id>/delete", methods=["GET", "POST"])
def delete(response_id: int):
    """Ask whether to delete one's own comment (GET), and delete it on the button's POST."""
    response = _own_recent(response_id)
    if request.method == "GET":
        return render_template("comments/delete.html", response=response,
                               what="question" if response.is_question else "comment")
    services.delete_own(response, current_commenter())
    db.session.commit()
    # The note shows at the top of the responses, where the browser lands.
    flash(f"Your {'question' if response.is_question else 'comment'} is deleted.", "success")
    if response.article is None:
        return redirect(url_for("questions.index"))
    return redirect(permalink(response.article) + "#responses")


@bp.route("/comments/publish/<token>", methods=["GET", "POST"])
def prove_address(token: str):
    """A link mailed to a held comment's address: its page asks (GET, which a mail client's
    preview may open); its button (POST) remembers the address in this browser and decides the
    comment again with that proof."""
    try:
        response = proof.read_token(token)
    except proof.BadProofLink as error:
        return render_template("comments/proof.html", error=str(error)), 400
    if request.method == "GET":
        return render_template("comments/proof.html", response=response)
    commenter = current_commenter()
    status = services.publish_proven(response, commenter, site_settings.load())
    db.session.commit()
    answer = make_response(render_template(
        "comments/proof.html", response=response, done=True, status=status.value,
        link=response_url(response) if status is ResponseStatus.APPROVED else None))
    remember_proven(answer, response.author_email)
    return answer


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
    article, question = subscription.article, subscription.question
    if request.method == "POST":
        if action == "confirm":
            subscriptions.confirm(subscription, utcnow())
        else:
            subscriptions.unsubscribe(subscription)
        db.session.commit()
        return render_template("comments/subscription.html", done=True, action=action,
                               article=article, question=question, email=subscription.email)
    return render_template("comments/subscription.html", action=action, article=article,
                           question=question, email=subscription.email)


@bp.get("/comments/feed/")
@cached_page
def site_feed():
    depends_on(freshness.ARTICLES, freshness.DISCUSSIONS)
    return feeds.atom_response(feeds.site_responses(), title_suffix="comments")


@bp.get("/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/<int(fixed_digits=2):day>/"
        "<slug>/feed/")
@cached_page
def article_feed(year: int, month: int, day: int, slug: str):
    article = article_by_path(f"/{year:04d}/{month:02d}/{day:02d}/{slug}/")
    if article is None:
        abort(404)
    depends_on(freshness.article(article.id))
    return feeds.atom_response(feeds.article_responses(article), article=article)


@bp.get("/avatar/<key>.svg")
def identicon(key: str):
    if len(key) > 64:
        abort(404)
    response = make_response(identicon_svg(hashlib.sha256(key.encode()).hexdigest()))
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
