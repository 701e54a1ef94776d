"""The fragment cache of rendered responses (app/comments/fragments.py): the LRU, the keys, and
every rule that must render a response again, or must not, through real pages.

Pages are read as a returning commenter (a saved-details cookie), whom the page cache skips,
so every view is assembled from fragments. Which responses were rendered again is read from
the cache itself: the ids of the keys a view added.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from itsdangerous import URLSafeSerializer

from app.admin.services import change_email_and_role
from app.auth.services import update_profile
from app.authoring.services import ArticleInput, save_article
from app.comments import fragments, identity
from app.comments.services import Commenter, CommentInput, edit_comment, submit_comment
from app.models import Response, ResponseKind, ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import services as moderation
from app.moderation import settings as site_settings
from app.questions import services as questions
from tests.conftest import another_app
from tests.factories import change_settings, make_article, make_response, make_user


@pytest.fixture(autouse=True)
def _forget_fragments():
    """Each test starts with empty caches (ids and versions start again with the tables)."""
    fragments.clear()
    yield
    fragments.clear()


# --- the LRU and the fragments, alone ---------------------------------------------------------

def test_the_lru_keeps_the_most_recently_used_within_its_size():
    cache = fragments.LRU(3)
    cache.put_many([("a", 1), ("b", 2), ("c", 3)])
    assert cache.get_many(["a", "x"]) == [1, None]  # "a" is now the most recent
    cache.put("d", 4)
    assert cache.keys() == ["c", "a", "d"] and len(cache) == 3
    cache.clear()
    assert cache.get("a") is None and len(cache) == 0
    nothing = fragments.LRU(0)  # FRAGMENT_CACHE_SIZE=0: pages are rendered, nothing is kept
    nothing.put("a", 1)
    assert len(nothing) == 0


def test_the_lru_stays_bounded_and_whole_under_threads():
    cache = fragments.LRU(100)
    failures = []

    def work(n: int) -> None:
        try:
            for i in range(2000):
                cache.put_many([((n, i), i), ((n, i + 1), i + 1)])
                found = cache.get_many([(n, i), (n, i - 50)])
                assert found[0] in (i, None)
        except Exception as error:  # noqa: BLE001 - reported below, from the main thread
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(cache) == 100


def test_a_fragment_is_cut_at_each_slot_in_order():
    marks = fragments.MARKS
    html = (f"<li>head{marks['notes']}1{marks['awaiting']}2{marks['actions']}3"
            f"{marks['form']}4{marks['children']}</li>")
    fragment = fragments.Fragment.split(html)
    assert fragment.parts == ("<li>head", "1", "2", "3", "4", "</li>")
    assert fragment.head == "<li>head1234" and fragment.tail == "</li>"
    assert fragment.cuts == (8, 9, 10, 11)
    with pytest.raises(ValueError, match="awaiting"):
        fragments.Fragment.split(f"<li>{marks['notes']}</li>")


def test_marks_are_this_process_own():
    assert all(fragments.NONCE in mark for mark in fragments.MARKS.values())
    assert len(fragments.NONCE) == 32


class _Row:
    id, version, status = 7, 3, ResponseStatus.APPROVED


def test_the_key_holds_everything_the_html_depends_on():
    when = utcnow()
    base = {"depth": 1, "accepted": False, "status": None, "page": None, "site": (4, when),
            "article_stamp": when, "avatars": "identicon"}
    first = fragments.key(_Row(), **base)
    assert fragments.key(_Row(), **base) == first
    changed = [{"depth": 2}, {"accepted": True}, {"status": "answered"}, {"page": 2},
               {"site": (5, when)}, {"site": (4, when + timedelta(seconds=1))},
               {"article_stamp": when + timedelta(microseconds=1)}, {"avatars": "gravatar"}]
    for change in changed:
        assert fragments.key(_Row(), **{**base, **change}) != first, change
    newer = _Row()
    newer.version = 4
    held = _Row()
    held.status = ResponseStatus.PENDING
    assert fragments.key(newer, **base) != first and fragments.key(held, **base) != first


def test_each_app_has_its_own_caches_and_clear_empties_them_all(app, database_url):
    with another_app(app, SQLALCHEMY_DATABASE_URI=database_url,
                     FRAGMENT_CACHE_SIZE=5) as other:
        mine, theirs = fragments.caches_for(app), fragments.caches_for(other)
        assert mine is not theirs and theirs.responses.size == 5
        assert mine.responses.size == fragments.DEFAULT_SIZE
        mine.responses.put("k", "v")
        theirs.responses.put("k", "w")
        assert mine.responses.get("k") == "v"
        fragments.clear()
        assert mine.responses.get("k") is None and theirs.responses.get("k") is None


# --- through pages: what renders a response again --------------------------------------------

def reader(app):
    """A returning commenter's browser (saved name and email: the page is rendered for it)."""
    client = app.test_client()
    value = URLSafeSerializer(app.config["SECRET_KEY"], salt="parley-commenter").dumps(
        {"name": "Rita Reader", "email": "rita@example.org", "website": ""})
    client.set_cookie(identity.COMMENTER_COOKIE, value)
    return client


