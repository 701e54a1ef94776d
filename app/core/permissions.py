"""Role checks for views: guests are sent to log in, the wrong role gets 403."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager
from app.models import Role


def roles_required(*roles: Role):
    """Let a view through only for logged-in users holding one of the roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


writers_only = roles_required(Role.ADMIN, Role.AUTHOR)
admins_only = roles_required(Role.ADMIN)
