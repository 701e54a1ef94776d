"""Command-line tools: `flask --app wsgi users create`, `demo`, `worker`."""

from __future__ import annotations

import click
from flask import Flask

from app.auth import services as accounts
from app.extensions import db
from app.models import Role


def register_cli(app: Flask) -> None:
    """Attach Parley's commands to the app's CLI."""

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
