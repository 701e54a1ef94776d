"""A question asked about no article, and its answers, everywhere a response shows: the
question page, the moderator's pages, mail, the response's permalink."""

from __future__ import annotations

from app.comments.services import CommentInput, submit_comment
from app.extensions import db
from app.models import ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import settings as site_settings
from app.moderation.services import apply
from app.questions import services
from tests.factories import PASSWORD, change_settings, make_user
from tests.questions.conftest import ask, commenter, page_text


def test_answers_to_a_question_of_its_own_live_on_its_page(app, forms, app_ctx, tags,
                                                          moderator):
    question = ask(None, "Which first job teaches the most about product?",
                   approve_by=moderator)
    url = services.question_url(question)
    typed = "A support job: you hear every problem first."
    posted = forms.post(f"/questions/{question.id}/answers",
                        {"name": "Uma", "email": "uma@example.org", "body": typed},
                        form_url=url)
    assert posted.status_code == 302 and posted.headers["Location"].startswith(url + "#comment-")
    reply = db.session.scalars(db.select(type(question)).where(
        type(question).parent_id == question.id)).one()
    assert reply.article_id is None and reply.status is ResponseStatus.PENDING
    assert typed in page_text(forms.client.get(url))  # the browser that wrote it sees it
    apply(reply, "approve", moderator, seen=None, now=utcnow())
    db.session.commit()
    moved = forms.client.get(f"/comment/{reply.id}/")
    assert moved.status_code == 302 and moved.headers["Location"] == f"{url}#comment-{reply.id}"


def test_the_moderators_pages_and_mail_name_the_questions_page(app, app_ctx, tags, moderator,
                                                               smtp):
    from tests.conftest import FormClient

    change_settings(notify_moderators="each")
    question = ask(None, "Is a bootcamp enough for a first analyst job?")
    mail = [m for m in smtp.messages if m["To"] == moderator.email]
    assert mail and "on “Questions”" in mail[0]["Subject"]
    staff = FormClient(app.test_client())
    staff.login(moderator.email, PASSWORD)
    for path in (f"/moderation/{question.id}/edit", f"/moderation/{question.id}/reply",
                 "/moderation/?status=pending", f"/moderation/questions/{question.id}"):
        page = staff.client.get(path)
        assert page.status_code == 200, path
        assert "Questions" in page_text(page)
    replied = staff.post(f"/moderation/{question.id}/reply",
                         {"body": "Often, with a portfolio of two real projects."})
    assert replied.status_code == 302
    db.session.expire_all()
    assert question.status is ResponseStatus.APPROVED
    answer = db.session.scalars(db.select(type(question)).where(
        type(question).parent_id == question.id)).one()
    assert answer.article_id is None and answer.status is ResponseStatus.APPROVED


def test_a_comment_needs_an_article_but_a_question_does_not(app_ctx, tags):
    import pytest

    from app.comments.services import CommentRefused

    with pytest.raises(CommentRefused, match="Choose an article"):
        submit_comment(None, CommentInput(body="Hello", name="A", email="a@example.org"),
                       commenter(), site_settings.load())
    member = make_user(Role.MEMBER, email="q@example.org")
    question = submit_comment(None, CommentInput(body="Which course first?", is_question=True),
                              commenter(member), site_settings.load())
    assert question.article_id is None and question.title == "Which course first?"
