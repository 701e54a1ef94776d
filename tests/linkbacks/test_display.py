"""How linkbacks look and are advertised (issue 9, "Display"): discovery on article pages,
"Post Title | Site" with its […] excerpt, the separate lists, likes and reposts as faces, the
moderation queue, the comment feed, the settings, and a page of 1,000 responses in a constant
number of queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from markupsafe import escape

from app.extensions import db as _db
from app.models import Response, ResponseKind, ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import settings as site_settings
from tests.conftest import forget_kept
from tests.factories import PASSWORD, change_settings, make_article, make_response, make_user

PING_URL = "https://blog.example.net/2024/05/roadmaps/"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
TRACKBACK = "{http://madskills.com/public/xml/rss/module/trackback/}"
ATOM = "{http://www.w3.org/2005/Atom}"


def linkback(article, kind: ResponseKind = ResponseKind.PINGBACK, *, title: str = "Post Title",
             site: str = "Site Name", url: str = PING_URL,
             excerpt: str = "someone wrote about roadmaps here", mention_type: str | None = None,
             status: ResponseStatus = ResponseStatus.APPROVED, body_html: str | None = None,
             **fields) -> Response:
    """A linkback stored as the receive pipeline stores one: its excerpt as escaped text."""
    if mention_type is None:
        mention_type = "mention" if kind is ResponseKind.WEBMENTION else ""
    response = make_response(article, kind=kind, status=status, body=excerpt,
                             author_name=fields.pop("author_name", ""),
                             author_email=fields.pop("author_email", ""),
                             source_title=title, source_site=site, source_url=url,
                             mention_type=mention_type, **fields)
    response.body_html = str(escape(excerpt)) if body_html is None else body_html
    _db.session.commit()
    return response


def item_html(page: str, response: Response) -> str:
    start = page.index(f'<li id="comment-{response.id}"')
    return page[start:page.index("</article>", start)]


class HeadLinks(HTMLParser):
    """Collect the <link rel href> elements of a page's <head>."""

    def __init__(self):
        super().__init__()
        self.links: dict[str, list[str]] = {}
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "link" and self.in_head:
            self.links.setdefault(values.get("rel", ""), []).append(values.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def head_links(page: str) -> dict[str, list[str]]:
    parser = HeadLinks()
    parser.feed(page)
    return parser.links


def trackback_rdf(page: str) -> list[ElementTree.Element]:
    """The rdf:Description elements of every RDF block hidden in the page's comments."""
    found = []
    for comment in re.findall(r"<!--(.*?)-->", page, re.S):
        if "<rdf:RDF" in comment:
            root = ElementTree.fromstring(comment.strip())
            found.extend(root.iter(f"{RDF}Description"))
    return found


# --- 1. discovery -----------------------------------------------------------------------------

def test_an_article_page_advertises_the_three_endpoints(app, client, db):
    article = make_article(title='Tom & "Jerry" <plan> -- roadmaps')
    site = app.config["SITE_URL"]
    permalink = site + article.path
    page = client.get(article.path)
    assert page.status_code == 200
    assert page.headers["X-Pingback"] == f"{site}/xmlrpc"
    assert page.headers["Link"] == f'<{site}/webmention>; rel="webmention"'
    links = head_links(page.get_data(as_text=True))
    assert links["pingback"] == [f"{site}/xmlrpc"]
    assert links["webmention"] == [f"{site}/webmention"]

    [description] = trackback_rdf(page.get_data(as_text=True))
    assert description.get(f"{RDF}about") == permalink
    assert description.get(f"{DC}identifier") == permalink
    assert description.get(f"{DC}title") == 'Tom & "Jerry" <plan> -- roadmaps'
    assert description.get(f"{TRACKBACK}ping") == permalink + "trackback/"


def test_the_addresses_come_from_site_url_not_from_the_request(app, client, db):
    article = make_article()
    page = client.get(article.path, headers={"X-Forwarded-Host": "evil.example"})
    assert page.headers["X-Pingback"].startswith(app.config["SITE_URL"] + "/")
    assert "evil.example" not in page.get_data(as_text=True)


def test_an_imported_permalink_advertises_them_too(app, client, db):
    article = make_article(title="Imported")
    article.path = "/archives/2007/imported-post.html"
    db.session.commit()
    page = client.get("/archives/2007/imported-post.html")
    assert page.status_code == 200
    site = app.config["SITE_URL"]
    assert page.headers["X-Pingback"] == f"{site}/xmlrpc"
    assert page.headers["Link"] == f'<{site}/webmention>; rel="webmention"'
    [description] = trackback_rdf(page.get_data(as_text=True))
    assert description.get(f"{TRACKBACK}ping") == \
        f"{site}/archives/2007/imported-post.html" + "trackback/"


def test_a_cached_page_keeps_the_discovery_headers(app, client, db):
    article = make_article()
    first = client.get(article.path)
    again = app.test_client().get(article.path)
    assert again.headers.get("X-Parley-Cache") == "hit"
    for name in ("X-Pingback", "Link"):
        assert again.headers[name] == first.headers[name]


def test_an_article_closed_to_pings_advertises_nothing(client, db):
    article = make_article()
    article.pings_open = False
    db.session.commit()
    page = client.get(article.path)
    assert page.status_code == 200
    assert "X-Pingback" not in page.headers and "Link" not in page.headers
    text = page.get_data(as_text=True)
    assert "pingback" not in head_links(text) and "webmention" not in head_links(text)
    assert trackback_rdf(text) == []


# --- 2. responses on the article page ---------------------------------------------------------

def test_a_pingback_shows_as_title_and_site_with_its_framed_excerpt(client, db):
    article = make_article()
    ping = linkback(article, excerpt="a thoughtful post on roadmaps & plans")
    page = client.get(article.path).get_data(as_text=True)
    item = item_html(page, ping)
    assert (f'<a href="{PING_URL}" rel="nofollow ugc" class="url"><bdi>Post Title | Site Name'
            "</bdi></a>") in item
    assert '<span class="response-kind">Pingback</span>' in item
    assert "<p>[…] a thoughtful post on roadmaps &amp; plans […]</p>" in item
    assert item.count("[…]") == 2


@pytest.mark.parametrize(("title", "site", "url", "shown"), [
    ("Roadmaps | Site Name", "Site Name", PING_URL, "Roadmaps | Site Name"),
    ("Roadmaps — site name", "Site Name", PING_URL, "Roadmaps — site name"),
    ("Roadmaps", "", PING_URL, "Roadmaps"),
    ("", "Site Name", PING_URL, "Site Name"),
    ("", "", "https://www.blog.example.net/post/", "blog.example.net"),
    ("", "", "https://xn--bcher-kva.example/post/", "bücher.example"),
])
def test_the_label_joins_title_and_site_unless_the_title_names_it(db, title, site, url, shown):
    assert Response(kind=ResponseKind.PINGBACK, source_title=title, source_site=site,
                    source_url=url).source_label == shown


def test_trackbacks_and_mentions_have_their_labels_and_excerpts_keep_their_script(client, db):
    article = make_article()
    track = linkback(article, ResponseKind.TRACKBACK, title="Leituras", site="Diário",
                     excerpt="li um artigo ótimo sobre o produto")
    mention = linkback(article, ResponseKind.WEBMENTION, title="产品经理", site="博客",
                       excerpt="我读了一篇关于产品管理的文章")
    bookmark = linkback(article, ResponseKind.WEBMENTION, mention_type="bookmark",
                        title="Saved", site="Links", excerpt="bookmarked for later")
    page = client.get(article.path).get_data(as_text=True)
    assert '<span class="response-kind">Trackback</span>' in item_html(page, track)
    assert "<bdi>Leituras | Diário</bdi>" in item_html(page, track)
    assert "[…] li um artigo ótimo sobre o produto […]" in item_html(page, track)
    assert '<span class="response-kind">Mention</span>' in item_html(page, mention)
    assert "<bdi>产品经理 | 博客</bdi>" in item_html(page, mention)
    assert "[…] 我读了一篇关于产品管理的文章 […]" in item_html(page, mention)
    assert '<span class="response-kind">Bookmark</span>' in item_html(page, bookmark)
    assert "[…] bookmarked for later […]" in item_html(page, bookmark)


def test_a_webmention_reply_shows_its_author_photo_and_own_words(client, db):
    article = make_article()
    reply = linkback(article, ResponseKind.WEBMENTION, mention_type="reply",
                     title="Re: roadmaps", site="Ana's notes", url="https://ana.example/re/1",
                     author_name="Ana Lima", author_url="https://ana.example/",
                     author_photo="https://ana.example/me.jpg",
                     excerpt="I disagree: roadmaps help.",
                     body_html="<p>I <em>disagree</em>: roadmaps help.</p>")
    item = item_html(client.get(article.path).get_data(as_text=True), reply)
    assert '<img class="avatar" src="https://ana.example/me.jpg"' in item
    assert ('<a href="https://ana.example/" rel="nofollow ugc" class="url"><bdi>Ana Lima</bdi>'
            "</a>") in item
    assert '<a class="response-source" href="https://ana.example/re/1"' in item
    assert '<span class="response-kind">Reply</span>' in item
    assert "<p>I <em>disagree</em>: roadmaps help.</p>" in item
    assert "[…]" not in item


def test_what_a_source_gave_cannot_inject_markup_or_links(client, db):
    article = make_article()
    ping = linkback(article, title='<script>alert("t")</script>', site="<b>Site</b>",
                    url="javascript:alert(1)", excerpt="<img src=x onerror=alert(1)>")
    item = item_html(client.get(article.path).get_data(as_text=True), ping)
    assert "<script>" not in item and "<img src=x" not in item and "<b>Site" not in item
    assert "javascript:" not in item
    assert "&lt;script&gt;" in item and "&lt;img src=x onerror=alert(1)&gt;" in item


def test_linkbacks_sit_in_their_chronological_place_by_default(client, db):
    article = make_article()
    start = utcnow() - timedelta(hours=3)
    first = make_response(article, body="First comment.", created_at=start)
    ping = linkback(article, created_at=start + timedelta(hours=1))
    last = make_response(article, body="Last comment.", created_at=start + timedelta(hours=2))
    page = client.get(article.path).get_data(as_text=True)
    positions = [page.index(f'id="comment-{r.id}"') for r in (first, ping, last)]
    assert positions == sorted(positions)
    assert 'id="pings"' not in page
    assert "3 responses so far" in page


def test_the_setting_moves_linkbacks_into_their_own_lists_under_the_comments(client, db):
    change_settings(linkbacks_separate=True)
    article = make_article()
    first = make_response(article, body="First comment.")
    ping = linkback(article)
    answer = make_response(article, ping, body="A reply to the pingback.")
    track = linkback(article, ResponseKind.TRACKBACK)
    mention = linkback(article, ResponseKind.WEBMENTION, title="Mentioned")
    reply = linkback(article, ResponseKind.WEBMENTION, mention_type="reply",
                     author_name="Ana Lima", body_html="<p>My reply.</p>")
    last = make_response(article, body="Last comment.")
    page = client.get(article.path).get_data(as_text=True)

    discussion = page[page.index('id="response-list"'):page.index('id="pings"')]
    pings = page[page.index('id="pings"'):page.index('id="mentions"')]
    mentions = page[page.index('id="mentions"'):page.index('id="respond"')]
    for response in (first, reply, last):
        assert f'id="comment-{response.id}"' in discussion
    for response in (ping, answer, track):  # a pingback keeps the replies to it
        assert f'id="comment-{response.id}"' in pings
    assert f'id="comment-{mention.id}"' in mentions
    assert '<h3 id="pings-heading">Pingbacks and trackbacks</h3>' in pings
    assert '<h3 id="mentions-heading">Mentions</h3>' in mentions
    assert page.count(f'id="comment-{ping.id}"') == 1


def test_separate_lists_do_not_take_places_on_the_pages_of_comments(client, db):
    change_settings(linkbacks_separate=True, threads_per_page=5)
    article = make_article()
    for n in range(6):
        linkback(article, title=f"Ping {n}")
    comments = [make_response(article, body=f"Comment {n}.") for n in range(5)]
    page = client.get(article.path).get_data(as_text=True)
    assert "Comment page" not in page  # five threads of comments: one page
    assert all(f'id="comment-{c.id}"' in page for c in comments)
    assert page.count('class="response kind-pingback') == 6


def test_likes_and_reposts_show_as_faces_under_the_article_not_as_responses(client, db):
    article = make_article()
    like = linkback(article, ResponseKind.WEBMENTION, mention_type="like",
                    author_name="Ana Lima", author_url="https://ana.example/",
                    author_photo="https://ana.example/me.jpg", url="https://ana.example/l/1")
    faceless = linkback(article, ResponseKind.WEBMENTION, mention_type="like",
                        author_name="Ben Ode", url="https://ben.example/likes/1")
    repost = linkback(article, ResponseKind.WEBMENTION, mention_type="repost",
                      author_name="Cy Dee", url="https://cy.example/r/1")
    held = linkback(article, ResponseKind.WEBMENTION, mention_type="like",
                    author_name="Held Back", status=ResponseStatus.PENDING)
    comment = make_response(article, body="A comment.")
    page = client.get(article.path).get_data(as_text=True)

    faces = page[page.index('<section class="reactions"'):page.index("</article>",
                                                                    page.index("reactions"))]
    assert "Liked by 2 people:" in faces and "Reposted by 1 person:" in faces
    assert ('<a href="https://ana.example/" rel="nofollow ugc" title="Ana Lima"><img '
            'class="avatar" src="https://ana.example/me.jpg" alt="Ana Lima"') in faces
    assert ('<a href="https://ben.example/likes/1" rel="nofollow ugc" title="Ben Ode">'
            "<bdi>Ben Ode</bdi></a>") in faces
    assert "Cy Dee" in faces and "Held Back" not in page
    listed = page[page.index('id="response-list"'):]
    for reaction in (like, faceless, repost, held):
        assert f'<li id="comment-{reaction.id}" data-path' not in listed
    assert f'<li id="comment-{comment.id}" data-path' in listed


def test_no_faces_without_likes(client, db):
    article = make_article()
    linkback(article)
    assert '<section class="reactions"' not in client.get(article.path).get_data(as_text=True)


# --- the page in a constant number of queries -------------------------------------------------

LINKBACK_MIX = [  # (kind, mention type): every way a linkback can show
    (ResponseKind.PINGBACK, ""), (ResponseKind.TRACKBACK, ""),
    (ResponseKind.WEBMENTION, "mention"), (ResponseKind.WEBMENTION, "reply"),
    (ResponseKind.WEBMENTION, "like"), (ResponseKind.WEBMENTION, "repost"),
    (ResponseKind.WEBMENTION, "bookmark"), (ResponseKind.PINGBACK, ""),
]


def _article_with(total: int):
    """An article with `total` approved responses, half of them linkbacks of every sort,
    some comments replying to linkbacks and to each other."""
    article = make_article()
    now = utcnow()
    staff = make_user(Role.MODERATOR)
    rows, parent = [], None
    for i in range(total):
        if i % 2:
            kind, mention = LINKBACK_MIX[(i // 2) % len(LINKBACK_MIX)]
            response = Response(
                article=article, status=ResponseStatus.APPROVED, kind=kind, mention_type=mention,
                source_title=f"Post {i}", source_site="Site", source_url=f"https://s{i}.example/",
                author_name=f"Person {i}" if kind is ResponseKind.WEBMENTION else "",
                author_photo=f"https://s{i}.example/me.jpg" if mention == "like" else "",
                body_source=f"excerpt {i}", body_html=f"excerpt {i}", created_at=now)
            rows.append((response, None))
            parent = response if mention in ("", "reply") else None
        else:
            response = Response(article=article, status=ResponseStatus.APPROVED,
                                author_name=f"R{i}", author_email=f"r{i}@example.org",
                                user=staff if i % 10 == 0 else None,
                                body_source="x", body_html="<p>x</p>", created_at=now)
            rows.append((response, parent))
            parent = None
        _db.session.add(response)
    _db.session.flush()
    for response, parent_row in rows:
        response.place_under(parent_row)
    _db.session.commit()
    reactions = sum(1 for r, _ in rows if r.mention_type in ("like", "repost"))
    return article, reactions


@pytest.mark.parametrize("separate", [False, True])
def test_the_page_renders_in_constant_queries_with_500_linkbacks_among_1000(
        app, db, count_queries, separate):
    change_settings(threads_per_page=5000, linkbacks_separate=separate)

    def queries_for(total: int):
        article, reactions = _article_with(total)
        forget_kept(app)  # a first render each time, nothing kept
        with count_queries() as counter:
            page = app.test_client().get(article.path)
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert text.count('<li id="comment-') == total
        assert text.count('class="response ') == total - reactions
        assert ('id="pings"' in text) is separate
        return counter

    small, large = queries_for(10), queries_for(1000)
    assert small.count == large.count, small.statements + ["versus"] + large.statements


# --- 3. the moderation queue ------------------------------------------------------------------

@pytest.fixture
def moderator_client(forms, db):
    moderator = make_user(Role.MODERATOR)
    forms.login(moderator.email, PASSWORD)
    return forms.client


def queue_row(page: str, response: Response) -> str:
    start = page.index(f'<tr id="row-{response.id}"')
    return page[start:page.index("</tr>", start)]


def test_a_queue_row_shows_the_kind_source_and_excerpt(moderator_client, db):
    article = make_article()
    ping = linkback(article, status=ResponseStatus.PENDING, excerpt="roadmaps are promises")
    mention = linkback(article, ResponseKind.WEBMENTION, mention_type="reply",
                       status=ResponseStatus.PENDING, author_name="Ana Lima",
                       excerpt="My reply here.", body_html="<p>My reply here.</p>")
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    row = queue_row(page, ping)
    assert '<span class="response-kind">pingback</span>' in row
    assert (f'<a href="{PING_URL}" rel="nofollow ugc noopener" class="source-link"><bdi>'
            "Post Title | Site Name</bdi></a>") in row
    assert "blog.example.net" in row
    # The row shows what readers will see: the stored, sanitised HTML.
    assert '<div class="queue-body excerpt">roadmaps are promises</div>' in row
    row = queue_row(page, mention)
    assert '<span class="response-kind">webmention · reply</span>' in row
    assert "by <bdi>Ana Lima</bdi>" in row
    assert '<div class="queue-body excerpt"><p>My reply here.</p></div>' in row


def test_the_queue_finds_a_linkback_by_its_source_title(moderator_client, db):
    article = make_article()
    ping = linkback(article, title="Lighthouse keepers", status=ResponseStatus.PENDING)
    other = linkback(article, title="Something else", status=ResponseStatus.PENDING)
    page = moderator_client.get("/moderation/?q=lighthouse").get_data(as_text=True)
    assert f'id="row-{ping.id}"' in page and f'id="row-{other.id}"' not in page


# --- 4. the comment feed ----------------------------------------------------------------------

def test_the_article_feed_has_linkbacks_named_by_their_label_but_no_likes(client, db):
    article = make_article()
    ping = linkback(article, excerpt="roadmaps & promises")
    linkback(article, ResponseKind.WEBMENTION, mention_type="like", author_name="Ana Lima")
    linkback(article, title="Held", status=ResponseStatus.PENDING)
    feed = client.get(article.path + "feed/")
    assert feed.status_code == 200
    entries = ElementTree.fromstring(feed.get_data()).findall(f"{ATOM}entry")
    assert len(entries) == 1
    [entry] = entries
    assert entry.findtext(f"{ATOM}title") == f"Post Title | Site Name on “{article.title}”"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Post Title | Site Name"
    assert entry.findtext(f"{ATOM}author/{ATOM}uri") == PING_URL
    related = [link.get("href") for link in entry.findall(f"{ATOM}link")
               if link.get("rel") == "related"]
    assert related == [PING_URL]
    assert entry.findtext(f"{ATOM}content") == "<p>[…] roadmaps &amp; promises […]</p>"
    assert entry.findtext(f"{ATOM}id").endswith(f"#comment-{ping.id}")


# --- 5. the settings page ---------------------------------------------------------------------

SETTINGS = {
    "member_trust_after": "0", "max_links": "2", "moderation_words": "", "disallowed_words": "",
    "block_list": "", "flood_seconds": "15", "min_fill_seconds": "0", "thread_depth": "5",
    "threads_per_page": "50", "avatars": "identicon", "notify_moderators": "each",
    "notify_authors": "y", "purge_after_days": "30", "previously_approved": "y",
}


def test_the_linkback_settings_are_shown_and_saved(forms, db):
    change_settings(send_linkbacks=True)  # the site's default (the suite turns it off)
    moderator = make_user(Role.MODERATOR)
    forms.login(moderator.email, PASSWORD)
    page = forms.client.get("/moderation/settings").get_data(as_text=True)
    assert "Notify the pages an article links to" in page
    assert "Pingbacks, trackbacks and webmentions" in page
    assert re.search(r'<option selected value="spam">|<option value="spam" selected', page)
    assert re.search(r'id="send_linkbacks" name="send_linkbacks" type="checkbox" value="y"'
                     r'[^>]*checked|checked[^>]*id="send_linkbacks"', page)

    saved = forms.post("/moderation/settings", {**SETTINGS, "linkbacks_separate": "y",
                                                "unverified_trackbacks": "refuse"})
    assert saved.status_code == 302
    settings = site_settings.load()
    assert (settings.linkbacks_separate, settings.unverified_trackbacks,
            settings.send_linkbacks) == (True, "refuse", False)
    page = forms.client.get("/moderation/settings").get_data(as_text=True)
    assert re.search(r'<option selected value="refuse">|<option value="refuse" selected', page)

    saved = forms.post("/moderation/settings", {**SETTINGS, "unverified_trackbacks": "spam",
                                                "send_linkbacks": "y"})
    assert saved.status_code == 302
    settings = site_settings.load()
    assert (settings.linkbacks_separate, settings.unverified_trackbacks,
            settings.send_linkbacks) == (False, "spam", True)


def test_an_unknown_trackback_choice_is_refused(forms, db):
    moderator = make_user(Role.MODERATOR)
    forms.login(moderator.email, PASSWORD)
    refused = forms.post("/moderation/settings", {**SETTINGS, "unverified_trackbacks": "keep"})
    assert refused.status_code == 422
    assert site_settings.load().unverified_trackbacks == "spam"
    assert "Not a valid choice" in unescape(refused.get_data(as_text=True))


# The date shown is the day the linkback arrived (what the discussion is ordered by).
def test_a_linkback_shows_the_date_it_arrived(client, db):
    article = make_article()
    ping = linkback(article, created_at=datetime(2009, 6, 1, 21, 0, tzinfo=UTC))
    item = item_html(client.get(article.path).get_data(as_text=True), ping)
    assert '<time datetime="2009-06-01T21:00:00' in item
