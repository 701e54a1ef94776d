"""The queue's rules without a request: reason sentences, the bulk menu of each tab, sorting,
page sizes and the pager's page numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import MultiDict

from app.core.paging import page_numbers
from app.models import ResponseStatus
from app.moderation.queue import (
    QueueFilter,
    bulk_actions,
    clean_per_page,
    reason_sentence,
    status_place,
)
from app.moderation.services import ACTIONS

JUNE_3 = datetime(2025, 6, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("reason", "sentence"), [
    ("approved: approve by Sam Moderator", "Approved by Sam Moderator on 3 June 2025"),
    ("trash: trash by Sam Moderator", "Moved to the trash by Sam Moderator on 3 June 2025"),
    ("spam: spam by Sam Moderator", "Marked spam by Sam Moderator on 3 June 2025"),
    ("pending: not spam by Sam Moderator", "Marked not spam by Sam Moderator on 3 June 2025"),
    ("pending: restore by Sam", "Restored from the trash by Sam on 3 June 2025"),
    ("held: 3 links", "Held: 3 links (2 or more are held)"),
    ("held: 1 link", "Held: 1 link (2 or more are held)"),
    ("spam: disallowed word 'casino' in content",
     "Marked spam: contains the disallowed word “casino”"),
    ("held: moderation word 'loan' in email",
     "Held: contains the moderation word “loan” in its email"),
    ("spam: block list '@spam.example'",
     "Marked spam: matches “@spam.example” on the block list"),
    ("held: new responses wait for a moderator",
     "Held: a new author's responses wait for a moderator"),
    ("approved: posted by the site's author",
     "Approved at once: posted by the site's author on 3 June 2025"),
    ("imported from WordPress (approved)", "Imported from WordPress as approved"),
    ("held: linkback", "Held: linkback"),
    ("", ""),
])
def test_a_stored_reason_reads_as_a_sentence(app_ctx, reason, sentence):
    assert reason_sentence(reason, JUNE_3, max_links=2) == sentence


def test_without_a_date_or_a_limit_the_sentence_leaves_them_out(app_ctx):
    assert reason_sentence("approved: approve by Sam") == "Approved by Sam"
    assert reason_sentence("held: 3 links") == "Held: 3 links"


def test_places_say_where_a_response_is():
    assert status_place(ResponseStatus.TRASH) == "in the Trash"
    assert status_place("spam") == "in Spam"


# The statuses each tab shows.
SHOWN = {"all": {ResponseStatus.PENDING, ResponseStatus.APPROVED},
         **{s.value: {s} for s in ResponseStatus}}


@pytest.mark.parametrize("tab", list(SHOWN))
def test_the_bulk_menu_offers_only_what_applies_on_the_tab(tab):
    names = [name for name, _ in bulk_actions(tab)]
    assert names
    for name in names:
        if name == "to_question":
            continue
        # Every offered action applies to some row the tab shows …
        assert ACTIONS[name].allowed_from & SHOWN[tab], (tab, name)
    # … and the ones WordPress's screen leaves out are not there.
    absent = {"pending": {"restore", "not_spam", "unapprove", "delete"},
              "approved": {"not_spam", "restore", "approve", "delete"},
              "spam": {"spam", "restore", "unapprove"},
              "trash": {"trash", "spam", "approve", "not_spam", "unapprove"},
              "all": {"restore", "not_spam", "delete"}}[tab]
    assert not absent & set(names), tab


def test_sort_headers_toggle_the_order_and_start_on_page_one():
    f = QueueFilter(status="approved", page=3)
    assert f.sort_args("date") == {"status": "approved", "order": "asc"}
    assert f.sort_args("article") == {"status": "approved", "sort": "article", "order": "asc"}
    by_article = QueueFilter(status="approved", sort="article", order="asc")
    assert by_article.sort_args("article") == {"status": "approved", "sort": "article"}


def test_sort_order_per_page_and_mine_come_from_the_url_and_bad_values_fall_back():
    f = QueueFilter.from_args(MultiDict({"sort": "article", "order": "asc", "per_page": "50",
                                         "mine": "1"}), user_id=7)
    assert (f.sort, f.order, f.per_page, f.mine) == ("article", "asc", 50, 7)
    assert f.as_args() == {"status": "pending", "sort": "article", "order": "asc",
                           "per_page": 50, "mine": "1"}
    bad = QueueFilter.from_args(MultiDict({"sort": "id; drop", "order": "up", "per_page": "x",
                                           "mine": "1"}))
    assert (bad.sort, bad.order, bad.per_page, bad.mine) == ("date", "desc", 20, None)
    # The page size remembered from before, unless the URL says another.
    assert QueueFilter.from_args(MultiDict(), per_page=100).per_page == 100
    assert QueueFilter.from_args(MultiDict({"per_page": "20"}), per_page=100).per_page == 20


@pytest.mark.parametrize(("asked", "size"), [(1, 20), (20, 20), (21, 50), (50, 50), (99, 100),
                                             (100, 100), (100000, 100), (-5, 20)])
def test_a_page_size_is_one_of_the_offered_ones(asked, size):
    assert clean_per_page(asked) == size


@pytest.mark.parametrize(("page", "pages", "numbers"), [
    (1, 1, [1]),
    (1, 3, [1, 2, 3]),
    (1, 10, [1, 2, 3, None, 10]),
    (5, 10, [1, 2, 3, 4, 5, 6, 7, None, 10]),  # a gap of one page shows it
    (10, 10, [1, None, 8, 9, 10]),
    (4, 10, [1, 2, 3, 4, 5, 6, None, 10]),
])
def test_the_pager_shows_the_first_last_and_nearby_pages(page, pages, numbers):
    assert page_numbers(page, pages) == numbers
