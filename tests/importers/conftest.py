"""Fixtures of the import tests: an admin's form client; no upload left between tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.models import Role
from tests.factories import PASSWORD, make_user


@pytest.fixture
def admin_forms(forms, db):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    forms.login(admin.email, PASSWORD)
    return forms


@pytest.fixture(autouse=True)
def _no_uploads_left(request):
    """Empty the instance's imports folder after each test, so none sees another's files."""
    yield
    if "app" in request.fixturenames:
        folder = Path(request.getfixturevalue("app").config["INSTANCE_DIR"]) / "imports"
        shutil.rmtree(folder, ignore_errors=True)
