"""Discussions through the test client: posting, visibility, replies, feeds, cache, queries."""

from __future__ import annotations

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest

from app.comments import identity
from app.extensions import db as _db
from app.models import ModerationEvent, Response, ResponseKind, ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import services as moderation
from tests.conftest import csrf_token_from, forget_kept
from tests.factories import PASSWORD, change_settings, make_article, make_response, make_user

ATOM = "{http://www.w3.org/2005/Atom}"


def comment(**fields):
    data = {"name": "Ada Guest", "email": "ada@example.org", "website": "", "body": "Hello there",
            "parent_id": "", "submit": "Post Comment"}
    data.update(fields)
    return data


def post_comment(forms, article, **fields):
    return forms.post(f"/articles/{article.id}/comments", comment(**fields),
                      form_url=article.path)


def test_guest_sees_own_pending_comment_and_others_do_not(app, forms, db):
    article = make_article()
    response = post_comment(forms, article)
    stored = db.session.scalars(db.select(Response)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{article.path}#comment-{stored.id}")
    own_view = forms.client.get(article.path).get_data(as_text=True)
    assert "Hello there" in own_view and "Your comment is awaiting moderation." in own_view
    # Their own held comment is counted for them (only they see it, and that it waits).
    assert ('<h2 id="responses-heading">1 response so far '
            '<span class="muted">(1 awaiting moderation)') in own_view

    stranger = app.test_client().get(article.path).get_data(as_text=True)
    assert "Hello there" not in stranger
    assert '<h2 id="responses-heading">Responses</h2>' in stranger and "awaiting" not in stranger

    stored.status = ResponseStatus.APPROVED
    db.session.commit()
    stranger = app.test_client().get(article.path).get_data(as_text=True)
    assert "Hello there" in stranger and "1 response so far" in stranger
    assert "awaiting moderation" not in stranger


def test_comment_shows_author_link_avatar_date_and_permalink(app, forms, db):
    article = make_article()
    make_response(article, author_name="Lin", author_url="https://lin.example.org",
                  author_email="lin@example.org", body="Nice")
    html = forms.client.get(article.path).get_data(as_text=True)
    assert ('<a href="https://lin.example.org" rel="nofollow ugc" class="url"><bdi>Lin</bdi></a>'
            in html)
    assert re.search(r'<img class="avatar" src="/avatar/[0-9a-f]{20}\.svg"', html)
    assert re.search(r'href="#comment-\d+"><time datetime="[^"]+">\w{3} \d+, \d{4} at '
                     r'\d+:\d\d [ap]m</time>', html)
    assert "lin@example.org" not in html
    svg = forms.client.get(re.search(r'src="(/avatar/[^"]+)"', html).group(1))
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_gravatar_setting(app, forms, db):
    change_settings(avatars="gravatar")
    article = make_article()
    make_response(article, author_email="Lin@Example.org")
    html = forms.client.get(article.path).get_data(as_text=True)
    assert "https://www.gravatar.com/avatar/" in html


def test_errors_are_shown_beside_the_form_and_the_text_is_kept(forms, db):
    article = make_article()
    response = post_comment(forms, article, name="", email="nope", body="Keep these words")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error">Enter your name.' in html
    assert 'id="email-error">Enter a valid email address' in html
    assert "Keep these words</textarea>" in html
    assert forms.client.application.extensions  # app still healthy
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Response)) == 0


def test_flood_is_refused_with_the_wait_and_text_kept(forms, db):
    article = make_article()
    post_comment(forms, article, body="First")
    second = post_comment(forms, article, body="Second thoughts")
    html = second.get_data(as_text=True)
    assert second.status_code == 422 and "Wait 1" in html and "Second thoughts</textarea>" in html


def test_closed_comments_show_no_form_and_refuse_posts(forms, db):
    article = make_article(comments_open=False)
    html = forms.client.get(article.path).get_data(as_text=True)
    assert "Comments are closed" in html and 'data-comment-form' not in html
    token = csrf_token_from(forms.client.get("/login").get_data(as_text=True))
    response = forms.client.post(f"/articles/{article.id}/comments",
                                 data={**comment(), "csrf_token": token})
    assert response.status_code == 422


