"""The questions' Atom feeds: every new question, and one per status and tag."""

from __future__ import annotations

from defusedxml import ElementTree

from app.models import ResponseStatus, Role
from app.questions.rules import question_slug
from tests.factories import make_article, make_user
from tests.questions.test_listing import accept, answer, ask

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ElementTree.fromstring(response.data)


def entry_titles(feed) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]


def test_the_feed_lists_new_approved_questions_newest_first(app, db, client):
    article = make_article(title="Changing careers")
    member = make_user(Role.MEMBER, name="Ria")
    first = ask("Is an MBA worth it?", "Two years of <b>cost</b> & debt.", article=article,
                user=member, author_name="Ria", tag_slugs=("education",))
    second = ask("Asked on its own page")
    ask("Held", status=ResponseStatus.PENDING)
    ask("On a draft", article=make_article(published=False))
    feed = read_feed(client, "/questions/feed/")
    site = app.config["SITE_URL"]
    assert feed.findtext(f"{ATOM}title").startswith("Questions · ")
    assert feed.findtext(f"{ATOM}id") == f"{site}/questions/feed/"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"alternate": f"{site}/questions", "self": f"{site}/questions/feed/"}
    assert entry_titles(feed) == ["Asked on its own page", "Is an MBA worth it?"]
    entry = feed.findall(f"{ATOM}entry")[1]
    url = f"{site}/questions/{first.id}-{question_slug(first.title)}"
    assert entry.findtext(f"{ATOM}id") == url
    entry_links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
    assert entry_links == {"alternate": url, "related": f"{site}{article.path}"}
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ria"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["education"]
    # The content is the sanitised HTML, escaped once as Atom's type="html" wants.
    assert entry.find(f"{ATOM}content").get("type") == "html"
    assert entry.findtext(f"{ATOM}content") == first.body_html
    assert feed.findtext(f"{ATOM}updated") == second.created_at.isoformat()
    assert entry.findtext(f"{ATOM}published") == first.created_at.isoformat()


def test_urls_come_from_site_url_not_the_request(app, db, client):
    ask("Which certificate first?")
    site = app.config["SITE_URL"]
    assert not site.startswith("http://localhost")
    body = client.get("/questions/feed/", base_url="http://localhost").get_data(as_text=True)
    assert "http://localhost" not in body
    assert f'href="{site}/questions/' in body


def test_the_unanswered_feed_and_the_tag_feed(db, client):
    waiting = ask("Nobody has answered me", tag_slugs=("interviews",))
    answered = ask("Someone answered", tag_slugs=("interviews", "first-job"))
    answer(answered)
    accepted = ask("All settled", tag_slugs=("first-job",))
    accept(accepted, answer(accepted))
    assert entry_titles(read_feed(client, "/questions/feed/?status=unanswered")) == \
        [waiting.title]
    assert entry_titles(read_feed(client, "/questions/feed/?status=answered")) == \
        [answered.title]
    assert entry_titles(read_feed(client, "/questions/feed/?status=accepted")) == \
        [accepted.title]
    tagged = read_feed(client, "/questions/feed/?tag=first-job")
    assert entry_titles(tagged) == [accepted.title, answered.title]
    assert tagged.findtext(f"{ATOM}title").startswith("Questions tagged “first job”")
    both = read_feed(client, "/questions/feed/?status=unanswered&tag=interviews")
    assert entry_titles(both) == [waiting.title]
    assert both.findtext(f"{ATOM}title").startswith("Unanswered questions tagged “interviews”")
    self_link = [link.get("href") for link in both.findall(f"{ATOM}link")
                 if link.get("rel") == "self"][0]
    assert self_link.endswith("/questions/feed/?status=unanswered&tag=interviews")


def test_the_feed_holds_thirty(db, client):
    for n in range(33):
        ask(f"Question {n}")
    titles = entry_titles(read_feed(client, "/questions/feed/"))
    assert titles == [f"Question {n}" for n in range(32, 2, -1)]


def test_an_empty_feed_and_odd_arguments(db, client):
    feed = read_feed(client, "/questions/feed/?status=bogus&tag=%00&page=x")
    assert entry_titles(feed) == [] and feed.findtext(f"{ATOM}title").startswith("Questions ·")
    assert feed.findtext(f"{ATOM}updated")


def test_hostile_text_stays_text(db, client):
    ask("Title with <script>alert(1)</script> & “quotes”", "<script>alert(2)</script>")
    response = client.get("/questions/feed/")
    feed = ElementTree.fromstring(response.data)
    assert entry_titles(feed) == ["Title with <script>alert(1)</script> & “quotes”"]
    assert b"<script>" not in response.data
