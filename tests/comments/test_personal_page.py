"""The page readers get whom the page cache skips (a member, a returning commenter, the author of
a held comment), assembled from shared fragments: each gets their own parts, never someone
else's, in a number of queries that does not grow with the responses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer

from app.comments import fragments, identity
from app.extensions import db as _db
from app.models import QuestionTag, Response, ResponseStatus, Role
from app.models.types import utcnow
from tests.conftest import FormClient, csrf_token_from, forget_kept
from tests.factories import PASSWORD, change_settings, make_article, make_response, make_user

AWAITING = "Your comment is awaiting moderation."


@pytest.fixture(autouse=True)
def _forget_fragments():
    """Each test starts with empty caches (ids and versions start again with the tables)."""
    fragments.clear()
    yield
    fragments.clear()


def signed(app, salt: str, value) -> str:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt=salt).dumps(value)


def returning(app, name="Rita Reader", email="rita@example.org", website=""):
    """A browser that saved its commenter's details."""
    client = app.test_client()
    client.set_cookie(identity.COMMENTER_COOKIE, signed(
        app, "parley-commenter", {"name": name, "email": email, "website": website}))
    return client


def author_of(app, *responses):
    """The browser that wrote these responses (its signed list of its own)."""
    client = app.test_client()
    client.set_cookie(identity.MINE_COOKIE, signed(app, "parley-mine", [r.id for r in responses]))
    return client


def member_client(app, user):
    client = app.test_client()
    FormClient(client).login(user.email, PASSWORD)
    return client


def page_of(client, article, query="") -> str:
    answer = client.get(article.path + query)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def item(html: str, response_id: int) -> str:
    """A response's own card (up to its replies)."""
    start = html.index(f'<li id="comment-{response_id}"')
    return html[start:html.index("</article>", start)]


def actions(html: str) -> set[int]:
    """The ids of the responses a page offers to edit."""
    return {int(n) for n in re.findall(r'href="/comment/(\d+)/edit"', html)}


@pytest.fixture
def article(db):
    return make_article(title="A discussion")


def held(article, body, **fields) -> Response:
    return make_response(article, status=ResponseStatus.PENDING, body=body, created_at=utcnow(),
                         **fields)


def test_the_author_of_a_held_comment_sees_it_with_its_note_and_actions(app, article):
    older = make_response(article, body="Someone else's approved words")
    mine = held(article, "My held words", author_name="Hal")
    author = author_of(app, mine)
    html = page_of(author, article)
    own = item(html, mine.id)
    assert "My held words" in own and AWAITING in own and "is-pending" in own
    assert actions(html) == {mine.id}
    assert AWAITING not in item(html, older.id)
    for other in (app.test_client(), returning(app)):
        theirs = page_of(other, article)
        assert "My held words" not in theirs and AWAITING not in theirs
        assert actions(theirs) == set()


def test_a_member_may_change_only_their_own_recent_responses(app, article):
    ada, bob = make_user(name="Ada Member"), make_user(name="Bob Member")
    recent = make_response(article, body="Ada's recent", user_id=ada.id, author_name=ada.name,
                           author_email=ada.email, created_at=utcnow())
    old = make_response(article, body="Ada's old", user_id=ada.id, author_name=ada.name,
                        author_email=ada.email, created_at=utcnow() - timedelta(hours=2))
    bobs = make_response(article, body="Bob's recent", user_id=bob.id, author_name=bob.name,
                         author_email=bob.email, created_at=utcnow())
    pending = held(article, "Ada's held", user_id=ada.id, author_name=ada.name,
                   author_email=ada.email)
    as_ada = page_of(member_client(app, ada), article)
    assert actions(as_ada) == {recent.id, pending.id}
    assert old.id not in actions(as_ada) and AWAITING in item(as_ada, pending.id)
    assert "Commenting as <strong><bdi>Ada Member</bdi></strong>" in as_ada
    as_bob = page_of(member_client(app, bob), article)
    assert actions(as_bob) == {bobs.id}
    assert "Ada's held" not in as_bob and "Ada Member</bdi></strong>" not in as_bob
    assert "Commenting as <strong><bdi>Bob Member</bdi></strong>" in as_bob


