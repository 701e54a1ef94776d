"""The audit log: who reads which entries (moderators: the responses they can act on; admins:
everything), each entry as a sentence with its response and article linked, one response's
history, pages, and the same statements for 5 entries as for 50."""

from __future__ import annotations

import html as htmllib
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.models import ModerationEvent, ResponseStatus, Role
from app.moderation import audit
from app.moderation.audit import LogFilter, log_page
from tests.conftest import FormClient
from tests.factories import PASSWORD, make_article, make_response, make_user

S = ResponseStatus
WHEN = datetime(2025, 6, 3, 13, 2, tzinfo=UTC)


def event(response_id: int | None, action: str = "approve", *, ref: int | None = None,
          actor=None, via: str = "queue", before: str = "pending", after: str = "approved",
          when: datetime = WHEN) -> ModerationEvent:
    return ModerationEvent(response_ref=ref if ref is not None else response_id,
                           response_id=response_id, actor=actor, action=action,
                           from_status=before, to_status=after, via=via,
                           summary=f"comment #{ref or response_id}", created_at=when)


# --- sentences (no database) ------------------------------------------------------------------

def test_an_entry_reads_as_a_sentence_in_the_sites_zone():
    from app.models import User

    sam = User(name="Sam Moderator")
    london = ZoneInfo("Europe/London")  # 3 June: summer time, an hour ahead of UTC
    assert audit.sentence(event(1, actor=sam), london) == (
        "Approved by Sam Moderator on 3 June 2025 at 14:02, from the queue")
    assert audit.sentence(event(1, "spam", actor=sam, via="email"), ZoneInfo("UTC")) == (
        "Marked as spam by Sam Moderator on 3 June 2025 at 13:02, from an email link")
    assert audit.sentence(event(1, "submit", via="rule", before="", after="pending"),
                          ZoneInfo("UTC")) == (
        "Received and held by the rules on 3 June 2025 at 13:02")
    assert audit.sentence(event(None, "purge", ref=4, via="schedule", before="spam", after=""),
                          ZoneInfo("UTC")) == (
        "Emptied from spam and trash by the schedule on 3 June 2025 at 13:02, on schedule")
    assert audit.status_change(event(1)) == "pending → approved"
    assert audit.status_change(event(1, "delete", before="spam", after="")) == "spam → gone"
    assert audit.status_change(event(1, "edit", before="approved", after="approved")) == ""


def test_a_moderator_reads_the_entries_of_existing_responses_and_an_admin_all(db):
    moderator, admin = make_user(Role.MODERATOR), make_user(Role.ADMIN)
    article = make_article()
    kept = make_response(article, status=S.PENDING)
    db.session.add_all([event(kept.id), event(None, "delete", ref=999, before="spam", after="")])
    db.session.commit()
    assert [e.event.response_ref for e in log_page(moderator, LogFilter()).entries] == [kept.id]
    assert sorted(e.event.response_ref for e in log_page(admin, LogFilter()).entries) == \
        sorted([kept.id, 999])  # PostgreSQL's ids need not be below 999
    # One response's history: a deleted one's is the admin's alone.
    assert log_page(moderator, LogFilter(response_ref=999)).total == 0
    assert log_page(admin, LogFilter(response_ref=999)).total == 1


# --- the page ---------------------------------------------------------------------------------

@pytest.fixture
def people(app, db):
    moderator = make_user(Role.MODERATOR, name="Sam Moderator")
    admin = make_user(Role.ADMIN, name="Ada Admin")

    def client_as(user):
        client = app.test_client()
        FormClient(client).login(user.email, PASSWORD)
        return client

    return moderator, admin, client_as


def entries(page: str) -> list[str]:
    """The sentence of each entry, newest first."""
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", p)).strip()
            for p in re.findall(r'<li id="event-\d+" class="log-entry">\s*<p>(.*?)</p>', page,
                                re.S)]


