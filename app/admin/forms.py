"""Forms for managing users."""

from __future__ import annotations

from wtforms import EmailField, SelectField
from wtforms.validators import Email, InputRequired

from app.auth.forms import ProfileFields
from app.models import Role


class UserForm(ProfileFields):
    email = EmailField("Email", validators=[InputRequired("Enter an email address."),
                                            Email("Enter a valid email address.")])
    role = SelectField("Role", choices=[(r.value, r.value.capitalize()) for r in Role])
