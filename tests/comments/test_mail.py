"""Subscription mail through a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import re
from email.message import EmailMessage as Message

from app.extensions import db as _db
from app.models import OutboxMessage, Role, Subscription
from tests.conftest import FormClient, csrf_token_from
from tests.factories import PASSWORD, change_settings, make_article, make_user


def link_in(message: Message, kind: str) -> str:
    body = message.get_content()
    return re.search(rf"https?://[^/\s]+(/subscriptions/{kind}/\S+)", body).group(1)


def test_subscribe_confirm_notify_and_unsubscribe(app, forms, db, smtp):
    change_settings(flood_seconds=0)
    article = make_article(title="Roles compared")
    forms.post(f"/articles/{article.id}/comments",
               {"name": "Sub Scriber", "email": "sub@example.org", "body": "Follow me",
                "notify": "y", "submit": "Post Comment"}, form_url=article.path)

    assert len(smtp.messages) == 1
    confirmation = smtp.messages[0]
    assert confirmation["To"] == "sub@example.org"
    assert "Confirm" in confirmation["Subject"] and "Roles compared" in confirmation["Subject"]
    confirm_path = link_in(confirmation, "confirm")
    page = forms.client.get(confirm_path)
    assert page.status_code == 200 and "Yes, subscribe me" in page.get_data(as_text=True)
    assert _db.session.scalars(_db.select(Subscription)).one().confirmed_at is None  # GET is safe
    token = csrf_token_from(page.get_data(as_text=True))
    done = forms.client.post(confirm_path, data={"csrf_token": token})
    assert "You are subscribed" in done.get_data(as_text=True)

    author = make_user(Role.AUTHOR, name="Maya")
    replier = app.test_client()
    FormClient(replier).login(author.email, PASSWORD)
    FormClient(replier).post(f"/articles/{article.id}/comments",
                             {"body": "An approved answer", "submit": "Post Comment"},
                             form_url=article.path)
    to_subscriber = [m for m in smtp.messages[1:] if m["To"] == "sub@example.org"]
    assert len(to_subscriber) == 1
    notice = to_subscriber[0]
    assert "New reply" in notice["Subject"]
    # The article's own author hears of it too (a setting, on by default).
    assert any(m["To"] == article.author.email and "New comment" in m["Subject"]
               for m in smtp.messages)
    body = notice.get_content()
    assert "Maya wrote:" in body and "An approved answer" in body
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_path = link_in(notice, "unsubscribe")
    assert unsubscribe_path in notice["List-Unsubscribe"]

    page = forms.client.get(unsubscribe_path)
    assert "Stop sending new replies" in page.get_data(as_text=True)
    done = forms.client.post(unsubscribe_path,
                             data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert "You are unsubscribed" in done.get_data(as_text=True)
    assert _db.session.scalars(_db.select(Subscription)).first() is None


def test_one_click_unsubscribe_needs_no_form(app, forms, db, smtp):
    article = make_article()
    forms.post(f"/articles/{article.id}/comments",
               {"name": "A", "email": "a@example.org", "body": "x", "notify": "y",
                "submit": "Post Comment"}, form_url=article.path)
    path = link_in(smtp.messages[0], "unsubscribe")
    response = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert _db.session.scalars(_db.select(Subscription)).first() is None


def test_forged_or_wrong_links_are_refused_with_a_page(forms, db):
    for path in ("/subscriptions/confirm/garbage", "/subscriptions/unsubscribe/x.y.z"):
        response = forms.client.get(path)
        assert response.status_code == 400
        assert "This link does not work" in response.get_data(as_text=True)


def test_without_smtp_mail_lands_in_the_outbox_for_admins(app, forms, db):
    article = make_article()
    forms.post(f"/articles/{article.id}/comments",
               {"name": "A", "email": "a@example.org", "body": "x", "notify": "y",
                "submit": "Post Comment"}, form_url=article.path)
    kept = _db.session.scalars(_db.select(OutboxMessage)).one()
    assert kept.recipient == "a@example.org" and "Confirm" in kept.subject
    admin = make_user(Role.ADMIN)
    reader = app.test_client()
    FormClient(reader).login(admin.email, PASSWORD)
    assert kept.subject in reader.get("/admin/outbox/").get_data(as_text=True)
    member = make_user()
    other = app.test_client()
    FormClient(other).login(member.email, PASSWORD)
    assert other.get("/admin/outbox/").status_code == 403
