"""A question's page, asking from the Questions page, answering, accepting and voting.

Thin: load, authorise, parse, call a service, commit once, respond. A refused accept or vote
shows the question page again with the reason beside the button, nothing changed.
"""

from __future__ import annotations

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

from app.comments import services as comments
from app.comments.forms import CommentForm
from app.comments.identity import (
    current_commenter,
    form_stamp,
    remember_response,
    save_details,
    saved_details,
    seconds_since_shown,
)
from app.comments.presenter import note_for
from app.core import freshness
from app.core.converters import int_arg, parse_id
from app.core.pagecache import cached_page, depends_on
from app.extensions import db, limiter
from app.models import Article, Response, ResponseKind, ResponseStatus
from app.models.types import utcnow
from app.moderation import settings as site_settings
from app.questions import bp, services
from app.questions.forms import AskForm
from app.questions.presenter import render_question_page
from app.questions.rules import question_slug
from app.questions.tags import all_tags


def _comment_rate() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


def _question_or_404(question_id: int) -> Response:
    question = services.visible_question(question_id, current_commenter(), utcnow())
    if question is None:
        abort(404)
    return question


@bp.get("/questions/<int:question_id>")
@bp.get("/questions/<int:question_id>-<slug>")
@cached_page
def show(question_id: int, slug: str | None = None):
    depends_on(freshness.question(question_id), freshness.ARTICLES)
    question = services.visible_question(question_id, current_commenter(), utcnow())
    if question is None:
        # A question a moderator turned back into a comment: its old address leads to it.
        was = db.session.get(Response, question_id)
        if was is not None and was.kind is ResponseKind.COMMENT \
                and was.status is ResponseStatus.APPROVED:
            return redirect(url_for("comments.permalink", response_id=was.id), 301)
        abort(404)
    if slug != question_slug(question.title):
        return redirect(services.question_url(question), 301)
    return render_question_page(question)


def _refused(form, refusal: comments.CommentRefused) -> None:
    for name, message in refusal.errors.items():
        target = getattr(form, name, None) or form.body
        target.errors = [*target.errors, message]


def _remember(result, response: Response, form: CommentForm, guest: bool):
    remember_response(result, response.id)
    if guest:
        save_details(result, response.author_name, response.author_email, response.author_url,
                     keep=form.remember.data)
    return result


def _ask_form_ready(form: AskForm) -> AskForm:
    form.offer_tags(all_tags())
    form.offer_articles(services.askable_articles(utcnow()))
    return form


@bp.route("/questions/ask", methods=["GET", "POST"])
@limiter.limit(_comment_rate, key_func=get_remote_address, methods=["POST"])
def ask():
    form = _ask_form_ready(AskForm())
    if request.method == "GET":
        form.stamp.data = form_stamp()
        details = saved_details()
        form.name.data, form.email.data = details.get("name", ""), details.get("email", "")
        form.website.data, form.remember.data = details.get("website", ""), bool(details)
        if (chosen := int_arg(request.args, "article", None)) is not None:
            form.article.data = str(chosen)
        return render_template("questions/ask.html", form=form)
    if form.preview.data:
        return render_template("questions/ask.html", form=form,
                               preview=comments.preview_html(form.body.data or ""))
    article = None
    if form.article.data:
        article_id = parse_id(form.article.data)
        askable = {a.id for a in services.askable_articles(utcnow())}
        article = db.session.get(Article, article_id) if article_id in askable else None
        if article is None:
            form.article.errors = ["That article is not open to questions: choose another, or "
                                   "none."]
            return render_template("questions/ask.html", form=form), 422
    commenter = current_commenter()
    data = form.to_input()
    data.honeypot = form.homepage.data or ""
    data.seconds_to_fill = seconds_since_shown(form.stamp.data or "", commenter.now)
    try:
        question = comments.submit_comment(article, data, commenter, site_settings.load())
    except comments.CommentRefused as refusal:
        _refused(form, refusal)
        return render_template("questions/ask.html", form=form), 422
    db.session.commit()
    if question.status is ResponseStatus.PENDING:
        flash("Thank you. Your question is awaiting moderation; until then only you see it.",
              "info")
    elif question.status is ResponseStatus.APPROVED:
        flash("Your question is published.", "success")
    return _remember(redirect(services.question_url(question)), question, form,
                     commenter.user is None)


