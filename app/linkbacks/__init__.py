"""Linkbacks: pingbacks, trackbacks and webmentions, received and sent.

`pingback.py`, `trackback.py` and `webmention.py` speak their protocols' wire formats and
nothing else; `services.py` is the one receive pipeline they call; `source.py` reads a linking
page; `discovery.py` and `sending.py` are the outgoing side. All HTTP goes through
app/core/fetch.py.
"""

from flask import Blueprint

bp = Blueprint("linkbacks", __name__)

from app.linkbacks import jobs, sending, views  # noqa: E402,F401  (jobs register with the queue)
