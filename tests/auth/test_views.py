"""Register, log in, log out, profile, CSRF and cookies through the test client."""

from __future__ import annotations

from app.models import Role, User
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_user


def test_register_logs_the_new_member_in(client, forms, db):
    response = forms.post("/register", {"name": "Ada", "email": "ada@example.org",
                                        "password": "tangerine bicycle",
                                        "confirm": "tangerine bicycle"})
    assert response.status_code == 302
    user = db.session.scalars(db.select(User)).one()
    assert user.role is Role.MEMBER and user.email == "ada@example.org"
    assert "Ada" in client.get("/").get_data(as_text=True)


def test_register_errors_sit_beside_their_fields_and_keep_the_input(forms, db):
    make_user(email="taken@example.org")
    response = forms.post("/register", {"name": "Bea Typed", "email": "taken@example.org",
                                        "password": "tangerine bicycle",
                                        "confirm": "tangerine bicycle"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error">An account with this email address exists already.' in html
    assert 'value="Bea Typed"' in html and 'value="taken@example.org"' in html

    weak = forms.post("/register", {"name": "Bea", "email": "bea@example.org",
                                    "password": "short", "confirm": "short"})
    assert 'id="password-error">Use at least 10 characters.' in weak.get_data(as_text=True)

    empty = forms.post("/register", {"name": "", "email": "not-an-email", "password": "",
                                     "confirm": ""}).get_data(as_text=True)
    assert "Enter your name." in empty and "Enter a valid email address." in empty
    assert "Choose a password." in empty


def test_wrong_login_does_not_say_which_half_was_wrong(forms, db):
    make_user(email="ada@example.org")
    wrong_password = forms.post("/login", {"email": "ada@example.org", "password": "nope nope"})
    unknown_email = forms.post("/login", {"email": "who@example.org", "password": PASSWORD})
    message = "That email and password don&#39;t match an account."
    assert wrong_password.status_code == unknown_email.status_code == 422
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)
    assert 'value="ada@example.org"' in wrong_password.get_data(as_text=True)


def test_login_page_has_visible_email_and_password_labels(client, db):
    html = client.get("/login").get_data(as_text=True)
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html


def test_login_follows_only_local_next_links(forms, db):
    user = make_user(Role.AUTHOR)
    response = forms.post("/login?next=https://evil.example/", {"email": user.email,
                                                                 "password": PASSWORD},
                          form_url="/login")
    assert response.headers["Location"] == "/"
    forms.client.post("/logout", data={"csrf_token": csrf_token_from(
        forms.client.get("/").get_data(as_text=True))})
    response = forms.post("/login?next=/write/", {"email": user.email, "password": PASSWORD},
                          form_url="/login")
    assert response.headers["Location"] == "/write/"


def test_logout_needs_a_post_with_csrf(client, forms, db):
    user = make_user()
    forms.login(user.email, PASSWORD)
    assert client.get("/logout").status_code in (404, 405)  # a GET never logs out
    assert "Log out" in client.get("/").get_data(as_text=True)
    forged = client.post("/logout")
    assert forged.status_code == 400
    assert "Your form expired" in forged.get_data(as_text=True)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_forms_without_csrf_token_are_refused_with_a_clear_page(client, db):
    make_user(email="ada@example.org")
    response = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(forms, db):
    user = make_user()
    response = forms.login(user.email, PASSWORD)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_profile_update_and_validation(client, forms, db):
    user = make_user(Role.AUTHOR, name="Old Name")
    forms.login(user.email, PASSWORD)
    bad = forms.post("/account", {"name": "New Name", "website": "javascript:alert(1)",
                                  "bio": "Kept bio"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "starting with http" in html and "Kept bio" in html
    good = forms.post("/account", {"name": "New Name", "website": "Example.org/me",
                                   "bio": "I write.", "job_title": "Editor"})
    assert good.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.bio, user.job_title) == ("New Name", "I write.", "Editor")
    assert user.website == "http://example.org/me"  # the one URL rule, normalised


def test_account_page_needs_login(client, db):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_member_names_lose_direction_overrides_and_must_show(client, forms, db):
    """A member's name shows on every comment they write: the same rule as a guest's name."""
    invisible = forms.post("/register", {"name": "\u3164\u200b\u3164", "email": "i@example.org",
                                         "password": "a long passphrase 1",
                                         "confirm": "a long passphrase 1"})
    assert invisible.status_code == 422 and "invisible" in invisible.get_data(as_text=True)
    made = forms.post("/register", {"name": "Bob \u202egnp.exe", "email": "b@example.org",
                                    "password": "a long passphrase 1",
                                    "confirm": "a long passphrase 1"})
    assert made.status_code == 302
    from app.models import User

    assert db.session.query(User).filter_by(email="b@example.org").one().name == "Bob gnp.exe"
