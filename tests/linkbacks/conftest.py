"""A second local HTTP server serving the pages that link (or don't) to Parley's articles."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.core import fetch
from tests.factories import make_article


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {
        "Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # seconds before each chunk of 10 bytes (a slow source)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Sources:
    """Pages served on 127.0.0.1 by path; every request is recorded."""

    def __init__(self):
        self.pages: dict[str, Page] = {}
        self.seen: list[Seen] = []
        sources = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                sources.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                page = sources.pages.get(self.path) or Page(b"not here", 404,
                                                            {"Content-Type": "text/plain"})
                self.send_response(page.status)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                if page.delay:
                    for start in range(0, len(page.body), 10):
                        time.sleep(page.delay)
                        try:
                            self.wfile.write(page.body[start:start + 10])
                            self.wfile.flush()
                        except OSError:
                            return
                else:
                    self.wfile.write(page.body)

            do_GET = do_POST = do_HEAD = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, body: str | bytes, *, status: int = 200,
            content_type: str = "text/html; charset=utf-8", headers: dict | None = None,
            delay: float = 0.0) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(data, status, {"Content-Type": content_type, **(headers or {})},
                                delay)
        return self.base + path

    def linking(self, path: str, target: str, *, title: str = "A Post That Links",
                site: str = "Another Blog", text: str = "I read it and") -> str:
        """A WordPress-like post whose paragraph links to `target`."""
        return self.add(path, f"""<!doctype html><html lang="en"><head>
<meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
</head><body><header><nav><a href="/">Home</a></nav></header>
<article class="h-entry"><h1 class="p-name">{title}</h1><div class="e-content">
<p>{text} <a href="{target}">this article on careers</a> says what I think about moving
from sales into product work, and the numbers it gives match what I saw.</p></div></article>
</body></html>""")

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sources(app):
    """The local source server, and the app allowed to fetch from it (and only from it)."""
    server = Sources()
    before = app.config.get("LINKBACK_ALLOW_PRIVATE_NETWORKS")
    app.config["LINKBACK_ALLOW_PRIVATE_NETWORKS"] = f"127.0.0.1:{server.port}"
    fetch.clear_cache()
    yield server
    app.config["LINKBACK_ALLOW_PRIVATE_NETWORKS"] = before
    fetch.clear_cache()
    server.close()


@pytest.fixture
def article(db):
    """A live article taking pings, at a dated permalink."""
    found = make_article(title="Moving from sales into product management")
    db.session.commit()
    return found


@pytest.fixture
def target(app, article) -> str:
    return app.config["SITE_URL"] + article.path
