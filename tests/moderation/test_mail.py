"""Moderation mail through a real SMTP server (aiosmtpd) on 127.0.0.1: held responses to the
moderators with signed action links, the daily digest, approved responses to the article's
author."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from email.message import EmailMessage as Message

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.models import ModerationEvent, Response, ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import notifications
from tests.conftest import FormClient, csrf_token_from
from tests.factories import PASSWORD, change_settings, make_article, make_response, make_user

S = ResponseStatus
DAY = 24 * 3600


# --- helpers ----------------------------------------------------------------------------------

@pytest.fixture
def staff(db):
    """Two moderators and an admin who get mail; a moderator who cannot log in, who doesn't."""
    return {
        "mo": make_user(Role.MODERATOR, name="Mo Derator", email="mo@example.org"),
        "max": make_user(Role.MODERATOR, name="Max Moderator", email="max@example.org"),
        "ada": make_user(Role.ADMIN, name="Ada Admin", email="ada@example.org"),
        "locked": make_user(Role.MODERATOR, email="locked@example.org", password=None),
    }


@pytest.fixture
def article(db):
    return make_article(make_user(Role.AUTHOR, email="writer@example.org"),
                        title="Roadmaps that last")


def post_as_guest(app, article, body: str, name: str = "Gus Guest",
                  address: str = "gus@example.org"):
    """A guest's comment with three links: held ("held: 3 links")."""
    result = FormClient(app.test_client()).post(
        f"/articles/{article.id}/comments",
        {"name": name, "email": address, "body": body + " http://a.example/1 "
         "http://b.example/2 http://c.example/3", "submit": "Post Comment"},
        form_url=article.path)
    assert result.status_code == 302
    return result


def links_in(message: Message) -> dict[str, str]:
    """{action: path} of the moderation links in a mail."""
    return {action.lower(): path for action, path in re.findall(
        r"(Approve|Spam|Trash|approve|spam|trash): https?://[^/\s]+(/moderation/email/\S+)",
        message.get_content())}


def the_response(db) -> Response:
    db.session.expire_all()
    return db.session.scalars(select(Response)).one()


def events(db, action: str) -> list[ModerationEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(ModerationEvent).where(
        ModerationEvent.action == action)))


def token_signed(app, payload: dict, seconds_ago: int) -> str:
    """A moderation token signed with the site's key, as if made `seconds_ago`."""

    class SignedEarlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="parley-moderation",
                                  signer=SignedEarlier).dumps(payload)


# --- mail to moderators ------------------------------------------------------------------------

def test_a_held_comment_mails_each_moderator_with_action_links(app, db, smtp, staff, article):
    post_as_guest(app, article, "Please look at these:")
    held = the_response(db)
    assert held.status is S.PENDING

    assert sorted(m["To"] for m in smtp.messages) == \
        ["ada@example.org", "max@example.org", "mo@example.org"]
    tokens = set()
    for message in smtp.messages:
        assert message["Subject"] == "Held for moderation: comment on “Roadmaps that last”"
        body = message.get_content()
        assert "Author: Gus Guest <gus@example.org>" in body
        assert "IP: 127.0.0.1   Why it is held: Held: 3 links (2 or more are held)." in body
        assert "Please look at these: http://a.example/1" in body
        assert "Each link asks you to confirm." in body
        assert "/moderation/?status=pending" in body
        links = links_in(message)
        assert set(links) == {"approve", "spam", "trash"}
        tokens |= set(links.values())
    assert len(tokens) == 9  # each moderator's links are their own


@pytest.mark.parametrize(("action", "after"), [
    ("approve", S.APPROVED), ("spam", S.SPAM), ("trash", S.TRASH)])
def test_a_link_asks_first_and_acts_on_the_button(app, db, smtp, staff, article, action, after):
    post_as_guest(app, article, "Held words:")
    path = links_in(smtp.to("max@example.org")[0])[action]
    reader = app.test_client()  # a mail client: not logged in

    page = reader.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"{action.capitalize()} this comment?" in text
    assert "By Gus Guest on “Roadmaps that last”, now pending." in text
    assert f"Yes, {action} it" in text
    assert the_response(db).status is S.PENDING and events(db, action) == []  # GET is safe

    done = reader.post(path, data={"csrf_token": csrf_token_from(text)})
    assert done.status_code == 200
    held = the_response(db)
    assert f"Comment #{held.id} by Gus Guest is now {after.value}." in done.get_data(as_text=True)
    assert held.status is after
    [event] = events(db, action)
    assert (event.via, event.actor_id, event.from_status, event.to_status) == \
        ("email", staff["max"].id, "pending", after.value)