class Page:
    """Read an article's page as a returning commenter; tell which fragments it rendered."""

    def __init__(self, app, article):
        self.app, self.path, self.client = app, article.path, reader(app)

    def view(self) -> tuple[str, set[int]]:
        """The page's HTML and the ids of the responses rendered for it (not from cache)."""
        cache = fragments.caches_for(self.app).responses
        before = set(cache.keys())
        answer = self.client.get(self.path)
        assert answer.status_code == 200
        return answer.get_data(as_text=True), {key[0] for key in set(cache.keys()) - before}


def guest(ip="198.51.100.20", own=(), now=None) -> Commenter:
    return Commenter(user=None, ip=ip, user_agent="pytest", now=now or utcnow(),
                     own_ids=frozenset(own))


def post(article, body, *, parent=None, name="Gus Guest", email="gus@example.org",
         ip="198.51.100.20", is_question=False, title="") -> Response:
    from app.extensions import db

    response = submit_comment(article, CommentInput(
        body=body, name=name, email=email, parent_id=parent.id if parent else None,
        is_question=is_question, title=title), guest(ip), site_settings.load())
    db.session.commit()
    return response


def act(response, action, actor):
    from app.extensions import db

    moderation.apply(response, action, actor, seen=None, now=utcnow())
    db.session.commit()


@pytest.fixture
def moderator(db):
    return make_user(Role.MODERATOR, name="Mia Moderator")


@pytest.fixture
def thread(db):
    """An article with three approved comments (the second replies to the first)."""
    article = make_article(title="Fragments article")
    first = make_response(article, body="First words", author_name="Ann")
    second = make_response(article, first, body="Second words", author_name="Ben")
    third = make_response(article, body="Third words", author_name="Cat")
    return article, first, second, third


def test_a_page_seen_again_renders_nothing(app, thread):
    article, first, second, third = thread
    page = Page(app, article)
    html, rendered = page.view()
    assert rendered == {first.id, second.id, third.id}
    assert "First words" in html and "Third words" in html
    again, rendered = page.view()
    assert rendered == set() and again == html.replace(_stamp(html), _stamp(again))


def _stamp(html: str) -> str:
    """The form's signed stamp (when it was shown): the one thing a second view changes."""
    start = html.index('name="stamp" type="hidden" value="') + len('name="stamp" type="hidden" '
                                                                  'value="')
    return html[start:html.index('"', start)]


def test_approving_renders_that_response_and_nothing_else(app, thread, moderator):
    article, first, second, third = thread
    page = Page(app, article)
    page.view()
    held = post(article, "Held then approved", parent=third)
    html, rendered = page.view()
    assert "Held then approved" not in html and rendered == set()
    act(held, "approve", moderator)
    html, rendered = page.view()
    assert "Held then approved" in html and rendered == {held.id}


