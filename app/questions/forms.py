"""Question forms: asking from the Questions page; accepting and voting are plain buttons."""

from __future__ import annotations

from wtforms import SelectField

from app.comments.forms import CommentForm


class AskForm(CommentForm):
    """The comment form, always a question, tied to the article the asker picks or to none."""

    article = SelectField("About the article", choices=[], validate_choice=False,
                          description="Pick the article your question grew from, or none: it "
                                      "is listed on the Questions page either way.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body.label.text = "Your question, with what the answerers need to know"
        self.title.label.text = "Your question in one line"

    def offer_articles(self, articles) -> None:
        self.article.choices = [("", "No article: a question of its own")] + [
            (str(a.id), a.title) for a in articles]

    def to_input(self):
        data = super().to_input()
        data.is_question, data.parent_id = True, None
        data.title = self.title.data or ""
        data.tags = list(self.tags.data or [])
        data.notify_answers = bool(self.notify_answers.data)
        return data
