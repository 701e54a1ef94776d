"""The article page's discussion, as a reader gets to it: jump links, comment pages, counts,
deleting one's own comment, the no-JavaScript reply."""

from __future__ import annotations

import re

from app.models import Response, ResponseKind, ResponseStatus
from tests.comments.test_views import comment, item_html, own_comment, post_comment
from tests.conftest import csrf_token_from
from tests.factories import change_settings, make_article, make_response


def test_the_jump_links_come_before_the_article_and_lead_to_the_discussion(client, db):
    article = make_article(body="Long words. " * 200)
    make_response(article)
    make_response(article, kind=ResponseKind.PINGBACK, source_url="https://e.example/p")
    page = client.get(article.path).get_data(as_text=True)
    jump = page.index('<a class="jump-responses" href="#responses">2 responses</a>')
    form_link = page.index('<a class="jump-respond" href="#respond">Leave a comment</a>')
    assert jump < form_link < page.index('class="article-body')
    assert 'id="respond"' in page and 'id="responses"' in page


def test_no_responses_yet_means_no_count_link_but_the_form_link(client, db):
    article = make_article()
    page = client.get(article.path).get_data(as_text=True)
    assert "jump-responses" not in page and 'href="#respond">Leave a comment' in page
    assert '<h2 id="responses-heading">Responses</h2>' in page  # never "0 responses so far"


def test_comment_pages_have_their_own_title_and_a_numbered_pager_above_and_below(client, db):
    change_settings(threads_per_page=2)
    article = make_article(title="Pages of talk")
    for i in range(5):
        make_response(article, body=f"Root {i}")
    first = client.get(article.path).get_data(as_text=True)
    assert "<title>Pages of talk · " in first
    second = client.get(f"{article.path}?cpage=2").get_data(as_text=True)
    assert "<title>Pages of talk – Comments page 2 · " in second
    pagers = re.findall(r'<nav class="pagination comment-pager".*?</nav>', second, re.S)
    assert len(pagers) == 2
    assert second.index(pagers[0]) < second.index('id="response-list"') < \
        second.index(pagers[1])
    pager = pagers[0]
    assert 'aria-current="page"><span class="visually-hidden">Comment page </span>2<' in pager
    assert f'href="{article.path}#responses"><span class="visually-hidden">Comment page ' \
           '</span>1</a>' in pager
    assert f'href="{article.path}?cpage=3#responses"><span class="visually-hidden">' \
           'Comment page </span>3</a>' in pager
    assert 'rel="prev"' in pager and 'rel="next"' in pager


def test_the_count_includes_the_readers_own_held_comment_only_for_them(app, forms, db):
    article = make_article()
    make_response(article, body="Published one")
    post_comment(forms, article, body="Mine, held")
    own = forms.client.get(article.path).get_data(as_text=True)
    assert ('<h2 id="responses-heading">2 responses so far '
            '<span class="muted">(1 awaiting moderation)</span>') in own
    stranger = app.test_client()
    for _ in range(2):  # rendered, then served from the stored page
        page = stranger.get(article.path).get_data(as_text=True)
        assert '<h2 id="responses-heading">1 response so far</h2>' in page
        assert "awaiting" not in page


def test_deleting_ones_own_comment_asks_first(app, forms, db):
    article = make_article()
    stored = own_comment(forms, db, article, body="Maybe not")
    page = forms.client.get(article.path).get_data(as_text=True)
    actions = item_html(page, stored.id)
    # Edit and Delete: two links on one line, no form inside the paragraph.
    assert f'href="/comment/{stored.id}/edit">Edit</a> ·' in actions
    assert f'href="/comment/{stored.id}/delete" rel="nofollow">Delete</a>' in actions
    assert "<form" not in actions

    asked = forms.client.get(f"/comment/{stored.id}/delete")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Delete your comment?" in html and "Maybe not" in html
    db.session.refresh(stored)
    assert stored.status is ResponseStatus.APPROVED  # asking changed nothing

    done = forms.client.post(f"/comment/{stored.id}/delete",
                             data={"csrf_token": csrf_token_from(html)})
    assert done.status_code == 302
    db.session.refresh(stored)
    assert stored.status is ResponseStatus.TRASH


def test_someone_elses_comment_cannot_be_asked_about(app, db):
    article = make_article()
    other = make_response(article)
    assert app.test_client().get(f"/comment/{other.id}/delete").status_code == 403


def test_the_no_javascript_reply_heading_names_the_person(forms, db):
    article = make_article()
    parent = make_response(article, author_name="Grace Hopper")
    html = forms.client.get(f"{article.path}?replytocom={parent.id}").get_data(as_text=True)
    assert '<h2 id="respond-heading">Reply to <bdi>Grace Hopper</bdi></h2>' in html


def test_too_quick_says_one_second_not_seconds(forms, db):
    change_settings(flood_seconds=1, min_fill_seconds=0)
    article = make_article()
    post_comment(forms, article, body="First")
    again = forms.post(f"/articles/{article.id}/comments", comment(body="Second"),
                       form_url="/login")
    text = again.get_data(as_text=True)
    assert "Wait 1 second and send" in text
    assert db.session.query(Response).count() == 1


def test_the_feeds_name_responses_for_what_they_hold(client, db):
    article = make_article(title="Fed")
    make_response(article, kind=ResponseKind.TRACKBACK, source_url="https://e.example/t")
    page = client.get(article.path).get_data(as_text=True)
    assert 'title="Responses to Fed"' in page
    feed = client.get(article.path + "feed/").get_data(as_text=True)
    assert "<title>Responses to “Fed” · " in feed
    assert "<title>Responses · " in client.get("/comments/feed/").get_data(as_text=True)
