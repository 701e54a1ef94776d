"""People: adding a user with an invitation, disabling, deleting, and the last admin."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.admin import services
from app.auth import invitations
from app.models import Article, Response, Role, User
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_article, make_response, make_user

NEW_PASSWORD = "lantern orchard 42"


# --- the last-admin rule ---------------------------------------------------------------------

def test_the_last_active_admin_cannot_be_demoted_disabled_or_deleted(db):
    admin = make_user(Role.ADMIN, name="Only Admin")
    assert services.leaves_no_admin(admin, role=Role.AUTHOR)
    assert services.leaves_no_admin(admin, removed=True)
    assert not services.leaves_no_admin(admin, role=Role.ADMIN)
    for change in (lambda: services.change_email_and_role(admin, admin.email, Role.MEMBER),
                   lambda: services.disable_user(admin),
                   lambda: services.delete_user(admin, None)):
        with pytest.raises(services.LastAdmin, match="Only Admin is the site's last active"):
            change()
    assert admin.role is Role.ADMIN and admin.disabled_at is None


def test_a_disabled_admin_does_not_count_as_another_admin(db):
    admin = make_user(Role.ADMIN)
    other = make_user(Role.ADMIN)
    assert not services.leaves_no_admin(admin, removed=True)
    services.disable_user(other)
    assert services.leaves_no_admin(admin, removed=True)
    assert not services.leaves_no_admin(other, removed=True)  # already not an active admin
    assert not services.leaves_no_admin(make_user(Role.AUTHOR), removed=True)


def test_the_edit_page_warns_and_refuses_for_the_last_admin(forms, db):
    admin = make_user(Role.ADMIN, name="Solo")
    forms.login(admin.email, PASSWORD)
    page = forms.client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "Solo is the site's last active admin: the role cannot be changed" in page
    refused = forms.post(f"/admin/users/{admin.id}/disable", {},
                         form_url=f"/admin/users/{admin.id}", follow_redirects=True)
    assert "Solo is the site&#39;s last active admin" in refused.get_data(as_text=True)
    assert db.session.get(User, admin.id).disabled_at is None
    delete_page = forms.client.get(f"/admin/users/{admin.id}/delete")
    assert "last active admin" in delete_page.get_data(as_text=True)
    assert "Delete Solo</button>" not in delete_page.get_data(as_text=True)


# --- adding a user: the invitation ----------------------------------------------------------

def invitation_path(message) -> str:
    found = re.search(r"https?://[^/\s]+(/set-password/\S+)", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def test_admin_adds_a_user_who_sets_a_password_from_the_mailed_link(forms, db, smtp, app):
    admin = make_user(Role.ADMIN, name="Ines Admin")
    forms.login(admin.email, PASSWORD)
    added = forms.post("/admin/users/new", {"name": "Noor Author", "email": "Noor@Example.org",
                                             "role": "author"})
    assert added.status_code == 302
    noor = db.session.scalar(select(User).where(User.email == "noor@example.org"))
    assert (noor.name, noor.role, noor.password_hash) == ("Noor Author", Role.AUTHOR, None)
    [message] = smtp.to("noor@example.org")
    assert "Ines Admin has made you an account" in message.get_content()
    path = invitation_path(message)
    forms.client.post("/logout", data={"csrf_token": csrf_token_from(
        forms.client.get("/").get_data(as_text=True))})
    page = forms.client.get(path)
    assert page.status_code == 200 and "Choose your password" in page.get_data(as_text=True)
    short = forms.post(path, {"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    done = forms.post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, noor.id).check_password(NEW_PASSWORD)
    used = forms.client.get(path)  # the link works once
    assert used.status_code == 400 and "used already" in used.get_data(as_text=True)


def test_an_invitation_is_refused_when_forged_or_expired(forms, db, app, monkeypatch):
    user = make_user(Role.AUTHOR, password=None)
    with app.test_request_context():
        token = invitations.invitation_token(user)
    assert "not valid" in forms.client.get(f"/set-password/{token}x").get_data(as_text=True)
    monkeypatch.setattr(invitations, "INVITATION_MAX_AGE", -1)
    expired = forms.client.get(f"/set-password/{token}")
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)


def test_the_add_form_keeps_what_was_typed_beside_an_error(forms, db):
    admin = make_user(Role.ADMIN)
    forms.login(admin.email, PASSWORD)
    page = forms.post("/admin/users/new", {"name": "Typed Name", "email": admin.email,
                                            "role": "moderator"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Another account uses this email address." in html
    assert 'value="Typed Name"' in html


# --- disabling ------------------------------------------------------------------------------

def test_a_disabled_user_is_refused_at_login_and_their_sessions_end(app, forms, db):
    admin = make_user(Role.ADMIN)
    author = make_user(Role.AUTHOR, email="writer@example.org")
    theirs = app.test_client()
    from tests.conftest import FormClient
    FormClient(theirs).login(author.email, PASSWORD)
    assert theirs.get("/account").status_code == 200
    forms.login(admin.email, PASSWORD)
    forms.post(f"/admin/users/{author.id}/disable", {}, form_url=f"/admin/users/{author.id}")
    assert theirs.get("/account").status_code == 302  # the session ended
    refused = FormClient(theirs).post("/login", {"email": author.email, "password": PASSWORD})
    assert refused.status_code == 422 and "disabled" in refused.get_data(as_text=True)
    forms.post(f"/admin/users/{author.id}/enable", {}, form_url=f"/admin/users/{author.id}")
    FormClient(theirs).login(author.email, PASSWORD)


# --- deleting -------------------------------------------------------------------------------

def test_deleting_a_user_keeps_their_responses_unlinked_and_gives_their_articles_away(
        forms, db):
    admin = make_user(Role.ADMIN)
    leaving = make_user(Role.AUTHOR, name="Lee Leaving")
    article = make_article(leaving, title="A handover note")
    elsewhere = make_article(admin, title="Elsewhere")
    make_response(elsewhere, author_name="Lee Leaving", user_id=leaving.id, body="Mine.")
    forms.login(admin.email, PASSWORD)
    page = forms.client.get(f"/admin/users/{leaving.id}/delete").get_data(as_text=True)
    assert "has written 1 article" in page
    refused = forms.post(f"/admin/users/{leaving.id}/delete", {"reassign_to": "0"})
    assert refused.status_code == 422
    assert "Choose who takes Lee Leaving&#39;s articles." in refused.get_data(as_text=True)
    assert db.session.get(User, leaving.id) is not None
    leaving_id = leaving.id
    done = forms.post(f"/admin/users/{leaving_id}/delete", {"reassign_to": str(admin.id)})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, leaving_id) is None
    assert db.session.get(Article, article.id).author_id == admin.id
    [kept] = db.session.scalars(select(Response).where(Response.body_html.like("%Mine.%")))
    assert (kept.user_id, kept.display_name) == (None, "Lee Leaving")
    assert "Lee Leaving" in forms.client.get(elsewhere.path).get_data(as_text=True)


def test_a_user_without_articles_is_deleted_without_a_choice(forms, db):
    admin = make_user(Role.ADMIN)
    member = make_user(Role.MEMBER)
    forms.login(admin.email, PASSWORD)
    assert "Give their articles to" not in forms.client.get(
        f"/admin/users/{member.id}/delete").get_data(as_text=True)
    member_id = member.id
    assert forms.post(f"/admin/users/{member_id}/delete", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member_id) is None
