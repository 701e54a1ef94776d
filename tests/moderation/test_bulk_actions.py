"""Bulk actions in a constant number of statements, and one digest mail per article author
for the responses approved together."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import ModerationEvent, Response, ResponseStatus, Role
from tests.factories import PASSWORD, change_settings, make_article, make_response, make_user
from tests.moderation.test_queue_queries import statements

S = ResponseStatus


@pytest.fixture
def mod(forms, db):
    moderator = make_user(Role.MODERATOR, name="Sam Moderator")
    forms.login(moderator.email, PASSWORD)
    return forms


def bulk(mod, action: str, rows: list[tuple[int, S]]):
    return mod.post("/moderation/act", {
        "bulk_action": action, "ids": [str(i) for i, _ in rows],
        **{f"seen-{i}": status.value for i, status in rows}}, form_url="/moderation/")


@pytest.mark.parametrize(("action", "start", "end"), [
    ("spam", S.PENDING, S.SPAM), ("trash", S.APPROVED, S.TRASH),
    ("unapprove", S.APPROVED, S.PENDING), ("restore", S.TRASH, S.PENDING),
    ("delete", S.SPAM, None)])
def test_a_bulk_action_takes_the_same_statements_for_1_and_20_rows(mod, count_queries, db,
                                                                   action, start, end):
    article = make_article()

    def run(n: int) -> int:
        rows = [(make_response(article, status=start, body=f"{action} {i}",
                               previous_status=S.PENDING if start is S.TRASH else None).id, start)
                for i in range(n)]
        with count_queries() as counter:
            result = bulk(mod, action, rows)
        assert result.status_code == 302
        db.session.expire_all()
        for response_id, _ in rows:
            found = db.session.get(Response, response_id)
            assert (found.status if found else None) is end
        return statements(counter)

    run(1)  # the first request reads what later ones find kept (the settings)
    one, twenty = run(1), run(20)
    assert one == twenty
    events = db.session.scalar(select(func.count()).select_from(ModerationEvent).where(
        ModerationEvent.action == action))
    assert events == 22


def test_a_bulk_action_leaves_the_rows_someone_else_changed(mod, db):
    article = make_article()
    rows = [make_response(article, status=S.PENDING) for _ in range(3)]
    data = {"bulk_action": "spam", "ids": [str(r.id) for r in rows],
            **{f"seen-{r.id}": "pending" for r in rows}}
    data[f"seen-{rows[1].id}"] = "approved"  # the moderator saw it approved: it changed since
    mod.post("/moderation/act", data, form_url="/moderation/")
    db.session.expire_all()
    assert [db.session.get(Response, r.id).status for r in rows] == [S.SPAM, S.PENDING, S.SPAM]


def test_approving_many_mails_each_author_one_digest(mod, db, smtp):
    change_settings(notify_moderators="off", notify_authors=True)
    wren = make_user(Role.AUTHOR, name="Wren Writer", email="wren@example.org")
    otto = make_user(Role.AUTHOR, name="Otto Other", email="otto@example.org")
    first, second = make_article(wren, title="First of Wren's"), make_article(
        wren, title="Second of Wren's")
    others = make_article(otto, title="Otto's only")
    held = [make_response(first, status=S.PENDING, body="On first one", author_name="Ana"),
            make_response(second, status=S.PENDING, body="On second one", author_name="Ben"),
            make_response(first, status=S.PENDING, body="On first again", author_name="Cy"),
            make_response(others, status=S.PENDING, body="For Otto", author_name="Dee")]
    assert bulk(mod, "approve", [(r.id, S.PENDING) for r in held]).status_code == 302

    [digest] = smtp.to("wren@example.org")
    assert digest["Subject"] == "3 new responses on your articles"
    body = digest.get_content()
    for text in ("On first one", "On second one", "On first again"):
        assert text in body
    for r in held[:3]:
        assert f"/comment/{r.id}/" in body
    assert "For Otto" not in body
    [single] = smtp.to("otto@example.org")
    assert single["Subject"] == "New comment on “Otto's only”"
    assert len([m for m in smtp.messages if m["To"] in ("wren@example.org",
                                                       "otto@example.org")]) == 2
