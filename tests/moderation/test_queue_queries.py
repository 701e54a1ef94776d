"""The moderation queue costs the same SQL statements whatever the number of responses: every
tab with its counts, under each filter, for a few rows and for many (more than a page of
each status and kind, replies to many parents, over several articles). And what the cheaper
queries show: "All" merged from a page of each status, the bounded article menu."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.models import ResponseKind, ResponseStatus, Role
from app.moderation import queue
from tests.factories import PASSWORD, make_article, make_response, make_user

S, K = ResponseStatus, ResponseKind
TABS = ("pending", "approved", "spam", "trash", "all")
FILTERS = ("", "&kind=comment", "&kind=pingback", "&kind=question", "&article={article}",
           "&article={article}&kind=comment", "&q=roadmap", "&looks=question")
START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
_minutes = itertools.count()


@pytest.fixture
def mod(forms, db):
    moderator = make_user(Role.MODERATOR, name="Mo Derator")
    forms.login(moderator.email, PASSWORD)
    return forms


def fill(articles: int, each: int) -> int:
    """`each` responses of every kind and status on each article (comments with a reply each,
    some of them reading like questions); return the first article's id."""
    made = [make_article(title=f"Article {n}") for n in range(articles)]
    for article in made:
        for kind in K:
            for status in S:
                for n in range(each):
                    when = START + timedelta(minutes=next(_minutes))
                    body = "Which roadmap should I pick?" if n % 2 else "A roadmap note."
                    top = make_response(article, kind=kind, status=status, body=body,
                                        author_email=f"r{n}@example.org", created_at=when)
                    if kind is K.COMMENT:
                        make_response(article, top, status=status, body="A reply.",
                                      author_email=f"s{n}@example.org", created_at=when)
    return made[0].id


def statements(counter) -> int:
    return len([s for s in counter.statements if s not in ("BEGIN", "COMMIT", "ROLLBACK")])


def queries(mod, count_queries, article: int) -> dict[str, int]:
    found = {}
    for tab in TABS:
        for extra in FILTERS:
            url = f"/moderation/?status={tab}{extra.format(article=article)}"
            with count_queries() as counter:
                response = mod.client.get(url)
            assert response.status_code == 200, url
            found[url.replace(str(article), "A")] = statements(counter)
    return found


def test_every_tab_and_filter_takes_the_same_queries_for_few_and_many(mod, count_queries, db):
    few = queries(mod, count_queries, fill(1, 2))
    many = queries(mod, count_queries, fill(2, 12))
    assert few == many
    # The user, the pending badge, the tab counts, the page's rows (with their articles and
    # parents), the article menu: no count of the page apart from the tab's.
    assert max(many.values()) <= 5, many


def test_a_later_page_takes_the_same_queries(mod, count_queries, db):
    def second_page() -> int:
        with count_queries() as counter:
            page = mod.client.get("/moderation/?status=pending&page=2").get_data(as_text=True)
        assert 'id="row-' in page
        return statements(counter)

    fill(1, 5)  # 30 pending (each comment has a pending reply): a second page of 10
    few = second_page()
    fill(2, 12)
    assert second_page() == few


# --- what the cheaper queries show -----------------------------------------------------------

def row_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="row-(\d+)"', page)]


def test_all_merges_pending_and_approved_newest_first_over_pages(mod, db):
    article = make_article()
    made = []
    for n in range(50):
        status = (S.PENDING, S.APPROVED, S.SPAM, S.TRASH, S.APPROVED)[n % 5]
        kind = K.PINGBACK if n % 3 == 0 else K.COMMENT
        made.append((make_response(article, status=status, kind=kind,
                                   created_at=START + timedelta(minutes=n % 17, seconds=n)), n))
    shown = [(r.id, r.kind) for r, n in sorted(made, key=lambda m: (m[0].created_at, m[0].id),
                                               reverse=True)
             if r.status in (S.PENDING, S.APPROVED)]
    pages = [mod.client.get(f"/moderation/?status=all&page={p}").get_data(as_text=True)
             for p in (1, 2, 3)]
    assert [row_ids(p) for p in pages] == [[i for i, _ in shown][:20], [i for i, _ in shown][20:],
                                           []]
    assert "Page 2 of 2" in pages[1] and "(30)" in pages[0]
    pingbacks = mod.client.get("/moderation/?status=all&kind=pingback").get_data(as_text=True)
    assert row_ids(pingbacks) == [i for i, kind in shown if kind is K.PINGBACK]


def test_the_article_menu_lists_recently_discussed_articles_and_the_chosen_one(mod, db):
    old = make_article(title="An old discussion")
    make_response(old, created_at=START)
    recent = [make_article(title=f"Recent {n:02}") for n in range(queue.MENU_ARTICLES + 5)]
    for article in recent:
        for _ in range(queue.MENU_RESPONSES // queue.MENU_ARTICLES):
            make_response(article, status=S.PENDING)
    page = mod.client.get("/moderation/?status=pending").get_data(as_text=True)
    menu = re.search(r'<select id="filter-article".*?</select>', page, re.S).group(0)
    titles = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', menu)
    assert len(titles) == queue.MENU_ARTICLES and titles == sorted(titles)
    assert "An old discussion" not in titles and "Recent 00" not in titles
    # The chosen article is always in the menu, selected; each row links to its article's
    # filter, so any article is reachable.
    chosen = mod.client.get(f"/moderation/?status=approved&article={old.id}").get_data(
        as_text=True)
    assert f'<option value="{old.id}" selected>An old discussion</option>' in chosen
    link = f'href="/moderation/?status=pending&amp;article={recent[-1].id}">Only this article'
    assert link in page
    assert "Only this article" not in chosen