def test_posting_without_csrf_token_is_refused(client, db):
    article = make_article()
    response = client.post(f"/articles/{article.id}/comments", data=comment())
    assert response.status_code == 400


def test_reply_link_puts_the_form_under_the_comment_without_javascript(forms, db):
    article = make_article()
    parent = make_response(article, body="Parent words")
    html = forms.client.get(f"{article.path}?replytocom={parent.id}").get_data(as_text=True)
    item = html[html.index(f'id="comment-{parent.id}"'):]
    assert item.index('id="respond"') < item.index("</li>")
    assert f'name="parent_id" type="hidden" value="{parent.id}"' in html
    assert "Reply to <bdi>" in html

    response = post_comment(forms, article, parent_id=str(parent.id), body="Child words")
    assert response.status_code == 302
    child = _db.session.scalars(_db.select(Response).where(Response.parent_id == parent.id)).one()
    assert child.depth == 1


def test_member_does_not_retype_name_and_email(forms, db):
    user = make_user(Role.MEMBER, name="Mo Member")
    forms.login(user.email, PASSWORD)
    article = make_article()
    html = forms.client.get(article.path).get_data(as_text=True)
    assert "Commenting as <strong><bdi>Mo Member</bdi></strong>" in html
    assert 'id="email"' not in html
    post_comment(forms, article, name="", email="")
    stored = _db.session.scalars(_db.select(Response)).one()
    assert (stored.author_name, stored.author_email, stored.user_id) == \
        ("Mo Member", user.email, user.id)


def test_preview_renders_and_stores_nothing(forms, db):
    article = make_article()
    response = post_comment(forms, article, body="**bold** move", preview="Preview",
                            submit=None)
    html = response.get_data(as_text=True)
    assert "Preview of your comment" in html and "<strong>bold</strong>" in html
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Response)) == 0


def test_fragment_posting_returns_the_new_item_or_the_form(forms, db):
    article = make_article()
    ok = forms.post(f"/articles/{article.id}/comments", comment(),
                    form_url=article.path, headers={"X-Parley-Fragment": "1"})
    assert ok.status_code == 201
    assert ok.get_data(as_text=True).lstrip().startswith("<li id=\"comment-")
    assert "awaiting moderation" in ok.get_data(as_text=True)
    bad = forms.post(f"/articles/{article.id}/comments", comment(name="", body="text kept"),
                     form_url=article.path, headers={"X-Parley-Fragment": "1"})
    assert bad.status_code == 422
    assert bad.get_data(as_text=True).lstrip().startswith('<section id="respond"')
    assert "text kept</textarea>" in bad.get_data(as_text=True)


def test_saved_details_cookie_is_opt_in(forms, db):
    change_settings(flood_seconds=0)
    article = make_article()
    post_comment(forms, article, name="Remembered Rae", email="rae@example.org")
    assert 'value="Remembered Rae"' not in forms.client.get(article.path).get_data(as_text=True)
    later = make_article()
    post_comment(forms, later, name="Remembered Rae", email="rae@example.org", remember="y",
                 body="Different words")
    assert 'value="Remembered Rae"' in forms.client.get(article.path).get_data(as_text=True)


def test_guest_edits_and_deletes_within_the_window_only(forms, db):
    article = make_article()
    post_comment(forms, article, body="Typo herre")
    stored = _db.session.scalars(_db.select(Response)).one()
    edit_url = f"/comment/{stored.id}/edit"
    assert forms.post(edit_url, {"body": "Typo here"}).status_code == 302
    _db.session.refresh(stored)
    assert stored.body_source == "Typo here" and stored.edited_at is not None
    assert forms.client.get(edit_url).status_code == 200

    stored.created_at = utcnow() - timedelta(minutes=11)
    _db.session.commit()
    assert forms.client.get(edit_url).status_code == 403

    stored.created_at = utcnow()
    _db.session.commit()
    stranger = forms.client.application.test_client()
    assert stranger.get(edit_url).status_code == 403
    token = csrf_token_from(forms.client.get(article.path).get_data(as_text=True))
    assert forms.client.post(f"/comment/{stored.id}/delete",
                             data={"csrf_token": token}).status_code == 302
    _db.session.refresh(stored)
    assert stored.status is ResponseStatus.TRASH


