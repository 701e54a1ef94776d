"""The comment form: its fields only; the rules live in services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField, SubmitField, TextAreaField

from app.core.converters import parse_id


class CommentForm(FlaskForm):
    name = StringField("Name")
    email = EmailField("Email", description="Never shown to anyone.")
    website = StringField("Website")
    body = TextAreaField("Comment", description="Markdown (links, emphasis, quotes, lists, "
                                                "`code` and ``` fenced code blocks) or simple "
                                                "HTML: a, b, i, em, strong, code, pre, ul, ol, "
                                                "li, blockquote, q, cite, abbr, del, s.")
    parent_id = HiddenField()
    stamp = HiddenField()  # when the form was shown, signed: a bot fills it in too fast
    # A field people never see (hidden by the stylesheet); bots fill every field they find.
    homepage = StringField("Leave this field empty")
    notify = BooleanField("Notify me of follow-up replies by email")
    remember = BooleanField("Save my name, email, and website in this browser for the next "
                            "time I comment.")
    preview = SubmitField("Preview")
    submit = SubmitField("Post Comment")

    def parent(self) -> int | None:
        return parse_id(self.parent_id.data)


class EditCommentForm(FlaskForm):
    body = TextAreaField("Comment")
    submit = SubmitField("Save changes")
