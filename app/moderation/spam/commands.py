"""`flask spam retrain`, `flask spam train FILE`, `flask spam eval [FOLDER]`."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import click
from flask import Flask

from app.config import PROJECT_DIR
from app.extensions import db

YOUTUBE = PROJECT_DIR.parent / "shared" / "corpus" / "spam" / "youtube-spam-collection"


def register_spam_cli(app: Flask) -> None:
    @app.cli.group()
    def spam():
        """The spam model: train it, rebuild it, measure it."""

    @spam.command("retrain")
    def retrain_command():
        """Rebuild the model from every decision moderators made (those before the model
        existed too, from the audit log) and every labelled file trained on."""
        from app.moderation.spam import store

        spam_count, ham_count = store.retrain()
        db.session.commit()
        click.echo(f"Retrained the spam model on {spam_count:,} spam and {ham_count:,} "
                   "not-spam examples.")

    @spam.command("train")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def train_command(path: Path):
        """Teach the model a labelled file: a CSV with a text column and a label column
        (spam/ham, 1/0), or a WordPress export (comment_approved: 1 not spam, spam spam)."""
        from app.moderation.spam import store, training

        skipped = training.Skipped()
        try:
            with path.open("rb") as raw:
                spam_count, ham_count = store.add_examples(
                    training.read(raw, path.name, skipped))
        except training.TrainingFileError as error:
            db.session.rollback()
            raise click.ClickException(f"{path.name}: {error} Nothing was learned.") from None
        if spam_count + ham_count == 0:
            db.session.rollback()
            raise click.ClickException(f"{path.name} has no labelled examples; nothing was "
                                       f"learned ({skipped.rows:,} rows without a label).")
        db.session.commit()
        click.echo(f"Learned {spam_count:,} spam and {ham_count:,} not-spam examples from "
                   f"{path.name}" + (f"; left out {skipped.rows:,} rows without a usable label "
                                     "or text." if skipped.rows else "."))

    @spam.command("eval")
    @click.argument("folder", required=False,
                    type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--database-url", default=None, help="An EMPTY database to time classify() "
                  "through (its tables are made, then dropped); by default a throwaway SQLite.")
    def eval_command(folder: Path | None, database_url: str | None):
        """Measure the model on the YouTube Spam Collection, leaving one video out."""
        from app.moderation.settings import DiscussionSettings
        from app.moderation.spam import evaluation

        folder = folder or YOUTUBE
        comments = evaluation.load_collection(folder)
        if not comments:
            raise click.ClickException(f"No CSV files in {folder}.")
        rules = DiscussionSettings()  # the defaults a new site has
        folds = evaluation.run(comments, rules)
        click.echo(f"The spam model on {len(comments):,} comments of {len(folds)} videos "
                   f"({folder}), each video tested after learning the other "
                   f"{len(folds) - 1}; thresholds: spam at {rules.spam_threshold}, held at "
                   f"{rules.hold_threshold}.\n")
        click.echo(evaluation.table(folds))
        click.echo(f"\nFeatures and score, in memory: "
                   f"{evaluation.cost_per_response(folds) * 1e6:,.0f} µs per comment.")
        median, p99, name = _through_database(app, comments, folds[-1].video, database_url)
        click.echo(f"classify() through the database ({name}, trained on the other videos): "
                   f"median {median * 1e6:,.0f} µs, p99 {p99 * 1e6:,.0f} µs per comment.")


def _through_database(app: Flask, comments, video: str, url: str | None
                      ) -> tuple[float, float, str]:
    """Time the site's own path (features, the totals, the counts not kept yet, the score)
    on a throwaway SQLite file, or on an empty database given."""
    from sqlalchemy import inspect

    from app import create_app
    from app.config import normalise_database_url
    from app.models import SpamLabel
    from app.moderation.spam import store
    from app.tasks import bind_app

    with tempfile.TemporaryDirectory() as folder:
        other = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url) if url
                            else f"sqlite:///{folder}/eval.db"})
        try:
            with other.app_context():
                if url and inspect(db.engine).get_table_names():
                    raise click.ClickException("--database-url must name an empty database: "
                                               "its tables are dropped after.")
                name = db.engine.dialect.name
                db.create_all()
                store.add_examples(
                    (SpamLabel.SPAM if c.spam else SpamLabel.HAM, "comment", c.author, "",
                     c.text) for c in comments if c.video != video)
                db.session.commit()
                times = []
                for comment in comments:
                    if comment.video == video:
                        started = time.perf_counter()
                        store.classify("comment", comment.text, comment.author)
                        times.append(time.perf_counter() - started)
                db.session.remove()
                if url:
                    db.drop_all()
                db.engine.dispose()
        finally:
            store.kept.forget()
            bind_app(app)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)], name
