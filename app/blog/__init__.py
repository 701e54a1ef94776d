"""Public pages: home, article, archives, author pages, the Atom feed."""

from flask import Blueprint

bp = Blueprint("blog", __name__)

from app.blog import views  # noqa: E402,F401  (registers the routes on bp)
