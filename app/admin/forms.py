"""Forms for managing users."""

from __future__ import annotations

from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.auth.forms import ProfileFields
from app.core.csrf import Form
from app.core.text import VisibleName, clean_name
from app.models import Role


class UserForm(ProfileFields):
    email = EmailField("Email", validators=[InputRequired("Enter an email address."),
                                            Email("Enter a valid email address.")])
    role = SelectField("Role", choices=[(r.value, r.value.capitalize()) for r in Role])


class NewUserForm(Form):
    """Add a user: the invitation mail lets them choose their password."""

    name = StringField("Name", filters=[clean_name],
                       validators=[DataRequired("Enter the person's name."), VisibleName(),
                                   Length(max=120)])
    email = EmailField("Email", validators=[InputRequired("Enter an email address."),
                                            Email("Enter a valid email address."),
                                            Length(max=254)])
    role = SelectField("Role", choices=[(r.value, r.value.capitalize()) for r in Role],
                       default=Role.AUTHOR.value)


class DeleteUserForm(Form):
    """Deleting a user: who takes their articles (WordPress asks the same)."""

    reassign_to = SelectField("Give their articles to", coerce=int, choices=[],
                              validate_choice=False)


class AccountStateForm(Form):
    """The Disable / Enable button: its token only."""