def test_moderators_see_their_responses_events_linked_and_admins_everything(people, db):
    moderator, admin, client_as = people
    article = make_article(title="Roadmaps")
    kept = make_response(article, status=S.APPROVED, author_name="Kim")
    held = make_response(article, status=S.PENDING, author_name="Lee")
    db.session.add_all([
        event(kept.id, actor=moderator, when=datetime(2025, 6, 3, 14, 2, tzinfo=UTC)),
        event(held.id, "unapprove", actor=moderator, before="approved", after="pending",
              when=datetime(2025, 6, 4, 9, 30, tzinfo=UTC)),
        event(None, "delete", ref=777, actor=admin, before="spam", after="",
              when=datetime(2025, 6, 5, 8, 0, tzinfo=UTC)),
    ])
    db.session.commit()

    page = client_as(moderator).get("/moderation/log").get_data(as_text=True)
    assert entries(page) == [
        "Unapproved by Sam Moderator on 4 June 2025 at 09:30, from the queue (approved → pending).",
        "Approved by Sam Moderator on 3 June 2025 at 14:02, from the queue (pending → approved).",
    ]
    assert "#777" not in page  # (a bare "777" may turn up in the CSRF token)
    # The response (its public place when published, else its page in moderation), its
    # article, and its history.
    assert f'href="/comment/{kept.id}/">Comment #{kept.id}</a> by <bdi>Kim</bdi>' in page
    assert f'href="/moderation/{held.id}/edit">Comment #{held.id}</a>' in page
    assert f'on <a href="{article.path}">Roadmaps</a>' in page
    assert f'href="/moderation/log?response={held.id}"' in page

    page = client_as(admin).get("/moderation/log").get_data(as_text=True)
    assert len(entries(page)) == 3
    assert "Response #777 (deleted): comment #777" in page

    history = client_as(moderator).get(f"/moderation/log?response={held.id}")
    assert entries(history.get_data(as_text=True)) == [
        "Unapproved by Sam Moderator on 4 June 2025 at 09:30, from the queue (approved → pending).",
    ]
    assert f"History of response #{held.id}" in history.get_data(as_text=True)


def test_the_queue_and_the_moderation_pages_link_to_the_log(people, db):
    moderator, _, client_as = people
    held = make_response(make_article(), status=S.PENDING)
    client = client_as(moderator)
    queue = client.get("/moderation/").get_data(as_text=True)
    assert 'href="/moderation/log">Audit log</a>' in queue
    assert f'href="/moderation/log?response={held.id}">History' in queue
    assert 'href="/moderation/dashboard">Dashboard</a>' in queue


def test_actions_in_the_queue_appear_in_the_log_and_deleted_ones_for_admins(people, db):
    _, admin, client_as = people
    client = FormClient(client_as(admin))
    article = make_article()
    kept = make_response(article, status=S.PENDING, author_name="Kim")
    gone = make_response(article, status=S.PENDING, author_name="Sam")
    kept_id, gone_id = kept.id, gone.id
    for action, rid, seen in (("approve", kept_id, "pending"), ("spam", gone_id, "pending"),
                              ("delete", gone_id, "spam")):
        result = client.post("/moderation/act", {"row_action": f"{action}:{rid}",
                                                 f"seen-{rid}": seen}, form_url="/moderation/")
        assert result.status_code == 302
    page = client.client.get("/moderation/log").get_data(as_text=True)
    assert [re.sub(r" on .*", "", e) for e in entries(page)] == [
        "Deleted permanently by Ada Admin", "Marked as spam by Ada Admin",
        "Approved by Ada Admin"]
    assert page.count(f"Response #{gone_id} (deleted)") == 2


def statements(counter) -> int:
    return len([s for s in counter.statements if s not in ("BEGIN", "COMMIT", "ROLLBACK")])


def fill(db, count: int, actor) -> None:
    article = make_article()
    for n in range(count):
        response = make_response(article, status=S.PENDING, author_name=f"R{n}")
        db.session.add(event(response.id, actor=actor if n % 2 else None, via="queue"))
    db.session.commit()


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_the_log_takes_the_same_statements_for_5_entries_as_for_50(people, db, count_queries,
                                                                    role):
    moderator, admin, client_as = people
    user = moderator if role == "moderator" else admin
    client = client_as(user)
    found = []
    for count in (5, 45):
        fill(db, count, make_user(Role.MODERATOR))
        with count_queries() as counter:
            result = client.get("/moderation/log")
        assert result.status_code == 200
        assert len(entries(result.get_data(as_text=True))) == min(
            50, {5: 5, 45: 50}[count])
        found.append(statements(counter))
    assert found[0] == found[1], found
    # The user, the pending badge, the count, the page of entries.
    assert found[1] <= 4, found


def test_the_log_is_paged(people, db):
    moderator, _, client_as = people
    fill(db, audit.PER_PAGE + 3, moderator)
    client = client_as(moderator)
    first = client.get("/moderation/log").get_data(as_text=True)
    assert len(entries(first)) == audit.PER_PAGE and "Page 1 of 2" in first
    assert 'href="/moderation/log?page=2"' in first
    second = client.get("/moderation/log?page=2").get_data(as_text=True)
    assert len(entries(second)) == 3
