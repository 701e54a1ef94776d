"""The moderation queue through the test client: tabs, rows, filters, pages, row and bulk
actions, refusals, the JavaScript fragment, quick edit, reply and approve, the audit log."""

from __future__ import annotations

import html as htmllib
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import ModerationEvent, Response, ResponseKind, ResponseStatus, Role
from app.moderation.queue import QueueFilter
from tests.conftest import FormClient
from tests.factories import PASSWORD, make_article, make_response, make_user

S = ResponseStatus
QUEUE = "/moderation/"


# --- helpers ---------------------------------------------------------------------------------

@pytest.fixture
def moderator(db):
    return make_user(Role.MODERATOR, name="Mo Derator")


@pytest.fixture
def mod(forms, moderator):
    """The test's client, logged in as the moderator."""
    forms.login(moderator.email, PASSWORD)
    return forms


def page_of(forms, url: str = QUEUE, **args) -> str:
    response = forms.client.get(url, query_string=args or None)
    assert response.status_code == 200, response.status
    return response.get_data(as_text=True)


def act(forms, data: dict, *, query: str = "", **kwargs):
    """Submit the queue's form (row or bulk action) as a browser would."""
    return forms.post(f"/moderation/act{query}", data, form_url=QUEUE, **kwargs)


def act_and_follow(forms, data: dict, **kwargs) -> str:
    result = act(forms, data, **kwargs)
    assert result.status_code == 302 and result.headers["Location"].startswith(QUEUE)
    return page_of(forms, result.headers["Location"])


def row_action(action: str, response_id: int, seen: S) -> dict:
    return {"row_action": f"{action}:{response_id}", f"seen-{response_id}": seen.value}


def bulk(action: str, seen: dict[int, S]) -> dict:
    return {"bulk_action": action, "ids": [str(i) for i in seen],
            **{f"seen-{i}": status.value for i, status in seen.items()}}


def row_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="row-(\d+)"', page)]


def row(page: str, response_id: int) -> str:
    match = re.search(rf'<tr id="row-{response_id}".*?</tr>', page, re.S)
    assert match, f"no row for #{response_id}"
    return match.group(0)


def tab_counts(page: str) -> dict[str, int]:
    tabs = r'>(All|Pending|Approved|Spam|Trash) <span class="count"[^>]*>\((\d+)\)'
    return {tab: int(n) for tab, n in re.findall(tabs, page)}


def badge(page: str) -> int | None:
    match = re.search(r'<span class="badge" aria-label="(\d+) pending">(\d+)</span>', page)
    if match is None:
        return None
    assert match.group(1) == match.group(2)
    return int(match.group(2))


def messages(page: str) -> list[str]:
    return [htmllib.unescape(text) for text in
            re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page, re.S)]


def statuses(db, *ids: int) -> list[S | None]:
    db.session.expire_all()
    return [(r.status if (r := db.session.get(Response, i)) else None) for i in ids]


def event_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ModerationEvent))


def pending(article, body: str = "Held words", **fields) -> int:
    return make_response(article, status=S.PENDING, body=body, **fields).id


# --- tabs, badge, rows -----------------------------------------------------------------------

def test_tabs_count_each_status_and_the_badge_counts_pending(app, mod, db):
    article = make_article()
    made = {S.PENDING: 3, S.APPROVED: 2, S.SPAM: 4, S.TRASH: 1}
    for status, n in made.items():
        for i in range(n):
            make_response(article, status=status, body=f"{status.value} {i}")

    page = page_of(mod)
    assert tab_counts(page) == {"All": 5, "Pending": 3, "Approved": 2, "Spam": 4, "Trash": 1}
    assert len(row_ids(page)) == 3  # the Pending tab opens first
    assert 'aria-current="page">Pending' in page
    assert badge(page) == 3
    assert badge(page_of(mod, "/")) == 3  # on every page of the site
    for status, n in made.items():
        assert len(row_ids(page_of(mod, status=status.value))) == n
    assert len(row_ids(page_of(mod, status="all"))) == 5

    member = FormClient(app.test_client())
    member.login(make_user(Role.MEMBER).email, PASSWORD)
    home = member.client.get("/").get_data(as_text=True)
    assert 'class="badge"' not in home and "Moderation" not in home


