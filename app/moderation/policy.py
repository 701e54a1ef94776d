"""The moderation decision, a pure function: no database, no request."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import ResponseStatus, Role

TRUSTED_ROLES = frozenset({Role.ADMIN, Role.AUTHOR, Role.MODERATOR})


@dataclass(frozen=True)
class Decision:
    status: ResponseStatus
    reason: str


@dataclass(frozen=True)
class Submission:
    """What the policy may look at about a new response."""

    role: Role | None  # None for a guest


def decide(submission: Submission) -> Decision:
    """Approve responses from trusted roles at once; hold every other one for a moderator."""
    if submission.role in TRUSTED_ROLES:
        return Decision(ResponseStatus.APPROVED,
                        f"approved: posted by the site's {submission.role.value}")
    return Decision(ResponseStatus.PENDING, "held: new responses wait for a moderator")
