"""Subscription mail through a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage as Message

from itsdangerous import URLSafeTimedSerializer

from app.comments import identity
from app.extensions import db as _db
from app.models import ModerationEvent, OutboxMessage, Response, ResponseStatus, Role, Subscription
from app.models.types import utcnow
from app.moderation.services import apply
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


# --- proving an address by mail (issue 8, item 7) ----------------------------------------------

def publish_link(message: Message) -> str:
    return re.search(r"https?://[^/\s]+(/comments/publish/\S+)", message.get_content()).group(1)


def guest_posts(app, browser: FormClient, article, body: str, email="ada@example.org",
                name="Ada"):
    answer = browser.post(f"/articles/{article.id}/comments",
                          {"name": name, "email": email, "body": body,
                           "submit": "Post Comment"}, form_url=article.path)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return _db.session.scalars(_db.select(Response).where(Response.body_source == body)).one()


def approved_first_comment(app, article) -> FormClient:
    """Ada comments from her laptop, and a moderator approves it; return the laptop."""
    laptop = FormClient(app.test_client())
    first = guest_posts(app, laptop, article, "From my laptop")
    apply(first, "approve", make_user(Role.MODERATOR), seen=None, now=utcnow())
    _db.session.commit()
    return laptop


def test_a_known_address_without_proof_is_held_and_mailed_a_link_to_prove_it(app, db, smtp):
    change_settings(flood_seconds=0)
    article = make_article(title="Roles compared")
    laptop = approved_first_comment(app, article)
    assert guest_posts(app, laptop, article, "Again from the laptop").status is \
        ResponseStatus.APPROVED  # the browser that wrote the approved comment proves it
    assert smtp.to("ada@example.org") == []

    # From another browser, the address alone proves nothing: held, and Ada is mailed.
    phone = FormClient(app.test_client())
    held = guest_posts(app, phone, article, "Now from my phone")
    assert (held.status, held.moderation_reason) == \
        (ResponseStatus.PENDING, "held: new responses wait for a moderator")
    [mail] = smtp.to("ada@example.org")
    assert "Roles compared" in mail["Subject"] and "Now from my phone" in mail.get_content()
    link = publish_link(mail)

    # Opening the link (or a mail client's preview of it) changes nothing.
    page = phone.client.get(link)
    assert page.status_code == 200
    assert "Publish my comment and remember this browser" in page.get_data(as_text=True)
    _db.session.refresh(held)
    assert held.status is ResponseStatus.PENDING

    # The button publishes it and remembers the browser that pressed it.
    done = phone.client.post(link, data={"csrf_token": csrf_token_from(page.get_data(True))})
    assert done.status_code == 200 and "Your comment is published" in done.get_data(True)
    assert "parley_proven=" in done.headers["Set-Cookie"]
    _db.session.refresh(held)
    assert held.status is ResponseStatus.APPROVED
    [event] = _db.session.scalars(_db.select(ModerationEvent).where(
        ModerationEvent.action == "address proven")).all()
    assert (event.response_id, event.from_status, event.to_status, event.via) == \
        (held.id, "pending", "approved", "email")
    assert guest_posts(app, phone, article, "The phone is mine now").status is \
        ResponseStatus.APPROVED

    # Anyone else who knows the address is still held, and it is not mailed again this hour.
    stranger = FormClient(app.test_client())
    borrowed = guest_posts(app, stranger, article, "Buy my stuff", name="Not Ada")
    assert borrowed.status is ResponseStatus.PENDING
    assert len(smtp.to("ada@example.org")) == 1


def test_proof_keeps_the_other_rules_and_is_not_offered_when_it_would_not_publish(app, db,
                                                                                 smtp):
    change_settings(flood_seconds=0)
    article = make_article()
    approved_first_comment(app, article)
    phone = FormClient(app.test_client())
    links = guest_posts(app, phone, article, "See https://a.example/ and https://b.example/")
    assert links.moderation_reason == "held: 2 links"
    assert smtp.to("ada@example.org") == []  # proof would change nothing

    held = guest_posts(app, phone, article, "A plain one")
    [mail] = smtp.to("ada@example.org")
    change_settings(manual_approval=True)  # meanwhile, every response is approved by hand
    link = publish_link(mail)
    page = phone.client.get(link).get_data(as_text=True)
    done = phone.client.post(link, data={"csrf_token": csrf_token_from(page)})
    assert "Your comment still waits for a moderator" in done.get_data(as_text=True)
    _db.session.refresh(held)
    assert held.status is ResponseStatus.PENDING
    assert "parley_proven=" in done.headers["Set-Cookie"]


def test_a_new_address_is_not_mailed(app, db, smtp):
    article = make_article()
    guest_posts(app, FormClient(app.test_client()), article, "Hello", email="new@example.org")
    assert smtp.to("new@example.org") == []


def test_forged_altered_or_expired_publish_links_are_refused_with_a_page(app, db, smtp):
    change_settings(flood_seconds=0)
    article = make_article()
    approved_first_comment(app, article)
    held = guest_posts(app, FormClient(app.test_client()), article, "From the phone")
    link = publish_link(smtp.to("ada@example.org")[0])
    reader = app.test_client()
    with app.app_context():
        expired = URLSafeTimedSerializer(
            app.config["SECRET_KEY"], salt="parley-proof", signer=identity._DatedSigner,
            signer_kwargs={"at": time.time() - 2 * 24 * 3600},
        ).dumps({"r": held.id, "e": "ada@example.org"})
        other_address = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="parley-proof"
                                               ).dumps({"r": held.id, "e": "eve@example.org"})
    for path, message in [("/comments/publish/garbage", "not valid"),
                          (link[:-3] + "xyz", "not valid"),
                          (f"/comments/publish/{expired}", "expired"),
                          (f"/comments/publish/{other_address}", "no longer matches")]:
        answer = reader.get(path)
        assert answer.status_code == 400, path
        assert "This link does not work" in answer.get_data(as_text=True)
        assert message in answer.get_data(as_text=True)
    _db.session.refresh(held)
    assert held.status is ResponseStatus.PENDING
