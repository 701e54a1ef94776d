"""Comment rules with a real database and no request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.comments import services
from app.comments.services import Commenter, CommentInput, CommentRefused
from app.comments.threads import page_of, thread_page
from app.core.settings import DiscussionSettings
from app.models import ResponseStatus, Role, Subscription
from app.models.types import utcnow
from tests.factories import make_article, make_response, make_user

SETTINGS = DiscussionSettings()


def guest(ip="203.0.113.9", now=None, own=()):
    return Commenter(user=None, ip=ip, user_agent="pytest", now=now or utcnow(),
                     own_ids=frozenset(own))


def member(user, ip="203.0.113.10", now=None):
    return Commenter(user=user, ip=ip, user_agent="pytest", now=now or utcnow())


def post(article, commenter=None, **fields):
    data = CommentInput(body=fields.pop("body", "A thoughtful comment."),
                        name=fields.pop("name", "Ada"),
                        email=fields.pop("email", "ada@example.org"),
                        **fields)
    return services.submit_comment(article, data, commenter or guest(), SETTINGS)


def refused(article, commenter=None, **fields) -> dict:
    with pytest.raises(CommentRefused) as caught:
        post(article, commenter, **fields)
    return caught.value.errors


def test_guest_comment_is_stored_pending_with_everything_kept(db):
    article = make_article()
    response = post(article, body="See https://example.org **now**", website="example.org")
    assert response.status is ResponseStatus.PENDING
    assert response.moderation_reason.startswith("held")
    assert response.body_source == "See https://example.org **now**"
    assert 'rel="nofollow ugc"' in response.body_html
    assert "<strong>now</strong>" in response.body_html
    assert response.author_url == "http://example.org"
    assert response.author_ip == "203.0.113.9" and response.user_agent == "pytest"
    assert response.thread_id == response.id and response.depth == 0


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.MODERATOR, Role.ADMIN])
def test_trusted_roles_are_approved_at_once(db, role):
    user = make_user(role)
    response = post(make_article(), member(user))
    assert response.status is ResponseStatus.APPROVED and response.approved_at is not None
    assert response.author_name == user.name and response.user_id == user.id


def test_members_are_held_like_guests(db):
    response = post(make_article(), member(make_user(Role.MEMBER)))
    assert response.status is ResponseStatus.PENDING


def test_missing_and_bad_fields_are_all_reported_at_once(db):
    errors = refused(make_article(), name="", email="not-an-email", body="  ",
                     website="javascript:alert(1)")
    assert errors == {
        "name": "Enter your name.",
        "email": "Enter a valid email address, like name@example.com.",
        "body": "Write your comment first.",
        "website": "Enter a web address like https://example.com, or leave it empty.",
    }


def test_overlong_comment_is_refused_with_the_limit(db):
    errors = refused(make_article(), body="x" * 65526)
    assert "65,525" in errors["body"]
    assert post(make_article(), body="y" * 65525).id


def test_closed_article_refuses(db):
    article = make_article(comments_open=False)
    assert refused(article) == {"body": "Comments are closed on this article."}


def test_parent_must_be_on_the_same_article_and_approved(db):
    article, other = make_article(), make_article()
    foreign = make_response(other)
    pending = make_response(article, status=ResponseStatus.PENDING)
    assert "not on this article" in refused(article, parent_id=foreign.id)["parent_id"]
    assert "not published" in refused(article, parent_id=pending.id)["parent_id"]
    assert "not on this article" in refused(article, parent_id=999999)["parent_id"]


def test_reply_gets_path_depth_and_thread(db):
    article = make_article()
    root = make_response(article)
    reply = post(article, parent_id=root.id)
    assert reply.parent_id == root.id and reply.thread_id == root.thread_id
    assert reply.path.startswith(root.path + ".") and reply.depth == 1


def test_flood_interval_refuses_with_the_wait_time(db):
    article = make_article()
    now = utcnow()
    post(article, guest(now=now))
    errors = refused(article, guest(now=now + timedelta(seconds=5)), body="Another one")
    assert "Wait 11 seconds" in errors["body"]
    assert post(article, guest(now=now + timedelta(seconds=16)), body="Later one").id
    assert post(article, guest(ip="198.51.100.1", now=now + timedelta(seconds=17)),
                body="Other IP").id


def test_duplicate_of_the_same_authors_last_comment(db):
    article = make_article()
    now = utcnow()
    post(article, guest(now=now), body="Same words")
    errors = refused(article, guest(ip="198.51.100.2", now=now + timedelta(minutes=1)),
                     body="  Same words ")
    assert errors == {"body": "You've already said that."}


def test_edit_window_and_ownership(db):
    article = make_article()
    now = utcnow()
    mine = post(article, guest(now=now))
    assert services.can_change(mine, guest(now=now + timedelta(minutes=9), own=[mine.id]),
                               SETTINGS)
    assert not services.can_change(mine, guest(now=now + timedelta(minutes=11), own=[mine.id]),
                                   SETTINGS)
    assert not services.can_change(mine, guest(now=now), SETTINGS)  # another browser
    user = make_user()
    theirs = post(article, member(user, now=now + timedelta(minutes=1)), body="Member text")
    assert services.can_change(theirs, member(user, now=now + timedelta(minutes=2)), SETTINGS)
    services.edit_comment(theirs, "Changed *text*", member(user), SETTINGS)
    assert theirs.body_html == "<p>Changed <em>text</em></p>" and theirs.edited_at
    services.delete_own(theirs)
    assert theirs.status is ResponseStatus.TRASH


def test_readers_see_approved_plus_their_own_pending(db):
    article = make_article()
    approved = make_response(article)
    mine = post(article, guest())
    others = post(article, guest(ip="198.51.100.3"), body="Someone else's")
    db.session.commit()
    def ids(commenter):
        page = thread_page(article, commenter, SETTINGS, 1)
        return {n.response.id for n in page.roots}

    assert ids(None) == {approved.id}
    assert ids(guest(own=[mine.id])) == {approved.id, mine.id}
    assert others.id not in ids(guest(own=[mine.id]))


def test_pagination_by_top_level_thread_and_permalink_page(db):
    article = make_article()
    settings = DiscussionSettings(threads_per_page=2)
    roots = [make_response(article) for _ in range(5)]
    reply = make_response(article, parent=roots[4])
    first = thread_page(article, None, settings, 1)
    last = thread_page(article, None, settings, 3)
    assert first.pages == 3 and [n.response.id for n in first.roots] == [r.id for r in roots[:2]]
    assert [n.response.id for n in last.roots] == [roots[4].id]
    assert last.roots[0].children[0].response.id == reply.id
    assert page_of(reply, settings) == 3 and page_of(roots[0], settings) == 1
    newest = DiscussionSettings(threads_per_page=2, newest_first=True)
    assert [n.response.id for n in thread_page(article, None, newest, 1).roots] == \
        [roots[4].id, roots[3].id]
    assert page_of(roots[0], newest) == 3


def test_subscribing_twice_keeps_one_unconfirmed_subscription(db):
    article = make_article()
    post(article, notify=True)
    post(article, guest(now=utcnow() + timedelta(minutes=1)), body="Again", notify=True)
    db.session.commit()
    subscriptions = db.session.scalars(db.select(Subscription)).all()
    assert len(subscriptions) == 1 and subscriptions[0].confirmed_at is None