def test_one_readers_parts_never_reach_the_next(app, article):
    """A renders (filling the caches), then B: B's page has none of A's actions, tokens, held
    comment or saved details, and then A's page still has them all."""
    make_response(article, body="Shared words")
    mine = held(article, "A's held comment")
    a = author_of(app, mine)
    a.set_cookie(identity.COMMENTER_COOKIE, signed(
        app, "parley-commenter", {"name": "Alice A", "email": "alice@example.org",
                                  "website": "https://alice.example"}))
    first = page_of(a, article)
    token_a = csrf_token_from(first)
    assert 'value="Alice A"' in first and 'value="https://alice.example"' in first
    b = returning(app, name="Bruno B", email="bruno@example.org")
    second = page_of(b, article)
    assert "A's held comment" not in second and actions(second) == set()
    assert token_a not in second and "Alice" not in second and "alice@" not in second
    assert 'value="Bruno B"' in second and 'value="bruno@example.org"' in second
    again = page_of(a, article)
    assert "A's held comment" in again and actions(again) == {mine.id}
    assert 'value="Alice A"' in again and "Bruno" not in again
    assert csrf_token_from(again) == token_a


def test_saved_details_are_escaped_as_the_form_escapes_them(app, article):
    html = page_of(returning(app, name='Quote " <b>&', email="q@example.org"), article)
    assert 'value="Quote &#34; &lt;b&gt;&amp;"' in html
    assert 'checked id="remember"' in html
    blank = page_of(app.test_client(), article)
    assert 'id="name" name="name" type="text" value=""' in blank
    assert 'checked id="remember"' not in blank


def test_flashed_notes_beside_a_response_are_the_readers_own(app, article, forms):
    forms.client.set_cookie(identity.COMMENTER_COOKIE, signed(
        app, "parley-commenter", {"name": "Ed", "email": "ed@example.org", "website": ""}))
    change_settings(flood_seconds=0)
    page_of(forms.client, article)
    answer = forms.post(f"/articles/{article.id}/comments",
                        {"name": "Ed", "email": "ed@example.org", "body": "Ed's words",
                         "submit": "Post Comment"}, form_url=article.path)
    assert answer.status_code == 302
    stored = _db.session.scalars(_db.select(Response).where(
        Response.body_source == "Ed's words")).one()
    landed = page_of(forms.client, article)
    note = ("Thank you. Your comment is awaiting moderation; until then only you see it.")
    assert note in item(landed, stored.id)
    stored.status = ResponseStatus.APPROVED
    _db.session.commit()
    other = page_of(returning(app), article)
    assert "Ed's words" in other and note not in other


def test_the_reply_form_opens_under_the_response_for_that_reader_only(app, article):
    parent = make_response(article, body="Reply to me")
    other = make_response(article, body="Not me")
    replying = page_of(returning(app), article, f"?replytocom={parent.id}")
    card = replying[replying.index(f'<li id="comment-{parent.id}"'):]
    assert card.index('id="respond"') < card.index("</li>")
    assert f'name="parent_id" type="hidden" value="{parent.id}"' in replying
    assert "Reply to <bdi>" in replying
    plain = page_of(returning(app), article)
    assert plain.index('id="respond"') > plain.index(f'<li id="comment-{other.id}"')
    assert 'name="parent_id" type="hidden" value=""' in plain and "Leave a comment" in plain


def test_the_form_offers_the_tags_of_the_moment(app, db, article):
    from app.questions import curation
    from app.questions.tags import seed_default_tags

    seed_default_tags()
    db.session.commit()
    client = returning(app)
    assert ">career change</label>" in page_of(client, article)
    tag = db.session.scalars(db.select(QuestionTag).where(QuestionTag.slug == "career-change")
                             ).one()
    curation.rename_tag(tag, "changing careers")
    db.session.commit()
    html = page_of(client, article)
    assert ">changing careers</label>" in html and ">career change</label>" not in html


