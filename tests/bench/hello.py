"""The yardsticks Parley is measured against, served by the same gunicorn settings as Parley.

`/hello` is the ceiling: a bare Flask endpoint, what the server and framework cost alone.
`/naive/79` and `/naive/1000` are the baseline for a rendered page: the same number of
responses as the benchmark's articles, as plain dicts built once at import and held in memory,
nested as `run.seed()` nests them (every third response starts a reply chain), rendered with one
simple recursive Jinja loop into markup like an article's thread (avatar, author link, date,
text, reply link). No database, no macros, no per-request work but the rendering, so a
personal Parley page can be read against what any Jinja page of that size costs.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, abort, render_template

SIZES = (79, 1000)

app = Flask(__name__, template_folder=str(Path(__file__).with_name("templates")))


@app.get("/hello")
def hello():
    return "hello"


def build_thread(total: int) -> list[dict]:
    """Return `total` responses as nested dicts: the threads `run.seed()` stores."""
    start = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    roots: list[dict] = []
    parent = None
    for i in range(total):
        email = f"reader{i}@example.org"
        comment = {
            "id": i + 1,
            "author": f"Reader {i}",
            "url": "https://example.org" if i % 4 == 0 else "",
            "avatar": f"/identicon/{hashlib.sha256(email.encode()).hexdigest()[:20]}.svg",
            "created": start + timedelta(minutes=i),
            "html": "<p>A reply with a few words in it, and a second sentence.</p>",
            "children": [],
        }
        (parent["children"] if parent is not None else roots).append(comment)
        parent = comment if i % 3 == 0 else None
    return roots


THREADS = {total: build_thread(total) for total in SIZES}


@app.get("/naive/<int:total>")
def naive(total: int):
    if total not in THREADS:
        abort(404)
    return render_template("naive.html", total=total, comments=THREADS[total])
