"""Writing articles: the editor, drafts, scheduling, publishing."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/write")

from app.authoring import jobs, views  # noqa: E402,F401
