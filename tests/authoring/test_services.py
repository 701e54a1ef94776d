"""Publishing rules: slugs, permalinks, scheduling, tags, translations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.authoring import services
from app.authoring.services import ArticleInput
from app.core.urls import BadUrl
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
        "Português, https://pt.example.org/a\n中文 | https://zh.example.org/b\n\nnonsense line\n"
        "Klingonese, https://tlh.example.org/\nPolski, javascript:alert(1)\n"
        "pt-BR, https://br.example.org/a,b")
    assert pairs == [("Português", "https://pt.example.org/a"),
                     ("中文", "https://zh.example.org/b"),
                     ("pt-BR", "https://br.example.org/a,b")]
    assert bad == [
        "“nonsense line”: write it as “language, https://address”.",
        "“Klingonese, https://tlh.example.org/”: Write the language as a code like 'pl' or a "
        "known name: English, Português, Polski, 中文, Deutsch, Español, Français, Italiano, "
        "Nederlands, 日本語, Русский, 한국어 (“Klingonese” is not one). For another language, "
        "put its code after the name, like “Kernewek (kw)”.",
        "“Polski, javascript:alert(1)”: Only web addresses starting with http:// or https:// "
        "are accepted.",
    ]


def test_translations_are_stored_with_their_language_tags(db):
    article = save(None, make_user(Role.AUTHOR), translations=[
        ("polish", "https://pl.example.org/a"), ("pt-br", "HTTPS://BR.Example.org/a"),
        ("Kernewek (kw)", "https://kw.example.org/a"), ("zh-Hant", "https://tw.example.org/a")])
    assert sorted((t.language, t.code, t.url) for t in article.translations) == [
        ("Kernewek", "kw", "https://kw.example.org/a"),
        ("Polski", "pl", "https://pl.example.org/a"),
        ("Português (Brasil)", "pt-BR", "https://br.example.org/a"),
        ("繁體中文", "zh-Hant", "https://tw.example.org/a"),
    ]
    # The editor shows them so that reading them back gives the same names and tags.
    shown = services.format_translations(article)
    assert "Kernewek (kw), https://kw.example.org/a" in shown.splitlines()
    again, bad = services.parse_translations(shown)
    assert bad == []
    assert sorted(services.read_translation(*pair) for pair in again) == sorted(
        (t.language, t.code, t.url) for t in article.translations)


def test_bad_translations_and_reprint_links_change_nothing(db):
    author = make_user(Role.AUTHOR)
    article = save(None, author, title="Kept", reprint_url="weekly.example.org/1",
                   translations=[("Polski", "https://pl.example.org/a")])
    assert article.reprint_url == "http://weekly.example.org/1"  # through the one URL rule
    with pytest.raises(services.BadTranslations) as refused:
        save(article, author, title="Changed", translations=[("Klingonese", "https://x.org/")])
    assert "Klingonese" in refused.value.messages[0]
    with pytest.raises(BadUrl):
        save(article, author, title="Changed", reprint_url="javascript:alert(1)")
    assert article.title == "Kept" and [t.code for t in article.translations] == ["pl"]


def test_only_owners_and_admins_may_edit(db):
    owner, other = make_user(Role.AUTHOR), make_user(Role.AUTHOR)
    admin, moderator = make_user(Role.ADMIN), make_user(Role.MODERATOR)
    article = save(None, owner)
    assert services.can_edit(owner, article) and services.can_edit(admin, article)
    assert not services.can_edit(other, article) and not services.can_edit(moderator, article)


def test_trackback_urls_are_cleaned_and_bad_lines_named():
    urls, errors = services.parse_trackback_urls(
        "https://blog.example.org/trackback/7\n\n  blog.example.net/tb/1  \n"
        "javascript:alert(1)\nhttps://blog.example.org/trackback/7\n")
    assert urls == ["https://blog.example.org/trackback/7", "http://blog.example.net/tb/1"]
    assert errors == ["“javascript:alert(1)”: Only web addresses starting with http:// or "
                      "https:// are accepted."]
    many = "\n".join(f"https://blog.example.org/tb/{n}" for n in range(21))
    assert services.parse_trackback_urls(many)[1] == ["List at most 20 TrackBack URLs, not 21."]


def test_trackback_urls_are_stored_one_a_line_and_bad_ones_change_nothing(db):
    author = make_user(Role.AUTHOR)
    article = save(None, author, title="Kept",
                   trackback_urls=["https://a.example.org/tb/1", "b.example.org/tb/2"])
    assert article.trackback_urls == "https://a.example.org/tb/1\nhttp://b.example.org/tb/2"
    with pytest.raises(services.BadTrackbackUrls) as refused:
        save(article, author, title="Changed", trackback_urls=["ftp://a.example.org/"])
    assert "“ftp://a.example.org/”" in refused.value.messages[0]
    assert article.title == "Kept"


def sending_jobs(db) -> list:
    """The linkback sending queued to run after the commit."""
    from app.linkbacks import sending

    return [job for job in db.session.info.get("after_commit", [])
            if job[0] in (sending.send_article, sending.send_article.schedule)]


def test_publishing_or_updating_queues_sending_and_a_draft_does_not(db):
    from app.linkbacks import sending
    from tests.factories import change_settings

    change_settings(send_linkbacks=True)
    author = make_user(Role.AUTHOR)
    now = datetime.now(UTC)
    draft = save(None, author, now=now)
    assert sending_jobs(db) == []

    article = save(None, author, publish=True, now=now)
    assert sending_jobs(db) == [(sending.send_article, (article.id,), {})]
    db.session.info.pop("after_commit")
    save(article, author, now=now)  # an update while live
    assert sending_jobs(db) == [(sending.send_article, (article.id,), {})]
    db.session.info.pop("after_commit")

    later = now + timedelta(days=3)
    scheduled = save(draft, author, publish=True, publish_at=later, now=now)
    assert sending_jobs(db) == [
        (sending.send_article.schedule, (), {"args": (scheduled.id,), "eta": later})]
    db.session.rollback()


def test_nothing_is_queued_with_sending_turned_off(db):
    from tests.factories import change_settings

    change_settings(send_linkbacks=False)
    save(None, make_user(Role.AUTHOR), publish=True, now=datetime.now(UTC))
    assert sending_jobs(db) == []
    db.session.rollback()
