"""Command-line tools: `flask --app wsgi users create`, `demo`, `worker`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask

from app.auth import services as accounts
from app.extensions import db
from app.importers.wxr_export import export_wxr
from app.models import ImportState, Role
from app.models.types import utcnow
from app.moderation.spam.commands import register_spam_cli


def register_cli(app: Flask) -> None:
    """Attach Parley's commands to the app's CLI."""
    register_wxr_cli(app)
    register_spam_cli(app)

    @app.cli.group()
    def users():
        """Manage user accounts."""

    @users.command("create")
    @click.argument("email")
    @click.option("--role", type=click.Choice([r.value for r in Role]), default="member",
                  show_default=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--name", default=None, help="Display name (default: the part before @).")
    def create_user(email: str, role: str, password: str, name: str | None):
        """Create a user who can log in at /login."""
        if problem := accounts.password_problem(password, email):
            raise click.BadParameter(problem, param_hint="--password")
        try:
            user = accounts.create_user(email, name or email.split("@")[0], password, Role(role))
        except accounts.EmailTaken:
            raise click.BadParameter("an account with this email exists already",
                                     param_hint="EMAIL") from None
        db.session.commit()
        click.echo(f"Created {user.role.value} {user.email}.")

    @app.cli.command("demo")
    def demo():
        """Load the demo content once (does nothing if the site has articles)."""
        from app.demo import load_demo

        result = load_demo()
        if result is None:
            click.echo("Demo content is already loaded; nothing changed.")
        else:
            click.echo(f"Loaded the demo: {result.articles} articles, "
                       f"{result.responses} responses.")
            click.echo(f"Log in at /login as {result.admin_email} with password "
                       f"{result.admin_password}")
            click.echo(f"Moderator: {result.moderator_email} with password "
                       f"{result.moderator_password}")

    @app.cli.command("worker")
    @click.option("--workers", default=2, show_default=True, help="Worker threads.")
    def worker(workers: int):
        """Run the task queue consumer (mail and other background jobs)."""
        from app.tasks import huey

        consumer = huey.create_consumer(workers=workers, worker_type="thread",
                                        periodic=True, check_worker_health=True)
        click.echo(f"Parley worker: {type(huey).__name__}, {workers} threads.")
        consumer.run()


def register_wxr_cli(app: Flask) -> None:
    """`flask wxr import FILE` and `flask wxr export FILE`."""

    @app.cli.group()
    def wxr():
        """Import or export WordPress eXtended RSS (WXR) files."""

    @wxr.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_command(path: Path):
        """Import a WordPress export: posts, comments, pingbacks, trackbacks, authors, tags.

        Runs as an import job (listed on the Import page): it commits in short batches, so
        the site stays usable, and a file that fails part-way leaves nothing behind.
        """
        from app.importers import jobs, services

        try:
            job = services.new_job(path.name, path.resolve())
        except services.ImportRefused as refused:
            raise click.ClickException(str(refused)) from None
        db.session.commit()
        with click.progressbar(length=job.bytes_total, label="Importing",
                               show_percent=True) as bar:
            ended = jobs.run_job(job.id, path=path,
                                 progress=lambda done: bar.update(done - bar.pos))
            if ended.state is ImportState.DONE:
                bar.update(ended.bytes_total - bar.pos)
        if ended.state is not ImportState.DONE:
            raise click.ClickException(ended.error)
        click.echo()
        click.echo(json.loads(ended.summary)["table"])

    @wxr.command("export")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
    def export_command(path: Path):
        """Write every article, response, author and tag as a WXR 1.2 file."""
        with path.open("w", encoding="utf-8") as out:
            counts = export_wxr(out, site_url=app.config["SITE_URL"], now=utcnow())
        click.echo(f"Wrote {path}: {counts['articles']} articles, {counts['responses']} "
                   f"responses, {counts['authors']} authors, {counts['tags']} tags.")
