"""The spam model's figures for moderators: what the thresholds would have done with the last
30 days' decisions (settings page), how often the model agreed with the moderators
(dashboard), and the score with its clues on each queue row."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.models import Response, ResponseStatus, Role, SpamExample, SpamTotals
from app.moderation import dashboard
from app.moderation import settings as site_settings
from app.moderation.policy import Rules
from app.moderation.spam import figures
from app.moderation.spam.figures import percent
from tests.factories import PASSWORD, make_article, make_response, make_user
from tests.moderation.test_settings import error_beside, input_value, settings_form

URL = "/moderation/settings"
NOW = datetime.now(UTC)
# What moderators decided (label) of responses the model had scored (score, outcome).
SPAM_SCORES = (0.999, 0.995, 0.97, 0.6, 0.2)
HAM_SCORES = (0.1, 0.3, 0.55, 0.992)


def example(label: str, score: float | None, outcome: str = "", *, days_ago: float = 1,
            source: str = "decision") -> None:
    from app.extensions import db

    db.session.add(SpamExample(source=source, label=label, kind="comment", body="text",
                               score=score, outcome=outcome,
                               decided_at=NOW - timedelta(days=days_ago)))


def decisions(db) -> None:
    """Nine scored decisions in the window, and rows the figures must leave out."""
    for score in SPAM_SCORES:
        example("spam", score)
    for score in HAM_SCORES:
        example("ham", score)
    example("spam", 0.1, days_ago=31)  # too old
    example("ham", 0.999, source="file")  # a labelled file, not a moderator
    example("ham", None)  # decided before the model had learned both kinds
    db.session.commit()


def selects(counter) -> list[str]:
    """The statements counted, without the transactions' BEGIN (SQLite's)."""
    return [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]


# --- pure -----------------------------------------------------------------------------------

def test_shares_read_as_percentages_that_never_round_to_none_or_all():
    assert [percent(v) for v in (None, 0, 1, 0.125, 0.5, 0.003, 0.0004, 0.9996)] == [
        "–", "0%", "100%", "12.5%", "50%", "0.3%", "under 0.1%", "over 99.9%"]


def test_the_model_may_mark_spam_once_it_learned_enough_of_each_kind():
    assert figures.Learned(spam=25, ham=19, needed=20).ready is False
    assert figures.Learned(spam=20, ham=20, needed=20).ready is True
    assert figures.Learned(spam=0, ham=0, needed=0).ready is True


# --- the thresholds' figures ------------------------------------------------------------------

def test_what_the_current_and_other_thresholds_would_have_done(db, count_queries):
    decisions(db)
    db.session.add(SpamTotals(id=1, spam_docs=25, ham_docs=19))
    db.session.commit()
    with count_queries() as counter:
        found = figures.thresholds(Rules(spam_threshold=0.99, hold_threshold=0.5), NOW)
    assert len(selects(counter)) == 2  # the totals' row and one grouped query
    assert found.learned == figures.Learned(25, 19, 20) and not found.learned.ready
    assert found.decisions == 9 and found.days == 30
    split = {(s.spam_threshold, s.hold_threshold): (
        s.spam_marked, s.spam_held, s.spam_passed, s.ham_marked, s.ham_held, s.ham_passed)
        for s in found.splits}
    assert split == {(0.95, 0.5): (3, 1, 1, 1, 1, 2),
                     (0.99, 0.5): (2, 2, 1, 1, 1, 2),
                     (0.999, 0.5): (1, 3, 1, 0, 2, 2)}
    current = found.current
    assert (current.spam_threshold, current.hold_threshold) == (0.99, 0.5)
    assert [s.current for s in found.splits] == [False, True, False]
    assert current.of_spam(current.spam_marked) == 0.4
    assert current.of_ham(current.ham_held) == 0.25


def test_thresholds_of_the_sites_own_come_first_among_the_others(db):
    decisions(db)
    found = figures.thresholds(Rules(spam_threshold=0.9, hold_threshold=0.4), NOW)
    assert [(s.spam_threshold, s.hold_threshold, s.current) for s in found.splits] == [
        (0.9, 0.4, True), (0.95, 0.5, False), (0.99, 0.5, False), (0.999, 0.5, False)]
    assert (found.current.spam_marked, found.current.spam_held) == (3, 1)
    assert (found.current.ham_marked, found.current.ham_held) == (1, 1)


def test_with_no_decisions_there_is_nothing_to_divide(db):
    found = figures.thresholds(Rules(), NOW)
    assert found.decisions == 0 and found.learned == figures.Learned(0, 0, 20)
    assert found.current.of_spam(found.current.spam_marked) is None


def test_the_queries_do_not_grow_with_the_decisions(db, count_queries):
    decisions(db)
    with count_queries() as few:
        figures.thresholds(Rules(), NOW)
        figures.agreement(NOW - timedelta(days=30))
    for _ in range(20):
        example("spam", 0.9, "hold")
    db.session.commit()
    with count_queries() as many:
        figures.thresholds(Rules(), NOW)
        figures.agreement(NOW - timedelta(days=30))
    assert selects(many) == selects(few) and len(selects(few)) == 3


# --- agreement with the moderators (the dashboard) --------------------------------------------

def agreement_examples(db) -> None:
    for outcome, times in (("spam", 3), ("hold", 2), ("pass", 1)):
        for _ in range(times):
            example("spam", 0.9, outcome)
    for outcome, times in (("spam", 1), ("hold", 2), ("pass", 5)):
        for _ in range(times):
            example("ham", 0.2, outcome)
    example("ham", None, "")  # the model was off or knew nothing: no outcome to compare
    example("spam", 0.9, "pass", days_ago=40)  # outside the window
    example("spam", 0.9, "pass", source="file")  # not a moderator's decision
    db.session.commit()


def test_agreement_counts_caught_missed_and_wrongly_held_or_marked(db):
    agreement_examples(db)
    found = figures.agreement(NOW - timedelta(days=30))
    assert found == figures.Agreement(caught=5, missed=1, wrongly_spam=1, wrongly_held=2,
                                      passed=5)
    assert (found.decisions, found.spam, found.not_spam, found.agreed, percent(found.share)) \
        == (14, 6, 8, 10, "71.4%")
    assert figures.agreement(NOW + timedelta(days=1)) == figures.Agreement()
    assert figures.Agreement().share is None


def test_the_dashboard_counts_the_agreement_over_its_days(db):
    agreement_examples(db)
    assert dashboard.figures(NOW, UTC).spam == figures.Agreement(5, 1, 1, 2, 5)


@pytest.fixture
def moderator_forms(forms, db):
    user = make_user(Role.MODERATOR)
    forms.login(user.email, PASSWORD)
    return forms


def text_of(page: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"no #{element_id}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


def test_the_dashboard_says_how_often_the_model_agreed(moderator_forms, db):
    agreement_examples(db)
    page = moderator_forms.client.get("/moderation/dashboard").get_data(as_text=True)
    assert "The spam model and the moderators, last 30 days" in page
    assert text_of(page, "spam-agreement") == (
        "Of 14 responses the model had scored and a moderator then decided on, it agreed with "
        "the moderator on 10 (71.4%). It caught 5 of 6 spam and missed 1. Of 8 that were not "
        "spam, it wrongly marked 1 as spam and wrongly held 2.")
    assert text_of(page, "spam-caught") == "Spam caught it (marked spam or held) 5"
    assert text_of(page, "spam-wrongly-held") == "Not spam wrongly held it 2"


def test_the_dashboard_says_plainly_when_there_was_nothing_to_compare(moderator_forms, db):
    page = moderator_forms.client.get("/moderation/dashboard").get_data(as_text=True)
    assert text_of(page, "spam-agreement") == (
        "No decisions to compare: in the last 30 days no moderator decided on a response the "
        "spam model had scored.")
    assert 'id="spam-agreement-table"' not in page


# --- the settings page ------------------------------------------------------------------------

def test_the_settings_page_shows_the_figures_beside_the_thresholds(moderator_forms, db):
    decisions(db)
    db.session.add(SpamTotals(id=1, spam_docs=25, ham_docs=19))
    db.session.commit()
    page = moderator_forms.client.get(URL).get_data(as_text=True)
    assert "<legend>Spam model</legend>" in page
    assert input_value(page, "spam_threshold") == "0.990"
    assert input_value(page, "hold_threshold") == "0.500"
    assert input_value(page, "spam_min_learned") == "20"
    assert is_checked(page, "spam_model")
    # The figures come after the thresholds, inside their fieldset.
    fieldset = page[page.index("<legend>Spam model</legend>"):]
    fieldset = fieldset[:fieldset.index("</fieldset>")]
    assert fieldset.index('name="hold_threshold"') < fieldset.index('id="spam-figures"')
    assert text_of(page, "spam-learned") == (
        "The model has learned from 25 examples of spam and 19 of what is not spam "
        "(moderators' decisions and labelled files). It does not mark spam yet: it needs 20 of "
        "each, and until then it holds what it would mark spam.")
    assert text_of(page, "spam-current") == (
        "Of the 9 decisions moderators made in the last 30 days on responses the model had "
        "scored (5 spam, 4 not spam), the current thresholds (spam at 0.99, hold at 0.5) "
        "would have:")
    assert text_of(page, "spam-current-shares") == (
        "marked spam 40% of the spam, held 40% and let 20% through; "
        "marked spam 25% of what was not spam and held 25%.")
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", text_table(page), re.S)
    cells = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]
    assert cells[2:] == ["0.95 0.5 60% 20% 20% 25% 25%",
                         "0.99 (now) 0.5 40% 40% 20% 25% 25%",
                         "0.999 0.5 20% 60% 20% 0% 50%"]
    assert "make spam-eval" in page and "README" in page


def is_checked(page: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    return re.search(r"\schecked[\s>]", tag) is not None


def text_table(page: str) -> str:
    start = page.index('id="spam-thresholds-table"')
    return page[start:page.index("</table>", start)]


def test_the_settings_page_says_so_when_there_are_no_decisions_yet(moderator_forms, db):
    page = moderator_forms.client.get(URL).get_data(as_text=True)
    assert text_of(page, "spam-no-decisions") == (
        "No decisions yet to measure the thresholds by: in the last 30 days no moderator has "
        "decided on a response the model had scored.")
    assert "The model has learned from 0 examples of spam and 0 of what" in \
        text_of(page, "spam-learned")
    assert 'id="spam-thresholds-table"' not in page


def test_the_spam_settings_are_saved(moderator_forms, db):
    response = moderator_forms.post(URL, settings_form(
        spam_model=None, spam_threshold="0.995", hold_threshold="0.7", spam_min_learned="50"))
    assert response.status_code == 302
    saved = site_settings.load()
    assert (saved.spam_model, saved.spam_threshold, saved.hold_threshold,
            saved.spam_min_learned) == (False, 0.995, 0.7, 50)
    page = moderator_forms.client.get(URL).get_data(as_text=True)
    assert input_value(page, "spam_threshold") == "0.995"
    assert not is_checked(page, "spam_model")

    moderator_forms.post(URL, settings_form(spam_model="y", spam_threshold="",
                                            hold_threshold="", spam_min_learned=""))
    saved = site_settings.load()
    assert (saved.spam_model, saved.spam_threshold, saved.hold_threshold,
            saved.spam_min_learned) == (True, 0.99, 0.5, 20)  # left empty: the defaults


@pytest.mark.parametrize(("spam", "hold", "error"), [
    ("0.9", "0.9", "Use a number below the spam threshold (0.9)."),
    ("0.8", "0.95", "Use a number below the spam threshold (0.8)."),
    ("", "0.995", "Use a number below the spam threshold (0.99)."),  # the default's
])
def test_a_hold_threshold_not_below_the_spam_threshold_is_refused_beside_it(
        moderator_forms, db, spam, hold, error):
    before = site_settings.load()
    response = moderator_forms.post(URL, settings_form(
        spam_model="y", spam_threshold=spam, hold_threshold=hold, spam_min_learned="7",
        max_links="5"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was saved, and what you typed is kept." in page
    assert error_beside(page, "hold_threshold") == error
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*name="hold_threshold"', page)
    assert error_beside(page, "spam_threshold") is None
    assert (input_value(page, "spam_threshold"), input_value(page, "hold_threshold"),
            input_value(page, "spam_min_learned"), input_value(page, "max_links")) == (
        spam, hold, "7", "5")
    assert 'id="spam-figures"' in page  # the figures are still beside them
    assert site_settings.load() == before


@pytest.mark.parametrize(("name", "typed", "error"), [
    ("spam_threshold", "1.5", "Use a number from 0 to 1."),
    ("hold_threshold", "-0.1", "Use a number from 0 to 1."),
    ("spam_min_learned", "10001", "Use a number from 0 to 10,000."),
])
def test_spam_numbers_out_of_range_are_refused_beside_the_field(
        moderator_forms, db, name, typed, error):
    response = moderator_forms.post(URL, settings_form(spam_model="y", **{name: typed}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_beside(page, name) == error
    assert input_value(page, name) == typed


# --- the queue --------------------------------------------------------------------------------

def test_a_queue_row_shows_the_score_and_what_weighed_most(moderator_forms, db):
    article = make_article()
    scored = make_response(article, status=ResponseStatus.PENDING, body="Sub to my channel",
                           spam_score=0.973, spam_outcome="hold",
                           spam_clues="‘subscribe’, ‘channel’, a link to youtube.com")
    sure = make_response(article, status=ResponseStatus.PENDING, body="Sure spam",
                         spam_score=0.9968, spam_outcome="hold", spam_clues="‘free’")
    unscored = make_response(article, status=ResponseStatus.PENDING, body="Before the model")
    page = moderator_forms.client.get("/moderation/?status=pending").get_data(as_text=True)

    def row(response: Response) -> str:
        start = page.index(f'id="row-{response.id}"')
        return page[start:page.index("</tr>", start)]

    line = re.search(r'<p class="spam-score">(.*?)</p>', row(scored), re.S)
    assert html.unescape(line.group(1)) == (
        "Spam score 0.97 · weighed most: ‘subscribe’, ‘channel’, a link to youtube.com")
    assert html.unescape(re.search(r'<p class="spam-score">(.*?)</p>', row(sure)).group(1)) \
        == "Spam score 0.997 · weighed most: ‘free’"
    assert 'class="spam-score"' not in row(unscored)
