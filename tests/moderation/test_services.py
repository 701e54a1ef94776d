"""Moderator actions, the audit log, the author history the rules read, and the purge job."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import select

from app.comments import services as comments
from app.comments.services import Commenter, CommentInput
from app.models import (
    ModerationEvent,
    ModerationVia,
    Response,
    ResponseKind,
    ResponseStatus,
    Role,
    Subscription,
)
from app.models.types import utcnow
from app.moderation import services
from app.moderation.jobs import purge_spam_and_trash
from app.moderation.policy import History
from app.moderation.services import ModerationError, StaleResponse, apply, history_for
from app.moderation.settings import DiscussionSettings
from tests.factories import make_article, make_response, make_user

S = ResponseStatus
SETTINGS = DiscussionSettings()

# Which statuses each action applies to, written out here rather than read from the code.
ALLOWED = {
    "approve": {S.PENDING, S.SPAM},
    "unapprove": {S.APPROVED},
    "spam": {S.PENDING, S.APPROVED},
    "not_spam": {S.SPAM},
    "trash": {S.PENDING, S.APPROVED, S.SPAM},
    "restore": {S.TRASH},
    "delete": {S.SPAM, S.TRASH},
}
# Where an action takes a response that has no earlier status remembered.
TARGET = {"approve": S.APPROVED, "unapprove": S.PENDING, "spam": S.SPAM, "not_spam": S.PENDING,
          "trash": S.TRASH, "restore": S.PENDING}


def guest(ip="203.0.113.9", now=None, own=()):
    return Commenter(user=None, ip=ip, user_agent="pytest", now=now or utcnow(),
                     own_ids=frozenset(own))


def post(article, commenter=None, **fields):
    data = CommentInput(body=fields.pop("body", "A thoughtful comment."),
                        name=fields.pop("name", "Ada"),
                        email=fields.pop("email", "ada@example.org"),
                        **fields)
    return comments.submit_comment(article, data, commenter or guest(), SETTINGS)


def events(db, response_ref=None) -> list[ModerationEvent]:
    db.session.expire_all()
    query = select(ModerationEvent).order_by(ModerationEvent.id)
    if response_ref is not None:
        query = query.where(ModerationEvent.response_ref == response_ref)
    return list(db.session.scalars(query))


@pytest.fixture
def moderator(db):
    return make_user(Role.MODERATOR, name="Mo Derator")


# --- apply: every action from every status -----------------------------------------------

@pytest.mark.parametrize(("action", "status"),
                         [(a, s) for a, s in product(ALLOWED, S) if s in ALLOWED[a]])
def test_an_action_moves_a_response_from_each_status_it_applies_to(db, moderator, action,
                                                                   status):
    response = make_response(make_article(), status=status)
    ref, now = response.id, utcnow()
    apply(response, action, moderator, seen=status, now=now)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Response, ref)
    if action == "delete":
        assert stored is None
    else:
        assert stored.status is TARGET[action]
        assert stored.status_changed_at == now
        assert stored.moderation_reason == \
            f"{TARGET[action].value}: {services.ACTIONS[action].label.lower()} by Mo Derator"
    [event] = events(db, ref)
    assert (event.action, event.from_status, event.actor_id, event.via, event.created_at) == \
        (action, status.value, moderator.id, "queue", now)
    if action != "delete":
        assert event.to_status == TARGET[action].value and event.response_id == ref


@pytest.mark.parametrize(("action", "status"),
                         [(a, s) for a, s in product(ALLOWED, S) if s not in ALLOWED[a]])
def test_an_action_that_does_not_apply_is_refused_and_changes_nothing(db, moderator, action,
                                                                      status):
    response = make_response(make_article(), status=status)
    with pytest.raises(ModerationError, match="does not apply") as caught:
        apply(response, action, moderator, seen=status, now=utcnow())
    assert not isinstance(caught.value, StaleResponse)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Response, response.id).status is status
    assert events(db) == []


def test_an_unknown_action_is_refused(db, moderator):
    response = make_response(make_article(), status=S.PENDING)
    with pytest.raises(ModerationError, match="Unknown action “publish”"):
        apply(response, "publish", moderator, seen=None, now=utcnow())
    assert response.status is S.PENDING and events(db) == []


@pytest.mark.parametrize(("current", "seen", "action"), [
    (S.APPROVED, S.PENDING, "unapprove"),  # would apply to what it is now: still refused
    (S.SPAM, S.PENDING, "approve"),
    (S.TRASH, S.SPAM, "restore"),
    (S.PENDING, S.APPROVED, "trash"),
])
def test_a_response_changed_since_the_moderator_saw_it_is_left_alone(db, moderator, current,
                                                                     seen, action):
    earlier = utcnow() - timedelta(hours=1)
    response = make_response(make_article(), status=current, status_changed_at=earlier,
                             moderation_reason="as it was")
    with pytest.raises(StaleResponse, match=f"it is now {current.value}"):
        apply(response, action, moderator, seen=seen, now=utcnow())
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Response, response.id)
    assert (stored.status, stored.status_changed_at, stored.moderation_reason) == \
        (current, earlier, "as it was")
    assert events(db) == []


def test_seen_none_skips_the_staleness_check(db, moderator):
    response = make_response(make_article(), status=S.PENDING)
    apply(response, "approve", None, seen=None, now=utcnow(), via=ModerationVia.EMAIL)
    assert response.status is S.APPROVED
    assert response.moderation_reason == "approved: approve by a moderator"
    [event] = events(db)
    assert (event.actor_id, event.via) == (None, "email")


def test_approving_sets_approved_at_once(db, moderator):
    response = make_response(make_article(), status=S.PENDING)
    assert response.approved_at is None
    first = utcnow()
    apply(response, "approve", moderator, seen=S.PENDING, now=first)
    assert response.approved_at == first
    apply(response, "unapprove", moderator, seen=S.APPROVED, now=first + timedelta(minutes=1))
    assert response.status is S.PENDING and response.approved_at == first
    apply(response, "approve", moderator, seen=S.PENDING, now=first + timedelta(minutes=2))
    assert response.status is S.APPROVED
    assert response.approved_at == first  # when it was first published


@pytest.mark.parametrize("before", [S.PENDING, S.APPROVED])
def test_not_spam_returns_to_the_status_before_spam(db, moderator, before):
    response = make_response(make_article(), status=before)
    now = utcnow()
    apply(response, "spam", moderator, seen=before, now=now)
    apply(response, "not_spam", moderator, seen=S.SPAM, now=now)
    assert response.status is before
    assert [(e.action, e.from_status, e.to_status) for e in events(db, response.id)] == [
        ("spam", before.value, "spam"), ("not_spam", "spam", before.value)]


def test_not_spam_on_a_response_caught_on_arrival_makes_it_pending(db, moderator):
    response = make_response(make_article(), status=S.SPAM)  # no earlier status known
    apply(response, "not_spam", moderator, seen=S.SPAM, now=utcnow())
    assert response.status is S.PENDING


@pytest.mark.parametrize("before", [S.PENDING, S.APPROVED])
def test_restore_returns_to_the_status_before_trash(db, moderator, before):
    response = make_response(make_article(), status=before)
    now = utcnow()
    apply(response, "trash", moderator, seen=before, now=now)
    apply(response, "restore", moderator, seen=S.TRASH, now=now)
    assert response.status is before


def test_restore_of_a_response_trashed_on_arrival_makes_it_pending(db, moderator):
    response = make_response(make_article(), status=S.TRASH)
    apply(response, "restore", moderator, seen=S.TRASH, now=utcnow())
    assert response.status is S.PENDING


def test_restore_of_trashed_spam_returns_it_to_spam(db, moderator):
    response = make_response(make_article(), status=S.APPROVED)
    now = utcnow()
    apply(response, "spam", moderator, seen=S.APPROVED, now=now)
    apply(response, "trash", moderator, seen=S.SPAM, now=now)
    apply(response, "restore", moderator, seen=S.TRASH, now=now)
    assert response.status is S.SPAM


@pytest.mark.parametrize("status", [S.SPAM, S.TRASH])
def test_delete_keeps_the_audit_rows_with_the_responses_id(db, moderator, status):
    response = make_response(make_article(), status=S.PENDING, author_name="Spammer")
    ref, now = response.id, utcnow()
    apply(response, "spam" if status is S.SPAM else "trash", moderator, seen=S.PENDING, now=now)
    db.session.commit()
    apply(response, "delete", moderator, seen=status, now=now + timedelta(seconds=1))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Response, ref) is None
    history = events(db, ref)
    assert [e.action for e in history] == ["spam" if status is S.SPAM else "trash", "delete"]
    assert all(e.response_id is None and e.response_ref == ref for e in history)
    deleted = history[-1]
    assert (deleted.from_status, deleted.actor_id) == (status.value, moderator.id)
    assert deleted.summary.startswith(f"comment #{ref} by Spammer: ")


def test_quick_edit_rerenders_the_html_and_keeps_the_source(db, moderator):
    response = make_response(make_article(), status=S.PENDING, body="Old *text*")
    now = utcnow()
    services.quick_edit(response, moderator, name="  Ada L. ", email=" Ada@Example.ORG ",
                        website="https://ada.example/", body="New **bold**\r\nline  ",
                        now=now)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Response, response.id)
    assert stored.body_source == "New **bold**\nline"
    assert stored.body_html == "<p>New <strong>bold</strong><br>\nline</p>"
    assert (stored.author_name, stored.author_email, stored.author_url) == \
        ("Ada L.", "ada@example.org", "https://ada.example/")
    assert stored.edited_at == now and stored.status is S.PENDING
    [event] = events(db)
    assert (event.action, event.from_status, event.to_status, event.actor_id) == \
        ("edit", "pending", "pending", moderator.id)


def test_quick_edit_of_a_linkback_excerpt_shows_the_new_text_as_text(db, moderator):
    """An excerpt is plain text quoted from another page: the edit shows as typed, escaped."""
    response = make_response(make_article(), kind=ResponseKind.PINGBACK, body="Excerpt")
    services.quick_edit(response, moderator, name="Other blog", email="", website="",
                        body="Shorter <b>excerpt</b>", now=utcnow())
    assert response.body_source == "Shorter <b>excerpt</b>"
    assert response.body_html == "Shorter &lt;b&gt;excerpt&lt;/b&gt;"


def test_quick_edit_of_a_webmention_reply_keeps_its_html(db, moderator):
    response = make_response(make_article(), kind=ResponseKind.WEBMENTION, body="Reply",
                             mention_type="reply")
    services.quick_edit(response, moderator, name="Rosa", email="", website="",
                        body="Shorter *reply*", now=utcnow())
    assert response.body_source == "Shorter *reply*"
    assert response.body_html == "<p>Reply</p>"


# --- history_for: the proof behind "previously approved" --------------------------------

def test_a_member_with_an_approved_comment_is_proven(db):
    user = make_user(Role.MEMBER)
    article = make_article()
    assert history_for(user.email, user, frozenset()) == \
        History(proven_previously_approved=False, approved_count=0)
    make_response(article, status=S.PENDING, user=user)
    make_response(article, status=S.APPROVED, user=user)
    make_response(article, status=S.APPROVED, user=user, author_email="other@example.org")
    history = history_for(user.email, user, frozenset())
    assert history.proven_previously_approved and history.approved_count == 2


def test_a_members_approved_pingback_is_counted_but_proves_nothing(db):
    user = make_user(Role.MEMBER)
    make_response(make_article(), status=S.APPROVED, user=user, kind=ResponseKind.PINGBACK)
    history = history_for(user.email, user, frozenset())
    assert not history.proven_previously_approved and history.approved_count == 1


def test_a_guest_typing_an_approved_name_and_email_is_not_proven(db):
    """WordPress approves on a matching name and email alone; anyone can type those."""
    article = make_article()
    make_response(article, status=S.APPROVED, author_name="Ada",
                  author_email="ada@example.org")
    assert not history_for("ada@example.org", None, frozenset()).proven_previously_approved
    assert not history_for("Ada@Example.org", None, frozenset({999999})) \
        .proven_previously_approved


def test_the_browser_cookie_listing_the_approved_comment_proves_it(db):
    article = make_article()
    approved = make_response(article, status=S.APPROVED, author_email="ada@example.org")
    pending = make_response(article, status=S.PENDING, author_email="ada@example.org")
    someone_elses = make_response(article, status=S.APPROVED, author_email="eve@example.org")
    assert history_for("Ada@Example.org", None,
                       frozenset({approved.id})).proven_previously_approved
    assert not history_for("ada@example.org", None,
                           frozenset({pending.id})).proven_previously_approved
    assert not history_for("ada@example.org", None,
                           frozenset({someone_elses.id})).proven_previously_approved


@pytest.mark.parametrize("confirmed", [True, False])
def test_a_confirmed_subscription_proves_nothing(db, confirmed):
    """Anyone who knows the address of a subscriber who confirmed it could borrow it."""
    article, other = make_article(), make_article()
    make_response(article, status=S.APPROVED, author_email="ada@example.org")
    db.session.add(Subscription(article=other, email="ada@example.org",
                                confirmed_at=utcnow() if confirmed else None))
    db.session.commit()
    history = history_for("ada@example.org", None, frozenset())
    assert not history.proven_previously_approved
    assert history.address_previously_approved  # known, so a link may be mailed to prove it


@pytest.mark.parametrize(("status", "proven_list", "proven"), [
    (S.APPROVED, {"ada@example.org"}, True),
    (S.APPROVED, {"Ada@Example.org"}, True),  # addresses compare in lowercase
    (S.PENDING, {"ada@example.org"}, False),  # a proven address with nothing approved
    (S.APPROVED, {"eve@example.org"}, False),  # another address proven in this browser
    (S.APPROVED, set(), False),
])
def test_an_address_proven_in_this_browser_proves_its_approved_comments(db, status,
                                                                        proven_list, proven):
    make_response(make_article(), status=status, author_email="ada@example.org")
    history = history_for("ADA@example.org", None, frozenset(), frozenset(proven_list))
    assert history.proven_previously_approved is proven
    assert history.address_previously_approved is (status is S.APPROVED)


def test_an_address_without_approved_comments_is_not_known(db):
    make_response(make_article(), status=S.APPROVED, author_email="eve@example.org")
    make_response(make_article(), status=S.TRASH, author_email="ada@example.org")
    history = history_for("ada@example.org", None, frozenset())
    assert history == History()


# --- end to end through submit_comment ---------------------------------------------------

def test_a_returning_guest_is_approved_and_an_impostor_is_held(db, moderator):
    article = make_article()
    now = utcnow()
    first = post(article, guest(now=now), body="My first comment.")
    assert first.status is S.PENDING
    apply(first, "approve", moderator, seen=S.PENDING, now=now + timedelta(minutes=1))
    db.session.commit()

    back = post(article, guest(now=now + timedelta(minutes=5), own=[first.id]),
                body="Back again.")
    assert (back.status, back.moderation_reason) == \
        (S.APPROVED, "approved: author previously approved")
    assert back.approved_at == now + timedelta(minutes=5)

    impostor = post(article, guest(ip="198.51.100.66", now=now + timedelta(minutes=6)),
                    body="Buy my stuff.", name="Ada", email="ada@example.org")
    assert (impostor.status, impostor.moderation_reason) == \
        (S.PENDING, "held: new responses wait for a moderator")
    db.session.commit()
    submitted = [e for e in events(db) if e.action == "submit"]
    assert [(e.response_ref, e.to_status, e.via) for e in submitted] == [
        (first.id, "pending", "rule"), (back.id, "approved", "rule"),
        (impostor.id, "pending", "rule")]


# --- purge -------------------------------------------------------------------------------

def test_purge_deletes_only_old_spam_and_trash_and_logs_each(db, moderator):
    article = make_article()
    now = utcnow()
    old, recent = now - timedelta(days=31), now - timedelta(days=29)

    def response(status, changed, created=None, name="A Reader"):
        return make_response(article, status=status, status_changed_at=changed,
                             created_at=created or now - timedelta(days=60), author_name=name)

    gone = [
        response(S.SPAM, old, name="Old spam"),
        response(S.TRASH, old),
        response(S.SPAM, None, created=old),  # never moved: its age is its creation
    ]
    # A moderator's earlier action on one of them: its audit row must outlive the response.
    gone_with_history = response(S.PENDING, None, created=old)
    apply(gone_with_history, "spam", moderator, seen=S.PENDING, now=old)
    db.session.commit()
    gone.append(gone_with_history)
    kept = [
        response(S.SPAM, recent),  # old response, recently marked spam
        response(S.TRASH, None, created=recent),
        response(S.PENDING, old),
        response(S.APPROVED, old),
    ]
    gone_ids = sorted(r.id for r in gone)

    assert purge_spam_and_trash(now, 30) == 4
    db.session.commit()
    db.session.expire_all()

    remaining = set(db.session.scalars(select(Response.id)))
    assert remaining == {r.id for r in kept}
    purges = [e for e in events(db) if e.action == "purge"]
    assert sorted(e.response_ref for e in purges) == gone_ids
    for event in purges:
        assert (event.response_id, event.to_status, event.via, event.created_at,
                event.actor_id) == (None, "", "schedule", now, None)
        assert event.summary.endswith("emptied after 30 days")
        assert event.from_status in ("spam", "trash")
    assert [e.summary for e in purges if e.response_ref == gone[0].id] == \
        [f"comment #{gone[0].id} by Old spam: emptied after 30 days"]
    [earlier] = [e for e in events(db, gone_with_history.id) if e.action == "spam"]
    assert earlier.response_id is None


def test_purge_with_nothing_old_does_nothing(db):
    make_response(make_article(), status=S.SPAM, status_changed_at=utcnow())
    assert purge_spam_and_trash(utcnow(), 30) == 0
    assert events(db) == []


def test_a_reason_longer_than_its_column_is_cut_wherever_it_is_set(db):
    # The spam model's clues or a linkback's title can make a reason long; PostgreSQL refuses
    # more than the column's 300 characters, so every way of setting one must cut it.
    article = make_article(title="Long reasons")
    direct = make_response(article, status=ResponseStatus.PENDING)
    moved = make_response(article, status=ResponseStatus.PENDING)
    direct.moderation_reason = "held: " + "very " * 100 + "long"
    services.set_status(moved, ResponseStatus.SPAM, utcnow(), "spam: " + "x" * 400)
    short = make_response(article, status=ResponseStatus.PENDING, moderation_reason="held: a link")
    db.session.commit()
    db.session.expire_all()
    assert len(direct.moderation_reason) == 300 and direct.moderation_reason.endswith("ver…")
    assert len(moved.moderation_reason) == 300 and moved.moderation_reason.endswith("x…")
    assert short.moderation_reason == "held: a link"