def test_comment_permalink_finds_the_right_page(forms, db):
    change_settings(threads_per_page=2)
    article = make_article()
    roots = [make_response(article, body=f"Root {i}") for i in range(5)]
    response = forms.client.get(f"/comment/{roots[4].id}/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{article.path}?cpage=3#comment-{roots[4].id}"
    page3 = forms.client.get(f"{article.path}?cpage=3").get_data(as_text=True)
    assert "Root 4" in page3 and "Root 0" not in page3 and \
        '<span class="visually-hidden">Comment page </span>3</span>' in page3
    pending = make_response(article, status=ResponseStatus.PENDING)
    assert forms.client.get(f"/comment/{pending.id}/").status_code == 404


def test_comment_feeds_hold_approved_responses_only(client, db):
    article = make_article(title="Fed")
    other = make_article(title="Other")
    make_response(article, body="Approved one", author_name="Ann")
    make_response(article, body="Pending one", status=ResponseStatus.PENDING)
    make_response(other, body="Elsewhere", kind=ResponseKind.PINGBACK,
                  source_title="A Post | A Blog")
    per_article = ElementTree.fromstring(client.get(f"{article.path}feed/").data)
    assert [e.findtext(f"{ATOM}title") for e in per_article.findall(f"{ATOM}entry")] == \
        ["Ann on “Fed”"]
    site = ElementTree.fromstring(client.get("/comments/feed/").data)
    titles = {e.findtext(f"{ATOM}title") for e in site.findall(f"{ATOM}entry")}
    assert titles == {"Ann on “Fed”", "A Post | A Blog on “Other”"}


def test_linkbacks_show_the_linking_post_and_excerpt(client, db):
    article = make_article()
    make_response(article, kind=ResponseKind.TRACKBACK, source_title="Gestão | Blog do Rui",
                  author_url="https://rui.example.org/p", body="texto à volta da ligação")
    html = client.get(article.path).get_data(as_text=True)
    assert ">Gestão | Blog do Rui</bdi></a>" in html and "[…] <p>texto à volta da ligação</p> […]" \
        in html or "[…] texto à volta da ligação […]" in html
    assert "Trackback" in html


def test_anonymous_pages_are_cached_and_invalidated_on_change(app, db):
    article = make_article()
    reader = app.test_client()
    first = reader.get(article.path)
    second = reader.get(article.path)
    assert "X-Parley-Cache" not in first.headers and second.headers["X-Parley-Cache"] == "hit"
    token = csrf_token_from(second.get_data(as_text=True))
    assert reader.post(  # the token in the cached page is this reader's own
        f"/articles/{article.id}/comments",
        data={**comment(body="Via cached page"), "csrf_token": token}).status_code == 302
    make_response(article, body="New approved reply")
    fresh = app.test_client().get(article.path)
    assert "X-Parley-Cache" not in fresh.headers
    assert "New approved reply" in fresh.get_data(as_text=True)
    assert "Via cached page" in reader.get(article.path).get_data(as_text=True)  # own pending


@pytest.mark.parametrize("logged_in", [False, True])
def test_article_page_queries_do_not_grow_with_responses(app, forms, db, count_queries,
                                                         logged_in):
    if logged_in:
        user = make_user()
        forms.login(user.email, PASSWORD)
    # Everything on one page, so that the page really renders all 1,000.
    change_settings(threads_per_page=5000)

    def queries_for(total: int) -> int:
        article = make_article()
        now = utcnow()
        rows, parent = [], None
        for i in range(total):
            response = Response(article=article, status=ResponseStatus.APPROVED,
                                author_name=f"R{i}", author_email=f"r{i}@example.org",
                                body_source="x", body_html="<p>x</p>", created_at=now)
            _db.session.add(response)
            rows.append((response, parent))
            parent = response if i % 3 == 0 and i % 9 else None
        _db.session.flush()
        for response, parent_row in rows:
            response.place_under(parent_row)
        _db.session.commit()
        forget_kept(app)  # a first render each time, nothing kept
        path = article.path
        with count_queries() as counter:
            page = forms.client.get(path)
        assert page.status_code == 200
        assert page.get_data(as_text=True).count('class="response ') == total
        return counter

    small, large = queries_for(10), queries_for(1000)
    assert small.count == large.count, [s.split("FROM")[1][:40] for s in small.statements] + \
        ["versus"] + [s.split("FROM")[1][:40] for s in large.statements]


# --- issue 8: the security review ---------------------------------------------------------------

def stamp_in(html: str) -> str:
    return re.search(r'name="stamp" type="hidden" value="([^"]+)"', html).group(1)


def old_stamp(app, seconds: float) -> str:
    """The stamp of a form shown `seconds` ago (signed by the app, as the page would be)."""
    with app.test_request_context():
        return identity.renewed_stamp(utcnow(), seconds)


def item_html(html: str, response_id: int) -> str:
    start = html.index(f'<li id="comment-{response_id}"')
    return html[start:html.index("</article>", start)]


def own_comment(forms, db, article, **fields) -> Response:
    """A guest posts (this client's browser), and a moderator approves it."""
    post_comment(forms, article, **fields)
    stored = db.session.scalars(db.select(Response).order_by(Response.id.desc())).first()
    moderation.apply(stored, "approve", make_user(Role.MODERATOR), seen=None, now=utcnow())
    db.session.commit()
    return stored


@pytest.mark.parametrize(("edited", "status"), [
    ("Come to the casino", ResponseStatus.SPAM),
    ("Deals at https://spam.example/now", ResponseStatus.SPAM),
    (" ".join(f"https://s{n}.example.org/" for n in range(8)), ResponseStatus.PENDING),
])
def test_an_approved_comment_edited_into_spam_is_taken_off_the_page(app, forms, db, edited,
                                                                   status):
    change_settings(disallowed_words=("casino",), block_list=("spam.example",))
    article = make_article()
    stored = own_comment(forms, db, article, body="A fair and public point")
    assert "A fair and public point" in app.test_client().get(article.path).get_data(True)

    answer = forms.post(f"/comment/{stored.id}/edit", {"body": edited})

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"{article.path}#comment-{stored.id}")
    db.session.refresh(stored)
    assert stored.status is status and stored.body_source == edited
    stranger = app.test_client().get(article.path).get_data(as_text=True)
    assert f'id="comment-{stored.id}"' not in stranger
    assert 'responses-heading">Responses<' in stranger
    # Its author lands on it, with the note beside it.
    page = forms.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Your edited comment is held for moderation" in item_html(page, stored.id)
    assert "Your comment is awaiting moderation." in item_html(page, stored.id)
    events = db.session.scalars(db.select(ModerationEvent).where(
        ModerationEvent.action == "edit")).all()
    assert [(e.from_status, e.to_status, e.via) for e in events] == \
        [("approved", status.value, "author")]


