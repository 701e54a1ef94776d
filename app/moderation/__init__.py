"""Moderation: the queue, the rules and their settings, email actions, the audit log."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from app.moderation import jobs, views  # noqa: E402,F401
# The questions' moderation pages are on this blueprint too, from app/questions/
# moderation_views.py: the questions package imports moderation, never the reverse.