def test_unapproving_takes_it_off_and_its_author_sees_it_held(app, thread, moderator):
    article, first, second, third = thread
    page = Page(app, article)
    page.view()
    act(second, "unapprove", moderator)
    html, rendered = page.view()
    assert "Second words" not in html and rendered == set()
    author = app.test_client()
    author.set_cookie(identity.MINE_COOKIE, URLSafeSerializer(
        app.config["SECRET_KEY"], salt="parley-mine").dumps([second.id]))
    own = author.get(article.path).get_data(as_text=True)
    item = own[own.index(f'id="comment-{second.id}"'):]
    assert "is-pending" in item[:300] and "Your comment is awaiting moderation." in item


def test_an_edit_renders_the_new_text(app, db, thread):
    article = make_article(title="Edited here")
    mine = post(article, "Before the edit")
    act(mine, "approve", make_user(Role.MODERATOR))
    page = Page(app, article)
    page.view()
    edit_comment(mine, "After the edit", guest(own=[mine.id]), site_settings.load())
    db.session.commit()
    html, rendered = page.view()
    assert "After the edit" in html and "Before the edit" not in html
    assert "(edited)" in html and rendered == {mine.id}


def test_a_delete_takes_it_off(app, thread, moderator):
    article, first, second, third = thread
    page = Page(app, article)
    page.view()
    act(third, "trash", moderator)
    html, rendered = page.view()
    assert "Third words" not in html and rendered == set()


def test_a_new_answer_renders_the_question_with_its_new_status(app, db, moderator):
    from app.questions.tags import seed_default_tags

    seed_default_tags()
    db.session.commit()
    article = make_article(title="Questions here")
    question = post(article, "How do I start?", is_question=True, title="How do I start?",
                    name="Ines", email="ines@example.org")
    act(question, "approve", moderator)
    other = make_response(article, body="Unrelated comment")
    page = Page(app, article)
    html, _ = page.view()
    assert "status-unanswered" in html
    reply = post(article, "Start small.", parent=question, name="Omar", email="omar@example.org",
                 ip="203.0.113.9")
    act(reply, "approve", moderator)
    html, rendered = page.view()
    assert "status-answered" in html and rendered == {question.id, reply.id}
    assert other.id not in rendered
    asker = Commenter(user=None, ip="198.51.100.20", user_agent="pytest", now=utcnow(),
                      own_ids=frozenset({question.id}))
    questions.accept(question, reply, asker, utcnow())
    db.session.commit()
    html, rendered = page.view()
    assert "status-accepted" in html and "✓ Accepted answer" in html
    assert rendered == {question.id, reply.id}


def test_a_setting_renders_every_response_again(app, thread):
    article, first, second, third = thread
    page = Page(app, article)
    html, _ = page.view()
    assert "gravatar.com" not in html
    change_settings(avatars="gravatar")
    html, rendered = page.view()
    assert "https://www.gravatar.com/avatar/" in html
    assert rendered == {first.id, second.id, third.id}


def test_a_member_renamed_or_given_a_role_is_shown_anew(app, db, thread):
    article, *_ = thread
    member = make_user(Role.MEMBER, name="Max Member")
    theirs = make_response(article, body="By a member", author_name=member.name,
                           user_id=member.id, author_email=member.email)
    page = Page(app, article)
    html, _ = page.view()
    item = html[html.index(f'id="comment-{theirs.id}"'):]
    assert "response-badge" not in item[:1500]
    update_profile(member, name="Max Renamed", job_title="", bio="", social_handle="",
                   website="", new_password=None)
    db.session.commit()
    _, rendered = page.view()
    assert theirs.id in rendered  # the site's version moved: every response is read again
    change_email_and_role(member, member.email, Role.MODERATOR)
    db.session.commit()
    html, rendered = page.view()
    item = html[html.index(f'id="comment-{theirs.id}"'):]
    assert theirs.id in rendered and "Staff" in item[:1500]