def test_a_harmless_edit_lands_on_the_comment_with_the_note_beside_it(app, forms, db):
    article = make_article()
    stored = own_comment(forms, db, article, body="Typo herre")
    answer = forms.post(f"/comment/{stored.id}/edit", {"body": "Typo here"})
    db.session.refresh(stored)
    assert stored.status is ResponseStatus.APPROVED
    page = forms.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert answer.headers["Location"].endswith(f"#comment-{stored.id}")
    assert '<p class="flash flash-success" role="status">Your comment is updated.</p>' in \
        item_html(page, stored.id)
    assert page.count("Your comment is updated.") == 1  # not again at the top of the page


def test_deleting_lands_on_the_note_and_a_moderator_can_restore_what_was_there(app, forms, db):
    article = make_article()
    stored = own_comment(forms, db, article, body="Second thoughts")
    token = csrf_token_from(forms.client.get(article.path).get_data(as_text=True))
    answer = forms.client.post(f"/comment/{stored.id}/delete", data={"csrf_token": token})
    assert answer.headers["Location"].endswith(f"{article.path}#responses")
    page = forms.client.get(answer.headers["Location"]).get_data(as_text=True)
    responses = page[page.index('id="responses"'):]
    assert "Your comment is deleted." in responses and page.count("Your comment is deleted.") == 1
    db.session.refresh(stored)
    assert (stored.status, stored.previous_status) == (ResponseStatus.TRASH,
                                                       ResponseStatus.APPROVED)
    [event] = db.session.scalars(db.select(ModerationEvent).where(
        ModerationEvent.action == "trash")).all()
    assert (event.from_status, event.to_status, event.via) == ("approved", "trash", "author")
    moderation.apply(stored, "restore", make_user(Role.MODERATOR), seen=ResponseStatus.TRASH,
                     now=utcnow())
    db.session.commit()
    assert "Second thoughts" in app.test_client().get(article.path).get_data(as_text=True)


