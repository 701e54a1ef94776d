"""Publishing rules: slugs, permalinks, scheduling, tags, translations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.authoring import services
from app.authoring.services import ArticleInput
from app.models import ArticleStatus, Role
from tests.factories import make_user

UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2025, 5, 14, 12, 0, tzinfo=UTC)


def save(article, author, publish=False, now=NOW, zone=UTC_ZONE, **fields):
    data = ArticleInput(title=fields.pop("title", "A title"), body=fields.pop("body", "Text."),
                        **fields)
    return services.save_article(article, author, data, publish=publish, now=now, zone=zone)


def test_draft_has_no_permalink_and_a_slug_from_the_title(db):
    article = save(None, make_user(Role.AUTHOR), title="Ça va? Product & Project!")
    assert article.status is ArticleStatus.DRAFT
    assert article.slug == "ca-va-product-project" and article.path is None
    assert not article.is_live(NOW)


def test_publish_sets_date_path_and_renders_markdown(db):
    article = save(None, make_user(Role.AUTHOR), publish=True, title="Hello",
                   body="Some **bold** text")
    assert article.status is ArticleStatus.PUBLISHED and article.published_at == NOW
    assert article.path == "/2025/05/14/hello/"
    assert "<strong>bold</strong>" in article.body_html
    assert article.summary == "Some bold text"


def test_future_date_schedules_and_goes_live_by_itself(db):
    later = NOW + timedelta(days=2)
    article = save(None, make_user(Role.AUTHOR), publish=True, publish_at=later)
    assert article.status is ArticleStatus.SCHEDULED
    assert not article.is_live(NOW) and article.is_live(later)
    assert article.path == "/2025/05/16/a-title/"


def test_permalink_uses_the_site_time_zone(db):
    late_evening = datetime(2025, 5, 15, 2, 0, tzinfo=UTC)  # May 14 in Chicago
    article = save(None, make_user(Role.AUTHOR), publish=True, publish_at=late_evening,
                   now=late_evening, zone=ZoneInfo("America/Chicago"))
    assert article.path == "/2025/05/14/a-title/"


def test_slug_is_editable_until_published_then_permalink_is_stable(db):
    author = make_user(Role.AUTHOR)
    article = save(None, author, slug="first-try")
    article = save(article, author, slug="second-try")
    assert article.slug == "second-try"
    article = save(article, author, publish=True, slug="second-try")
    path = article.path
    later = NOW + timedelta(days=1)
    article = save(article, author, now=later, slug="third-try", title="Renamed",
                   publish_at=later + timedelta(days=5))
    assert article.path == path and article.slug == "second-try"
    assert article.title == "Renamed" and article.published_at == NOW


def test_unpublish_keeps_the_permalink_for_a_return(db):
    author = make_user(Role.AUTHOR)
    article = save(None, author, publish=True)
    path = article.path
    services.unpublish(article)
    assert not article.is_live(NOW) and article.path == path
    article = save(article, author, publish=True, now=NOW + timedelta(days=3))
    assert article.is_live(NOW + timedelta(days=3)) and article.path == path


def test_duplicate_typed_slug_is_refused_and_generated_ones_are_made_unique(db):
    author = make_user(Role.AUTHOR)
    save(None, author, title="Same")
    second = save(None, author, title="Same")
    assert second.slug == "same-2"
    with pytest.raises(services.DuplicateSlug):
        save(None, author, title="Other", slug="same")


def test_tags_are_reused_by_slug(db):
    author = make_user(Role.AUTHOR)
    first = save(None, author, tags=["Careers", "Road maps"])
    second = save(None, author, tags=["careers"])
    assert {t.slug for t in first.tags} == {"careers", "road-maps"}
    assert second.tags[0].id == next(t.id for t in first.tags if t.slug == "careers")


def test_translations_are_parsed_and_bad_lines_reported():
    pairs, bad = services.parse_translations(
        "Português, https://pt.example.org/a\n中文 | https://zh.example.org/b\n\nnonsense line")
    assert pairs == [("Português", "https://pt.example.org/a"),
                     ("中文", "https://zh.example.org/b")]
    assert bad == ["nonsense line"]


def test_only_owners_and_admins_may_edit(db):
    owner, other = make_user(Role.AUTHOR), make_user(Role.AUTHOR)
    admin, moderator = make_user(Role.ADMIN), make_user(Role.MODERATOR)
    article = save(None, owner)
    assert services.can_edit(owner, article) and services.can_edit(admin, article)
    assert not services.can_edit(other, article) and not services.can_edit(moderator, article)