def test_closing_comments_takes_the_reply_links_away(app, db, thread):
    article, first, second, third = thread
    page = Page(app, article)
    html, _ = page.view()
    assert html.count('class="reply-link"') == 3
    data = ArticleInput(title=article.title, body=article.body_source, comments_open=False)
    save_article(article, article.author, data, publish=True, now=utcnow(),
                 zone=ZoneInfo("UTC"))
    db.session.commit()
    html, rendered = page.view()
    assert 'class="reply-link"' not in html and "Comments are closed" in html
    assert rendered == {first.id, second.id, third.id}


def test_changes_elsewhere_render_nothing_here(app, db, thread, moderator):
    article, *_ = thread
    elsewhere = make_article(title="Another article")
    page = Page(app, article)
    page.view()
    act(post(elsewhere, "Approved on another article", ip="198.51.100.31"), "approve", moderator)
    make_response(elsewhere, body="Imported there")
    _, rendered = page.view()
    assert rendered == set()
    post(article, "Held here, seen by nobody but its author", ip="198.51.100.77")
    post(elsewhere, "Held there", ip="198.51.100.32")
    html, rendered = page.view()
    assert rendered == set() and "Held here" not in html


def test_a_change_made_by_another_process_is_seen(app, db, database_url, thread):
    """Fragments are keyed by what the database says, so a change another app instance (its
    own caches, as another gunicorn worker) commits is seen at the next view."""
    article, first, second, third = thread
    page = Page(app, article)
    page.view()
    with another_app(app, SQLALCHEMY_DATABASE_URI=database_url) as other, other.app_context():
        from app.extensions import db as other_db

        row = other_db.session.get(Response, second.id)
        moderation.apply(row, "trash", None, seen=None, now=utcnow())
        theirs = other_db.session.get(Response, third.id)
        theirs.body_html = "<p>Third, corrected elsewhere</p>"
        other_db.session.commit()
    html, rendered = page.view()
    assert "Second words" not in html and "Third, corrected elsewhere" in html
    assert rendered == {third.id}


def test_the_comment_page_in_reply_links_is_part_of_the_key(app, db):
    """Newest first, two threads a page: a reader whose own held thread comes first sees the
    middle thread on page 2, everyone else on page 1. Its reply link keeps its page."""
    article = make_article(title="Paged")
    change_settings(threads_per_page=2, newest_first=True)
    oldest, middle, newest = (make_response(article, body=f"Root {n}") for n in range(3))
    held = post(article, "My own held thread")
    everyone = reader(app)
    author = reader(app)
    author.set_cookie(identity.MINE_COOKIE, URLSafeSerializer(
        app.config["SECRET_KEY"], salt="parley-mine").dumps([held.id]))
    link = f"?replytocom={middle.id}"
    first = everyone.get(article.path).get_data(as_text=True)
    assert f"{link}#respond" in first
    second = author.get(f"{article.path}?cpage=2").get_data(as_text=True)
    assert f"{link}&amp;cpage=2#respond" in second and f"{link}#respond" not in second
    again = everyone.get(article.path).get_data(as_text=True)
    assert f"{link}#respond" in again and "cpage=2#respond" not in again


def test_depth_and_linkback_lists_follow_the_settings(app, db):
    article = make_article(title="Deep")
    parent = None
    chain = []
    for n in range(4):
        parent = make_response(article, parent, body=f"Level {n}")
        chain.append(parent)
    ping = make_response(article, kind=ResponseKind.PINGBACK, source_url="https://p.example/a",
                         source_title="Pinging post", author_name="P")
    page = Page(app, article)
    html, _ = page.view()
    assert 'class="response kind-comment depth-3"' in html and 'id="pings"' not in html
    change_settings(thread_depth=2, linkbacks_separate=True)
    html, rendered = page.view()
    assert "depth-3" not in html and 'class="response kind-comment depth-1"' in html
    assert 'id="pings"' in html and "Pinging post" in html
    assert rendered == {r.id for r in chain} | {ping.id}
