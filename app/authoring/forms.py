"""The article editor form."""

from __future__ import annotations

from wtforms import BooleanField, DateTimeLocalField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.authoring.services import parse_trackback_urls, parse_translations
from app.core.csrf import Form
from app.core.text import is_valid_slug, parse_tag_list
from app.core.urls import BadUrl, clean_url


class ArticleForm(Form):
    title = StringField("Title", validators=[DataRequired("Give the article a title."),
                                             Length(max=200)])
    slug = StringField("Slug", validators=[Optional(), Length(max=200)],
                       description="Lowercase letters, digits and hyphens; left empty, it is made "
                                   "from the title. Fixed once the article has been published.")
    body = TextAreaField("Body (Markdown)", validators=[Length(max=500_000)])
    excerpt = TextAreaField("Excerpt", validators=[Optional(), Length(max=2000)],
                            description="Optional; left empty, the first words of the body.")
    tags = StringField("Tags", validators=[Optional(), Length(max=500)],
                       description="Separated by commas, for example: careers, roadmaps")
    publish_at = DateTimeLocalField("Publication date", validators=[Optional()],
                                    format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                    description="Empty means now; a future date schedules it.")
    reprint_note = StringField("Reprint note", validators=[Optional(), Length(max=300)],
                               description="For example: Reprinted on Example Weekly.")
    reprint_url = StringField("Reprint link", validators=[Optional()])
    translations = TextAreaField(
        "Translations", validators=[Optional(), Length(max=5000)],
        description="One per line: language (a name or a code such as pt-BR), address. "
                    "For example: Português, https://…")
    comments_open = BooleanField("Allow comments", default=True)
    pings_open = BooleanField("Allow trackbacks, pingbacks and webmentions", default=True)
    keep_open = BooleanField(
        "Keep open regardless of age",
        description="Otherwise the site's setting closes comments and pings after some days.")
    trackback_urls = TextAreaField(
        "Send trackbacks to", validators=[Optional(), Length(max=10_000)],
        description="One TrackBack URL per line (a page that takes trackbacks gives it). Each "
                    "is pinged once the article is on the site; the pages the article links "
                    "to are told by webmention or pingback without being listed here.")

    preview = SubmitField("Preview")
    save = SubmitField("Save")
    publish = SubmitField("Publish")
    unpublish = SubmitField("Unpublish")

    def validate_slug(self, field):
        if field.data and not is_valid_slug(field.data):
            raise ValidationError("Use only lowercase letters, digits and single hyphens.")

    def validate_tags(self, field):
        _, rejected = parse_tag_list(field.data or "")
        if rejected:
            raise ValidationError(
                "These tags hold characters a tag cannot have (use letters, digits, spaces, "
                "hyphens, dots, + or #): " + ", ".join(rejected))

    def validate_reprint_url(self, field):
        try:
            clean_url(field.data)
        except BadUrl as error:
            raise ValidationError(str(error)) from error

    def validate_translations(self, field):
        _, errors = parse_translations(field.data or "")
        if errors:
            raise ValidationError(" ".join(errors))

    def validate_trackback_urls(self, field):
        _, errors = parse_trackback_urls(field.data or "")
        if errors:
            raise ValidationError(" ".join(errors))

    def validate_reprint_note(self, field):
        if self.reprint_url.data and not field.data:
            raise ValidationError("Say where the article was reprinted, to go with the link.")


class EmptyForm(Form):
    """A button alone (Trash, Restore): the CSRF token is all it sends."""
