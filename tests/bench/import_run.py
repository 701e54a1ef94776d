"""Import one WXR file into a fresh SQLite database; print seconds, responses and peak memory."""

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
    from zoneinfo import ZoneInfo

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.importers.wxr import import_wxr
    from app.models.types import utcnow

    app = create_app()
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"))
        started = time.perf_counter()
        with open(path, "rb") as source:
            summary = import_wxr(source, zone=ZoneInfo("UTC"), now=utcnow())
        db.session.commit()
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "responses": sum(summary.responses.values()),
                      "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