def test_a_row_shows_kind_author_article_parent_excerpt_and_reason(app, mod, db):
    article = make_article(title="Roadmaps that last")
    parent = make_response(article, author_name="Parent Person", body="The first word")
    guest = FormClient(app.test_client())
    posted = guest.post(f"/articles/{article.id}/comments", {
        "name": "Gus Guest", "email": "Gus@Example.org", "website": "gus.example.net",
        "body": "Read http://a.example/1 and https://b.example/2 and http://c.example/3",
        "parent_id": str(parent.id), "submit": "Post Comment"}, form_url=article.path)
    assert posted.status_code == 302
    held = db.session.scalars(select(Response).where(Response.parent_id == parent.id)).one()
    pingback = make_response(article, status=S.PENDING, kind=ResponseKind.PINGBACK,
                             author_name="", source_title="A Post | A Blog",
                             author_url="https://blog.example.com/post",
                             body="mention " * 60 + "THE-TAIL", moderation_reason="held: linkback")

    page = page_of(mod)
    comment_row = row(page, held.id)
    assert '<span class="response-kind">comment</span>' in comment_row
    assert ('<strong class="author-name" title="Gus Guest"><bdi>Gus Guest</bdi></strong>'
            in comment_row)
    assert ('<a class="author-email" href="mailto:gus@example.org" title="gus@example.org">'
            'gus@example.org</a>') in comment_row
    assert '<a href="http://gus.example.net/" rel="nofollow ugc noopener">' in comment_row
    assert '?status=all&amp;q=127.0.0.1">127.0.0.1</a>' in comment_row
    assert f'<a href="{article.path}">Roadmaps that last</a>' in comment_row
    assert f"reply to #{parent.id} by Parent Person" in comment_row
    # As readers will see it (the sanitised HTML), the source one click away.
    assert ('<div class="queue-body excerpt"><p>Read http://a.example/1 and '
            'https://b.example/2 and http://c.example/3</p></div>') in comment_row
    assert ('<pre>Read http://a.example/1 and https://b.example/2 and '
            'http://c.example/3</pre>') in comment_row
    assert ('<p class="reason" title="held: 3 links">Held: 3 links (2 or more are held)</p>'
            in comment_row)

    ping_row = row(page, pingback.id)
    assert '<span class="response-kind">pingback</span>' in ping_row
    assert "<strong><bdi>A Post | A Blog</bdi></strong>" in ping_row
    assert "reply to" not in ping_row
    assert "THE-TAIL" in ping_row  # the whole text: the queue is where it is read


# --- filters, search, pages ------------------------------------------------------------------

@pytest.fixture
def mixed(db):
    """Pending responses of every kind on two articles, from different authors and addresses."""
    alpha = make_article(title="Alpha notes")
    beta = make_article(title="Beta notes")
    return {
        "alpha": alpha.id, "beta": beta.id,
        "carla": pending(alpha, "I like roadmaps", author_name="Carla Writer",
                         author_email="carla@example.org", author_ip="198.51.100.7"),
        "dev": pending(beta, "Pricing is hard", author_name="Dev Reader",
                       author_email="dev@sample.net", author_ip="203.0.113.5"),
        "ping": pending(alpha, "roadmaps, linked", kind=ResponseKind.PINGBACK, author_name="",
                        source_title="Linking Blog", author_ip="198.51.100.99"),
        "quinn": pending(beta, "How do you price?", kind=ResponseKind.QUESTION,
                         author_name="Quinn", author_email="quinn@example.org",
                         author_ip="192.0.2.1"),
    }


@pytest.mark.parametrize(("args", "expected"), [
    ({"kind": "pingback"}, {"ping"}),
    ({"kind": "question"}, {"quinn"}),
    ({"article": "alpha"}, {"carla", "ping"}),
    ({"article": "beta", "kind": "comment"}, {"dev"}),
    ({"q": "roadmaps"}, {"carla", "ping"}),  # the text
    ({"q": "CARLA"}, {"carla"}),  # the author's name, any case
    ({"q": "Linking"}, {"ping"}),  # a linkback's title
    ({"q": "sample.net"}, {"dev"}),  # the email
    ({"q": "198.51.100."}, {"carla", "ping"}),  # the IP address (its start)
    ({"q": "nobody-at-all"}, set()),
], ids=lambda v: "-".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None)
def test_filter_by_kind_and_article_and_search(mod, mixed, args, expected):
    query = {k: (mixed[v] if k == "article" else v) for k, v in args.items()}
    page = page_of(mod, **query)
    assert set(row_ids(page)) == {mixed[name] for name in expected}
    assert tab_counts(page)["Pending"] == len(expected)  # the tabs count under the filters
    # The tabs keep the filter when switching status.
    approved_tab = htmllib.unescape(re.search(r'href="([^"]*status=approved[^"]*)"', page)[1])
    action = htmllib.unescape(re.search(r'action="([^"]+)" data-queue-form', page)[1])
    for key, value in query.items():
        assert f"{key}={value}" in approved_tab and f"{key}={value}" in action


