"""The spam model in the database: its counts, and the examples it learned them from."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class SpamLabel(enum.StrEnum):
    SPAM = "spam"
    HAM = "ham"  # not spam


class ExampleSource(enum.StrEnum):
    DECISION = "decision"  # a moderator's decision on a response
    FILE = "file"  # `flask spam train FILE`


class SpamTotals(db.Model):
    """The model's totals: one row (id 1), changed only by adding to it."""

    __tablename__ = "spam_totals"

    id: Mapped[int] = mapped_column(primary_key=True)
    spam_docs: Mapped[int] = mapped_column(default=0)
    ham_docs: Mapped[int] = mapped_column(default=0)
    spam_features: Mapped[int] = mapped_column(default=0)
    ham_features: Mapped[int] = mapped_column(default=0)
    vocabulary: Mapped[int] = mapped_column(default=0)  # distinct features, counted after a change
    # Which model this is (made when the row is) and how many changes it has had: a process
    # keeps the counts it read while these two stay the same.
    generation: Mapped[str] = mapped_column(String(32), default="")
    version: Mapped[int] = mapped_column(default=0)


class SpamFeature(db.Model):
    """In how many spam and not-spam examples a feature appeared."""

    __tablename__ = "spam_features"

    feature: Mapped[str] = mapped_column(String(80), primary_key=True)
    spam: Mapped[int] = mapped_column(default=0)
    ham: Mapped[int] = mapped_column(default=0)


class SpamExample(db.Model):
    """One labelled example the model learned from, kept so that a change of mind can be
    taken back exactly and the model rebuilt (`flask spam retrain`), after its response is
    gone too: Empty Spam must not make the model forget what spam looks like."""

    __tablename__ = "spam_examples"
    __table_args__ = (Index("ix_spam_examples_source_decided_at", "source", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The response it was (unique when set): the id stays after the response is deleted.
    response_ref: Mapped[int | None] = mapped_column(unique=True)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(10), default=ExampleSource.DECISION.value)
    label: Mapped[str] = mapped_column(String(4))  # a SpamLabel
    kind: Mapped[str] = mapped_column(String(20), default="comment")
    name: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # What the model said when the response arrived, for the dashboard's agreement figures.
    score: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(4), default="")  # a policy.SpamOutcome
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
