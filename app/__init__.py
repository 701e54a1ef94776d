"""Parley: a self-hosted blog discussion platform."""

from __future__ import annotations

from flask import Flask

from app import config as config_module
from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=config_module.INSTANCE_DIR.as_posix(),
        instance_relative_config=True,
    )
    app.config.update(config_module.from_environment())
    if config:
        app.config.update(config)
        if "SITE_URL" in config and "TRUSTED_HOSTS" not in config:
            from app.core.security import trusted_hosts

            app.config["TRUSTED_HOSTS"] = trusted_hosts(config["SITE_URL"])

    _init_extensions(app)
    from app.core.converters import BoundedIntegerConverter

    app.url_map.converters["int"] = BoundedIntegerConverter  # before any route is added
    _register_blueprints(app)

    from app import templating
    from app.cli import register_cli
    from app.core import pagecache, security
    from app.core import settings as site_settings
    from app.errors import register_error_handlers
    from app.tasks import bind_app

    pagecache.init_app(app)  # inside the host check that security.init_app puts around it
    security.init_app(app)
    templating.init_app(app)
    site_settings.init_app(app)
    register_error_handlers(app)
    register_cli(app)
    bind_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import database

    db.init_app(app)
    database.configure_engine_events(app)
    database.configure_session_events()
    migrate.init_app(app, db, directory=str(config_module.PROJECT_DIR / "migrations"),
                     render_as_batch=True, compare_type=True,
                     render_item=database.render_migration_item,
                     include_object=database.include_migration_object)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to open that page."
    login_manager.login_message_category = "info"

    # The remember-me cookie is as secure as the session cookie, unless set on its own.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE"))

    from app.auth.services import user_for_session

    @login_manager.user_loader
    def load_user(session_id: str):
        """The user of a session or remember cookie, while its session version holds."""
        return user_for_session(session_id)


def _register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.authoring import bp as authoring_bp
    from app.blog import bp as blog_bp
    from app.comments import bp as comments_bp
    from app.comments import moderator_reply  # noqa: F401  (on the moderation blueprint)
    from app.importers import bp as importers_bp
    from app.linkbacks import bp as linkbacks_bp
    from app.moderation import bp as moderation_bp
    from app.moderation import dashboard_views  # noqa: F401  (the dashboard, the audit log)
    from app.questions import bp as questions_bp

    # Routes and jobs; moderation_views hangs the questions' moderation pages on the
    # moderation blueprint (questions import moderation, never the reverse).
    from app.questions import list_views, moderation_views, notifications, views  # noqa: F401

    for blueprint in (linkbacks_bp, blog_bp, comments_bp, questions_bp, moderation_bp, auth_bp,
                      authoring_bp, admin_bp, importers_bp):
        app.register_blueprint(blueprint)
