"""Comment rules with a real database and no request."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.comments import identity, services
from app.comments.services import Commenter, CommentInput, CommentRefused
from app.comments.threads import page_of, thread_page
from app.core.text import clean_line, has_visible
from app.extensions import db as _db
from app.models import ModerationEvent, Response, ResponseStatus, Role, Subscription
from app.models.types import utcnow
from app.moderation import services as moderation
from app.moderation.settings import DiscussionSettings
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
    assert response.author_url == "http://example.org/"  # normalised by the one URL rule
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


def test_no_flood_interval_means_no_flood_check_whatever_the_clocks(db):
    """With the interval off, a post stored by another worker whose clock runs a little ahead
    must not make this one "too quick" (seen with 200 concurrent posts on PostgreSQL)."""
    settings = replace(SETTINGS, flood_seconds=0)
    article = make_article()
    now = utcnow()
    for when, body in ((now + timedelta(seconds=1), "From a worker ahead"),
                       (now, "From this worker")):
        data = CommentInput(body=body, name="Ada", email="ada@example.org")
        assert services.submit_comment(article, data, guest(now=when), settings).id


def test_a_one_second_wait_is_said_in_the_singular(db):
    article = make_article()
    now = utcnow()
    post(article, guest(now=now))
    late = now + timedelta(seconds=SETTINGS.flood_seconds - 1, milliseconds=500)
    errors = refused(article, guest(now=late), body="Another one")
    assert "Wait 1 second and" in errors["body"]


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
    services.delete_own(theirs, member(user))
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


# --- the depth bound (issue 8, item 9) ---------------------------------------------------------

def _placed(id_, path, depth=None):
    response = Response(id=id_, path=path, thread_id=int(path.split(".")[0]))
    response.depth = path.count(".") if depth is None else depth
    return response


def _p(*ids):
    return ".".join(f"{i:010d}" for i in ids)


@pytest.mark.parametrize(("parent_path", "max_depth", "parent_id", "path", "depth"), [
    (_p(1), 5, 1, _p(1, 9), 1),  # within the limit: under its parent
    (_p(1, 2, 3), 5, 3, _p(1, 2, 3, 9), 3),
    (_p(1, 2, 3, 4, 5), 5, 4, _p(1, 2, 3, 4, 9), 4),  # a reply to the last level: one up
    (_p(1, 2, 3), 3, 2, _p(1, 2, 9), 2),
    (_p(*range(1, 8)), 3, 2, _p(1, 2, 9), 2),  # an old, deeper parent
    (_p(1), 1, 1, _p(1, 9), 1),  # a flat list: the reply still joins its thread
    (_p(1, 2), 1, 1, _p(1, 9), 1),
])
def test_place_under_keeps_replies_within_the_depth_setting(parent_path, max_depth, parent_id,
                                                           path, depth):
    parent = _placed(int(parent_path.split(".")[-1]), parent_path)
    reply = Response(id=9)
    reply.place_under(parent, max_depth)
    assert (reply.parent_id, reply.path, reply.depth, reply.thread_id) == \
        (parent_id, path, depth, 1)


def test_place_under_without_a_setting_is_bounded_by_the_path_column():
    chain = [_placed(1, _p(1))]
    for n in range(2, 121):
        reply = Response(id=n)
        reply.place_under(chain[-1])
        chain.append(reply)
    assert max(len(r.path) for r in chain) <= 1000
    assert chain[-1].depth == Response.PATH_LEVELS - 1
    assert chain[-1].ancestor_ids[-1] == chain[-1].parent_id


def test_place_under_reads_no_row(db, count_queries):
    article = make_article()
    chain = [make_response(article)]
    for _ in range(4):
        chain.append(make_response(article, parent=chain[-1]))
    db.session.expire_all()
    deepest = db.session.get(Response, chain[-1].id)
    reply = Response(article=article, status=ResponseStatus.APPROVED, author_name="R",
                     author_email="r@example.org", body_source="x", body_html="<p>x</p>")
    db.session.add(reply)
    db.session.flush()
    with count_queries() as counter:
        reply.place_under(deepest, 5)
    assert counter.count == 0
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Response, reply.id)
    assert stored.parent_id == chain[3].id and stored.parent.id == chain[3].id
    assert stored.depth == 4 and stored.path == f"{chain[3].path}.{reply.id:010d}"


def test_a_reply_chain_far_deeper_than_the_setting_is_stored_and_shown(db):
    """Each reply answers the one before: paths stay within their column (PostgreSQL refused
    the 91st reply with a 500)."""
    article = make_article()
    author = make_user(Role.AUTHOR)  # approved at once, so that each can be replied to
    start = utcnow()
    last = post(article, member(author, now=start), body="Reply 0")
    for n in range(1, 100):
        last = post(article, member(author, now=start + timedelta(seconds=n)), body=f"Reply {n}",
                    parent_id=last.id)
    db.session.commit()
    rows = db.session.scalars(db.select(Response).where(Response.article_id == article.id)).all()
    assert len(rows) == 100
    assert max(r.depth for r in rows) == SETTINGS.thread_depth - 1
    assert max(len(r.path) for r in rows) <= 11 * SETTINGS.thread_depth
    page = thread_page(article, None, SETTINGS, 1)
    assert len(page.ids) == 100 and len(page.roots) == 1


# --- names that show, and nothing that turns text around (item 9) ------------------------------

@pytest.mark.parametrize(("typed", "kept"), [
    ("Bob \u202egnp.exe", "Bob gnp.exe"),  # a right-to-left override
    ("\u2066Ada\u2069 \u200fLovelace\u200e\u061c", "Ada Lovelace"),  # isolates and marks
    ("Ada\u200b\u2060 \ufeffKing", "Ada King"),  # zero-width space, word joiner, BOM
    ("Ada\nKing\t\u2028 II", "Ada King II"),  # line breaks become spaces
    ("Ada\x00\x07", "Ada"),  # control characters
    ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # a Persian word keeps its joiner
     "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
    ("\U0001f469\u200d\U0001f52c Ada", "\U0001f469\u200d\U0001f52c Ada"),  # an emoji sequence
])
def test_single_line_fields_lose_control_and_format_characters(typed, kept):
    assert clean_line(typed) == kept


@pytest.mark.parametrize(("text", "visible"), [
    ("Ada", True), ("7", True), ("?", True), ("\u2603", True), ("\u0645", True),
    ("", False), ("   ", False), ("\u200d\u200c", False), ("\u3164", False),
    ("\u2800\u115f", False), ("\u0301", False),  # a lone accent, fillers, blank Braille
])
def test_a_name_must_have_a_visible_character(text, visible):
    assert has_visible(text) is visible


def test_a_name_of_invisible_characters_is_refused_and_overrides_are_dropped(db):
    article = make_article()
    errors = refused(article, name="\u202e\u200b\u3164 \u2066\u2069")
    assert errors == {"name": "Enter a name that shows: this one is made only of invisible "
                              "characters or spaces."}
    stored = post(article, name="Bob \u202egnp.exe")
    assert stored.author_name == "Bob gnp.exe"


# --- the form stamp expires (item 9) ------------------------------------------------------------

def test_a_form_stamp_older_than_a_day_is_refused_not_spam(db):
    article = make_article()
    day = services.FORM_MAX_AGE.total_seconds()
    errors = refused(article, seconds_to_fill=day + 1)
    assert errors == {"stamp": "This form was opened more than a day ago and has expired. Check "
                               "your comment and send it again."}
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 0
    assert post(article, seconds_to_fill=day - 1).status is ResponseStatus.PENDING


def test_a_renewed_stamp_reads_as_shown_the_credit_earlier(app_ctx):
    now = utcnow()
    stamp = identity.renewed_stamp(now, 5)
    assert identity.seconds_since_shown(stamp, now) == pytest.approx(5, abs=1)
    assert identity.seconds_since_shown(identity.renewed_stamp(now, 3 * 86400), now) > 86400
    assert identity.seconds_since_shown("forged", now) == 0.0


# --- edits go through the rules again (item 6) --------------------------------------------------

RULES = DiscussionSettings(disallowed_words=("casino",), block_list=("spam.example",),
                           max_links=2)
EIGHT_LINKS = " ".join(f"https://site{n}.example.org/" for n in range(8))


def approved_guest_comment(article, now, body="A fair point."):
    """A guest comment a moderator approved, and the browser that wrote it."""
    browser = guest(now=now)
    comment = services.submit_comment(
        article, CommentInput(body=body, name="Ada", email="ada@example.org",
                              website="https://ada.example.org"), browser, RULES)
    moderation.apply(comment, "approve", make_user(Role.MODERATOR), seen=None, now=now)
    _db.session.commit()
    return comment, guest(now=now + timedelta(minutes=2), own=[comment.id])


@pytest.mark.parametrize(("edited", "status", "reason"), [
    ("Win at the casino tonight", ResponseStatus.SPAM, "spam: disallowed word 'casino'"),
    ("Visit https://spam.example/deal", ResponseStatus.SPAM, "spam: block list 'spam.example'"),
    (f"Links: {EIGHT_LINKS}", ResponseStatus.PENDING, "held: 8 links"),
])
def test_an_approved_comment_edited_into_spam_is_no_longer_public(db, edited, status, reason):
    article = make_article()
    now = utcnow()
    comment, browser = approved_guest_comment(article, now)
    assert services.edit_comment(comment, edited, browser, RULES) is status
    db.session.commit()
    assert comment.status is status and comment.moderation_reason.startswith(reason)
    assert comment.moderation_reason.endswith("(after an edit by its author)")
    assert comment.body_source == edited
    if status is ResponseStatus.SPAM:
        assert comment.previous_status is ResponseStatus.APPROVED
    assert thread_page(article, None, RULES, 1).ids == set()
    [edit] = [e for e in db.session.scalars(db.select(ModerationEvent)) if e.action == "edit"]
    assert (edit.from_status, edit.to_status, edit.via, edit.actor_id) == \
        ("approved", status.value, "author", None)


def test_the_edit_is_decided_with_what_was_stored_when_it_was_posted(db):
    """The stored IP, user agent, name, email and website count, as when it was posted."""
    article = make_article()
    comment, browser = approved_guest_comment(article, utcnow())
    rules = DiscussionSettings(block_list=("203.0.113.0/24",))
    assert services.edit_comment(comment, "Only the text changed.", browser,
                                 rules) is ResponseStatus.SPAM
    assert comment.moderation_reason.startswith("spam: block list '203.0.113.0/24'")
    comment, browser = approved_guest_comment(article, utcnow() + timedelta(minutes=1),
                                              body="Another point.")
    rules = DiscussionSettings(moderation_words=("ada.example.org",))
    assert services.edit_comment(comment, "Only the text changed.", browser,
                                 rules) is ResponseStatus.PENDING


def test_a_harmless_edit_keeps_an_approved_comment_approved_and_its_reason(db):
    article = make_article()
    comment, browser = approved_guest_comment(article, utcnow())
    reason = comment.moderation_reason
    assert services.edit_comment(comment, "A fairer point.", browser,
                                 RULES) is ResponseStatus.APPROVED
    assert comment.moderation_reason == reason and comment.edited_at is not None


def test_an_edit_never_publishes_a_comment_that_waits_for_a_moderator(db):
    article = make_article()
    now = utcnow()
    first, browser = approved_guest_comment(article, now)
    held = services.submit_comment(
        article, CommentInput(body=f"Many links {EIGHT_LINKS}", name="Ada",
                              email="ada@example.org"), browser, RULES)
    assert held.status is ResponseStatus.PENDING  # held for its links, proof or not
    later = guest(now=now + timedelta(minutes=3), own=[first.id, held.id])
    assert services.edit_comment(held, "No links now.", later, RULES) is ResponseStatus.PENDING
    assert held.moderation_reason == "held: edited by its author while waiting for a moderator"
    assert held.approved_at is None


def test_a_member_edit_is_decided_with_the_members_history(db):
    article = make_article()
    user = make_user()
    now = utcnow()
    comment = post(article, member(user, now=now))
    moderation.apply(comment, "approve", make_user(Role.MODERATOR), seen=None, now=now)
    assert services.edit_comment(comment, "Still fine.", member(user), RULES) is \
        ResponseStatus.APPROVED
    assert services.edit_comment(comment, "casino", member(user), RULES) is ResponseStatus.SPAM
    staff = make_user(Role.AUTHOR)
    theirs = post(article, member(staff, now=now + timedelta(minutes=1)), body="Staff note")
    assert services.edit_comment(theirs, "casino", member(staff), RULES) is \
        ResponseStatus.APPROVED  # the site's own people are trusted, as when they post


def test_deleting_ones_own_comment_is_logged_and_a_restore_brings_it_back(db):
    article = make_article()
    now = utcnow()
    comment, browser = approved_guest_comment(article, now)
    services.delete_own(comment, browser)
    db.session.commit()
    assert comment.status is ResponseStatus.TRASH
    assert comment.previous_status is ResponseStatus.APPROVED
    [trash] = [e for e in db.session.scalars(db.select(ModerationEvent)) if e.action == "trash"]
    assert (trash.from_status, trash.to_status, trash.via) == ("approved", "trash", "author")
    moderation.apply(comment, "restore", make_user(Role.MODERATOR), seen=ResponseStatus.TRASH,
                     now=now + timedelta(minutes=5))
    assert comment.status is ResponseStatus.APPROVED


# --- staff badges (item 9) ------------------------------------------------------------------

def test_only_accounts_earn_a_badge(db):
    author = make_user(Role.AUTHOR, name="Maya")
    article = make_article(author)
    other_staff = make_user(Role.MODERATOR)
    reader = make_user(Role.MEMBER)
    by_author = post(article, member(author))
    by_staff = post(article, member(other_staff), body="From the moderator")
    by_member = post(article, member(reader, ip="198.51.100.30"), body="From a member")
    impostor = post(article, name="Maya", email=author.email, body="I am Maya, really")
    assert services.badge_for(by_author, article) == "Author"
    assert services.badge_for(by_staff, article) == "Staff"
    assert services.badge_for(by_member, article) is None
    assert services.badge_for(impostor, article) is None
    assert services.badge_for(by_staff, make_article(other_staff)) == "Author"


# --- Markdown in comments (item 16) -------------------------------------------------------------

def test_lists_and_fenced_code_render_in_comments(db):
    body = "Steps:\n\n- one\n- two\n\n3. three\n4. four\n\n```\nx = <b>1</b> http://a.example\n```"
    html = post(make_article(), body=body).body_html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>' in html
    assert "<pre><code>x = &lt;b&gt;1&lt;/b&gt; http://a.example\n</code></pre>" in html
    assert "<h1>" not in post(make_article(), guest(ip="198.51.100.31"),
                              body="# Not a heading").body_html
