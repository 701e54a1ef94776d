"""Moderation forms: quick edit, reply, and the Discussion settings."""

from __future__ import annotations

import re

from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from app.core.csrf import Form
from app.core.text import VisibleName, clean_name
from app.core.urls import WebAddress
from app.moderation.policy import Rules, parse_network
from app.moderation.settings import Avatars, NotifyModerators, UnverifiedTrackbacks


class QuickEditForm(Form):
    name = StringField("Name", filters=[clean_name], validators=[VisibleName()])
    email = EmailField("Email", validators=[Optional(), Email("Enter a valid email address.")])
    website = StringField("Website", validators=[WebAddress()])
    body = TextAreaField("Text", validators=[DataRequired("The text cannot be empty.")])
    submit = SubmitField("Save changes")


class ReplyForm(Form):
    body = TextAreaField("Your reply", validators=[DataRequired("Write your reply first.")])
    submit = SubmitField("Reply and approve")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SettingsForm(Form):
    manual_approval = BooleanField("Every response must be approved by hand")
    previously_approved = BooleanField(
        "Approve at once an author with a previously approved comment, once they prove it "
        "is them",
        description="What proves it: being logged in to their member account, writing from "
        "the browser that wrote the approved comment, or having opened a link mailed to "
        "their address. Typing the same name and email address proves nothing.")
    member_trust_after = IntegerField(
        "Approve at once members with this many approved responses (0: off)",
        validators=[InputRequired("Enter a number (0 turns it off)."),
                    NumberRange(min=0, max=10000, message="Use a number from 0 to 10,000.")])
    max_links = IntegerField(
        "Hold a response with this many links or more (0: never)",
        validators=[InputRequired("Enter a number of links."),
                    NumberRange(min=0, max=100, message="Use a number from 0 to 100.")])
    moderation_words = TextAreaField(
        "Moderation words (hold)", description="One per line; matched in the text, name, "
        "email, website, IP and user agent, ignoring case.")
    disallowed_words = TextAreaField(
        "Disallowed words (spam)", description="One per line, matched like moderation words.")
    block_list = TextAreaField(
        "Block list (spam)", description="One per line: an email address (or @domain), an IP "
        "address or network (203.0.113.0/24), or a website domain.")
    flood_seconds = IntegerField(
        "Seconds between two responses from one IP address",
        validators=[InputRequired("Enter a number of seconds."),
                    NumberRange(min=0, max=3600, message="Use 0 to 3,600 seconds.")])
    min_fill_seconds = DecimalField(
        "Least seconds a person takes to fill in the form", places=1,
        validators=[InputRequired("Enter a number of seconds."),
                    NumberRange(min=0, max=60, message="Use 0 to 60 seconds.")])
    thread_depth = IntegerField(
        "Thread depth", validators=[InputRequired("Enter a depth."),
                                    NumberRange(min=1, max=10, message="Use 1 to 10.")])
    threads_per_page = IntegerField(
        "Top-level threads per page", validators=[
            InputRequired("Enter a number."), NumberRange(min=5, max=1000,
                                                          message="Use 5 to 1,000.")])
    newest_first = BooleanField("Show the newest threads first")
    avatars = SelectField("Avatars", choices=[(s.value, s.value.capitalize()) for s in Avatars])
    notify_moderators = SelectField(
        "Mail moderators about held responses",
        choices=[(NotifyModerators.EACH.value, "For each one"),
                 (NotifyModerators.DIGEST.value, "In a daily digest"),
                 (NotifyModerators.OFF.value, "Never")])
    notify_authors = BooleanField("Tell the article's author of newly approved responses")
    linkbacks_separate = BooleanField(
        "List pingbacks, trackbacks and mentions apart, under the comments",
        description="Otherwise they show in their place among the comments, by date.")
    unverified_trackbacks = SelectField(
        "A trackback from a page that does not link to the article",
        default=UnverifiedTrackbacks.SPAM.value,
        choices=[(UnverifiedTrackbacks.SPAM.value,
                  "Keep it in Spam, marked “no link back”, where you can still approve it"),
                 (UnverifiedTrackbacks.REFUSE.value,
                  "Turn it away: the sender is told no and nothing is kept")],
        description="Other sites' trackbacks are not checked by the protocol itself, so "
        "Parley opens the page to see whether it links here.")
    send_linkbacks = BooleanField(
        "Notify the pages an article links to",
        description="When an article is published or updated, Parley sends each page it "
        "links to a pingback or webmention, where that site accepts them.")
    purge_after_days = IntegerField(
        "Empty spam and trash after this many days", validators=[
            InputRequired("Enter a number of days."),
            NumberRange(min=1, max=3650, message="Use 1 to 3,650 days.")])
    close_after_days = IntegerField(
        "Automatically close comments and pings on articles older than this many days",
        description="0 keeps them open; an article can be set to stay open regardless.",
        default=0, validators=[Optional(), NumberRange(
            min=0, max=36500, message="Use 0 to 36,500 days.")])
    spam_model = BooleanField(
        "Learn from moderators' decisions and score every response",
        description="Each Approve, Not spam, Trash and Spam teaches the model; each new "
        "response gets a score from 0 (a person) to 1 (spam). Nothing leaves this site.")
    spam_threshold = DecimalField(
        "Mark spam at this score or above", places=3,
        description=f"From 0 to 1; left empty, {Rules.spam_threshold}.",
        validators=[Optional(), NumberRange(min=0, max=1, message="Use a number from 0 to 1.")])
    hold_threshold = DecimalField(
        "Hold for a moderator at this score or above", places=3,
        description=f"Below the spam threshold; left empty, {Rules.hold_threshold}.",
        validators=[Optional(), NumberRange(min=0, max=1, message="Use a number from 0 to 1.")])
    spam_min_learned = IntegerField(
        "Mark spam only after this many decisions of each kind",
        description="Until the model has learned this many spam and this many not spam, what "
        f"it would mark spam is held instead; left empty, {Rules.spam_min_learned}.",
        validators=[Optional(), NumberRange(min=0, max=10000,
                                            message="Use a number from 0 to 10,000.")])
    submit = SubmitField("Save settings")

    def _threshold(self, name: str) -> float:
        """A threshold as typed, or the default when left empty."""
        value = getattr(self, name).data
        return float(value) if value is not None else getattr(Rules, name)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Below the spam threshold, as typed or left empty (the default): said beside it.
        if not (self.hold_threshold.errors or self.spam_threshold.errors) and \
                self._threshold("hold_threshold") >= self._threshold("spam_threshold"):
            self.hold_threshold.errors = [*self.hold_threshold.errors, (
                f"Use a number below the spam threshold "
                f"({self._threshold('spam_threshold'):g}).")]
            return False
        return valid

    def validate_block_list(self, field):
        bad = [line for line in _lines(field.data) if not _block_line_ok(line)]
        if bad:
            raise ValidationError("These lines are not an email address, @domain, IP address, "
                                  "network or domain: " + "; ".join(bad[:5]))

    def values(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "manual_approval", "previously_approved", "member_trust_after", "max_links",
            "flood_seconds", "thread_depth", "threads_per_page", "newest_first", "avatars",
            "notify_moderators", "notify_authors", "purge_after_days", "linkbacks_separate",
            "unverified_trackbacks", "send_linkbacks", "close_after_days", "spam_model")}
        data["min_fill_seconds"] = float(self.min_fill_seconds.data)
        data["avatars"] = Avatars(data["avatars"])
        data["notify_moderators"] = NotifyModerators(data["notify_moderators"])
        data["unverified_trackbacks"] = UnverifiedTrackbacks(data["unverified_trackbacks"])
        data["close_after_days"] = data["close_after_days"] or 0  # empty: never
        data["spam_threshold"] = self._threshold("spam_threshold")
        data["hold_threshold"] = self._threshold("hold_threshold")
        data["spam_min_learned"] = (Rules.spam_min_learned if self.spam_min_learned.data is None
                                    else self.spam_min_learned.data)
        for name in ("moderation_words", "disallowed_words", "block_list"):
            data[name] = tuple(_lines(getattr(self, name).data))
        return data


def _block_line_ok(line: str) -> bool:
    if "@" in line:
        local, _, domain = line.partition("@")
        return "." in domain and " " not in line and (not local or bool(local.strip()))
    if parse_network(line) is not None:
        return True
    return bool(re.fullmatch(r"(https?://)?([a-z0-9-]+\.)+[a-z][a-z0-9-]*[a-z0-9]/?", line.lower()))