def test_the_button_needs_the_pages_csrf_token(app, db, smtp, staff, article):
    post_as_guest(app, article, "Held words:")
    path = links_in(smtp.messages[0])["approve"]
    result = app.test_client().post(path)
    assert result.status_code == 400 and "Your form expired" in result.get_data(as_text=True)
    assert the_response(db).status is S.PENDING


def tampered(path: str) -> str:
    """The same link with the first character of its signature changed (the last one may
    carry unused bits, so changing it could leave the signature valid)."""
    head, _, signature = path.rpartition(".")
    return f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_forged_or_expired_link_is_refused_with_a_page(app, db, smtp, staff, article, method):
    post_as_guest(app, article, "Held words:")
    held = the_response(db)
    path = links_in(smtp.to("mo@example.org")[0])["approve"]
    payload = {"r": held.id, "a": "approve", "m": staff["mo"].id, "s": "pending"}
    client = app.test_client()
    token = csrf_token_from(client.get(article.path).get_data(as_text=True))

    def use(link: str):
        return client.open(link, method=method, data={"csrf_token": token})

    other_key = URLSafeTimedSerializer("not the site's key", salt="parley-moderation")
    refusals = {
        tampered(path): "This moderation link is not valid.",
        f"/moderation/email/{other_key.dumps(payload)}": "This moderation link is not valid.",
        "/moderation/email/not-a-token": "This moderation link is not valid.",
        f"/moderation/email/{token_signed(app, payload, 8 * DAY)}":
            "This moderation link has expired (links last 7 days).",
    }
    for link, message in refusals.items():
        result = use(link)
        assert result.status_code == 400, link
        page = result.get_data(as_text=True)
        assert "This link cannot be used" in page and message in page
        assert "Yes, approve it" not in page
    assert the_response(db).status is S.PENDING and events(db, "approve") == []

    # A week less a day old, the same signature still works: the age is what was refused.
    still_fresh = use(f"/moderation/email/{token_signed(app, payload, 6 * DAY)}")
    assert still_fresh.status_code == 200


def test_links_expire_when_the_maximum_age_is_passed(app, db, smtp, staff, article,
                                                     monkeypatch):
    post_as_guest(app, article, "Held words:")
    path = links_in(smtp.messages[0])["approve"]
    monkeypatch.setattr(notifications, "LINK_MAX_AGE", -1)
    result = app.test_client().get(path)
    assert result.status_code == 400
    assert "This moderation link has expired" in result.get_data(as_text=True)


def test_a_link_of_a_moderator_who_lost_the_role_is_refused(app, db, smtp, staff, article):
    post_as_guest(app, article, "Held words:")
    path = links_in(smtp.to("max@example.org")[0])["approve"]
    staff["max"].role = Role.MEMBER
    db.session.commit()
    result = app.test_client().get(path)
    assert result.status_code == 400
    assert "no longer valid for your account" in result.get_data(as_text=True)


def test_a_link_used_after_another_moderator_acted_is_refused(app, db, smtp, staff, article):
    post_as_guest(app, article, "Held words:")
    held_id = the_response(db).id
    path = links_in(smtp.to("mo@example.org")[0])["approve"]
    mail_client = app.test_client()
    page = mail_client.get(path).get_data(as_text=True)

    other = FormClient(app.test_client())
    other.login(staff["max"].email, PASSWORD)
    other.post("/moderation/act", {"row_action": f"trash:{held_id}",
                                   f"seen-{held_id}": "pending"}, form_url="/moderation/")
    assert the_response(db).status is S.TRASH

    result = mail_client.post(path, data={"csrf_token": csrf_token_from(page)})
    assert result.status_code == 409
    # It says where the comment is and offers no approval of it.
    text = result.get_data(as_text=True)
    assert "This comment is in the Trash" in text and "Yes, approve it" not in text
    assert "Open Trash in the queue" in text
    assert the_response(db).status is S.TRASH and events(db, "approve") == []

    db.session.delete(the_response(db))
    db.session.commit()
    gone = mail_client.get(path)
    assert gone.status_code == 404
    assert f"Response #{held_id} no longer exists." in gone.get_data(as_text=True)