@bp.post("/questions/<int:question_id>/answers")
@limiter.limit(_comment_rate, key_func=get_remote_address)
def answer(question_id: int):
    question = _question_or_404(question_id)
    form = CommentForm()
    if form.preview.data:
        return render_question_page(question, form=form)
    commenter = current_commenter()
    data = form.to_input()
    data.is_question, data.parent_id = False, question.id
    data.honeypot = form.homepage.data or ""
    data.seconds_to_fill = seconds_since_shown(form.stamp.data or "", commenter.now)
    try:
        reply = comments.submit_comment(question.article, data, commenter, site_settings.load())
    except comments.CommentRefused as refusal:
        _refused(form, refusal)
        return render_question_page(question, form=form, status=422)
    db.session.commit()
    if reply.status is ResponseStatus.PENDING:
        flash("Thank you. Your answer is awaiting moderation; until then only you see it.",
              note_for(reply.id, "info"))
    return _remember(redirect(f"{services.question_url(question)}#comment-{reply.id}"), reply,
                     form, commenter.user is None)


def _on_answer(question_id: int, do) -> object:
    """Run an accept or a vote on the answer the form names; refused, the question page again
    with the reason beside that answer's buttons, nothing changed."""
    question = _question_or_404(question_id)
    answer_id = parse_id(request.form.get("answer_id"))
    answer = db.session.get(Response, answer_id) if answer_id is not None else None
    commenter = current_commenter()
    try:
        if answer is None or answer.parent_id != question.id:
            raise services.QuestionError("That reply is not an answer to this question.")
        message = do(question, answer, commenter)
    except services.QuestionError as error:
        db.session.rollback()
        voting_guest = request.endpoint == "questions.helpful" and commenter.user is None
        return render_question_page(question, action_errors={answer_id: str(error)},
                                    status=403 if voting_guest else 422)
    db.session.commit()
    flash(message, note_for(answer.id))
    return redirect(f"{services.question_url(question)}#comment-{answer.id}")


@bp.post("/questions/<int:question_id>/accept")
def accept(question_id: int):
    def do(question, answer, commenter):
        if request.form.get("do") == "unaccept":
            services.unaccept(question, commenter, commenter.now)
            return "The accepted mark is taken back."
        services.accept(question, answer, commenter, commenter.now)
        return "Answer accepted: it now shows first."

    return _on_answer(question_id, do)


@bp.post("/questions/<int:question_id>/helpful")
def helpful(question_id: int):
    def do(question, answer, commenter):
        if request.form.get("do") == "unvote":
            services.unvote(answer, commenter.user)
            return "Your helpful mark is taken back."
        services.vote(answer, commenter.user, commenter.now)
        return "Marked helpful. Thank you."

    return _on_answer(question_id, do)


@bp.errorhandler(429)
def too_many(error):
    """Too many questions or answers from one address: the form again, the text kept."""
    form = _ask_form_ready(AskForm()) if request.endpoint == "questions.ask" else CommentForm()
    form.body.errors = [f"Too many posts from your address ({error.description}). Wait a "
                        "little and send it again; your text is kept here."]
    if request.endpoint == "questions.ask":
        return render_template("questions/ask.html", form=form), 429
    if request.endpoint == "questions.answer":
        question = services.visible_question((request.view_args or {}).get("question_id", 0),
                                             current_commenter(), utcnow())
        if question is not None:
            return render_question_page(question, form=form, status=429)
    return make_response(("Too many requests", 429))
