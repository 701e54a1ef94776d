"""What every request and response goes through (app/core/security.py): headers, private
pages, request size, file parts, NUL bytes, Host headers, and the one URL rule at each door."""

from __future__ import annotations

import io
import socket
from urllib.parse import urlsplit

import pytest

from app.models import Response, Role, User
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_article, make_response, make_user

MB = 1024 * 1024


# --- headers -----------------------------------------------------------------------------------

def test_every_page_carries_the_content_security_policy_and_friends(client, db):
    make_article(title="Headers")
    for url in ("/", "/login", "/no-such-page/", "/feed/"):
        response = client.get(url)
        policy = dict(part.strip().split(" ", 1)
                      for part in response.headers["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'", url
        assert policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'self'"
        assert policy["frame-ancestors"] == "'self'"
        assert policy["form-action"] == "'self'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_private_pages_are_never_stored_by_caches(client, forms, db):
    article = make_article(title="Public")
    assert "no-store" not in client.get(article.path).headers.get("Cache-Control", "")
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    for url in ("/moderation/", "/admin/users/", "/admin/outbox/", "/account", "/write/",
                article.path):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_no_template_has_inline_script_or_event_handlers(client, forms, db):
    """The policy forbids inline script: any inline script on a page would silently break."""
    article = make_article(title="Scripts")
    make_response(article, body="Hello")
    moderator = make_user(Role.ADMIN)
    forms.login(moderator.email, PASSWORD)
    import re

    for url in ("/", article.path, "/moderation/", "/moderation/settings", "/write/new",
                "/account", "/admin/import/"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert "javascript:" not in html, url


# --- request size ------------------------------------------------------------------------------

def test_a_body_over_the_cap_is_refused_with_413_and_not_echoed(client, db):
    response = client.post("/login", data={"email": "x@example.org", "password": "p" * (2 * MB)})
    assert response.status_code == 413
    body = response.get_data()
    assert len(body) < 20_000 and b"ppppp" not in body
    assert b"1 MB" in body


def test_the_server_answers_413_without_reading_a_huge_body(live_server):
    """A stranger announcing 200 MB gets an answer at once: the body is never read."""
    with socket.create_connection(("127.0.0.1", live_server.server_port), timeout=10) as conn:
        conn.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 209715200\r\nConnection: close\r\n\r\nemail=a")
        status = conn.recv(200).split(b"\r\n", 1)[0]
    assert b" 413 " in status


def test_forms_without_a_file_field_refuse_file_parts(client, db):
    data = {"email": "x@example.org", "password": "whatever",
            "upload": (io.BytesIO(b"x" * 1000), "evil.bin")}
    response = client.post("/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert b"does not take files" in response.get_data()


def test_the_import_page_takes_its_file(client, forms, db):
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    token = csrf_token_from(client.get("/admin/import/").get_data(as_text=True))
    response = client.post("/admin/import/", data={
        "csrf_token": token, "file": (io.BytesIO(b"<rss></rss>"), "export.xml")},
        content_type="multipart/form-data")
    assert response.status_code == 302


# --- NUL bytes ---------------------------------------------------------------------------------

def test_nul_bytes_in_forms_and_queries_never_reach_the_database(client, forms, db):
    article = make_article(title="Nul")
    response = forms.post(f"/articles/{article.id}/comments",
                          {"name": "Bo\x00b", "email": "bob@example.org",
                           "body": "Hello\x00 there"}, form_url=article.path)
    assert response.status_code in (302, 201), response.get_data(as_text=True)
    stored = db.session.query(Response).one()
    assert (stored.author_name, stored.body_source) == ("Bob", "Hello there")
    moderator = make_user(Role.MODERATOR)
    forms.login(moderator.email, PASSWORD)
    assert client.get("/moderation/?q=a%00b&status=all").status_code == 200
    assert client.get("/?page=1%00").status_code == 200


# --- Host headers and absolute links -----------------------------------------------------------

def test_a_foreign_host_header_is_refused(client, db):
    make_article(title="Hosts")
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_absolute_links_come_from_site_url_and_cannot_be_poisoned(app, client, db):
    article = make_article(title="Canonical")
    site = app.config["SITE_URL"]
    # A trusted name with another port: pages must still link to SITE_URL, and the cached copy
    # that later readers get must not carry the attacker's port.
    first = client.get(article.path, headers={"Host": "localhost:6666"}).get_data(as_text=True)
    later = client.get(article.path).get_data(as_text=True)
    feed = client.get("/feed/", headers={"Host": "localhost:6666"}).get_data(as_text=True)
    for html in (first, later, feed):
        assert ":6666" not in html  # (a bare "6666" may turn up in a CSRF token)
        assert f'{site}{article.path}' in html


# --- the one URL rule at every door -----------------------------------------------------------

BAD = "javascript:alert(document.domain)//https://example.org/"


def test_the_comment_form_refuses_a_script_address(client, forms, db):
    article = make_article(title="Form")
    response = forms.post(f"/articles/{article.id}/comments",
                          {"name": "Eve", "email": "eve@example.org", "website": BAD,
                           "body": "Hi"}, form_url=article.path)
    assert response.status_code == 422
    assert db.session.query(Response).count() == 0


def test_quick_edit_refuses_a_script_address_beside_the_field(client, forms, db):
    article = make_article(title="Quick")
    response = make_response(article, author_url="https://example.org/")
    moderator = make_user(Role.MODERATOR)
    forms.login(moderator.email, PASSWORD)
    answer = forms.post(f"/moderation/{response.id}/edit",
                        {"name": "A Reader", "email": "reader@example.org", "website": BAD,
                         "body": "Edited text"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "http:// or https://" in html and "Edited text" in html
    db.session.refresh(response)
    assert response.author_url == "https://example.org/"
    ok = forms.post(f"/moderation/{response.id}/edit",
                    {"name": "A Reader", "email": "reader@example.org",
                     "website": "Example.org/home", "body": "Edited text"})
    assert ok.status_code == 302
    db.session.refresh(response)
    assert response.author_url == "http://example.org/home"


def test_the_profile_refuses_a_script_address(client, forms, db):
    user = make_user(Role.MEMBER)
    forms.login(user.email, PASSWORD)
    answer = forms.post("/account", {"name": user.name, "website": BAD})
    assert answer.status_code == 422
    assert db.session.get(User, user.id).website == ""


def test_stored_bad_addresses_never_become_links(client, forms, db):
    """Defence in depth: rows written before the rule (or by hand) render as plain text."""
    article = make_article(title="Old data")
    make_response(article, author_name="Mallory", author_url="javascript:alert(1)")
    author = article.author
    author.website = "javascript:alert(2)"
    db.session.commit()
    pages = [client.get(article.path), client.get(f"{article.path}feed/"),
             client.get(f"/author/{author.slug}/")]
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    pages.append(client.get("/moderation/?status=all"))
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert 'href="javascript:' not in html and "<uri>javascript:" not in html


def test_site_url_host_is_trusted_and_others_configurable():
    from app.core.security import trusted_hosts

    assert trusted_hosts("https://blog.example.org") == ["blog.example.org"]
    assert trusted_hosts("https://blog.example.org", "www.example.org, old.example.org") == [
        "blog.example.org", "www.example.org", "old.example.org"]
    assert set(trusted_hosts("http://127.0.0.1:5000")) == {"127.0.0.1", "localhost", "::1"}
    assert urlsplit("http://127.0.0.1:5000").hostname == "127.0.0.1"


@pytest.mark.parametrize("url", ["/", "/login"])
def test_a_get_with_a_body_is_still_capped(client, db, url):
    response = client.open(url, method="POST", data=b"x" * (MB + 10),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (413, 405)


# --- a database that stays locked --------------------------------------------------------------

def test_a_write_that_waits_out_the_lock_is_refused_with_a_reason_not_a_500(app, tmp_path):
    """Another writer holds SQLite's lock past the busy timeout: 503 with Retry-After."""
    # The app of this test has an SQLite file of its own, whichever database the suite runs on.
    import sqlite3

    from app.extensions import db as database
    from tests.conftest import another_app

    path = tmp_path / "locked.db"
    with another_app(app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                     SQLITE_BUSY_TIMEOUT_MS=300, WTF_CSRF_ENABLED=False) as locked:
        with locked.app_context():
            database.create_all()
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            response = locked.test_client().post("/register", data={
                "name": "Waiting", "email": "wait@example.org",
                "password": "a long passphrase 1", "confirm": "a long passphrase 1"})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert b"busy" in response.get_data()