# --- the setting: each, digest or off -------------------------------------------------------------

def test_no_mail_to_moderators_when_the_setting_is_off(app, db, smtp, staff, article):
    change_settings(notify_moderators="off", flood_seconds=0)
    post_as_guest(app, article, "First:")
    assert the_response(db).status is S.PENDING
    with app.app_context():
        notifications.send_moderation_digest.call_local()
    assert smtp.messages == []


def test_the_digest_lists_the_responses_held_in_the_last_day(app, db, smtp, staff, article):
    change_settings(notify_moderators="digest", flood_seconds=0)
    post_as_guest(app, article, "First held:", name="Gus Guest", address="gus@example.org")
    post_as_guest(app, article, "Second held:", name="Hana Guest", address="hana@example.org")
    assert smtp.messages == []  # nothing per response

    make_response(article, status=S.PENDING, body="Held two days ago, already in a digest",
                  created_at=utcnow() - timedelta(days=2))
    make_response(article, status=S.APPROVED, body="Approved, nothing to do")

    with app.app_context():
        notifications.send_moderation_digest.call_local()

    assert sorted(m["To"] for m in smtp.messages) == \
        ["ada@example.org", "max@example.org", "mo@example.org"]
    digest = smtp.to("mo@example.org")[0]
    assert digest["Subject"] == "2 responses held for moderation"
    body = digest.get_content()
    assert body.index("First held:") < body.index("Second held:")
    assert "Author: Hana Guest <hana@example.org>" in body
    assert "two days ago" not in body and "Approved, nothing to do" not in body
    assert len(re.findall(r"approve: https?://\S+/moderation/email/", body)) == 2
    assert "/moderation/?status=pending" in body

    smtp.messages.clear()
    change_settings(notify_moderators="each")
    with app.app_context():
        notifications.send_moderation_digest.call_local()
    assert smtp.messages == []  # the digest only runs when it was chosen


# --- mail to the article's author ---------------------------------------------------------------

def test_the_author_hears_of_a_response_when_it_is_approved(app, db, smtp, staff, article):
    change_settings(notify_moderators="off")
    post_as_guest(app, article, "Held at first:")
    held = the_response(db)
    assert smtp.to("writer@example.org") == []  # held: not yet

    moderator = FormClient(app.test_client())
    moderator.login(staff["mo"].email, PASSWORD)
    moderator.post("/moderation/act", {"row_action": f"approve:{held.id}",
                                       f"seen-{held.id}": "pending"}, form_url="/moderation/")
    assert the_response(db).status is S.APPROVED
    [notice] = smtp.to("writer@example.org")
    assert notice["Subject"] == "New comment on “Roadmaps that last”"
    body = notice.get_content()
    assert "Held at first:" in body and "Author: Gus Guest <gus@example.org>" in body
    assert re.search(rf"Read it: https?://\S+/comment/{held.id}/", body)
    assert len(smtp.messages) == 1


def test_the_author_gets_no_mail_for_their_own_response(app, db, smtp, staff, article):
    writer = FormClient(app.test_client())
    writer.login("writer@example.org", PASSWORD)
    writer.post(f"/articles/{article.id}/comments",
                {"body": "My own answer", "submit": "Post Comment"}, form_url=article.path)
    own = the_response(db)
    assert own.status is S.APPROVED and own.user_id == article.author_id
    assert smtp.messages == []


def test_no_mail_to_the_author_when_the_setting_is_off(app, db, smtp, staff, article):
    change_settings(notify_moderators="off", notify_authors=False)
    held = make_response(article, status=S.PENDING, body="Quietly approved")
    moderator = FormClient(app.test_client())
    moderator.login(staff["mo"].email, PASSWORD)
    moderator.post("/moderation/act", {"row_action": f"approve:{held.id}",
                                       f"seen-{held.id}": "pending"}, form_url="/moderation/")
    assert the_response(db).status is S.APPROVED
    assert smtp.messages == []
    assert db.session.scalar(select(func.count()).select_from(ModerationEvent)) == 1
