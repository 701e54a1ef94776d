"""What every request and response goes through: size caps, file parts, NUL bytes, hosts,
security headers.

- Request bodies are capped (MAX_CONTENT_LENGTH, about 1 MB); a view that takes a bigger
  upload raises `request.max_content_length` for itself before reading the form.
- File parts are accepted only by views marked `@accepts_files`; anywhere else a multipart
  file is refused before a byte of it is spooled to disk.
- NUL characters are dropped from query strings and form fields: no text column can store
  them (PostgreSQL refuses them) and no person types them.
- The Host header must name this site (TRUSTED_HOSTS, from SITE_URL); absolute links are
  built from SITE_URL, never from the request.
- Every response carries a Content-Security-Policy and the other headers below; private
  pages (anything a logged-in person sees, and the staff areas) are never stored by caches.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urlsplit

from flask import Flask, Request, current_app, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
    "form-action 'self'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}
# Blueprints whose every page is private to staff, whoever asks.
PRIVATE_BLUEPRINTS = frozenset({"moderation", "admin", "authoring", "importers", "auth"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


class FilesNotAccepted(BadRequest):
    description = "This form does not take files. Send it without the file."


def accepts_files(view):
    """Mark a view whose form has a file field: only such views receive file parts."""
    view.accepts_files = True
    return view


def _without_nul(values: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict([(key.replace("\x00", ""), value.replace("\x00", ""))
                               for key, value in values.items(multi=True)])


class ParleyRequest(Request):
    """Flask's request, with NUL bytes dropped and file parts only where a form takes files."""

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        return _without_nul(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])

    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):
        view = current_app.view_functions.get(self.endpoint or "") if current_app else None
        if not getattr(view, "accepts_files", False):
            raise FilesNotAccepted()
        return super()._get_file_stream(total_content_length, content_type, filename,
                                        content_length)


def trusted_hosts(site_url: str, extra: str = "") -> list[str]:
    """The Host values this site answers to: SITE_URL's host, the extra ones configured, and
    both loopback names when the site itself is on loopback (development)."""
    host = (urlsplit(site_url).hostname or "").lower()
    hosts = [host] if host else []
    hosts += [name.strip().lower() for name in extra.split(",") if name.strip()]
    if host in LOOPBACK_NAMES:
        hosts += [name for name in LOOPBACK_NAMES if name not in hosts]
    return hosts


class RefuseForeignHosts:
    """WSGI middleware: a request whose Host is not this site's gets a plain 400 at once.

    It runs inside ProxyFix, so behind trusted proxies it checks the forwarded host. Flask's
    own TRUSTED_HOSTS check stays as a second line.
    """

    def __init__(self, wsgi_app, hosts: list[str]):
        self.wsgi_app = wsgi_app
        self.hosts = hosts

    def __call__(self, environ, start_response):
        try:
            get_host(environ, self.hosts)
        except SecurityError:
            refusal = Response("This site does not answer to that host name.\n", status=400,
                               content_type="text/plain; charset=utf-8")
            return refusal(environ, start_response)
        return self.wsgi_app(environ, start_response)


def _is_private() -> bool:
    return request.blueprint in PRIVATE_BLUEPRINTS or current_user.is_authenticated


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if _is_private():
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.request_class = ParleyRequest
    app.after_request(add_security_headers)
    if app.config.get("TRUSTED_HOSTS"):
        app.wsgi_app = RefuseForeignHosts(app.wsgi_app, app.config["TRUSTED_HOSTS"])
    if count := app.config.get("PROXY_COUNT"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
