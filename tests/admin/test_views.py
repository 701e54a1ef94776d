"""User administration: admins only, role changes, guard on the last admin."""

from __future__ import annotations

import pytest

from app.models import Role
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize("role", [Role.MEMBER, Role.AUTHOR, Role.MODERATOR])
def test_only_admins_see_user_admin(forms, db, role):
    user = make_user(role)
    forms.login(user.email, PASSWORD)
    assert forms.client.get("/admin/users/").status_code == 403
    assert forms.client.get(f"/admin/users/{user.id}").status_code == 403


def test_guest_is_sent_to_log_in(client, db):
    assert client.get("/admin/users/").status_code == 302


def user_form(user, **fields):
    data = {"name": user.name, "email": user.email, "role": user.role.value, "job_title": "",
            "bio": "", "social_handle": "", "website": "", "new_password": ""}
    data.update(fields)
    return data


def test_admin_changes_role_and_sets_a_password_for_an_imported_author(forms, db):
    admin = make_user(Role.ADMIN)
    imported = make_user(Role.MEMBER, password=None, name="Imported")
    forms.login(admin.email, PASSWORD)
    assert "no: set a password" in forms.client.get("/admin/users/").get_data(as_text=True)
    response = forms.post(f"/admin/users/{imported.id}",
                          user_form(imported, role="author", new_password="tangerine bicycle"))
    assert response.status_code == 302
    db.session.refresh(imported)
    assert imported.role is Role.AUTHOR and imported.check_password("tangerine bicycle")


def test_last_admin_cannot_be_demoted_and_email_must_stay_unique(forms, db):
    admin = make_user(Role.ADMIN)
    other = make_user(Role.MEMBER)
    forms.login(admin.email, PASSWORD)
    response = forms.post(f"/admin/users/{admin.id}", user_form(admin, role="member"))
    assert response.status_code == 422
    assert "at least one admin" in response.get_data(as_text=True)
    clash = forms.post(f"/admin/users/{other.id}", user_form(other, email=admin.email))
    assert "Another account uses this email address." in clash.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN


def test_a_password_an_admin_sets_ends_that_users_sessions_but_not_the_admins_own(app, forms,
                                                                                  db):
    admin = make_user(Role.ADMIN)
    member = make_user(Role.MEMBER)
    member_client = app.test_client()
    from tests.conftest import FormClient

    FormClient(member_client).login(member.email, PASSWORD)
    assert member_client.get("/account").status_code == 200
    forms.login(admin.email, PASSWORD)
    reset = forms.post(f"/admin/users/{member.id}",
                       user_form(member, new_password="a brand new passphrase"))
    assert reset.status_code == 302
    assert member_client.get("/account").status_code == 302  # sent to log in again
    own = forms.post(f"/admin/users/{admin.id}",
                     user_form(admin, new_password="another new passphrase"))
    assert own.status_code == 302
    assert forms.client.get("/admin/users/").status_code == 200  # still logged in
