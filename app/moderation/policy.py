"""The moderation decision: a pure function of the submission, its history and the settings.

Rules run in WordPress's order (wp_allow_comment, then check_comment), with Parley's changes:
trusted roles first; the bot traps; the disallowed words and the block list (spam, which beats
everything below); then the spam model's score (`moderation.spam`: sure marks spam, unsure
holds, the rest goes on), after the rules a moderator wrote and before anything that lets a
response through; then the holds (manual approval, links, moderation words); then the
approvals that need proof (a previously approved author, a trusted member); else held.
Flood and duplicate checks refuse before this runs (see comments.services).
"""

from __future__ import annotations

import enum
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.models import ResponseKind, ResponseStatus, Role

TRUSTED_ROLES = frozenset({Role.ADMIN, Role.AUTHOR, Role.MODERATOR})
# One match per link: an href with its address, or an address on its own.
LINK_PATTERN = re.compile(r"(?:href\s*=\s*[\"']?)?(?:https?:)?//", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    status: ResponseStatus
    reason: str


@dataclass(frozen=True)
class Submission:
    """What the policy may look at about a new response."""

    kind: ResponseKind = ResponseKind.COMMENT
    role: Role | None = None  # None for a guest
    body: str = ""
    name: str = ""
    email: str = ""
    website: str = ""
    ip: str = ""
    user_agent: str = ""
    honeypot: str = ""
    seconds_to_fill: float | None = None  # None when unknown (not a form)


@dataclass(frozen=True)
class History:
    """What the database knows about the author, looked up by the caller."""

    # An approved comment by this author AND proof it is them: their member account, the
    # signed cookie of the browser that wrote it, or this browser's cookie of the addresses it
    # proved by opening a link mailed to them. A typed address alone proves nothing.
    proven_previously_approved: bool = False
    approved_count: int = 0  # approved responses of this member
    # An approved comment was written with this email address, proof or not. The rules never
    # approve on it; it tells the site that mailing the address a link could prove it.
    address_previously_approved: bool = False


def score_text(value: float) -> str:
    """A spam score as a moderator reads it: two decimals, three from 0.99 (0.994 is not
    1.00), and "over 0.999" above that (the model is never quite certain)."""
    if value >= 0.9995:
        return "over 0.999"
    return f"{value:.3f}" if value >= 0.99 else f"{value:.2f}"


@dataclass(frozen=True)
class SpamScore:
    """What the spam model said of a submission: one of the decision's inputs."""

    value: float | None = None  # the probability of spam; None before it learned both kinds
    spam_learned: int = 0  # moderators' decisions it has learned from, of each kind
    ham_learned: int = 0
    clues: tuple[str, ...] = ()  # the features that weighed most, in a moderator's words

    def why(self) -> str:
        shown = f"score {score_text(self.value)}" if self.value is not None else "no score"
        return shown + (": " + ", ".join(self.clues) if self.clues else "")


class SpamOutcome(enum.StrEnum):
    """The spam model's own outcome for a response, whatever the other rules made of it."""

    SPAM = "spam"  # sure, and it has learned enough to say so
    HOLD = "hold"  # unsure, or sure before it has learned enough
    PASS = "pass"  # the rest: the other rules decide
    NONE = ""  # off, or nothing learned yet


@dataclass(frozen=True)
class Rules:
    """The settings the rules read."""

    manual_approval: bool = False
    max_links: int = 2
    moderation_words: tuple[str, ...] = ()
    disallowed_words: tuple[str, ...] = ()
    block_list: tuple[str, ...] = ()
    previously_approved: bool = True
    member_trust_after: int = 0  # 0: off
    min_fill_seconds: float = 2.0
    # The spam model: on or off; at or above spam_threshold it marks spam, at or above
    # hold_threshold it holds; it marks spam only once it has learned this many decisions
    # of each kind (spam and not spam).
    spam_model: bool = True
    spam_threshold: float = 0.99
    hold_threshold: float = 0.5
    spam_min_learned: int = 20


def count_links(text: str) -> int:
    return len(LINK_PATTERN.findall(text))


def _fields(submission: Submission) -> list[tuple[str, str]]:
    return [("content", submission.body), ("name", submission.name),
            ("email", submission.email), ("website", submission.website),
            ("IP", submission.ip), ("user agent", submission.user_agent)]


def find_word(words: tuple[str, ...], submission: Submission) -> tuple[str, str] | None:
    """Return (word, field) of the first listed word found in any field, case-insensitively."""
    for word in words:
        needle = word.strip().lower()
        if not needle:
            continue
        for label, value in _fields(submission):
            if needle in value.lower():
                return word.strip(), label
    return None


def blocked_entry(block_list: tuple[str, ...], submission: Submission) -> str | None:
    """Return the block-list line matching the email, IP (or network) or website domain."""
    email = submission.email.lower()
    host = (urlsplit(submission.website).hostname or "").lower()
    body = submission.body.lower()
    try:
        ip = ipaddress.ip_address(submission.ip) if submission.ip else None
    except ValueError:
        ip = None
    for line in block_list:
        entry = line.strip().lower()
        if not entry:
            continue
        if "@" in entry:
            if email == entry or (entry.startswith("@") and email.endswith(entry)):
                return line.strip()
            continue
        network = parse_network(entry)
        if network is not None:
            if ip is not None and ip in network:
                return line.strip()
            continue
        domain = urlsplit(entry if "://" in entry else "http://" + entry).hostname or entry
        if host == domain or host.endswith("." + domain) or _mentions_domain(body, domain):
            return line.strip()
    return None


def _mentions_domain(text: str, domain: str) -> bool:
    """Tell whether the text names the domain or a subdomain as a host, linked or bare
    (the renderer links both), whatever punctuation or brackets surround it."""
    pattern = rf"(?<![a-z0-9.-])(?:[a-z0-9-]+\.)*{re.escape(domain)}(?![a-z0-9-]|\.[a-z0-9])"
    return re.search(pattern, text) is not None


def parse_network(entry: str):
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return None


def spam_outcome(spam: SpamScore | None, rules: Rules) -> SpamOutcome:
    """What the spam model's score comes to under these settings."""
    if not rules.spam_model or spam is None or spam.value is None:
        return SpamOutcome.NONE
    if spam.value >= rules.spam_threshold:
        ready = min(spam.spam_learned, spam.ham_learned) >= rules.spam_min_learned
        return SpamOutcome.SPAM if ready else SpamOutcome.HOLD
    if spam.value >= rules.hold_threshold:
        return SpamOutcome.HOLD
    return SpamOutcome.PASS


def _spam_step(spam: SpamScore | None, history: History, rules: Rules) -> Decision | None:
    outcome = spam_outcome(spam, rules)
    if outcome is SpamOutcome.SPAM:
        if history.proven_previously_approved:  # never a guess against a person's approval
            return Decision(ResponseStatus.PENDING,
                            f"held: the spam model is sure ({spam.why()}), but a moderator "
                            "approved this author before")
        return Decision(ResponseStatus.SPAM, f"spam: the spam model is sure ({spam.why()})")
    if outcome is SpamOutcome.HOLD:
        if spam.value >= rules.spam_threshold:
            return Decision(ResponseStatus.PENDING, (
                f"held: the spam model is sure ({spam.why()}), but it marks spam only after "
                f"{rules.spam_min_learned} decisions of each kind (it has "
                f"{spam.spam_learned} spam, {spam.ham_learned} not spam)"))
        return Decision(ResponseStatus.PENDING, f"held: the spam model is unsure ({spam.why()})")
    return None


def decide(submission: Submission, history: History = History(), rules: Rules = Rules(),
           spam: SpamScore | None = None) -> Decision:
    """Say where a new response goes, and why (`spam`: the spam model's score, if any)."""
    if submission.role in TRUSTED_ROLES:
        return Decision(ResponseStatus.APPROVED,
                        f"approved: posted by the site's {submission.role.value}")
    if submission.honeypot:
        return Decision(ResponseStatus.SPAM, "spam: filled the field people cannot see")
    fill = submission.seconds_to_fill
    if fill is not None and fill < rules.min_fill_seconds:
        return Decision(ResponseStatus.SPAM,
                        f"spam: form filled in {fill:.1f} s")
    if found := find_word(rules.disallowed_words, submission):
        return Decision(ResponseStatus.SPAM, f"spam: disallowed word '{found[0]}' in {found[1]}")
    if entry := blocked_entry(rules.block_list, submission):
        return Decision(ResponseStatus.SPAM, f"spam: block list '{entry}'")
    if decision := _spam_step(spam, history, rules):
        return decision
    if rules.manual_approval:
        return Decision(ResponseStatus.PENDING, "held: every response is approved by hand")
    links = count_links(submission.body)
    if rules.max_links and links >= rules.max_links:
        return Decision(ResponseStatus.PENDING, f"held: {links} links")
    if found := find_word(rules.moderation_words, submission):
        return Decision(ResponseStatus.PENDING,
                        f"held: moderation word '{found[0]}' in {found[1]}")
    is_comment = submission.kind in (ResponseKind.COMMENT, ResponseKind.QUESTION)
    if rules.previously_approved and is_comment and history.proven_previously_approved:
        return Decision(ResponseStatus.APPROVED, "approved: author previously approved")
    if (rules.member_trust_after and submission.role is not None
            and history.approved_count >= rules.member_trust_after):
        return Decision(ResponseStatus.APPROVED,
                        f"approved: member with {history.approved_count} approved responses")
    return Decision(ResponseStatus.PENDING, "held: new responses wait for a moderator")
