"""Accounts: register, log in, log out."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import views  # noqa: E402,F401
