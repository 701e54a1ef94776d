"""Account forms."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from app.auth.services import password_problem
from app.core.csrf import Form
from app.core.text import VisibleName, clean_name
from app.core.urls import WebAddress


class StrongPassword:
    """Refuse passwords that are too short, too common or made of the email address."""

    def __call__(self, form, field):
        email = form.email.data if hasattr(form, "email") else None
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)


class RegisterForm(Form):
    name = StringField("Name", filters=[clean_name],
                       validators=[DataRequired("Enter your name."), VisibleName(),
                                   Length(max=120)])
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your email address."),
                    Email("Enter a valid email address."), Length(max=254)],
    )
    password = PasswordField("Password", validators=[DataRequired("Choose a password."),
                                                     StrongPassword()])
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired("Repeat the password."),
                    EqualTo("password", "The two passwords differ.")],
    )


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Keep me logged in")


class ProfileFields(Form):
    name = StringField("Name", filters=[clean_name],
                       validators=[InputRequired("Enter a name."), VisibleName(),
                                   Length(max=120)])
    job_title = StringField("Role or job title", validators=[Optional(), Length(max=120)])
    bio = TextAreaField("Bio", validators=[Optional(), Length(max=2000)])
    social_handle = StringField("Social handle", validators=[Optional(), Length(max=120)],
                                description="For example @ada@example.social")
    website = StringField("Website", validators=[Optional(), WebAddress(max_length=255)])
    new_password = PasswordField("New password", validators=[Optional()],
                                 description="Leave empty to keep the current password.")

    def profile_values(self) -> dict:
        """Return what the form says about the person, for services.update_profile."""
        return {
            "name": self.name.data or "",
            "job_title": self.job_title.data or "",
            "bio": self.bio.data or "",
            "social_handle": self.social_handle.data or "",
            "website": self.website.data or "",
            "new_password": self.new_password.data or None,
        }

    def validate_new_password(self, field):
        problem = field.data and password_problem(field.data, getattr(self, "email", None)
                                                  and self.email.data)
        if problem:
            raise ValidationError(problem)


class AccountForm(ProfileFields):
    """A person's own profile: a new password needs the current one."""

    current_password = PasswordField("Current password",
                                     description="Needed only to change your password.")

    def profile_values(self) -> dict:
        """What the form says, for services.update_own_profile."""
        return {**super().profile_values(),
                "current_password": self.current_password.data or None}

    def validate_current_password(self, field):
        if self.new_password.data and not field.data:
            raise ValidationError("Enter your current password to change it.")


class SetPasswordForm(Form):
    """An invited person's first password."""

    password = PasswordField("New password", validators=[DataRequired("Choose a password."),
                                                         StrongPassword()])
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired("Repeat the password."),
                    EqualTo("password", "The two passwords differ.")])
