"""Error pages in the site's look: never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from app.core.security import FilesNotAccepted
from app.database import is_busy_error
from app.extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You don't have permission to do this, or the time to do it has "
                         "passed."),
    404: ("Page not found", "There is nothing at this address. It may have moved, or never "
                            "existed."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than this site accepts (1 MB for a form). "
                       "Nothing was kept; go back, shorten it and send it again."),
    429: ("Slow down", "Too many requests in a short time. Wait a moment and try again."),
    500: ("Something went wrong", "The site hit an error. Nothing you sent has been kept "
                                  "half-done; please try again."),
    503: ("Busy", "The site is busy with a large job and could not save this in time. Nothing "
                  "was kept half-done: go back and send it again in a moment."),
}
BUSY_RETRY_SECONDS = 5
# Endpoints that answer a stale CSRF token in their own way (the form again, text kept):
# endpoint name -> handler(error), registered by their blueprint.
CSRF_HANDLERS: dict = {}


def _render(code: int, title: str, message: str):
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    """Answer HTTP errors and CSRF failures with a page in the site's look."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.endpoint in CSRF_HANDLERS:
            return CSRF_HANDLERS[request.endpoint](error)
        return _render(400, "Your form expired",
                       "The security token of the form was missing or out of date. Go back, "
                       "reload the page and send it again: what you typed is still in your "
                       "browser's back history.")

    @app.errorhandler(FilesNotAccepted)
    def files_not_accepted(error):
        return _render(400, "No files here", error.description)

    @app.errorhandler(OperationalError)
    def database_busy(error):
        """A write that waited its whole turn for SQLite's lock: refuse it with a reason."""
        db.session.rollback()
        if not is_busy_error(error):
            raise error
        app.logger.warning("database busy: %s", error)
        response = app.make_response(_render(503, *MESSAGES[503]))
        response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response

    for code, (title, message) in MESSAGES.items():
        def handler(error, code=code, title=title, message=message):
            if code == 500:
                db.session.rollback()
            return _render(code, title, message)

        app.register_error_handler(code, handler)