def test_a_name_of_invisible_characters_is_refused_beside_the_field(forms, db):
    article = make_article()
    answer = post_comment(forms, article, name="\u200b\u202e \u3164", body="Words to keep")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="name-error">Enter a name that shows' in html
    assert "Words to keep</textarea>" in html


def test_names_are_isolated_and_cannot_turn_the_text_around(forms, db):
    article = make_article()
    post_comment(forms, article, name="Bob \u202egnp.exe")
    stored = _db.session.scalars(_db.select(Response)).one()
    assert stored.author_name == "Bob gnp.exe"
    html = forms.client.get(article.path).get_data(as_text=True)
    assert "<bdi>Bob gnp.exe</bdi>" in html and "\u202e" not in html


def test_the_articles_author_and_staff_carry_a_badge_and_a_typed_name_does_not(app, forms, db):
    author = make_user(Role.AUTHOR, name="Maya Writer")
    moderator = make_user(Role.MODERATOR, name="Mo Derator")
    article = make_article(author)
    make_response(article, body="By the author", user=author, author_name="Maya Writer")
    make_response(article, body="By a moderator", user=moderator, author_name="Mo Derator")
    make_response(article, body="By a member", user=make_user(), author_name="Mem")
    make_response(article, body="By an impostor", author_name="Maya Writer",
                  author_email=author.email)
    html = app.test_client().get(article.path).get_data(as_text=True)
    rows = {r.body_source: r.id for r in _db.session.scalars(_db.select(Response))}
    author_badge = ('<span class="response-kind response-badge">Author<span '
                    'class="visually-hidden"> of this article</span></span>')
    staff_badge = ('<span class="response-kind response-badge">Staff<span '
                   'class="visually-hidden"> of this site</span></span>')
    assert author_badge in item_html(html, rows["By the author"])
    assert staff_badge in item_html(html, rows["By a moderator"])
    assert "response-badge" not in item_html(html, rows["By a member"])
    assert "response-badge" not in item_html(html, rows["By an impostor"])


def test_article_page_queries_do_not_grow_with_responses_by_accounts(app, db, count_queries):
    """Badges read each response's account: loaded with the thread, not one query each."""
    change_settings(threads_per_page=5000)
    staff = [make_user(Role.MODERATOR), make_user(Role.AUTHOR)]

    def queries_for(total: int) -> int:
        article = make_article()
        members = [make_user() for _ in range(3)]
        for i in range(total):
            make_response(article, user=(staff + members)[i % 5], author_name=f"R{i}")
        forget_kept(app)  # a first render each time, nothing kept
        with count_queries() as counter:
            page = app.test_client().get(article.path)
        assert page.get_data(as_text=True).count('class="response ') == total
        assert page.get_data(as_text=True).count("response-badge") == total - total * 3 // 5
        return counter.count

    assert queries_for(5) == queries_for(60)


def test_an_expired_form_comes_back_with_a_fresh_stamp_and_the_text(app, forms, db):
    change_settings(min_fill_seconds=2)
    article = make_article()
    stale = old_stamp(app, 2 * 24 * 3600)
    answer = post_comment(forms, article, stamp=stale, body="Written yesterday")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert re.search(r'role="alert" id="form-error">\s*<p>This form was opened more than a day '
                     r'ago and has expired\. Check your comment and send it again\.</p>', html)
    assert "Written yesterday</textarea>" in html
    assert stamp_in(html) != stale
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Response)) == 0
    # Sent again at once from the form it came back in: taken, and not as a bot's.
    again = forms.client.post(f"/articles/{article.id}/comments", data={
        **comment(body="Written yesterday"), "stamp": stamp_in(html),
        "csrf_token": csrf_token_from(html)})
    assert again.status_code == 302
    stored = _db.session.scalars(_db.select(Response)).one()
    assert stored.status is ResponseStatus.PENDING, stored.moderation_reason


