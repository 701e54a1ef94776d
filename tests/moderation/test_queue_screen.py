"""The comments screen through the test client: Undo after Spam and Trash, Empty Spam and
Empty Trash with their confirmation, "Mine", sorting, page sizes and the pager's counts, the
bulk menu per tab, a response shown as readers see it, and the mail link of a trashed one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import ModerationEvent, Response, Role
from tests.factories import PASSWORD, make_article, make_response, make_user
from tests.moderation.test_views import (
    QUEUE,
    S,
    act,
    messages,
    page_of,
    pending,
    row_action,
    row_ids,
    statuses,
)


@pytest.fixture
def moderator(db):
    return make_user(Role.MODERATOR, name="Sam Moderator")


@pytest.fixture
def mod(forms, moderator):
    forms.login(moderator.email, PASSWORD)
    return forms


def test_spam_then_undo_puts_the_comment_back_where_it_was(mod, db):
    article = make_article()
    held = pending(article, author_name="Una Undone")
    page = page_of(mod, QUEUE, status="pending")
    assert f'id="row-{held}"' in page

    result = act(mod, row_action("spam", held, S.PENDING))
    assert result.status_code == 302
    back = page_of(mod, result.headers["Location"])
    assert statuses(db, held) == [S.SPAM]
    # The row is gone from Pending, and an Undo stands in its place (a notice: no rows left).
    assert f'id="row-{held}"' not in back
    assert re.search(r"Comment by <strong[^>]*><bdi>Una Undone</bdi></strong> marked as spam\.",
                     back)
    assert f'value="not_spam:{held}"' in back
    # Shown once: the next page load has no Undo.
    assert f'value="not_spam:{held}"' not in page_of(mod, QUEUE, status="pending")

    undone = act(mod, row_action("not_spam", held, S.SPAM))
    assert undone.status_code == 302
    assert statuses(db, held) == [S.PENDING]


def test_trash_then_undo_in_the_fragment_row(mod, db):
    article = make_article()
    ids = [pending(article, author_name=f"Reader {i}") for i in range(3)]
    fragment = act(mod, row_action("trash", ids[1], S.PENDING),
                   headers={"X-Parley-Fragment": "1"}).get_data(as_text=True)
    assert f'<tr id="undo-{ids[1]}" class="undo-row" data-undo-for="{ids[1]}">' in fragment
    assert "Reader 1</bdi></strong> moved to the Trash." in fragment
    assert f'value="restore:{ids[1]}"' in fragment
    assert sorted(row_ids(fragment)) == sorted([ids[0], ids[2]])
    act(mod, row_action("restore", ids[1], S.TRASH))
    assert statuses(db, ids[1]) == [S.PENDING]


def test_empty_trash_asks_first_then_deletes_every_trashed_response(mod, db):
    article = make_article()
    trashed = [make_response(article, status=S.TRASH, body=f"old {i}").id for i in range(3)]
    kept = make_response(article, status=S.SPAM).id
    page = page_of(mod, QUEUE, status="trash")
    assert 'href="/moderation/empty/trash"' in page and ">Empty Trash</a>" in page
    assert "Empty Trash" not in page_of(mod, QUEUE, status="pending")

    confirm = mod.client.get("/moderation/empty/trash")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Empty Trash?" in text
    assert "Yes, delete 3 responses permanently" in text
    # A post without the confirmation only asks again.
    asked = mod.post("/moderation/empty/trash", {}, form_url="/moderation/empty/trash")
    assert asked.status_code == 200 and statuses(db, *trashed) == [S.TRASH] * 3

    done = mod.post("/moderation/empty/trash", {"confirm": "yes"},
                    form_url="/moderation/empty/trash")
    assert done.status_code == 302
    assert statuses(db, *trashed, kept) == [None, None, None, S.SPAM]
    assert "Trash emptied: 3 responses deleted permanently." in messages(
        page_of(mod, done.headers["Location"]))
    events = db.session.scalars(select(ModerationEvent).where(
        ModerationEvent.action == "delete")).all()
    assert sorted(e.response_ref for e in events) == sorted(trashed)
    assert {e.from_status for e in events} == {"trash"}


def test_empty_spam_needs_a_moderator(client, db):
    article = make_article()
    make_response(article, status=S.SPAM)
    assert client.get("/moderation/empty/spam").status_code in (302, 403)
    assert client.get("/moderation/empty/pending").status_code in (302, 403, 404)


def test_mine_lists_responses_on_the_moderators_own_articles(mod, moderator, db):
    own = make_article(author=moderator, title="Mine to answer")
    other = make_article(author=make_user(Role.AUTHOR), title="Someone else's")
    mine = pending(own, body="On my article")
    theirs = pending(other, body="On theirs")
    assert set(row_ids(page_of(mod, QUEUE, status="pending"))) == {mine, theirs}
    page = page_of(mod, QUEUE, status="pending", mine="1")
    assert row_ids(page) == [mine]
    assert 'id="filter-mine" name="mine" value="1" checked' in page
    assert "1 item<" in page


def test_sorting_by_date_and_by_article_both_ways(mod, db):
    first = make_article(title="First")
    second = make_article(title="Second")
    now = datetime.now(UTC)
    a = pending(second, created_at=now - timedelta(hours=3))
    b = pending(first, created_at=now - timedelta(hours=2))
    c = pending(second, created_at=now - timedelta(hours=1))
    assert row_ids(page_of(mod, QUEUE, status="pending")) == [c, b, a]
    assert row_ids(page_of(mod, QUEUE, status="pending", order="asc")) == [a, b, c]
    by_article = page_of(mod, QUEUE, status="pending", sort="article", order="asc")
    assert row_ids(by_article) == [b, a, c]
    assert row_ids(page_of(mod, QUEUE, status="pending", sort="article", order="desc")) == [
        c, a, b]
    assert 'aria-sort="ascending"' in by_article
    # The header links say the other way round.
    assert 'href="/moderation/?status=pending&amp;sort=article"' in by_article
    # "All" sorts too.
    assert row_ids(page_of(mod, QUEUE, status="all", order="asc")) == [a, b, c]


def test_the_page_size_is_chosen_and_remembered_and_the_pager_counts(mod, db):
    article = make_article()
    for i in range(55):
        pending(article, body=f"held {i}")
    page = page_of(mod, QUEUE, status="pending")
    assert len(row_ids(page)) == 20
    assert "55 items" in page and 'aria-current="page" class="current">1<' in page
    assert ">3</a>" in page and "Page 1 of 3" in page

    fifty = page_of(mod, QUEUE, status="pending", per_page="50")
    assert len(row_ids(fifty)) == 50 and "Page 1 of 2" in fifty
    # Remembered: the next visit without it keeps 50 a page.
    assert len(row_ids(page_of(mod, QUEUE, status="pending"))) == 50
    second = page_of(mod, QUEUE, status="pending", page="2")
    assert len(row_ids(second)) == 5


def test_the_bulk_menu_differs_per_tab(mod, db):
    def menu(tab: str) -> list[str]:
        page = page_of(mod, QUEUE, status=tab)
        select_html = re.search(r'<select id="bulk_action".*?</select>', page, re.S).group(0)
        return re.findall(r'<option value="(\w+)"', select_html)

    assert menu("pending") == ["approve", "spam", "trash", "to_question"]
    assert menu("trash") == ["restore", "delete"]
    assert "not_spam" not in menu("approved") and "restore" not in menu("pending")


def test_a_row_shows_the_sanitised_html_the_source_and_links(mod, db):
    article = make_article(title="Read me")
    response = make_response(article, status=S.APPROVED, body="**bold** <script>x</script>")
    response.body_html = "<p><strong>bold</strong> &lt;script&gt;</p>"  # as sanitize makes it
    db.session.commit()
    page = page_of(mod, QUEUE, status="approved")
    assert ('<div class="queue-body excerpt"><p><strong>bold</strong> &lt;script&gt;</p></div>'
            in page)
    assert "<pre>**bold** &lt;script&gt;x&lt;/script&gt;</pre>" in page
    assert "<script>x</script>" not in page
    assert f'href="{article.path}">View article' in page
    assert f'href="/comment/{response.id}/">In context' in page


def test_a_mail_link_to_approve_a_trashed_comment_says_where_it_is(app, mod, moderator, db):
    from app.moderation import notifications

    article = make_article(title="Talk")
    response = make_response(article, status=S.PENDING, author_name="Tess")
    with app.test_request_context():
        token = notifications.action_token(response, "approve", moderator)
    response.status = S.TRASH
    db.session.commit()
    page = app.test_client().get(f"/moderation/email/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This comment is in the Trash" in text
    assert "Yes, approve it" not in text and "<form" not in text.split("<main", 1)[-1]
    assert "Restore" in text and "Open Trash in the queue" in text
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