def build_thread(article, total: int) -> None:
    now = utcnow()
    rows, parent = [], None
    for i in range(total):
        response = Response(article=article, status=ResponseStatus.APPROVED,
                            author_name=f"R{i}", author_email=f"r{i}@example.org",
                            body_source="x", body_html="<p>x</p>", created_at=now)
        _db.session.add(response)
        rows.append((response, parent))
        parent = response if i % 3 == 0 else None
    _db.session.flush()
    for response, parent_row in rows:
        response.place_under(parent_row)
    _db.session.commit()


@pytest.mark.parametrize("who", ["member", "returning commenter", "author of a held comment"])
def test_queries_do_not_grow_with_the_responses(app, db, count_queries, who):
    change_settings(threads_per_page=5000)
    member = make_user(name="Query Member")
    counts = []
    for total in (1, 200):
        forget_kept(app)  # both first renders start from nothing kept
        article = make_article()
        build_thread(article, total)
        mine = held(article, "Held for its author", user_id=member.id,
                    author_name=member.name, author_email=member.email)
        client = {"member": lambda: member_client(app, member),
                  "returning commenter": lambda: returning(app),
                  "author of a held comment": lambda a=mine: author_of(app, a)}[who]()
        seen = []
        for _ in range(2):  # cold (every fragment rendered), then warm (every one cached)
            with count_queries() as counter:
                html = page_of(client, article)
            seen.append(counter.count)
            shown = total + (0 if who == "returning commenter" else 1)
            assert html.count('class="response ') == shown
        counts.append(seen)
    assert counts[0] == counts[1], counts


def test_a_warm_page_reads_the_thread_in_one_query(app, db, count_queries):
    """Warm, nothing of the page is loaded but its light rows: no response, account or tag."""
    article = make_article()
    build_thread(article, 30)
    client = member_client(app, make_user(name="Warm Member"))  # a page always rendered
    page_of(client, article)
    with count_queries() as counter:
        page_of(client, article)
    from_responses = [s for s in counter.statements if "FROM responses" in s
                      or "JOIN responses" in s]
    assert len(from_responses) == 1, from_responses
    assert not any("question_tags" in s for s in counter.statements)


def test_staff_pages_list_the_same_responses_as_before(app, db):
    """A moderator reading the article sees its approved responses and only their own held
    ones, like everyone (the moderation queue is where others' held ones are)."""
    moderator = make_user(Role.MODERATOR, name="Mo Moderator")
    article = make_article()
    make_response(article, body="Approved for all")
    stranger = held(article, "A stranger's held comment")
    html = page_of(member_client(app, moderator), article)
    assert "Approved for all" in html and "A stranger's held comment" not in html
    assert stranger.id not in actions(html)


# --- returning commenters: one stored page for all of them, their details filled in --------

def test_returning_commenters_get_one_stored_page_with_their_own_details(app, db,
                                                                        count_queries):
    article = make_article()
    make_response(article, body="Something to read")
    ada = returning(app, name="Ada <Guest>", email="ada@example.org", website="")
    bob = returning(app, name="Bob", email="bob@example.org", website="https://bob.example")
    first, path = page_of(ada, article), article.path
    with count_queries() as queries:
        answer = bob.get(path)
    second = answer.get_data(as_text=True)
    assert answer.headers["X-Parley-Cache"] == "hit" and queries.count == 0, queries.statements
    assert 'value="Ada &lt;Guest&gt;"' in first and "ada@example.org" in first
    assert 'value="Bob"' in second and "https://bob.example" in second
    assert "Ada" not in second and "ada@example.org" not in second
    assert "\x00" not in second
    anonymous = app.test_client().get(article.path).get_data(as_text=True)
    assert "Bob" not in anonymous and "Ada" not in anonymous


def test_a_forged_details_cookie_gets_the_anonymous_page(app, db):
    article = make_article()
    reader = app.test_client()
    reader.set_cookie("parley_commenter", "forged.value")
    page = reader.get(article.path).get_data(as_text=True)
    assert 'name="remember"' in page and "\x00" not in page


def test_a_commenters_stored_page_follows_changes(app, db):
    article = make_article()
    ada = returning(app, name="Ada", email="ada@example.org", website="")
    page_of(ada, article)
    make_response(article, body="A new reply everyone sees")
    assert "A new reply everyone sees" in page_of(ada, article)
