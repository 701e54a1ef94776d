"""The task queue for real: jobs queued on commit are run by a Huey consumer, not inline.

By default the queue is Huey on an SQLite file under the instance folder; `make test-redis`
runs these tests again with REDIS_URL, where the same jobs travel through the machine's Redis.
"""

from __future__ import annotations

import os
import time

import pytest
from huey import RedisHuey, SqliteHuey
from sqlalchemy import func, select

from app import tasks
from app.models import OutboxMessage
from app.tasks import send_mail

pytestmark = pytest.mark.redis


@pytest.fixture
def real_queue(app):
    """The app's own queue with its consumer running in threads, for the test's length."""
    huey = tasks.huey
    huey.immediate = False
    huey.flush()
    consumer = huey.create_consumer(workers=2, worker_type="thread", periodic=False,
                                    initial_delay=0.05, max_delay=0.2)
    consumer.start()
    yield huey
    consumer.stop(graceful=True)
    huey.flush()
    huey.immediate = True


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_queue_is_the_configured_one():
    if os.environ.get("REDIS_URL"):
        assert isinstance(tasks.huey, RedisHuey)
    else:
        assert isinstance(tasks.huey, SqliteHuey)


def test_a_job_queued_on_commit_is_run_by_the_consumer(real_queue, db):
    send_mail("reader@example.org", "Queued", "Delivered by the worker.")
    assert len(real_queue) == 0  # nothing is queued before the commit
    db.session.commit()

    def delivered() -> bool:
        db.session.commit()  # a new snapshot each time
        return db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1

    assert _wait_for(delivered), "the consumer never ran the job"
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.recipient, message.body) == ("reader@example.org", "Delivered by the worker.")


def test_a_rolled_back_transaction_queues_nothing(real_queue, db):
    db.session.add(OutboxMessage(recipient="x@example.org", subject="Row", body="Rolled back"))
    db.session.flush()  # the transaction wrote something, as a service does before queueing
    send_mail("reader@example.org", "Never", "This transaction is rolled back.")
    db.session.rollback()
    db.session.commit()
    time.sleep(0.5)
    assert len(real_queue) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_many_jobs_are_each_run_once(real_queue, db):
    for n in range(20):
        send_mail(f"r{n}@example.org", "Many", f"Message {n}")
    db.session.commit()

    def all_delivered() -> bool:
        db.session.commit()
        return db.session.scalar(select(func.count()).select_from(OutboxMessage)) >= 20

    assert _wait_for(all_delivered)
    time.sleep(0.3)
    db.session.commit()
    bodies = sorted(db.session.scalars(select(OutboxMessage.body)))
    assert bodies == sorted(f"Message {n}" for n in range(20))


def test_the_worker_knows_every_job():
    """`flask worker` builds the app and nothing more, so every job any module declares must
    be registered by create_app(): a job the worker does not know is never run (a queued
    webmention stayed "pending" for ever before linkbacks/__init__ imported its jobs)."""
    import importlib
    import pkgutil
    import subprocess
    import sys
    from pathlib import Path

    import app as package

    for module in pkgutil.walk_packages(package.__path__, "app."):
        importlib.import_module(module.name)
    declared = set(tasks.huey._registry._registry)
    script = ("from app import create_app; create_app(); from app.tasks import huey; "
              "print('\\n'.join(huey._registry._registry))")
    worker = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], env=os.environ, check=True)
    assert "app.linkbacks.jobs.verify_webmention" in declared
    assert declared - set(worker.stdout.split()) == set()
