"""Multinomial naive Bayes over a response's features, with its evidence averaged.

For each feature f the model keeps two counts: in how many responses a moderator called spam
it appeared, and in how many not spam; and per class, how many responses and how many
features in all. A feature's weight is the log-likelihood ratio

    w(f) = log((spam(f) + 1) / (spam_features + V)) - log((ham(f) + 1) / (ham_features + V))

(Laplace smoothing, V the number of distinct features seen). Plain naive Bayes adds the
weights, which makes a long text look certain whatever it says; here they are averaged over
the features the model has seen, and scaled, as Rennie et al. (2003) advise normalising for
a document's length:

    P(spam) = sigmoid(log(spam_docs / ham_docs) + EVIDENCE * mean(w))

Counts add up, so learning one decision, taking it back and learning from every decision at
once (retraining) give the same model, whichever process or machine did each.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter

from app.moderation.policy import SpamScore

EVIDENCE = 8.0  # how far the average weight moves the score (measured: `make spam-eval`)
CLUES = 3


@dataclass(frozen=True)
class Totals:
    spam_docs: int = 0
    ham_docs: int = 0
    spam_features: int = 0
    ham_features: int = 0
    vocabulary: int = 0


def weights(features: Iterable[str], counts: Mapping[str, tuple[int, int]], totals: Totals
            ) -> list[tuple[float, str]]:
    """Each feature the model has seen, with its weight (positive: spam)."""
    vocabulary = max(totals.vocabulary, 1)
    # log((s + 1) / spam_all) - log((h + 1) / ham_all), with one log per feature
    ratio = (totals.ham_features + vocabulary) / (totals.spam_features + vocabulary)
    log = math.log
    return [(log((spam + 1) * ratio / (ham + 1)), feature) for feature in features
            if (seen := counts.get(feature)) and ((spam := seen[0]) + (ham := seen[1])) > 0]


def _sigmoid(z: float) -> float:
    z = max(-50.0, min(50.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def score(features: Iterable[str], counts: Mapping[str, tuple[int, int]], totals: Totals,
          describe=lambda f: f) -> SpamScore:
    """The probability that a response with these features is spam, and why.

    Before the model has learned at least one response of each kind it cannot say: the
    score is None. The clues are the features that pushed hardest towards the side the score
    fell on, words and links before runs of letters (which say less to a person)."""
    learned = {"spam_learned": totals.spam_docs, "ham_learned": totals.ham_docs}
    if totals.spam_docs <= 0 or totals.ham_docs <= 0:
        return SpamScore(value=None, **learned)
    weighed = weights(features, counts, totals)
    if not weighed:
        prior = _sigmoid(math.log(totals.spam_docs / totals.ham_docs))
        return SpamScore(value=prior, **learned)
    mean = sum(w for w, _ in weighed) / len(weighed)
    value = _sigmoid(math.log(totals.spam_docs / totals.ham_docs) + EVIDENCE * mean)
    towards = 1 if value >= 0.5 else -1
    # Words, links and the rest before runs of letters, which say less to a person; between
    # features that weigh the same, the first read (links, then the name, then words).
    side = [(t, f) for w, f in weighed if (t := w * towards) > 0]
    pool = [t for t in side if not t[1].startswith("c:")]
    clues = heapq.nlargest(CLUES, pool, key=itemgetter(0))
    if len(clues) < CLUES:
        clues += heapq.nlargest(CLUES - len(clues), [t for t in side if t[1].startswith("c:")],
                                key=itemgetter(0))
    return SpamScore(value=value, clues=tuple(describe(f) for _, f in clues), **learned)


class Counts:
    """A model kept in memory (the evaluation, and training before it is stored)."""

    def __init__(self) -> None:
        self.table: dict[str, list[int]] = {}
        self.spam_docs = self.ham_docs = self.spam_features = self.ham_features = 0

    def learn(self, features: list[str], spam: bool, sign: int = 1) -> None:
        column = 0 if spam else 1
        for feature in features:
            row = self.table.setdefault(feature, [0, 0])
            row[column] += sign
            if row == [0, 0]:
                del self.table[feature]
        if spam:
            self.spam_docs += sign
            self.spam_features += sign * len(features)
        else:
            self.ham_docs += sign
            self.ham_features += sign * len(features)

    def totals(self) -> Totals:
        return Totals(self.spam_docs, self.ham_docs, self.spam_features, self.ham_features,
                      len(self.table))

    def lookup(self, features: Iterable[str]) -> dict[str, tuple[int, int]]:
        return {f: tuple(self.table[f]) for f in features if f in self.table}
