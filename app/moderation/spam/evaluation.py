"""The spam model measured on real spam nobody here wrote: the YouTube Spam Collection
(Alberto, Lochter and Almeida, 2015), five videos' comments labelled spam or not.

Leave one video out: the model learns four videos and is tested on the fifth, for each of
the five, so it meets spam it has not seen. Each test comment also goes through Parley's
rules alone (the default discussion settings, as a first-time guest), and through the rules
with the model, so the table shows what the model adds.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.models import ResponseStatus
from app.moderation.policy import Rules, SpamOutcome, Submission, decide, spam_outcome
from app.moderation.spam import features as feature_set
from app.moderation.spam.model import Counts, score


@dataclass(frozen=True)
class Comment:
    video: str
    author: str
    text: str
    spam: bool


def load_collection(folder: Path) -> list[Comment]:
    """Every comment of the collection's CSV files (header COMMENT_ID,AUTHOR,DATE,CONTENT,
    CLASS; CLASS 1 is spam), in file order."""
    comments = []
    for path in sorted(folder.glob("*.csv")):
        video = path.stem.split("-", 1)[-1]
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                comments.append(Comment(video, row["AUTHOR"], row["CONTENT"],
                                        row["CLASS"].strip() == "1"))
    return comments


@dataclass
class Tally:
    """Where one way of deciding put the spam and the not-spam of a fold."""

    spam: int = 0
    ham: int = 0
    spam_marked: int = 0
    spam_held: int = 0
    ham_marked: int = 0
    ham_held: int = 0

    def add(self, is_spam: bool, where: str) -> None:
        if is_spam:
            self.spam += 1
            self.spam_marked += where == "spam"
            self.spam_held += where == "held"
        else:
            self.ham += 1
            self.ham_marked += where == "spam"
            self.ham_held += where == "held"

    @property
    def caught(self) -> float:  # spam marked spam or held for a moderator
        return (self.spam_marked + self.spam_held) / self.spam if self.spam else 0.0

    @property
    def marked(self) -> float:
        return self.spam_marked / self.spam if self.spam else 0.0

    @property
    def ham_marked_share(self) -> float:
        return self.ham_marked / self.ham if self.ham else 0.0

    @property
    def ham_held_share(self) -> float:
        return self.ham_held / self.ham if self.ham else 0.0


@dataclass
class Fold:
    video: str
    rules: Tally = field(default_factory=Tally)  # Parley's rules alone
    model: Tally = field(default_factory=Tally)  # the model's own outcome
    both: Tally = field(default_factory=Tally)  # the rules with the model, as the site runs
    seconds: float = 0.0  # features and score, for every test comment
    tested: int = 0


_WHERE = {ResponseStatus.SPAM: "spam", ResponseStatus.PENDING: "held"}
_MODEL_WHERE = {SpamOutcome.SPAM: "spam", SpamOutcome.HOLD: "held"}


def run_fold(comments: list[Comment], video: str, rules: Rules | None = None) -> Fold:
    """Train on every video but `video`, test on `video`."""
    rules = rules or Rules()
    model = Counts()
    for comment in comments:
        if comment.video != video:
            model.learn(feature_set.extract(comment.text, comment.author), comment.spam)
    totals = model.totals()
    fold = Fold(video)
    without = replace(rules, spam_model=False)
    for comment in comments:
        if comment.video != video:
            continue
        submission = Submission(body=comment.text, name=comment.author)
        started = time.perf_counter()
        found = feature_set.extract(comment.text, comment.author)
        spam = score(found, model.lookup(found), totals, feature_set.describe)
        fold.seconds += time.perf_counter() - started
        fold.tested += 1
        fold.model.add(comment.spam, _MODEL_WHERE.get(spam_outcome(spam, rules), "passed"))
        fold.rules.add(comment.spam, _WHERE.get(decide(submission, rules=without).status,
                                                "approved"))
        fold.both.add(comment.spam, _WHERE.get(decide(submission, rules=rules, spam=spam).status,
                                               "approved"))
    return fold


def run(comments: list[Comment], rules: Rules | None = None) -> list[Fold]:
    videos = list(dict.fromkeys(c.video for c in comments))
    return [run_fold(comments, video, rules) for video in videos]


def _pct(x: float) -> str:
    return f"{100 * x:5.1f} %"


def table(folds: Iterable[Fold]) -> str:
    """The folds and their average, as a Markdown table."""
    folds = list(folds)
    lines = ["| video (tested; trained on the other four) | spam | ham | "
             "spam caught (marked + held) | spam marked spam | ham marked spam | ham held |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def line(name: str, tallies: list[Tally], spam: str, ham: str) -> str:
        avg = [sum(getattr(t, a) for t in tallies) / len(tallies) for a in
               ("caught", "marked", "ham_marked_share", "ham_held_share")]
        return f"| {name} | {spam} | {ham} | " + " | ".join(_pct(x) for x in avg) + " |"

    for fold in folds:
        lines.append(line(f"{fold.video}: the model", [fold.model], str(fold.model.spam),
                          str(fold.model.ham)))
    for label, attr in (("**average: the model's own outcome**", "model"),
                        ("average: Parley's rules alone", "rules"),
                        ("average: the rules with the model", "both")):
        tallies = [getattr(f, attr) for f in folds]
        lines.append(line(label, tallies, str(sum(t.spam for t in tallies)),
                          str(sum(t.ham for t in tallies))))
    return "\n".join(lines)


def cost_per_response(folds: Iterable[Fold]) -> float:
    folds = list(folds)
    return sum(f.seconds for f in folds) / max(sum(f.tested for f in folds), 1)