@pytest.mark.parametrize(("filters", "args"), [
    ({}, {"status": "pending"}),
    ({"page": 1}, {"status": "pending"}),
    ({"page": 2}, {"status": "pending", "page": 2}),
    ({"article_id": 1, "page": 1}, {"status": "pending", "article": 1}),
    ({"article_id": 7, "kind": "comment", "search": "x", "status": "spam"},
     {"status": "spam", "kind": "comment", "article": 7, "q": "x"}),
])
def test_the_queues_links_keep_every_filter(filters, args):
    # The first article of a site has id 1: filtering by it must survive tabs, pages, actions.
    assert QueueFilter(**filters).as_args() == args


def test_twenty_rows_a_page_newest_first(mod, db):
    article = make_article()
    start = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    ids = [pending(article, f"Number {i}", created_at=start + timedelta(minutes=i))
           for i in range(45)]
    newest_first = ids[::-1]

    first, second, third = (page_of(mod, page=n) for n in (1, 2, 3))
    assert row_ids(first) == newest_first[:20]
    assert row_ids(second) == newest_first[20:40]
    assert row_ids(third) == newest_first[40:]
    assert "Page 1 of 3" in first and "Page 3 of 3" in third
    assert 'rel="prev"' not in first
    assert 'rel="next" href="/moderation/?status=pending&amp;page=2"' in first
    assert 'rel="prev" href="/moderation/?status=pending&amp;page=2"' in third
    assert 'rel="next"' not in third
    assert tab_counts(third)["Pending"] == 45
    assert row_ids(page_of(mod, page=4)) == []  # past the end: empty, not an error


# --- actions ---------------------------------------------------------------------------------

def test_approve_from_the_row_publishes_it_for_readers(app, mod, db):
    article = make_article()
    held = pending(article, "Worth publishing")
    assert "Worth publishing" not in app.test_client().get(article.path).get_data(as_text=True)

    result = act(mod, row_action("approve", held, S.PENDING), query="?status=pending&kind=comment")
    assert result.status_code == 302
    assert result.headers["Location"] == "/moderation/?status=pending&kind=comment"
    page = page_of(mod, result.headers["Location"])
    assert messages(page) == ["Approve: 1 response."]
    assert held not in row_ids(page) and badge(page) == 0
    assert statuses(db, held) == [S.APPROVED]
    event = db.session.scalars(select(ModerationEvent)).one()
    assert (event.action, event.from_status, event.to_status, event.via, event.actor.name) == \
        ("approve", "pending", "approved", "queue", "Mo Derator")
    reader = app.test_client().get(article.path).get_data(as_text=True)
    assert "Worth publishing" in reader and "1 response so far" in reader


def test_bulk_spam_moves_the_three_selected(mod, db):
    article = make_article()
    a, b, c, d = (pending(article, f"Bulk {n}") for n in "abcd")
    page = act_and_follow(mod, bulk("spam", {a: S.PENDING, b: S.PENDING, c: S.PENDING}))
    assert messages(page) == ["Spam: 3 responses."]
    assert statuses(db, a, b, c, d) == [S.SPAM, S.SPAM, S.SPAM, S.PENDING]
    assert row_ids(page) == [d]
    assert set(row_ids(page_of(mod, status="spam"))) == {a, b, c}
    assert event_count(db) == 3


@pytest.mark.parametrize("start", [S.PENDING, S.APPROVED, S.SPAM])
def test_trash_then_restore_returns_to_the_status_before(mod, db, start):
    response = make_response(make_article(), status=start).id
    page = act_and_follow(mod, row_action("trash", response, start))
    assert messages(page) == ["Trash: 1 response."]
    assert statuses(db, response) == [S.TRASH]
    assert row_ids(page_of(mod, status="trash")) == [response]

    page = act_and_follow(mod, row_action("restore", response, S.TRASH))
    assert messages(page) == ["Restore: 1 response."]
    assert statuses(db, response) == [start]


@pytest.mark.parametrize(("status", "deleted"), [
    (S.SPAM, True), (S.TRASH, True), (S.PENDING, False), (S.APPROVED, False)])