def test_a_preview_keeps_the_stamp_of_the_first_showing(app, forms, db):
    change_settings(min_fill_seconds=2)
    article = make_article()
    shown = old_stamp(app, 60)
    preview = post_comment(forms, article, stamp=shown, preview="Preview", submit=None)
    assert stamp_in(preview.get_data(as_text=True)) == shown
    posted = forms.client.post(f"/articles/{article.id}/comments", data={
        **comment(), "stamp": stamp_in(preview.get_data(as_text=True)),
        "csrf_token": csrf_token_from(preview.get_data(as_text=True))})
    assert posted.status_code == 302
    stored = _db.session.scalars(_db.select(Response)).one()
    assert stored.status is ResponseStatus.PENDING, stored.moderation_reason


@pytest.mark.parametrize("fragment", [False, True], ids=["page", "fragment"])
def test_a_stale_token_gives_the_form_back_with_the_text_and_a_fresh_token(client, db,
                                                                          fragment):
    article = make_article()
    headers = {"X-Parley-Fragment": "1"} if fragment else {}
    answer = client.post(f"/articles/{article.id}/comments", headers=headers, data={
        **comment(body="Typed before lunch"), "csrf_token": "stale-token"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Your form had expired; check it and send it again." in html
    assert "see the notes beside the fields" not in html
    assert "Typed before lunch</textarea>" in html and 'value="Ada Guest"' in html
    assert ('<section id="respond"' in html.lstrip()[:30]) is fragment
    assert (answer.headers.get("X-Parley-Form") == "1") is fragment
    token = csrf_token_from(html)
    again = client.post(f"/articles/{article.id}/comments",
                        data={**comment(body="Typed before lunch"), "csrf_token": token})
    assert again.status_code == 302
    assert _db.session.scalars(_db.select(Response)).one().body_source == "Typed before lunch"


def test_other_stale_tokens_still_get_the_sites_page(client, db):
    article = make_article()
    stored = make_response(article)
    answer = client.post(f"/comment/{stored.id}/delete", data={"csrf_token": "stale"})
    assert answer.status_code == 400 and "Your form expired" in answer.get_data(as_text=True)


@pytest.mark.parametrize("fragment", [False, True], ids=["page", "fragment"])
def test_a_post_over_the_size_limit_answers_beside_the_comment_field(app, forms, db, monkeypatch,
                                                                     fragment):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    article = make_article()
    headers = {"X-Parley-Fragment": "1"} if fragment else {}
    answer = forms.post(f"/articles/{article.id}/comments",
                        comment(body="x" * (1024 * 1024 + 10)), form_url=article.path,
                        headers=headers)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 413
    error = re.search(r'id="body-error">([^<]+)</p>', html).group(1)
    assert error.startswith("What you sent is over 1 MB, the most this site accepts, so it was "
                            "not received.")
    if fragment:
        assert answer.headers["X-Parley-Form"] == "1"
        assert error.endswith("Your text is still here in the form: shorten it and send it "
                              "again.")
    else:
        assert article.title in html and "still in your browser: go back to find it" in error
    assert 'name="csrf_token"' in html and stamp_in(html)
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Response)) == 0


def test_the_form_lands_on_itself_and_its_address_leads_back_to_the_article(client, db):
    article = make_article()
    html = client.get(article.path).get_data(as_text=True)
    assert f'action="/articles/{article.id}/comments#respond"' in html
    answer = client.get(f"/articles/{article.id}/comments")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{article.path}#respond"
    assert client.get("/articles/999999/comments").status_code == 404


def test_the_form_says_lists_and_fenced_code_are_allowed(forms, db):
    article = make_article()
    html = forms.client.get(article.path).get_data(as_text=True)
    assert "lists" in html and "fenced code" in html
    post_comment(forms, article, body="- one\n- two")
    stored = _db.session.scalars(_db.select(Response)).one()
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in stored.body_html
