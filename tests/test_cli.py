"""The command line: users create, demo."""

from __future__ import annotations

from sqlalchemy import func, select

from app.models import Article, Role, User


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


def test_demo_loads_once_with_an_author_bio_and_admin_login(runner, client, db):
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

    password = first.output.rsplit("with password ", 1)[1].strip()
    forms_page = client.get("/login").get_data(as_text=True)
    assert "Email" in forms_page
    from tests.conftest import FormClient

    FormClient(client).login("admin@parley.example", password)
