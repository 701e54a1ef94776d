"""The settings store knows no setting: a dataclass declares them, the store keeps each field
under its name as JSON and gives values back in the field's type."""

from __future__ import annotations

import json

from app.core import settings as store
from app.extensions import db as _db
from app.models import SiteSetting
from app.moderation.policy import Rules
from app.moderation.settings import Avatars, DiscussionSettings, NotifyModerators


def test_the_rules_are_declared_once_and_the_settings_are_them():
    rule_fields = set(Rules.__dataclass_fields__)
    assert rule_fields <= set(DiscussionSettings.__dataclass_fields__)
    assert isinstance(DiscussionSettings(), Rules)
    assert {name: getattr(DiscussionSettings(), name) for name in rule_fields} == \
        {name: getattr(Rules(), name) for name in rule_fields}


def test_stored_values_come_back_in_their_types(app, db):
    with app.test_request_context("/moderation/settings", method="POST"):
        _db.session.add_all([
            SiteSetting(key="avatars", value=json.dumps("gravatar")),
            SiteSetting(key="notify_moderators", value=json.dumps("sometimes")),
            SiteSetting(key="block_list", value=json.dumps(["@spam.example"])),
            SiteSetting(key="a_setting_no_longer_known", value=json.dumps(1)),
        ])
        _db.session.commit()
        settings = store.load(DiscussionSettings)
    assert settings.avatars is Avatars.GRAVATAR
    # A value no longer offered keeps the default rather than breaking every page.
    assert settings.notify_moderators is NotifyModerators.EACH
    assert settings.block_list == ("@spam.example",)


def test_saving_keeps_each_field_under_its_name(app, db):
    with app.test_request_context("/moderation/settings", method="POST"):
        store.save(DiscussionSettings(avatars=Avatars.NONE, max_links=4))
        _db.session.commit()
        stored = {row.key: json.loads(row.value) for row in
                  _db.session.scalars(_db.select(SiteSetting))}
        assert stored["avatars"] == "none" and stored["max_links"] == 4
        assert store.load(DiscussionSettings).avatars is Avatars.NONE
