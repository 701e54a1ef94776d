"""The question page for the current reader: the question, its answers in order, the buttons
this reader may press, the answer form and the page's QAPage data."""

from __future__ import annotations

from flask import render_template

from app.comments import closing
from app.comments import services as comments
from app.comments.forms import CommentForm
from app.comments.identity import current_commenter
from app.comments.presenter import avatar_url, new_comment_form, split_notes
from app.core import pagecache
from app.models import Response
from app.moderation import settings as site_settings
from app.questions.jsonld import qa_page
from app.questions.rules import QuestionStatus
from app.questions.services import question_page


def badge_for(response: Response) -> str | None:
    """"Author" or "Staff", as on the article page (an article-less question has no author
    of its own: only staff are marked)."""
    if response.article is not None:
        return comments.badge_for(response, response.article)
    if response.user is not None and response.user.role.value in ("admin", "moderator",
                                                                   "author"):
        return "Staff"
    return None


def render_question_page(question: Response, *, form: CommentForm | None = None,
                         action_errors: dict | None = None, status: int = 200):
    """Render a question's page; `action_errors` puts a refused accept or vote's reason
    beside its button (keyed by the answer's id)."""
    settings = site_settings.load()
    commenter = current_commenter()
    page = question_page(question, commenter, settings.thread_depth)
    form = form or new_comment_form()
    form.parent_id.data = str(question.id)
    form.body.label.text = "Your answer"
    notes, notes_beside = split_notes(page.ids)
    # Answers under an article close with its comments (app/comments/closing.py), by age too:
    # a stored page ends when they do.
    state = closing.comments(question.article, settings.close_after_days, commenter.now) \
        if question.article is not None else closing.Openness(True)
    pagecache.fresh_until(state.closes_at)
    open_to_answers = question.duplicate_of_id is None and state.open
    return render_template(
        "questions/question.html", question=question, page=page, form=form,
        open_to_answers=open_to_answers, action_errors=action_errors or {},
        notes=notes, notes_beside=notes_beside,
        jsonld=qa_page(page) if question.status.value == "approved" else None,
        member=commenter.user, statuses=QuestionStatus, badge=badge_for,
        avatar=lambda email: avatar_url(email, settings.avatars),
        can_change=lambda r: comments.can_change(r, commenter, settings),
    ), status
