"""The command line: users create, demo."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.models import Article, Response, ResponseKind, ResponseStatus, Role, User
from tests.conftest import FormClient


def test_users_create_makes_an_account_that_can_log_in(runner, forms, db):
    result = runner.invoke(args=["users", "create", "Boss@Example.org", "--role", "admin",
                                 "--password", "tangerine bicycle"])
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.org" in result.output
    user = db.session.scalars(select(User)).one()
    assert user.role is Role.ADMIN
    forms.login("boss@example.org", "tangerine bicycle")


def test_users_create_refuses_weak_passwords_and_duplicates(runner, db):
    weak = runner.invoke(args=["users", "create", "a@example.org", "--password", "short"])
    assert weak.exit_code != 0 and "at least 10" in weak.output
    runner.invoke(args=["users", "create", "a@example.org", "--password", "tangerine bicycle"])
    again = runner.invoke(args=["users", "create", "a@example.org", "--password",
                                "tangerine bicycle"])
    assert again.exit_code != 0 and "exists already" in again.output


def test_demo_loads_once_with_an_author_bio_and_admin_login(app, runner, client, db):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Log in at /login as admin@parley.example" in first.output
    count = db.session.scalar(select(func.count()).select_from(Article))
    assert count >= 4
    second = runner.invoke(args=["demo"])
    assert "already loaded" in second.output
    assert db.session.scalar(select(func.count()).select_from(Article)) == count

    home = client.get("/").get_data(as_text=True)
    assert "Product management is not project management" in home
    article = db.session.scalars(select(Article).where(Article.slug.like("product-management%")))
    page = client.get(article.one().path).get_data(as_text=True)
    assert "<blockquote>" in page and "<ul>" in page and "Translations available:" in page
    assert "About Maya Okafor" in page and "fifteen years" in page

    admin_password = re.search(r"admin@parley.example with password (\S+)", first.output)[1]
    moderator_password = re.search(r"Moderator: moderator@parley.example with password (\S+)",
                                   first.output)[1]
    FormClient(client).login("admin@parley.example", admin_password)
    FormClient(app.test_client()).login("moderator@parley.example", moderator_password)
    responses = db.session.scalars(select(Response)).all()
    statuses = {r.status for r in responses}
    assert len(responses) >= 80 and {ResponseStatus.PENDING, ResponseStatus.SPAM} <= statuses
    assert {r.kind for r in responses} >= {ResponseKind.COMMENT, ResponseKind.PINGBACK,
                                           ResponseKind.TRACKBACK}
    assert any(r.depth >= 2 for r in responses)
