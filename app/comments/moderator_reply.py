"""A moderator's reply from the queue (`moderation.reply`): it approves what it answers and
posts a comment, so it lives with the comments, on the moderation blueprint's URL."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.comments import services as comments
from app.extensions import db
from app.models import Response, ResponseStatus
from app.models.types import utcnow
from app.moderation import bp, services
from app.moderation import settings as site_settings
from app.moderation.forms import ReplyForm
from app.moderation.views import moderators_only


@bp.route("/<int:response_id>/reply", methods=["GET", "POST"], endpoint="reply")
@moderators_only
def reply(response_id: int):
    response = db.get_or_404(Response, response_id)
    form = ReplyForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            if response.status is not ResponseStatus.APPROVED:
                services.apply(response, "approve", current_user, seen=None, now=now)
            answer = comments.submit_comment(
                response.article, comments.CommentInput(body=form.body.data,
                                                        parent_id=response.id),
                comments.Commenter(user=current_user, ip=request.remote_addr or "",
                                   user_agent=request.user_agent.string or "", now=now),
                site_settings.load())
        except (services.ModerationError, comments.CommentRefused) as error:
            db.session.rollback()  # the approval too: the page must not show it as done
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Your reply is published as #{answer.id}.", "success")
            return redirect(url_for("moderation.queue"))
    return render_template("moderation/reply.html", form=form, response=response), \
        422 if form.errors else 200
