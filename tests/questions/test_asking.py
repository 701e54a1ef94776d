"""Asking: the comment form's question box, /questions/ask, and every refusal beside its field."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Response, ResponseKind, ResponseStatus, Role
from app.questions.rules import title_from
from tests.factories import PASSWORD, make_article, make_user
from tests.questions.conftest import answer, ask, page_text

GUEST = {"name": "Ines Guest", "email": "ines@example.org"}


def _post_comment(forms, article, **fields):
    return forms.post(f"/articles/{article.id}/comments", {**GUEST, **fields},
                      form_url=article.path)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


# --- rules ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "title"), [
    ("Should I take the PMP? I have five years in sales.", "Should I take the PMP?"),
    ("I use e.g. Jira daily. Which certificate next?", "I use e.g. Jira daily."),
    ("First line without a stop\nsecond line", "First line without a stop"),
    ("  Spaces   inside\tthe sentence!  Then more.", "Spaces inside the sentence!"),
    ("Version 3.5 of the exam is harder? Maybe.", "Version 3.5 of the exam is harder?"),
])
def test_the_title_is_the_first_sentence(text, title):
    assert title_from(text) == title


def test_a_long_first_sentence_is_cut_at_a_word():
    title = title_from("word " * 100)
    assert len(title) <= 200 and title.endswith("…") and "wor…" not in title


# --- the comment form --------------------------------------------------------------------------

def test_the_comment_form_offers_the_question_box_and_the_tags(client, article):
    page = page_text(client.get(article.path))
    assert 'name="is_question"' in page and "This is a question for the community" in page
    for tag in ("career change", "certification", "education", "interviews", "first job",
                "product vs project"):
        assert f"> {tag}</label>" in page or f">{tag}</label>" in page


def test_without_the_box_it_is_a_comment_whatever_the_question_fields_say(forms, app_ctx,
                                                                           article):
    _post_comment(forms, article, body="Thanks for this.", title="Ignored", tags=["education"])
    stored = db.session.scalars(select(Response)).one()
    assert stored.kind is ResponseKind.COMMENT and stored.title == ""
    assert stored.question_tags == []


def test_ticked_it_is_a_question_titled_by_its_first_sentence(forms, app_ctx, article):
    result = _post_comment(forms, article, is_question="y", tags=["career-change", "education"],
                           body="Is a bootcamp enough to get a first developer job? I am 41.")
    assert result.status_code == 302
    stored = db.session.scalars(select(Response)).one()
    assert stored.kind is ResponseKind.QUESTION
    assert stored.title == "Is a bootcamp enough to get a first developer job?"
    assert [t.name for t in stored.question_tags] == ["career change", "education"]
    # The same moderation rules as a comment: a first-time guest waits for a moderator.
    assert stored.status is ResponseStatus.PENDING


def test_a_typed_title_wins(forms, app_ctx, article):
    _post_comment(forms, article, is_question="y", title="Certificate or degree?",
                  body="I could do either next year and want to know which employers value.")
    assert db.session.scalars(select(Response)).one().title == "Certificate or degree?"


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"body": ""}, "body", "Write your question first."),
    ({"tags": ["career-change", "education", "interviews", "first-job"]}, "tags",
     "Choose at most 3 tags; you chose 4."),
    ({"tags": ["astrology"]}, "tags", "“astrology” is not a tag of this site"),
    ({"title": "x" * 201}, "title", "Shorten the title to 200 characters"),
])
def test_bad_question_input_is_refused_beside_its_field_and_the_text_kept(
        forms, app_ctx, article, fields, field, message):
    body = fields.pop("body", "Which interview book helped you most, and why?")
    result = _post_comment(forms, article, is_question="y", body=body, **fields)
    page = page_text(result)
    assert result.status_code == 422
    assert f'id="{field}-error">' in page and message in page
    assert _count() == 0
    if body:
        assert body in page  # what was typed is still in the form
    assert 'name="is_question" type="checkbox" value="y" checked' in page or \
        'checked id="is_question"' in page or 'id="is_question" name="is_question" ' \
        'type="checkbox" value="y" checked' in page


def test_a_question_with_no_sentence_to_be_a_title_is_refused(forms, app_ctx, article):
    result = _post_comment(forms, article, is_question="y", body="   \u200b  ")
    assert result.status_code == 422 and _count() == 0


def test_a_reply_cannot_be_a_question(forms, app_ctx, article, moderator):
    parent = answer(ask(article, approve_by=moderator), approve_by=moderator)
    result = _post_comment(forms, article, is_question="y", parent_id=str(parent.id),
                           body="Does this apply to contractors too?")
    assert result.status_code == 422
    assert "A reply cannot be a question" in page_text(result)
    assert _count() == 2


def test_an_answer_to_a_question_closed_as_a_duplicate_is_refused(forms, app_ctx, article,
                                                                  moderator):
    original = ask(article, approve_by=moderator)
    duplicate = ask(article, "Should I take a product course before applying?",
                    email="lee@example.org", name="Lee", approve_by=moderator, ip="192.0.2.5")
    duplicate.duplicate_of = original
    db.session.commit()
    typed = "You could also ask the hiring manager directly."
    result = _post_comment(forms, article, parent_id=str(duplicate.id), body=typed)
    page = page_text(result)
    assert result.status_code == 422 and "closed as a duplicate" in page and typed in page
    assert _count() == 2


# --- /questions/ask ----------------------------------------------------------------------------

def test_asking_from_the_questions_page_about_no_article(forms, app_ctx, tags):
    result = forms.post("/questions/ask", {
        **GUEST, "title": "Which first job teaches the most?", "tags": ["first-job"],
        "body": "Agency, startup or a big company: where did you learn the most early on?",
        "article": ""})
    assert result.status_code == 302
    stored = db.session.scalars(select(Response)).one()
    assert stored.article_id is None and stored.kind is ResponseKind.QUESTION
    assert result.headers["Location"] == f"/questions/{stored.id}-which-first-job-teaches-the-most"
    # The browser that asked sees its question while it waits, and only it.
    mine = page_text(forms.client.get(result.headers["Location"]))
    assert "Which first job teaches the most?" in mine and "awaiting moderation" in mine


def test_asking_about_an_article_the_asker_picks(forms, app_ctx, article):
    forms.post("/questions/ask", {**GUEST, "article": str(article.id),
                                  "body": "How long did your move into product take?"})
    assert db.session.scalars(select(Response)).one().article_id == article.id


def test_an_article_that_is_not_open_is_refused_beside_its_field(forms, app_ctx, tags):
    closed = make_article(title="Closed one", comments_open=False)
    draft = make_article(title="A draft", published=False)
    for choice in (str(closed.id), str(draft.id), "999999", "x"):
        result = forms.post("/questions/ask", {**GUEST, "article": choice,
                                               "body": "Is this the right place to ask?"})
        page = page_text(result)
        assert result.status_code == 422, choice
        assert 'id="article-error">' in page and "Is this the right place to ask?" in page
    assert _count() == 0


def test_the_ask_page_offers_only_open_live_articles(client, app_ctx, article):
    make_article(title="Closed one", comments_open=False)
    make_article(title="A draft", published=False)
    page = page_text(client.get("/questions/ask"))
    assert article.title in page and "Closed one" not in page and "A draft" not in page


def test_a_member_asks_as_themself(forms, app_ctx, tags):
    member = make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    forms.login(member.email, PASSWORD)
    forms.post("/questions/ask", {"body": "Would a data certificate help a support engineer?"})
    stored = db.session.scalars(select(Response)).one()
    assert stored.user_id == member.id and stored.author_name == "Mia Member"


def test_the_ask_page_refuses_bad_tags_with_the_choices_kept(forms, app_ctx, tags):
    result = forms.post("/questions/ask", {**GUEST, "body": "Which exam first?",
                                           "tags": ["certification", "no-such-tag"]})
    page = page_text(result)
    assert result.status_code == 422 and "“no-such-tag” is not a tag of this site" in page
    assert 'value="certification" checked' in page


def test_an_approved_question_counts_as_a_previously_approved_comment(app_ctx, article,
                                                                    moderator):
    from app.comments.services import CommentInput, submit_comment
    from app.moderation import settings as site_settings
    from tests.questions.conftest import commenter

    question = ask(article, approve_by=moderator)
    later = submit_comment(article, CommentInput(body="Thank you all for the answers.",
                                                 name="Ines Guest", email="ines@example.org"),
                           commenter(own={question.id}, ip="192.0.2.99"), site_settings.load())
    assert later.status is ResponseStatus.APPROVED
