"""Moderation: the queue, the rules and their settings, email actions, the audit log."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from app.moderation import jobs, views  # noqa: E402,F401
# question_views (moderating questions) is imported by create_app: it uses the questions
# package, which the discussion's own modules import in turn.
