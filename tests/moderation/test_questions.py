"""Issue 10, item 4: moderators curate questions. Past comments that read like unanswered
questions (the queue's "Looks like a question" filter, on an imported blog of our own), turned
into questions in bulk or one by one and back; a question's title and tags; closing it as a
duplicate and reopening it; the tag list; who may do any of it.

The services are tested directly (their refusals, that nothing changes, the audit rows), and
again through the test client as a logged-in moderator, as a browser posts the forms.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.models import (
    HelpfulVote,
    ModerationEvent,
    QuestionTag,
    Response,
    ResponseKind,
    ResponseStatus,
    Role,
)
from app.models.question import question_tag_links
from app.questions import curation
from app.questions.curation import CurationRefused
from app.questions.rules import QuestionStatus
from app.questions.services import is_answer, status_of
from app.questions.tags import seed_default_tags
from tests.conftest import FormClient, csrf_token_from
from tests.factories import PASSWORD, make_article, make_response, make_user
from tests.importers.helpers import write_wxr, wxr_item
from tests.moderation import test_views as queue_tests
from tests.moderation.test_views import (
    act,
    bulk,
    messages,
    page_of,
    row,
    row_action,
    row_ids,
    tab_counts,
)

# The queue tests' fixtures: a moderator, and the test's client logged in as them.
moderator, mod = queue_tests.moderator, queue_tests.mod

S = ResponseStatus
K = ResponseKind
NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
LOOKS = {"status": "all", "looks": "question"}


# --- an imported blog of our own ---------------------------------------------------------------

def wxr_comment(wp_id: int, author: str, email: str, content: str, *, approved: str = "1",
                parent: int = 0, kind: str = "") -> str:
    """A WordPress comment as an export writes it, with its author's address (which tells the
    asker's own follow-ups from other people's replies)."""
    return (f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>"
            f"<wp:comment_author><![CDATA[{author}]]></wp:comment_author>"
            f"<wp:comment_author_email>{email}</wp:comment_author_email>"
            f"<wp:comment_author_url></wp:comment_author_url>"
            f"<wp:comment_date_gmt>2021-03-0{1 + wp_id % 9} 10:{wp_id % 60:02d}:00"
            f"</wp:comment_date_gmt>"
            f"<wp:comment_content><![CDATA[{content}]]></wp:comment_content>"
            f"<wp:comment_approved>{approved}</wp:comment_approved>"
            f"<wp:comment_type>{kind}</wp:comment_type>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n")


# (wp id, author, address, text, approved, parent, type); written for these tests.
CAREER_COMMENTS = [
    (301, "Asha", "asha@example.org", "Should I leave accounting for UX research at 38, or "
     "is it too late for that?", "1", 0, ""),
    (302, "Ben", "ben@example.org", "I have a biology degree and two years in sales. Which "
     "is better for me: a data course or a product role?", "1", 0, ""),
    (303, "Cara", "cara@example.org", "Take the data course first; product roles want "
     "numbers.", "1", 302, ""),
    (304, "Dev", "dev@example.org", "Please guide me how to prepare for my first interview "
     "as a tester", "1", 0, ""),
    (305, "Dev", "DEV@example.org", "Still hoping for an answer from anyone here.", "1", 304,
     ""),
    (306, "Eli", "eli@example.org", "Great write-up, thank you for sharing your story.", "1",
     0, ""),
    (307, "Fay", "fay@example.org", "My notes are at https://notes.example.net/read?topic="
     "careers if useful.", "1", 0, ""),
    (308, "Gus", "gus@example.org", "Any advice for someone going back to work after five "
     "years at home", "0", 0, ""),
    (309, "Hal", "hal@example.org", "Is it worth it? Cheap certificates at my site", "spam",
     0, ""),
    (310, "Ivy", "ivy@example.org", "Is the certification exam open book?", "1", 0, ""),
    (311, "Jon", "jon@example.org", "No, it is closed book.", "0", 310, ""),
    (312, "Kim", "kim@example.org", "What do you mean by that?", "1", 306, ""),
    (313, "A Linking Blog", "", "Should I read this? A post that links here.", "1", 0,
     "pingback"),
    (314, "Lea", "lea@example.org", "How do I get a reference from a manager who left the "
     "company?", "1", 0, ""),
    (315, "Max", "max@example.org", "Ask their new company.", "trash", 314, ""),
]
OTHER_COMMENTS = [
    (401, "Ned", "ned@example.org", "Can anyone recommend a short course on negotiation",
     "1", 0, ""),
    (402, "Ola", "ola@example.org", "Lovely photos in this one.", "1", 0, ""),
]
# What the filter must list: top-level comments, published or held, that read like questions,
# without an approved reply from someone else (305 is Dev's own, 311 is held, 315 trashed).
LOOKING = {301, 304, 308, 310, 314, 401}


def blog_file(tmp_path):
    def comments(rows):
        return "".join(wxr_comment(i, a, e, t, approved=ok, parent=p, kind=k)
                       for i, a, e, t, ok, p, k in rows)

    return write_wxr(tmp_path / "career-blog.xml",
                     wxr_item(101, "Changing careers at forty", comments=comments(
                         CAREER_COMMENTS)),
                     wxr_item(102, "A weekend in the hills", comments=comments(OTHER_COMMENTS)))


@pytest.fixture
def blog(db, runner, tmp_path):
    """The blog imported with `flask wxr import`; WordPress comment id -> response id."""
    result = runner.invoke(args=["wxr", "import", str(blog_file(tmp_path))])
    assert result.exit_code == 0, result.output
    seed_default_tags()
    db.session.commit()
    return dict(db.session.execute(select(Response.wp_comment_id, Response.id)).all())


def ids(blog, wp_ids) -> set[int]:
    return {blog[i] for i in wp_ids}


def get(db, response_id: int) -> Response:
    db.session.expire_all()
    return db.session.get(Response, response_id)


def events(db, action: str | None = None) -> list[ModerationEvent]:
    query = select(ModerationEvent).order_by(ModerationEvent.id)
    if action:
        query = query.where(ModerationEvent.action == action)
    return list(db.session.scalars(query))


def tag(db, slug: str) -> QuestionTag:
    return db.session.scalars(select(QuestionTag).where(QuestionTag.slug == slug)).one()


def errors_beside(page: str) -> list[str]:
    return [htmllib.unescape(t) for t in re.findall(r'<p class="error"[^>]*>(.*?)</p>', page,
                                                    re.S)]


def question(db, article=None, *, title="Which course first?", status=S.APPROVED, **fields):
    return make_response(article or make_article(), kind=K.QUESTION, title=title,
                         status=status, body=fields.pop("body", "Which course first? Thanks."),
                         **fields)


# --- the filter ---------------------------------------------------------------------------------

def test_the_filter_lists_unanswered_question_like_comments_with_tab_counts(mod, blog, db):
    page = page_of(mod, **LOOKS)
    assert set(row_ids(page)) == ids(blog, LOOKING)
    assert tab_counts(page) == {"All": 6, "Pending": 1, "Approved": 5, "Spam": 0, "Trash": 0}
    assert "Comments that look like unanswered questions." in page
    assert set(row_ids(page_of(mod, status="pending", looks="question"))) == {blog[308]}
    assert row_ids(page_of(mod, status="spam", looks="question")) == []
    # The other filters still apply; an unknown `looks` is no filter at all.
    article_id = get(db, blog[401]).article_id
    assert set(row_ids(page_of(mod, article=article_id, **LOOKS))) == {blog[401]}
    assert set(row_ids(page_of(mod, q="interview", **LOOKS))) == {blog[304]}
    assert len(row_ids(page_of(mod, status="all", looks="nonsense"))) == 15  # not spam, trash


def test_the_filter_link_and_the_filter_form_keep_looks(mod, blog):
    queue = page_of(mod, status="pending")
    assert 'href="/moderation/?status=all&amp;looks=question">Looks like a question</a>' in queue
    page = page_of(mod, **LOOKS)
    assert '<input type="hidden" name="looks" value="question">' in page
    assert 'action="/moderation/act?status=all&amp;looks=question"' in page
    assert '<option value="to_question">Turn into questions</option>' in page


def test_the_filtered_queue_takes_a_constant_number_of_queries(mod, blog, db, count_queries):
    def queries() -> int:
        with count_queries() as counter:
            page_of(mod, **LOOKS)
        return counter.count

    few = queries()
    article = make_article()
    for n in range(12):
        asker = make_response(article, body=f"Should I take offer number {n}?",
                              author_email=f"asker{n}@example.org")
        make_response(article, asker, body="Me again.", author_email=f"asker{n}@example.org")
    assert len(row_ids(page_of(mod, **LOOKS))) == 18
    assert queries() == few


def test_a_reply_by_a_member_with_another_address_still_counts_as_the_askers(mod, db):
    member = make_user(Role.MEMBER)
    article = make_article()
    asked = make_response(article, body="Should I retrain at 50?", user_id=member.id,
                          author_email="old@example.org")
    make_response(article, asked, body="Adding: I live abroad.", user_id=member.id,
                  author_email="new@example.org")
    answered = make_response(article, body="Is the exam hard?", author_email="a@example.org")
    make_response(article, answered, body="Not very.", author_email="b@example.org")
    assert set(row_ids(page_of(mod, **LOOKS))) == {asked.id}


# --- turning comments into questions in the queue -----------------------------------------------

def test_bulk_turn_into_questions_from_the_filter(mod, blog, db):
    chosen = ids(blog, LOOKING)
    result = act(mod, bulk("to_question", {i: get(db, i).status for i in chosen}),
                 query="?status=all&looks=question")
    assert result.status_code == 302
    assert result.headers["Location"] == "/moderation/?status=all&looks=question"
    page = page_of(mod, result.headers["Location"])
    assert messages(page) == ["Turn into question: 6 responses."]
    assert row_ids(page) == []

    asha = get(db, blog[301])
    assert asha.kind is K.QUESTION and asha.status is S.APPROVED
    assert asha.title == "Should I leave accounting for UX research at 38, or is it too late " \
                         "for that?"
    assert get(db, blog[308]).status is S.PENDING  # promoted, still held
    assert get(db, blog[304]).title == "Please guide me how to prepare for my first " \
                                       "interview as a tester"
    audited = events(db, "turn into question")
    assert {e.response_id for e in audited} == chosen
    assert all(e.from_status == e.to_status and e.actor.role is Role.MODERATOR for e in audited)
    # Dev's own follow-up is no answer; Ivy's held reply is not one yet.
    assert status_of(get(db, blog[304])) is QuestionStatus.UNANSWERED
    assert status_of(get(db, blog[310])) is QuestionStatus.UNANSWERED
    assert page_of(mod, status="all", kind="question").count("Title, tags, duplicate") == 6


def test_a_row_action_turns_an_answered_comment_into_a_question_with_its_answer(mod, blog, db):
    ben = blog[302]
    page = page_of(mod, status="all")
    assert "Turn into question" in row(page, ben)
    assert "Turn into question" not in row(page, blog[303])  # a reply
    assert "Turn into question" not in row(page, blog[313])  # a pingback
    result = act(mod, row_action("to_question", ben, S.APPROVED), query="?status=all",
                 headers={"X-Parley-Fragment": "1"})
    assert result.status_code == 200
    fragment = result.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="queue" class="queue">')
    assert messages(fragment) == ["Turn into question: 1 response."]
    question_row = row(fragment, ben)
    assert "<strong>I have a biology degree and two years in sales.</strong>" in question_row
    assert f'href="/moderation/questions/{ben}"' in question_row
    assert f'value="to_comment:{ben}"' in question_row

    promoted = get(db, ben)
    assert promoted.kind is K.QUESTION
    assert is_answer(get(db, blog[303]), promoted)
    assert status_of(promoted) is QuestionStatus.ANSWERED


def test_replies_pingbacks_and_questions_are_refused_and_nothing_changes(mod, blog, db):
    before = len(events(db))
    for wp_id, message in [
        (303, f"Response #{blog[303]} is a reply to #{blog[302]}: only a comment that starts "
              "a thread can become a question (its replies become the answers)."),
        (313, f"Response #{blog[313]} is a pingback: only a comment can become a question."),
    ]:
        result = act(mod, row_action("to_question", blog[wp_id], S.APPROVED),
                     query="?status=all")
        assert messages(page_of(mod, result.headers["Location"])) == [message]
        assert get(db, blog[wp_id]).kind is not K.QUESTION
    asked = question(db)
    result = act(mod, bulk("to_question", {asked.id: S.APPROVED, blog[301]: S.APPROVED}))
    assert messages(page_of(mod, result.headers["Location"])) == [
        "Turn into question: 1 response.", f"Response #{asked.id} is already a question."]
    assert len(events(db)) == before + 1


def test_turn_a_question_back_into_a_comment_from_the_queue(mod, db):
    seed_default_tags()
    asked = question(db, question_tags=[tag(db, "interviews")])
    answer = make_response(asked.article, asked, body="Start with the free one.",
                           author_email="helper@example.org")
    asked.accepted_answer = answer
    db.session.commit()
    result = act(mod, row_action("to_comment", asked.id, S.APPROVED),
                 query="?status=all&kind=question")
    assert messages(page_of(mod, result.headers["Location"])) == [
        "Turn into comment: 1 response."]
    back = get(db, asked.id)
    assert (back.kind, back.title, back.question_tags, back.accepted_answer_id) == (
        K.COMMENT, "", [], None)
    assert [e.action for e in events(db)] == ["turn into comment"]


def test_a_question_asked_under_no_article_shows_in_the_queue_and_stays_a_question(mod, db):
    loose = Response(kind=K.QUESTION, status=S.PENDING, title="Where do I start?",
                     body_source="Where do I start? I am new here.", author_email="q@example.org")
    db.session.add(loose)
    db.session.flush()
    loose.place_under(None)
    db.session.commit()
    page = page_of(mod)
    assert '<a href="/questions">Questions</a>' in row(page, loose.id)
    result = act(mod, row_action("to_comment", loose.id, S.PENDING))
    assert messages(page_of(mod, result.headers["Location"])) == [
        f"Question #{loose.id} was asked on the Questions page, under no article: a comment "
        "needs an article. Move it to the trash instead if it should go."]
    assert get(db, loose.id).kind is K.QUESTION


def test_members_cannot_use_the_queue_actions(app, blog, db):
    member = FormClient(app.test_client())
    member.login(make_user(Role.MEMBER).email, PASSWORD)
    article = get(db, blog[301]).article
    token = csrf_token_from(member.client.get(article.path).get_data(as_text=True))
    result = member.client.post("/moderation/act", data={
        "csrf_token": token, "row_action": f"to_question:{blog[301]}"})
    assert result.status_code == 403
    assert get(db, blog[301]).kind is K.COMMENT and events(db) == []


# --- the services -------------------------------------------------------------------------------

def test_turn_into_question_takes_the_first_sentence_without_markup_or_a_given_title(db):
    seed_default_tags()
    article = make_article()
    mod_user = make_user(Role.MODERATOR)
    first = make_response(article, body="<p>Should I take the <strong>PMP</strong> now? I "
                                        "have two years &amp; a plan.</p>")
    curation.turn_into_question(first, mod_user, NOW)
    assert first.title == "Should I take the PMP now?"
    second = make_response(article, body="long text " * 50)
    curation.turn_into_question(second, mod_user, NOW, title="  PMP  or  PRINCE2?  ",
                                tags=["certification", "career-change"])
    assert second.title == "PMP or PRINCE2?"
    assert [t.slug for t in second.question_tags] == ["career-change", "certification"]
    event = events(db)[-1]
    assert (event.action, event.from_status, event.to_status, event.created_at) == (
        "turn into question", "approved", "approved", NOW)


@pytest.mark.parametrize(("title", "tags", "field", "message"), [
    ("", [], "title", "A question needs a title: one line that asks it."),
    ("x" * 201, [], "title", "Shorten the title to 200 characters or fewer (it has 201)."),
    (None, ["education", "interviews", "first-job", "certification"], "tags",
     "Choose at most 3 tags; you chose 4."),
    (None, ["made-up"], "tags", "“made-up” is not a tag of this site: choose from the list."),
])
def test_turn_into_question_refuses_a_bad_title_or_tags_and_changes_nothing(db, title, tags,
                                                                             field, message):
    seed_default_tags()
    comment = make_response(make_article(), body="Any advice on the first week?")
    with pytest.raises(CurationRefused) as refused:
        curation.turn_into_question(comment, None, NOW, title=title, tags=tags)
    assert refused.value.errors == {field: message}
    db.session.rollback()
    assert get(db, comment.id).kind is K.COMMENT and events(db) == []


def test_a_comment_with_no_words_has_no_title_to_take(db):
    comment = make_response(make_article(), body="<p> </p>")
    with pytest.raises(CurationRefused, match="has no text to take a title from"):
        curation.turn_into_question(comment, None, NOW)


def test_turn_into_comment_clears_the_question_marks_and_keeps_helpful_votes(db):
    seed_default_tags()
    asked = question(db, question_tags=[tag(db, "education")])
    original = question(db, asked.article, title="The original")
    asked.duplicate_of = original
    answer = make_response(asked.article, asked, body="Do the evening course.",
                           author_email="helper@example.org")
    asked.accepted_answer = answer
    voter = make_user(Role.MEMBER)
    db.session.add(HelpfulVote(response_id=answer.id, user_id=voter.id, created_at=NOW))
    answer.helpful_count = 1
    copy = question(db, asked.article, title="A copy", duplicate_of_id=asked.id)
    db.session.commit()

    reopened = curation.turn_into_comment(asked, None, NOW)
    db.session.commit()
    assert reopened == [copy.id]
    back = get(db, asked.id)
    assert (back.kind, back.title, back.question_tags, back.accepted_answer_id,
            back.duplicate_of_id) == (K.COMMENT, "", [], None, None)
    assert db.session.scalar(select(func.count()).select_from(question_tag_links)) == 0
    # The votes stay (nothing shows them on a comment; a second thought gets them back).
    assert get(db, answer.id).helpful_count == 1
    assert db.session.get(HelpfulVote, (answer.id, voter.id)) is not None
    assert get(db, copy.id).duplicate_of_id is None
    assert [(e.action, e.response_id) for e in events(db)] == [
        ("reopen", copy.id), ("turn into comment", asked.id)]

    curation.turn_into_question(back, None, NOW)
    db.session.commit()
    assert status_of(get(db, asked.id)) is QuestionStatus.ANSWERED


def test_turn_into_comment_refuses_a_comment_and_a_question_asked_under_no_article(db):
    comment = make_response(make_article(), body="Plain words.")
    with pytest.raises(CurationRefused, match=f"Response #{comment.id} is a comment, not a "):
        curation.turn_into_comment(comment, None, NOW)
    loose = Response(kind=K.QUESTION, status=S.APPROVED, title="Where to start?",
                     body_source="Where to start?", author_email="q@example.org")
    db.session.add(loose)
    db.session.flush()
    loose.place_under(None)
    db.session.commit()
    with pytest.raises(CurationRefused, match="a comment needs an article"):
        curation.turn_into_comment(loose, None, NOW)
    db.session.rollback()
    assert get(db, loose.id).kind is K.QUESTION


def test_edit_question_sets_title_and_tags_and_refuses_both_fields_at_once(db):
    seed_default_tags()
    asked = question(db, question_tags=[tag(db, "education")])
    assert curation.edit_question(asked, None, NOW, title="Evening or weekend course?",
                                  tags=["interviews", "first-job"])
    assert [t.slug for t in asked.question_tags] == ["first-job", "interviews"]
    assert not curation.edit_question(asked, None, NOW, title="Evening or weekend course?",
                                      tags=["first-job", "interviews"])
    db.session.commit()
    assert [e.action for e in events(db)] == ["edit question"]

    with pytest.raises(CurationRefused) as refused:
        curation.edit_question(asked, None, NOW, title=" ", tags=["a", "b", "c", "d"])
    assert set(refused.value.errors) == {"title", "tags"}
    db.session.rollback()
    kept = get(db, asked.id)
    assert kept.title == "Evening or weekend course?"
    assert [t.slug for t in kept.question_tags] == ["first-job", "interviews"]


def test_find_question_by_number_or_address(db):
    asked = question(db)
    for reference in (str(asked.id), f"#{asked.id}", f" /questions/{asked.id}-which-course ",
                      f"https://blog.example.org/questions/{asked.id}-x?ref=mail#answers",
                      f"/questions/{asked.id}"):
        assert curation.find_question(reference) is asked, reference
    for reference, message in [
        ("", "Enter the original question's number or its address."),
        ("the one about courses", "That is neither a question's number nor its address (like "
                                  "12 or /questions/12-its-title)."),
        ("/articles/12-x", "That is neither a question's number nor its address (like 12 or "
                           "/questions/12-its-title)."),
        ("999999", "There is no question #999999."),
    ]:
        with pytest.raises(CurationRefused) as refused:
            curation.find_question(reference)
        assert refused.value.errors == {"original": message}


def test_close_as_duplicate_refuses_self_comments_loops_chains_and_held_originals(db):
    article = make_article()
    a = question(db, article, title="A")
    b = question(db, article, title="B")
    c = question(db, article, title="C")
    held = question(db, article, title="Held", status=S.PENDING)
    comment = make_response(article, body="Just a comment.")
    curation.close_as_duplicate(b, c, None, NOW)
    db.session.commit()
    for target, original, message in [
        (a, a, "A question cannot duplicate itself: give the number of the question it "
               "repeats."),
        (a, comment, f"#{comment.id} is a comment, not a question."),
        (c, b, f"Question #{b.id} is closed as a duplicate of this one: that would make a "
               f"loop. Reopen #{b.id} first, or keep this one open."),
        (a, b, f"Question #{b.id} is itself a duplicate of #{c.id}: close this one as a "
               f"duplicate of #{c.id}, the original."),
        (a, held, f"Question #{held.id} is pending, so readers cannot open it: approve it "
                  "first, or choose a published question."),
        (b, c, f"This question is already closed as a duplicate of #{c.id}."),
    ]:
        with pytest.raises(CurationRefused) as refused:
            curation.close_as_duplicate(target, original, None, NOW)
        assert refused.value.errors == {"original": message}
    with pytest.raises(CurationRefused, match="is a comment, not a question"):
        curation.close_as_duplicate(comment, a, None, NOW)
    db.session.rollback()
    assert [get(db, q.id).duplicate_of_id for q in (a, b, c)] == [None, c.id, None]


def test_closing_an_original_moves_its_duplicates_to_the_new_original_and_reopen(db):
    article = make_article()
    a, b, c = (question(db, article, title=t) for t in "ABC")
    curation.close_as_duplicate(b, a, None, NOW)
    assert curation.close_as_duplicate(a, c, None, NOW) == [b.id]
    db.session.commit()
    assert (get(db, a.id).duplicate_of_id, get(db, b.id).duplicate_of_id) == (c.id, c.id)
    assert [e.action for e in events(db)] == [f"close as duplicate of #{a.id}"] + \
        [f"close as duplicate of #{c.id}"] * 2
    curation.reopen(get(db, a.id), None, NOW)
    db.session.commit()
    assert get(db, a.id).duplicate_of_id is None
    with pytest.raises(CurationRefused, match="is not closed as a duplicate"):
        curation.reopen(get(db, a.id), None, NOW)


def test_the_tag_list_services(db):
    seed_default_tags()
    added = curation.add_tag("  Salary   talks ", NOW)
    assert (added.name, added.slug) == ("Salary talks", "salary-talks")
    for name, message in [
        ("", "Enter the tag's name."),
        ("   ", "Enter the tag's name."),
        ("FIRST JOB", "There is already a tag “first job”."),
        ("First-Job", "There is already a tag “first job”."),  # the same address
        ("!!!", "A tag's name needs at least one letter or digit (its address is made of "
                "them)."),
        ("x" * 61, "Shorten the name to 60 characters or fewer (it has 61)."),
    ]:
        with pytest.raises(CurationRefused) as refused:
            curation.add_tag(name, NOW)
        assert refused.value.errors == {"name": message}
    assert curation.rename_tag(added, "Pay talks")
    assert added.slug == "pay-talks"
    assert not curation.rename_tag(added, "Pay talks")
    with pytest.raises(CurationRefused, match="There is already a tag “education”"):
        curation.rename_tag(added, "Education")
    asked = question(db, question_tags=[added, tag(db, "education")])
    assert dict((t.slug, n) for t, n in curation.tags_with_counts())["pay-talks"] == 1
    assert curation.delete_tag(added) == 1
    db.session.commit()
    assert [t.slug for t in get(db, asked.id).question_tags] == ["education"]


# --- a question's page ----------------------------------------------------------------------

@pytest.fixture
def asked(db):
    seed_default_tags()
    q = question(db, title="Evening course or weekend course?",
                 question_tags=[tag(db, "education")])
    db.session.commit()
    return q


def checked(page: str) -> set[str]:
    return set(re.findall(r'name="tags" id="[^"]+" value="([^"]+)" checked', page))


def test_the_question_page_shows_the_title_and_every_tag_to_choose(mod, asked):
    page = page_of(mod, f"/moderation/questions/{asked.id}")
    assert 'value="Evening course or weekend course?"' in page
    assert checked(page) == {"education"}
    assert len(re.findall(r'type="checkbox" name="tags"', page)) == 6
    forms = re.findall(r'<form method="post" action="(/moderation/questions/[^"]*)"[^>]*>\s*'
                       r'<input type="hidden" name="csrf_token" value="[^"]+">', page)
    assert forms == [f"/moderation/questions/{asked.id}", f"/moderation/questions/{asked.id}"
                     "/duplicate", f"/moderation/questions/{asked.id}/comment"]
    assert f'href="/questions/{asked.id}-evening-course-or-weekend-course">Its page</a>' in page
    queue = page_of(mod, status="all", kind="question")
    assert f'<a href="/moderation/questions/{asked.id}">Title, tags, duplicate' in queue


def test_saving_title_and_tags(mod, asked, db):
    url = f"/moderation/questions/{asked.id}"
    result = mod.post(url, {"title": "Which course fits a parent?",
                            "tags": ["first-job", "education"]})
    assert result.status_code == 302 and result.headers["Location"] == url
    assert "Title and tags saved." in messages(page_of(mod, url))
    saved = get(db, asked.id)
    assert saved.title == "Which course fits a parent?"
    assert [t.slug for t in saved.question_tags] == ["education", "first-job"]
    # No box ticked: no tags.
    assert mod.post(url, {"title": "Which course fits a parent?"}).status_code == 302
    assert get(db, asked.id).question_tags == []
    assert [e.action for e in events(db)] == ["edit question", "edit question"]


@pytest.mark.parametrize(("title", "tags", "message"), [
    ("Four tags?", ["education", "interviews", "first-job", "certification"],
     "Choose at most 3 tags; you chose 4."),
    ("An unknown tag?", ["education", "made-up"],
     "“made-up” is not a tag of this site: choose from the list."),
    ("", ["interviews"], "A question needs a title: one line that asks it."),
])
def test_bad_title_or_tags_are_refused_beside_the_field_with_the_choices_kept(mod, asked, db,
                                                                              title, tags,
                                                                              message):
    url = f"/moderation/questions/{asked.id}"
    result = mod.post(url, {"title": title, "tags": tags})
    assert result.status_code == 422
    page = result.get_data(as_text=True)
    assert message in errors_beside(page)
    assert f'value="{title}"' in page
    assert checked(page) == {t for t in tags if t != "made-up"}
    kept = get(db, asked.id)
    assert kept.title == "Evening course or weekend course?"
    assert [t.slug for t in kept.question_tags] == ["education"]
    assert events(db) == []


def test_closing_as_a_duplicate_by_address_then_reopening(mod, asked, db):
    original = question(db, asked.article, title="The first course question")
    url = f"/moderation/questions/{asked.id}"
    result = mod.post(f"{url}/duplicate",
                      {"original": f"https://example.org/questions/{original.id}-the-first"},
                      form_url=url)
    assert result.status_code == 302 and result.headers["Location"] == url
    page = page_of(mod, url)
    assert f"Question #{asked.id} is closed as a duplicate of #{original.id}." in messages(page)
    assert (f'Closed as a duplicate of <a href="/moderation/questions/{original.id}">'
            f'#{original.id} “The first course question”</a>') in page
    assert get(db, asked.id).duplicate_of_id == original.id

    assert mod.post(f"{url}/reopen", {}, form_url=url).status_code == 302
    assert "is open again: it takes answers." in " ".join(messages(page_of(mod, url)))
    assert get(db, asked.id).duplicate_of_id is None
    assert [e.action for e in events(db)] == [f"close as duplicate of #{original.id}", "reopen"]


def test_closing_as_a_duplicate_with_bad_input_is_refused_beside_the_field(mod, asked, db):
    comment = make_response(asked.article, body="Just saying hello.")
    url = f"/moderation/questions/{asked.id}"
    for typed, message in [
        (str(asked.id), "A question cannot duplicate itself: give the number of the question "
                        "it repeats."),
        ("the evening one", "That is neither a question's number nor its address (like 12 or "
                            "/questions/12-its-title)."),
        (f"#{comment.id}", f"#{comment.id} is a comment, not a question."),
        ("", "Enter the original question's number or its address."),
    ]:
        result = mod.post(f"{url}/duplicate", {"original": typed}, form_url=url)
        assert result.status_code == 422, typed
        page = result.get_data(as_text=True)
        assert errors_beside(page) == [message]
        assert re.search(r'id="original-error">', page)
        assert f'name="original" type="text" value="{typed}"' in page
    assert get(db, asked.id).duplicate_of_id is None and events(db) == []
    assert mod.post(f"{url}/reopen", {}, form_url=url).status_code == 422


def test_turn_into_comment_from_the_question_page(mod, asked, db):
    url = f"/moderation/questions/{asked.id}"
    result = mod.post(f"{url}/comment", {}, form_url=url)
    assert result.status_code == 302
    assert f"#{asked.id} is a comment again." in messages(page_of(mod, result.headers["Location"]))
    assert get(db, asked.id).kind is K.COMMENT
    # Its page is for questions only now.
    gone = mod.client.get(url)
    assert gone.status_code == 302
    assert f"Response #{asked.id} is a comment, not a question." in messages(
        page_of(mod, gone.headers["Location"]))


# --- the tag list page ------------------------------------------------------------------------

TAGS = "/moderation/questions/tags"


def test_the_tag_list_page_adds_renames_and_deletes(mod, asked, db):
    page = page_of(mod, TAGS)
    assert page.count('<tr id="tag-') == 6
    education = tag(db, "education")
    assert re.search(rf'<tr id="tag-{education.id}">.*?<td>1</td>', page, re.S)

    result = mod.post(TAGS, {"name": "Remote work"})
    assert result.status_code == 302 and result.headers["Location"] == TAGS
    assert "Tag “Remote work” added." in messages(page_of(mod, TAGS))
    remote = tag(db, "remote-work")

    renamed = mod.post(f"{TAGS}/{remote.id}/rename", {"name": "Working remotely"},
                       form_url=TAGS)
    assert renamed.status_code == 302
    assert "Tag “Remote work” is now “Working remotely”." in messages(page_of(mod, TAGS))
    assert get(db, asked.id).question_tags[0].slug == "education"

    deleted = mod.post(f"{TAGS}/{education.id}/delete", {}, form_url=TAGS)
    assert deleted.status_code == 302
    assert "Tag “education” deleted; 1 question no longer carry it." in messages(
        page_of(mod, TAGS))
    assert get(db, asked.id).question_tags == []
    assert {t.slug for t in db.session.scalars(select(QuestionTag))} >= {"working-remotely"}
    assert "education" not in {t.slug for t in db.session.scalars(select(QuestionTag))}


def test_the_tag_list_refuses_empty_and_duplicate_names_beside_the_field(mod, asked, db):
    before = db.session.scalar(select(func.count()).select_from(QuestionTag))
    for typed, message in [("", "Enter the tag's name."),
                           ("Interviews", "There is already a tag “interviews”.")]:
        result = mod.post(TAGS, {"name": typed})
        assert result.status_code == 422
        page = result.get_data(as_text=True)
        assert errors_beside(page) == [message]
        assert f'name="name" type="text" value="{typed}"' in page
    education = tag(db, "education")
    result = mod.post(f"{TAGS}/{education.id}/rename", {"name": "first JOB"}, form_url=TAGS)
    assert result.status_code == 422
    page = result.get_data(as_text=True)
    assert f'id="rename-{education.id}-error">There is already a tag “first job”.' in page
    assert f'id="rename-{education.id}" name="name" type="text" value="first JOB"' in page
    assert db.session.scalar(select(func.count()).select_from(QuestionTag)) == before
    assert tag(db, "education").name == "education"


# --- who may -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.MEMBER, Role.AUTHOR])
def test_only_moderators_and_admins_open_or_post_the_question_pages(app, asked, db, role):
    other = FormClient(app.test_client())
    other.login(make_user(role).email, PASSWORD)
    token = csrf_token_from(other.client.get(asked.article.path).get_data(as_text=True))
    education = tag(db, "education")
    base = f"/moderation/questions/{asked.id}"
    for url in (base, TAGS):
        assert other.client.get(url).status_code == 403
    for url, data in [(base, {"title": "Hijacked", "tags": []}),
                      (f"{base}/duplicate", {"original": "1"}), (f"{base}/reopen", {}),
                      (f"{base}/comment", {}), (TAGS, {"name": "Spam tag"}),
                      (f"{TAGS}/{education.id}/rename", {"name": "x"}),
                      (f"{TAGS}/{education.id}/delete", {})]:
        assert other.client.post(url, data={"csrf_token": token, **data}).status_code == 403
    kept = get(db, asked.id)
    assert (kept.kind, kept.title) == (K.QUESTION, "Evening course or weekend course?")
    assert db.session.scalar(select(func.count()).select_from(QuestionTag)) == 6
    assert events(db) == []


def test_guests_are_sent_to_log_in_and_forms_need_their_token(app, asked, db):
    guest = app.test_client()
    for url in (f"/moderation/questions/{asked.id}", TAGS):
        answer = guest.get(url)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    admin = FormClient(app.test_client())
    admin.login(make_user(Role.ADMIN).email, PASSWORD)
    assert admin.client.get(TAGS).status_code == 200
    assert admin.client.post(TAGS, data={"name": "No token"}).status_code == 400
    assert "no-token" not in {t.slug for t in db.session.scalars(select(QuestionTag))}
