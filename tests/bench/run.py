"""`make bench`: serve Parley with gunicorn on 127.0.0.1 and load it with wrk.

Measures requests per second and latency for the article page with 79 and with 1,000
responses, against a bare Flask "hello" endpoint under the same server settings (the
ceiling), and counts SQL queries per page view (rendered and served from the page cache);
then the Questions page over 10,000 questions and 50,000 answers (tests/bench/questions.py).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "1",
            "--worker-class", "sync", "--log-level", "warning"]
WRK_ARGS = ["-t2", "-c16", "-d8s", "--latency"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(instance: Path) -> dict[str, str]:
    """Create the database and two articles: one with 79 responses, one with 1,000."""
    os.environ["PARLEY_INSTANCE"] = str(instance)
    os.environ.pop("DATABASE_URL", None)
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Response, ResponseStatus, Role
    from app.models.types import utcnow
    from tests.factories import make_article, make_user

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        author = make_user(Role.AUTHOR, name="Bench Author", bio="Writes benchmarks.")
        paths = {}
        for total in (79, 1000):
            article = make_article(author, title=f"Article with {total} responses",
                                   body="A paragraph of **text**.\n\n" * 8)
            start = utcnow() - timedelta(days=30)
            rows, parent = [], None
            for i in range(total):
                response = Response(
                    article=article, status=ResponseStatus.APPROVED,
                    author_name=f"Reader {i}", author_email=f"reader{i}@example.org",
                    author_url="https://example.org" if i % 4 == 0 else "",
                    body_source="A reply with a few words in it.",
                    body_html="<p>A reply with a few words in it, and a second sentence.</p>",
                    created_at=start + timedelta(minutes=i))
                db.session.add(response)
                rows.append((response, parent))
                parent = response if i % 3 == 0 else None
            db.session.flush()
            for response, parent_row in rows:
                response.place_under(parent_row)
            db.session.commit()
            paths[total] = article.path
    return paths


def count_queries(paths: dict) -> dict:
    """Count SQL statements for one page view, rendered and then from the cache."""
    from sqlalchemy import event

    from app import create_app
    from app.core import pagecache
    from app.extensions import db

    app = create_app()
    counts = {}
    with app.app_context():
        engine = db.engine
    for total, path in paths.items():
        statements = []

        def record(*args, statements=statements):
            statements.append(args[2])

        pagecache.pages.clear()
        pagecache._last_seen = (None, 0)
        event.listen(engine, "before_cursor_execute", record)
        client = app.test_client()
        client.get(path)
        rendered = len(statements)
        statements.clear()
        client.get(path)
        cached = len(statements)
        event.remove(engine, "before_cursor_execute", record)
        counts[total] = (rendered, cached)
    return counts


def serve(module: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen([*GUNICORN, "--bind", f"127.0.0.1:{port}", module],
                               cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except urllib.error.HTTPError:
            return process  # answering, even if with 404
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn for {module} did not start")


def wrk(url: str, *extra: str) -> tuple[float, str, str]:
    """Return requests/second, average and 99th percentile latency for a URL (`extra`: more
    wrk arguments, such as a header)."""
    subprocess.run(["wrk", "-t1", "-c4", "-d1s", *extra, url], capture_output=True,
                   check=True)  # warm
    output = subprocess.run(["wrk", *WRK_ARGS, *extra, url], capture_output=True, text=True,
                            check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    average = re.search(r"Latency\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses\n{output}")
    return rps, average, p99


def bench_import(sizes=((100, 100), (1000, 100))) -> list[dict]:
    """Import generated exports of 10,000 and 100,000 comments; measure speed and memory."""
    from tests.bench.wxr_gen import write_export

    results = []
    for posts, per_post in sizes:
        work = Path(tempfile.mkdtemp(prefix="parley-bench-wxr-"))
        export = work / "export.xml"
        comments = write_export(export, posts, per_post)
        output = subprocess.run(
            [sys.executable, "-m", "tests.bench.import_run", str(export), str(work / "inst")],
            cwd=ROOT, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
        measured = json.loads(output.strip().splitlines()[-1])
        results.append({"comments": comments, "size_mb": export.stat().st_size / 1e6,
                        **measured})
    return results


def main() -> None:
    imports = bench_import()
    instance = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    paths = seed(instance)
    queries = count_queries(paths)
    env = {**os.environ, "PARLEY_INSTANCE": str(instance), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    parley_port, hello_port = free_port(), free_port()
    parley = serve("wsgi:app", parley_port, env)
    hello = serve("tests.bench.hello:app", hello_port, env)
    try:
        ceiling = wrk(f"http://127.0.0.1:{hello_port}/hello")
        results = {total: wrk(f"http://127.0.0.1:{parley_port}{path}")
                   for total, path in paths.items()}
    finally:
        parley.terminate()
        hello.terminate()
        parley.wait()
        hello.wait()

    print()
    print(f"gunicorn: 2 sync workers; wrk {' '.join(WRK_ARGS)}; SQLite; anonymous readers")
    print(f"{'page':<34}{'req/s':>9}{'avg':>10}{'p99':>10}{'of ceiling':>12}"
          f"{'queries':>9}{'cached':>8}")
    print(f"{'hello (ceiling)':<34}{ceiling[0]:>9.0f}{ceiling[1]:>10}{ceiling[2]:>10}"
          f"{'100%':>12}{'-':>9}{'-':>8}")
    for total, (rps, average, p99) in results.items():
        rendered, cached = queries[total]
        print(f"{f'article, {total:,} responses':<34}{rps:>9.0f}{average:>10}{p99:>10}"
              f"{rps / ceiling[0]:>12.0%}{rendered:>9}{cached:>8}")
    print()
    same = queries[79][0] == queries[1000][0]
    print(f"Queries per rendered page do not grow with responses: {'yes' if same else 'NO'}")

    # --- the Questions page (tests/bench/questions.py): its own database and server ---
    from tests.bench import questions as question_bench

    question_bench.report(question_bench.run(ceiling))
    print()
    print("WXR import (generated export, SQLite, an import job committing in short batches)")
    print(f"{'comments':>10}{'file MB':>10}{'seconds':>10}{'responses/s':>14}{'batches':>10}"
          f"{'peak RSS MB':>14}")
    for row in imports:
        print(f"{row['comments']:>10,}{row['size_mb']:>10.1f}{row['seconds']:>10.1f}"
              f"{row['responses'] / row['seconds']:>14,.0f}{row['batches']:>10,}"
              f"{row['peak_kib'] / 1024:>14.0f}")


if __name__ == "__main__":
    main()
