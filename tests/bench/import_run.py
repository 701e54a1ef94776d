"""Import one WXR file into a fresh SQLite database as an import job (batches that commit, as
the worker and `flask wxr import` run it); print seconds, responses, batches, peak memory."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def main(path: str, instance: str) -> None:
    os.environ["PARLEY_INSTANCE"] = instance
    os.environ.pop("DATABASE_URL", None)
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.importers import jobs, services

    app = create_app()
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"))
        job = services.new_job(Path(path).name, Path(path))
        db.session.commit()
        batches = []
        started = time.perf_counter()
        ended = jobs.run_job(job.id, path=Path(path), after_batch=batches.append)
        seconds = time.perf_counter() - started
        if ended.state != "done":
            raise SystemExit(ended.error)
        summary = json.loads(ended.summary)
    print(json.dumps({"seconds": seconds, "responses": summary["responses"],
                      "batches": len(batches) + 1,
                      "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
