"""Threaded discussions: posting, threads, the reader's own tools, subscriptions, feeds."""

from flask import Blueprint

bp = Blueprint("comments", __name__)

from app.comments import views  # noqa: E402,F401