def test_delete_permanently_only_from_trash_or_spam(mod, db, status, deleted):
    response = make_response(make_article(), status=status).id
    page = act_and_follow(mod, row_action("delete", response, status))
    if deleted:
        assert messages(page) == ["Delete permanently: 1 response."]
        assert statuses(db, response) == [None]
    else:
        assert messages(page) == [f"Response #{response} is {status.value}: "
                                  "“Delete permanently” does not apply."]
        assert statuses(db, response) == [status]
        assert event_count(db) == 0


# --- refusals --------------------------------------------------------------------------------

def test_bulk_with_nothing_selected_or_no_action_changes_nothing(mod, db):
    article = make_article()
    a, b = pending(article, "One"), pending(article, "Two")
    page = act_and_follow(mod, {"bulk_action": "spam", f"seen-{a}": "pending"})
    assert messages(page) == ["Select at least one response, then choose an action."]
    page = act_and_follow(mod, bulk("", {a: S.PENDING, b: S.PENDING}))
    assert messages(page) == ["Choose an action to apply to the selected responses."]
    assert statuses(db, a, b) == [S.PENDING, S.PENDING] and event_count(db) == 0


def test_an_action_on_a_deleted_response_says_it_no_longer_exists(mod, db):
    article = make_article()
    kept, gone = pending(article, "Kept"), pending(article, "Gone")
    db.session.delete(db.session.get(Response, gone))
    db.session.commit()

    page = act_and_follow(mod, row_action("approve", gone, S.PENDING))
    assert messages(page) == [f"Response #{gone} no longer exists; nothing was done to it."]
    assert event_count(db) == 0
    page = act_and_follow(mod, bulk("approve", {gone: S.PENDING, kept: S.PENDING}))
    assert messages(page) == ["Approve: 1 response.",
                              f"Response #{gone} no longer exists; nothing was done to it."]
    assert statuses(db, kept) == [S.APPROVED]


def test_a_stale_action_is_refused_when_someone_else_changed_the_response(app, mod, db):
    response = pending(make_article(), "Contested")
    page = page_of(mod)
    seen = re.search(rf'name="seen-{response}" value="(\w+)"', page)[1]
    assert seen == "pending"

    other = FormClient(app.test_client())
    other.login(make_user(Role.MODERATOR).email, PASSWORD)
    act(other, row_action("approve", response, S.PENDING))
    assert statuses(db, response) == [S.APPROVED] and event_count(db) == 1

    page = act_and_follow(mod, {"row_action": f"trash:{response}", f"seen-{response}": seen})
    assert messages(page) == [f"Response #{response} was changed by someone else a moment ago "
                              "(it is now approved); nothing was done to it."]
    assert statuses(db, response) == [S.APPROVED] and event_count(db) == 1


def test_the_javascript_path_gets_the_queue_fragment_with_the_message(mod, db):
    article = make_article()
    a, b = pending(article, "First held"), pending(article, "Second held")
    result = act(mod, row_action("approve", a, S.PENDING), query="?status=pending",
                 headers={"X-Parley-Fragment": "1"})
    assert result.status_code == 200
    fragment = result.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="queue" class="queue">')
    assert "<html" not in fragment and "site-header" not in fragment
    assert messages(fragment) == ["Approve: 1 response."]
    assert row_ids(fragment) == [b]
    assert tab_counts(fragment) == {"All": 2, "Pending": 1, "Approved": 1, "Spam": 0, "Trash": 0}
    assert statuses(db, a) == [S.APPROVED]

    refused = act(mod, row_action("approve", a, S.PENDING), headers={"X-Parley-Fragment": "1"})
    assert refused.status_code == 200
    assert "was changed by someone else" in messages(refused.get_data(as_text=True))[0]


# --- quick edit and reply --------------------------------------------------------------------

