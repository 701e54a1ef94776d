"""Integers in URLs and query strings: odd values get a 404 or the default, never a 500.

Every route with an `int` converter is taken from the app's URL map, so a new route is covered
without anyone remembering to list it here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.routing import ValidationError

from app.core.converters import MAX_INT, BoundedIntegerConverter, id_arg, int_arg, parse_id
from app.models import Response, Role
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_article, make_response, make_user

# Past the 64-bit range, past the unsigned 64-bit range, past PostgreSQL's integer, negative,
# and more digits than Python turns into an int from a string.
ODD_NUMBERS = [str(2**63), str(2**64), str(2**31), "-1", "9" * 5000]
# Every way a query-string number can be odd.
ODD_ARGUMENTS = [*ODD_NUMBERS, "abc", "", "1e3", "٣", "0x10", " 2"]

PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def int_rules(app) -> list[tuple[str, str]]:
    """(rule text, method) for every route of the app that has an int converter."""
    rules = []
    for rule in app.url_map.iter_rules():
        if any(m["converter"] == "int" for m in PLACEHOLDER.finditer(rule.rule)):
            method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
            rules.append((rule.rule, method))
    return sorted(rules)


def test_the_route_list_is_complete(app):
    """Guard the discovery itself: the routes that gave a 500 are among those found."""
    found = {rule for rule, _ in int_rules(app)}
    assert {"/comment/<int:response_id>/", "/write/<int:article_id>/edit",
            "/admin/users/<int:user_id>", "/articles/<int:article_id>/comments",
            "/admin/import/<int:job_id>", "/moderation/<int:response_id>/edit"} <= found
    assert len(found) >= 11


def _url(rule: str, value: str) -> str:
    def fill(match: re.Match) -> str:
        return value if match["converter"] == "int" else "some-slug"
    return PLACEHOLDER.sub(fill, rule)


@pytest.fixture
def admin_client(forms, db):
    """An admin's client (who may open every page) and a CSRF token for posting."""
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    token = csrf_token_from(forms.client.get("/write/new").get_data(as_text=True))
    return forms.client, token


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_odd_integers_in_urls_give_404(app, admin_client, client, value):
    signed_in, token = admin_client
    wrong = []
    for rule, method in int_rules(app):
        url = _url(rule, value)
        for who in (client, signed_in):
            if method == "GET":
                status, allowed = who.get(url).status_code, (404,)
            else:
                status = who.open(url, method=method, data={"csrf_token": token}).status_code
                # No route takes the address; the catch-all permalink route answers GET only.
                allowed = (404, 405)
            if status not in allowed:
                wrong.append((method, url[:80], status))
    assert wrong == []


def test_integers_in_range_still_reach_the_view(admin_client, client, db):
    signed_in, _ = admin_client
    author = make_user(Role.AUTHOR)
    article = make_article(author)
    assert signed_in.get(f"/write/{article.id}/edit").status_code == 200
    assert signed_in.get(f"/admin/users/{author.id}").status_code == 200
    assert signed_in.get(f"/write/{MAX_INT}/edit").status_code == 404  # matched, not found


def test_the_converter_bounds_values_to_the_integer_columns(app):
    converter = app.url_map.converters["int"]
    assert converter is BoundedIntegerConverter
    bounded = converter(app.url_map)
    assert bounded.to_python("2147483647") == MAX_INT == 2**31 - 1
    assert bounded.to_python("0042") == 42
    for value in ("2147483648", str(2**63), "9" * 5000):
        with pytest.raises(ValidationError):
            bounded.to_python(value)
    assert re.fullmatch(bounded.regex, "٣") is None  # only ASCII digits
    assert converter(app.url_map, fixed_digits=4).to_python("2024") == 2024


@pytest.fixture
def site(db):
    """An article with a tag, an author page, a month archive and a response."""
    author = make_user(Role.AUTHOR)
    article = make_article(author, title="Counted", tags=["careers"],
                           published_at=datetime(2024, 5, 3, 9, tzinfo=UTC))
    article.wp_post_id = 7
    make_response(article, body="Seen on every page.")
    return {"article": article.path, "author": author.slug}


# (address with {v} for the value, who asks, the status an odd value gets)
QUERY_URLS = [
    ("/?page={v}", "guest", 200),
    ("/tag/careers/?page={v}", "guest", 200),
    ("/2024/05/?page={v}", "guest", 200),
    ("/author/{author}/?page={v}", "guest", 200),
    ("{article}?cpage={v}", "guest", 200),
    ("{article}?replytocom={v}", "guest", 200),
    ("/moderation/?page={v}", "admin", 200),
    ("/moderation/?article={v}", "admin", 200),
    ("/moderation/?status=all&kind=comment&article={v}&page={v}", "admin", 200),
    ("/moderation/log?page={v}", "admin", 200),
    ("/admin/outbox/?page={v}", "admin", 200),
    ("/?p={v}", "guest", 404),  # the number names a post: there is none
]


@pytest.mark.parametrize("value", ODD_ARGUMENTS)
@pytest.mark.parametrize(("template", "who", "status"), QUERY_URLS)
def test_odd_numbers_in_query_strings_give_the_default(
        request, site, client, template, who, status, value):
    if value == "" and "?p=" in template:
        status = 200  # an empty ?p= is no ?p=
    asking = client if who == "guest" else request.getfixturevalue("admin_client")[0]
    url = template.format(v=value, **site)
    response = asking.get(url)
    assert response.status_code == status, (url, response.status_code)
    if status == 200 and who == "guest":
        assert "Counted" in response.get_data(as_text=True)


def test_wordpress_plain_links_still_lead_to_the_permalink(site, client):
    response = client.get("/?p=7")
    assert response.status_code == 301 and response.headers["Location"].endswith(site["article"])
    assert client.get("/?p=8").status_code == 404


def test_int_arg_reads_only_plain_numbers_in_range():
    args = MultiDict({"page": "3", "big": str(2**31), "neg": "-2", "word": "x", "arabic": "٣",
                      "zero": "0", "top": str(MAX_INT)})
    assert int_arg(args, "page", 1) == 3
    assert int_arg(args, "missing", 1) == 1
    assert int_arg(args, "big", 1) == 1 and int_arg(args, "neg", 1) == 1
    assert int_arg(args, "word", 1) == 1 and int_arg(args, "arabic", 1) == 1
    assert int_arg(args, "zero", 1) == 1 and int_arg(args, "zero", 5, minimum=0) == 0
    assert int_arg(args, "top", None) == MAX_INT
    assert id_arg(args, "missing") is None and id_arg(args, "page") == 3
    assert parse_id(" 12 ") == 12 and parse_id(str(2**31)) is None and parse_id(None) is None
    for name in ("big", "neg", "word", "zero"):
        with pytest.raises(Exception) as raised:
            id_arg(args, name)
        assert getattr(raised.value, "code", None) == 404


@pytest.mark.parametrize("parent", [*ODD_NUMBERS, "²", "٣", "abc"])
def test_odd_parent_ids_in_the_comment_form_are_no_parent(forms, db, parent):
    article = make_article()
    response = forms.post(f"/articles/{article.id}/comments", {
        "name": "Ada Guest", "email": "ada@example.org", "website": "", "body": "Hello there",
        "parent_id": parent, "submit": "Post Comment"}, form_url=article.path)
    assert response.status_code == 302
    stored = db.session.scalars(db.select(Response)).one()
    assert stored.parent_id is None
