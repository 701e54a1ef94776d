"""The comment form: its fields only; the rules live in services."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.converters import parse_id
from app.core.csrf import Form


class CommentForm(Form):
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
    # A question for the community: the box, then what a question has (shown when it is
    # ticked, by the stylesheet alone; read only when it is ticked).
    is_question = BooleanField("This is a question for the community",
                               description="Others can answer it, and you can accept the answer "
                                           "that helped; it is listed on the Questions page.")
    title = StringField("Your question in one line",
                        description="Optional: without it, the first sentence is the title.")
    tags = SelectMultipleField("Tags (up to 3)", choices=[], validate_choice=False,
                               widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput())
    notify_answers = BooleanField("Email me when someone answers, and when an answer is "
                                  "accepted")
    preview = SubmitField("Preview")
    submit = SubmitField("Post Comment")

    def parent(self) -> int | None:
        return parse_id(self.parent_id.data)

    def to_input(self):
        """What was typed, for the comment rules (question fields only when the box is ticked)."""
        from app.comments.services import CommentInput

        asking = bool(self.is_question.data)
        return CommentInput(
            body=self.body.data or "", name=self.name.data or "", email=self.email.data or "",
            website=self.website.data or "", parent_id=self.parent(), notify=self.notify.data,
            is_question=asking, title=(self.title.data or "") if asking else "",
            tags=list(self.tags.data or []) if asking else [],
            notify_answers=asking and bool(self.notify_answers.data))

    def offer_tags(self, tags) -> None:
        """The moderators' list of tags, as the checkboxes to choose from."""
        self.tags.choices = [(t.slug, t.name) for t in tags]


class EditCommentForm(Form):
    body = TextAreaField("Comment")
    submit = SubmitField("Save changes")
