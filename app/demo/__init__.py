"""Demo content: an original article on the reference page's theme, and a few more.

Every word here was written for Parley; none is copied from the reference page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.auth.services import create_user
from app.authoring.services import ArticleInput, save_article
from app.core.timefmt import site_zone
from app.demo.articles import ARTICLES
from app.extensions import db
from app.models import Article, Role
from app.models.types import utcnow

ADMIN_EMAIL = "admin@parley.example"
AUTHOR_EMAIL = "maya@parley.example"


@dataclass
class DemoResult:
    articles: int
    admin_email: str
    admin_password: str


def credentials_file() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "demo-login.txt"


def load_demo() -> DemoResult | None:
    """Load the demo once; return None when the site already has articles."""
    if db.session.scalar(select(func.count()).select_from(Article)):
        return None
    password = secrets.token_urlsafe(12)
    admin = create_user(ADMIN_EMAIL, "Site Admin", password, Role.ADMIN)
    admin.job_title = "Keeps the lights on"
    author = create_user(AUTHOR_EMAIL, "Maya Okafor", secrets.token_urlsafe(16), Role.AUTHOR)
    author.job_title = "Product lead, writer of this blog"
    author.bio = (
        "Maya has spent fifteen years between engineering teams and the people who pay for "
        "what they build: first as a project manager on hardware launches, then as a product "
        "manager for developer tools. She writes here about the craft, the career, and the "
        "questions readers send her."
    )
    author.social_handle = "@maya@product.example"
    now = utcnow()
    for spec in ARTICLES:
        data = ArticleInput(
            title=spec["title"], body=spec["body"], tags=spec["tags"],
            publish_at=datetime(*spec["date"], tzinfo=UTC),
            reprint_note=spec.get("reprint_note", ""), reprint_url=spec.get("reprint_url", ""),
            translations=spec.get("translations", []),
        )
        save_article(None, author, data, publish=True, now=now, zone=site_zone())
    db.session.commit()
    credentials_file().write_text(f"{ADMIN_EMAIL} {password}\n")
    return DemoResult(len(ARTICLES), ADMIN_EMAIL, password)
