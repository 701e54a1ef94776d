"""Moving blogs in and out: WordPress eXtended RSS (WXR) import and export."""

from flask import Blueprint

bp = Blueprint("importers", __name__, url_prefix="/admin/import")

from app.importers import jobs, views  # noqa: E402,F401
