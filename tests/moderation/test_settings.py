"""The Discussion settings page: saving every setting, and refusing bad ones beside the field."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.models import Role, SiteSetting
from app.moderation import settings as site_settings
from app.moderation.settings import DiscussionSettings
from tests.factories import PASSWORD, change_settings, make_user

URL = "/moderation/settings"


def settings_form(**changes) -> dict:
    """Every field of SettingsForm as a browser sends it; None leaves a field out (unchecked)."""
    data = {
        "manual_approval": "y",
        "previously_approved": "y",
        "send_linkbacks": "y",
        "spam_model": "y",
        "member_trust_after": "3",
        "max_links": "4",
        "moderation_words": "loan\r\n  Cheap pills \r\n\r\n",
        "disallowed_words": "casino",
        "block_list": "bad@example.net\r\n@spam.example\r\n203.0.113.0/24\r\n2001:db8::/32\r\n"
                      "spam.example\r\nhttps://spam2.example/",
        "flood_seconds": "30",
        "min_fill_seconds": "1.5",
        "thread_depth": "3",
        "threads_per_page": "20",
        "newest_first": "y",
        "avatars": "gravatar",
        "notify_moderators": "digest",
        "notify_authors": "y",
        "purge_after_days": "60",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def error_beside(page: str, field: str) -> str | None:
    """The text of the error shown under a field, or None."""
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def moderator_forms(forms, db):
    user = make_user(Role.MODERATOR)
    forms.login(user.email, PASSWORD)
    return forms


def input_value(page: str, field: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{field}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def textarea_text(page: str, field: str) -> str | None:
    match = re.search(rf'<textarea[^>]*name="{field}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def test_the_page_shows_the_current_settings(moderator_forms, db):
    change_settings(max_links=7, block_list=("spam.example", "10.0.0.0/8"))
    page = moderator_forms.client.get(URL)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert input_value(text, "max_links") == "7"
    assert textarea_text(text, "block_list").split() == ["spam.example", "10.0.0.0/8"]


def test_valid_settings_are_saved(moderator_forms, db):
    response = moderator_forms.post(URL, settings_form())
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)
    saved = site_settings.load()
    assert saved == replace(
        DiscussionSettings(), min_fill_seconds=1.5, manual_approval=True, previously_approved=True,
        member_trust_after=3, max_links=4, moderation_words=("loan", "Cheap pills"),
        disallowed_words=("casino",),
        block_list=("bad@example.net", "@spam.example", "203.0.113.0/24", "2001:db8::/32",
                    "spam.example", "https://spam2.example/"),
        flood_seconds=30, thread_depth=3, threads_per_page=20, newest_first=True,
        avatars="gravatar", notify_moderators="digest", notify_authors=True,
        purge_after_days=60)
    assert saved.block_list == ("bad@example.net", "@spam.example", "203.0.113.0/24",
                                "2001:db8::/32", "spam.example", "https://spam2.example/")
    follow = moderator_forms.client.get(URL).get_data(as_text=True)
    assert "Discussion settings saved." in follow


def test_unchecked_boxes_are_saved_as_off(moderator_forms, db):
    response = moderator_forms.post(URL, settings_form(
        manual_approval=None, previously_approved=None, newest_first=None,
        notify_authors=None, max_links="0", member_trust_after="0", block_list="",
        moderation_words="", disallowed_words=""))
    assert response.status_code == 302
    saved = site_settings.load()
    assert (saved.manual_approval, saved.previously_approved, saved.newest_first,
            saved.notify_authors) == (False, False, False, False)
    assert (saved.max_links, saved.member_trust_after) == (0, 0)
    assert (saved.block_list, saved.moderation_words, saved.disallowed_words) == ((), (), ())


def refused(forms, db, data: dict) -> str:
    """Post a bad form; check the refusal and that nothing was stored; return the page."""
    before = site_settings.load()
    response = forms.post(URL, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was saved, and what you typed is kept." in page
    assert "Discussion settings saved." not in page
    assert site_settings.load() == before
    assert db.session.scalar(select(func.count()).select_from(SiteSetting)) == 0
    return page


@pytest.mark.parametrize("links", ["-1", "101"])
def test_a_link_count_out_of_range_is_refused_beside_the_field(moderator_forms, db, links):
    page = refused(moderator_forms, db, settings_form(max_links=links))
    assert error_beside(page, "max_links") == "Use a number from 0 to 100."
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*name="max_links"', page)
    assert error_beside(page, "block_list") is None
    # What was typed is kept, in this field and the others.
    assert input_value(page, "max_links") == links
    assert input_value(page, "flood_seconds") == "30"
    assert textarea_text(page, "moderation_words").splitlines()[1:3] == ["loan", "  Cheap pills "]


def test_a_malformed_block_list_line_is_named_beside_the_field(moderator_forms, db):
    typed = "203.0.113.0/24\r\nnot a domain!\r\nspam.example\r\nhalf@\r\n10.0.0.0/8"
    page = refused(moderator_forms, db, settings_form(block_list=typed))
    assert error_beside(page, "block_list") == (
        "These lines are not an email address, @domain, IP address, network or domain: "
        "not a domain!; half@")
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*name="block_list"', page)
    assert error_beside(page, "max_links") is None
    assert textarea_text(page, "block_list").splitlines()[1:] == \
        ["203.0.113.0/24", "not a domain!", "spam.example", "half@", "10.0.0.0/8"]
    assert input_value(page, "max_links") == "4"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.AUTHOR])
def test_only_moderators_and_admins_reach_the_settings(forms, db, role):
    user = make_user(role)
    forms.login(user.email, PASSWORD)
    assert forms.client.get(URL).status_code == 403
    admin = make_user(Role.ADMIN)
    forms.post("/logout", {}, form_url="/")
    forms.login(admin.email, PASSWORD)
    assert forms.client.get(URL).status_code == 200
