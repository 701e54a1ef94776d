"""Learning from moderators, through the task queue: each decision is learned once its
transaction commits, by whichever worker takes the job (inline with HUEY_IMMEDIATE)."""

from __future__ import annotations

from collections.abc import Iterable

from app.extensions import db
from app.models import Response
from app.moderation.spam import store
from app.tasks import after_commit, app_task


@app_task(retries=3, retry_delay=10)
def learn_decisions(response_ids: list[int]) -> None:
    store.learn_responses(response_ids)
    db.session.commit()


def after_decision(responses: Iterable[Response]) -> None:
    """Queue the learning of these responses' new status, once the decision commits."""
    ids = sorted({r.id for r in responses})
    if ids:
        after_commit(learn_decisions, ids)
