"""Answers: accepting (the asker, proven by cookie or login, or a moderator), helpful votes
(members, once, not their own), the question page's order, the article page's badges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core import pagecache
from app.extensions import db
from app.models import HelpfulVote, Response, ResponseStatus, Role
from app.models.types import utcnow
from app.questions import services
from app.questions.rules import QuestionStatus
from tests.factories import PASSWORD, make_user
from tests.questions.conftest import answer, ask, commenter, page_text


@pytest.fixture
def asked(forms, app_ctx, article, moderator):
    """A guest asked through the site (so this client holds the asker's cookie); a moderator
    approved it; two answers are published."""
    forms.post("/questions/ask", {"name": "Ines Guest", "email": "ines@example.org",
                                  "article": str(article.id),
                                  "body": "Should I learn SQL before applying to analyst jobs?"})
    question = db.session.scalars(select(Response)).one()
    from app.moderation.services import apply

    apply(question, "approve", moderator, seen=None, now=utcnow())
    db.session.commit()
    first = answer(question, "Yes: every analyst interview I had included SQL.",
                   approve_by=moderator)
    second = answer(question, "Learn it while applying; nobody expects mastery.",
                    name="Ravi", email="ravi@example.org", approve_by=moderator,
                    ip="192.0.2.77")
    return question, first, second


def _url(question):
    return f"/questions/{question.id}-should-i-learn-sql-before-applying-to-analyst-jobs"


def _accept(forms, question, answer, do="accept", form_url=None):
    return forms.post(f"/questions/{question.id}/accept", {"answer_id": str(answer.id),
                                                            "do": do},
                      form_url=form_url or _url(question))


def _vote(forms, question, answer, do="vote"):
    return forms.post(f"/questions/{question.id}/helpful", {"answer_id": str(answer.id),
                                                             "do": do}, form_url=_url(question))


def _fresh(row):
    db.session.expire_all()
    return db.session.get(Response, row.id)


def test_the_guest_who_asked_accepts_from_the_same_browser(forms, asked):
    question, first, second = asked
    result = _accept(forms, question, second)
    assert result.status_code == 302
    assert _fresh(question).accepted_answer_id == second.id
    assert services.status_of(_fresh(question)) is QuestionStatus.ACCEPTED
    # Accepting another moves the mark; taking it back leaves the question answered.
    _accept(forms, question, first)
    assert _fresh(question).accepted_answer_id == first.id
    _accept(forms, question, first, do="unaccept")
    assert _fresh(question).accepted_answer_id is None
    assert services.status_of(_fresh(question)) is QuestionStatus.ANSWERED


def test_another_browser_cannot_accept(app, asked):
    question, first, _ = asked
    from tests.conftest import FormClient

    stranger = FormClient(app.test_client())
    result = _accept(stranger, question, first)
    assert result.status_code == 422
    assert "Only the person who asked this question, or a moderator" in page_text(result)
    assert _fresh(question).accepted_answer_id is None


def test_a_member_who_did_not_ask_cannot_accept_but_a_moderator_can(app, asked, moderator):
    question, first, _ = asked
    from tests.conftest import FormClient

    member = make_user(Role.MEMBER, email="kim@example.org")
    other = FormClient(app.test_client())
    other.login(member.email, PASSWORD)
    assert _accept(other, question, first).status_code == 422
    assert _fresh(question).accepted_answer_id is None
    staff = FormClient(app.test_client())
    staff.login(moderator.email, PASSWORD)
    assert _accept(staff, question, first).status_code == 302
    assert _fresh(question).accepted_answer_id == first.id


def test_a_member_asker_accepts_when_logged_in(app_ctx, article, moderator):
    member = make_user(Role.MEMBER, email="mia@example.org", name="Mia")
    question = ask(article, user=member, approve_by=moderator)
    reply = answer(question, approve_by=moderator)
    services.accept(question, reply, commenter(member), utcnow())
    assert question.accepted_answer_id == reply.id


def test_only_a_published_answer_to_this_question_can_be_accepted(forms, asked, article,
                                                                 moderator):
    question, first, _ = asked
    elsewhere = answer(ask(article, "Is a portfolio worth more than a certificate?",
                           email="zed@example.org", approve_by=moderator, ip="192.0.2.31"),
                       approve_by=moderator, email="yan@example.org", ip="192.0.2.32")
    held = answer(question, "A held answer.", email="held@example.org", ip="192.0.2.33")
    assert held.status is ResponseStatus.PENDING
    comment_on_answer = answer(question, "Agreed.", email="cy@example.org", ip="192.0.2.34",
                               approve_by=moderator)
    comment_on_answer.place_under(first)
    db.session.commit()
    for wrong in (elsewhere, held, comment_on_answer, question):
        result = _accept(forms, question, wrong)
        assert result.status_code == 422, wrong
        assert "not" in page_text(result)
    assert _fresh(question).accepted_answer_id is None


def test_the_askers_own_reply_is_a_follow_up_not_an_answer(forms, asked, moderator):
    question, _, _ = asked
    own = answer(question, "To add: I know some Excel already.", name="Ines Guest",
                 email="ines@example.org", approve_by=moderator, ip="198.51.100.7")
    assert not services.is_answer(own, question)
    assert _accept(forms, question, own).status_code == 422
    page = page_text(forms.client.get(_url(question)))
    assert "Added by the asker" in page and "2 answers" in page


def test_a_duplicate_cannot_accept(forms, asked, article, moderator):
    question, first, _ = asked
    original = ask(article, "Which SQL course?", email="o@example.org", approve_by=moderator,
                   ip="192.0.2.40")
    _fresh(question).duplicate_of_id = original.id
    db.session.commit()
    # The page offers no button any more; a form kept open from before still posts.
    assert "Accept this answer" not in page_text(forms.client.get(_url(question)))
    result = _accept(forms, question, first, form_url=article.path)
    assert result.status_code == 422 and "closed as a duplicate" in page_text(result)


# --- helpful votes ---------------------------------------------------------------------------

def test_members_mark_helpful_once_and_can_take_it_back(app, asked):
    question, first, _ = asked
    from tests.conftest import FormClient

    member = make_user(Role.MEMBER, email="kim@example.org")
    voter = FormClient(app.test_client())
    voter.login(member.email, PASSWORD)
    assert _vote(voter, question, first).status_code == 302
    assert _fresh(first).helpful_count == 1
    again = _vote(voter, question, first)
    assert again.status_code == 422
    assert "You have already marked this answer helpful." in page_text(again)
    assert _fresh(first).helpful_count == 1
    assert _vote(voter, question, first, do="unvote").status_code == 302
    assert _fresh(first).helpful_count == 0
    assert db.session.scalar(select(func.count()).select_from(HelpfulVote)) == 0
    nothing = _vote(voter, question, first, do="unvote")
    assert nothing.status_code == 422 and _fresh(first).helpful_count == 0


def test_a_guest_cannot_vote(forms, asked):
    question, first, _ = asked
    result = _vote(forms, question, first)
    assert result.status_code == 403
    assert "Log in to mark answers helpful" in page_text(result)
    assert _fresh(first).helpful_count == 0


def test_no_one_votes_on_their_own_answer(app_ctx, article, moderator):
    member = make_user(Role.MEMBER, email="abe@example.org")
    question = ask(article, approve_by=moderator)
    own = answer(question, user=member, approve_by=moderator)
    with pytest.raises(services.QuestionError, match="your own answer"):
        services.vote(own, member, utcnow())
    assert own.helpful_count == 0


def test_only_answers_take_votes(app_ctx, article, moderator):
    member = make_user(Role.MEMBER, email="abe@example.org")
    question = ask(article, approve_by=moderator)
    with pytest.raises(services.QuestionError, match="Only a published answer"):
        services.vote(question, member, utcnow())


# --- order and marks -------------------------------------------------------------------------

def test_the_question_page_puts_the_accepted_first_then_votes_then_date(app, forms, asked,
                                                                      moderator):
    question, first, second = asked
    third = answer(question, "Ask the team what they query daily.", email="t@example.org",
                   approve_by=moderator, ip="192.0.2.50")
    def order():
        page = forms.client.get(_url(question)).get_data(as_text=True)
        return sorted((first.id, second.id, third.id),
                      key=lambda i: page.index(f'id="comment-{i}"'))

    assert order() == [first.id, second.id, third.id]  # by date
    voter = make_user(Role.MEMBER, email="vee@example.org")
    services.vote(_fresh(third), voter, utcnow())
    db.session.commit()
    assert order() == [third.id, first.id, second.id]  # helpful first
    _accept(forms, question, second)
    assert order() == [second.id, third.id, first.id]  # the accepted one leads


def test_the_article_page_keeps_its_order_with_badges_and_the_mark(forms, asked, article,
                                                                 moderator):
    question, first, second = asked
    unanswered = ask(article, "Is a master's degree worth it at 35?", email="u@example.org",
                     approve_by=moderator, ip="192.0.2.60")
    page = page_text(forms.client.get(article.path))
    assert page.index(f'id="comment-{first.id}"') < page.index(f'id="comment-{second.id}"')
    assert 'status-answered">Answered' in page and 'status-unanswered">Unanswered' in page
    assert f'href="/questions/{unanswered.id}-is-a-master-s-degree-worth-it-at-35"' in page
    _accept(forms, question, second)
    page = page_text(forms.client.get(article.path))
    assert 'status-accepted">Accepted answer' in page
    marked = page.index("✓ Accepted answer")
    assert page.index(f'id="comment-{second.id}"') < marked
    assert page.index(f'id="comment-{first.id}"') < page.index(f'id="comment-{second.id}"')


def test_an_old_slug_redirects_and_a_held_question_is_only_its_askers(app, client, app_ctx,
                                                                      article):
    question = ask(article, "Which laptop for a data course?")
    assert client.get(f"/questions/{question.id}-which-laptop-for-a-data-course").status_code \
        == 404
    question.status = ResponseStatus.APPROVED
    db.session.commit()
    moved = client.get(f"/questions/{question.id}-old-words")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith(f"/questions/{question.id}-which-laptop-for-a-"
                                              "data-course")
    assert client.get(f"/questions/{question.id}").status_code == 301


def test_a_question_on_an_unpublished_article_is_not_shown(client, app_ctx, article, moderator):
    question = ask(article, approve_by=moderator)
    article.published_at = utcnow() + timedelta(days=3)
    db.session.commit()
    assert client.get(f"/questions/{question.id}-x").status_code == 404


def test_the_question_page_takes_the_same_number_of_queries_for_many_answers(
        client, app_ctx, article, moderator, count_queries):
    question = ask(article, approve_by=moderator)
    def render():
        db.session.commit()
        pagecache.pages.clear()  # rendered, not served stored
        with count_queries() as counter:
            assert client.get(services.question_url(question)).status_code == 200
        return counter.count

    answer(question, approve_by=moderator)
    render()  # the settings are kept after the first page (both counts are of a later one)
    few = render()
    for i in range(25):
        reply = answer(question, f"Answer number {i}.", email=f"a{i}@example.org",
                       ip=f"192.0.2.{100 + i}", approve_by=moderator)
        answer(question, f"A reply to {i}.", email=f"r{i}@example.org", ip=f"192.0.3.{i}",
               approve_by=moderator).place_under(reply)
    assert render() == few


def test_the_question_page_refuses_an_answer_to_a_closed_duplicate(forms, asked, article,
                                                                  moderator):
    question, _, _ = asked
    original = ask(article, "Which SQL course?", email="o@example.org", approve_by=moderator,
                   ip="192.0.2.41")
    page = page_text(forms.client.get(_url(question)))
    assert "Answer this question" in page
    _fresh(question).duplicate_of_id = original.id
    db.session.commit()
    page = page_text(forms.client.get(_url(question)))
    assert "Closed to answers" in page and 'name="body"' not in page
    typed = "Try the free course first."
    result = forms.post(f"/questions/{question.id}/answers",
                        {"name": "Nia", "email": "nia@example.org", "body": typed},
                        form_url=article.path)
    assert result.status_code == 422
    assert "closed as a duplicate" in page_text(result) and typed in page_text(result)
    assert db.session.scalar(select(func.count()).select_from(Response).where(
        Response.body_source == typed)) == 0


def test_a_question_turned_back_into_a_comment_leads_to_it(client, app_ctx, article,
                                                          moderator):
    from app.models import ResponseKind

    question = ask(article, approve_by=moderator)
    old = services.question_url(question)
    question.kind = ResponseKind.COMMENT
    db.session.commit()
    moved = client.get(old)
    assert moved.status_code == 301 and moved.headers["Location"].endswith(
        f"/comment/{question.id}/")
    assert client.get("/questions/999999-nothing").status_code == 404