def test_quick_edit_saves_and_rerenders_the_text(mod, db):
    article = make_article()
    response = pending(article, "Teh typo", author_name="Ann", author_email="ann@example.org")
    url = f"/moderation/{response}/edit"
    form = page_of(mod, url)
    assert '<input id="name" name="name" type="text" value="Ann">' in form
    assert re.search(r'<textarea[^>]*name="body"[^>]*>\s*Teh typo</textarea>', form)

    back = "/moderation/?status=all"
    result = mod.post(f"{url}?back={back}", {
        "name": "Ann Editor", "email": "Ann@Example.ORG", "website": "https://ann.example",
        "body": "The **fixed** text\r\nline two"}, form_url=url)
    assert result.status_code == 302 and result.headers["Location"] == back
    stored = db.session.get(Response, response)
    assert (stored.author_name, stored.author_email, stored.author_url) == \
        ("Ann Editor", "ann@example.org", "https://ann.example/")
    assert stored.body_source == "The **fixed** text\nline two"
    assert "<strong>fixed</strong>" in stored.body_html and "Teh typo" not in stored.body_html
    assert stored.edited_at is not None and stored.status is S.PENDING
    page = page_of(mod, back)
    assert messages(page) == [f"Response #{response} is saved."]
    assert "The **fixed** text" in row(page, response)


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_quick_edit_goes_back_only_to_a_page_of_this_site(mod, db, back):
    response = pending(make_article(), "Some words")
    url = f"/moderation/{response}/edit"
    result = mod.post(url, {"name": "Ann", "email": "", "website": "", "body": "Saved words"},
                      query_string={"back": back}, form_url=url)
    assert result.status_code == 302 and result.headers["Location"] == QUEUE
    assert db.session.get(Response, response).body_source == "Saved words"


@pytest.mark.parametrize("body", ["", "  \r\n  "], ids=["empty", "spaces"])
def test_quick_edit_with_empty_text_is_refused_beside_the_field(mod, db, body):
    response = pending(make_article(), "Original words", author_name="Ann")
    url = f"/moderation/{response}/edit"
    result = mod.post(url, {"name": "Changed", "email": "", "website": "", "body": body})
    assert result.status_code == 422
    page = result.get_data(as_text=True)
    assert '<p class="error" id="body-error">The text cannot be empty.</p>' in page
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*name="body"', page)
    assert 'value="Changed"' in page  # what was typed is kept
    stored = db.session.get(Response, response)
    assert (stored.author_name, stored.body_source, stored.edited_at) == \
        ("Ann", "Original words", None)
    assert event_count(db) == 0


def test_reply_to_a_pending_comment_approves_it_and_publishes_the_reply(app, mod, db, moderator):
    article = make_article()
    question = pending(article, "Is this right?", author_name="Curious Guest")
    url = f"/moderation/{question}/reply"
    assert "Replying approves this comment too." in page_of(mod, url)

    result = mod.post(url, {"body": "Yes, it is."})
    assert result.status_code == 302 and result.headers["Location"] == QUEUE
    reply = db.session.scalars(select(Response).where(Response.parent_id == question)).one()
    assert messages(page_of(mod)) == [f"Your reply is published as #{reply.id}."]
    assert statuses(db, question, reply.id) == [S.APPROVED, S.APPROVED]
    assert (reply.user_id, reply.author_name, reply.author_email, reply.depth) == \
        (moderator.id, "Mo Derator", moderator.email, 1)
    events = db.session.scalars(select(ModerationEvent).order_by(ModerationEvent.id)).all()
    assert [(e.response_ref, e.action, e.actor_id) for e in events] == \
        [(question, "approve", moderator.id), (reply.id, "submit", moderator.id)]
    reader = app.test_client().get(article.path).get_data(as_text=True)
    assert "Is this right?" in reader and "Yes, it is." in reader


@pytest.mark.parametrize("body", ["", "   "], ids=["empty", "spaces"])
def test_an_empty_reply_is_refused_and_approves_nothing(mod, db, body):
    question = pending(make_article(), "Anyone?")
    result = mod.post(f"/moderation/{question}/reply", {"body": body})
    assert result.status_code == 422
    assert '<p class="error" id="body-error">Write your reply first.</p>' in \
        result.get_data(as_text=True)
    assert statuses(db, question) == [S.PENDING] and event_count(db) == 0
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_reply_refused_after_approving_shows_and_keeps_the_comment_pending(mod, db):
    question = pending(make_article(comments_open=False), "Late question")
    result = mod.post(f"/moderation/{question}/reply", {"body": "A reply nobody gets"})
    assert result.status_code == 422
    page = result.get_data(as_text=True)
    assert '<p class="error" id="body-error">Comments are closed on this article.</p>' in page
    # The approval done before the reply was refused is undone, on the page and in the database.
    assert re.search(r'<p class="meta">[^<]*, pending</p>', page)
    assert "Replying approves this comment too." in page
    assert statuses(db, question) == [S.PENDING] and event_count(db) == 0
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
