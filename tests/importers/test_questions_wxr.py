"""Questions in WXR (issue 10, item 6): written as ordinary comments with Parley's comment meta,
and read back: kind, title, tags, accepted answer, duplicate mark, helpful counts; the
questions asked about no article in an item of their own that WordPress skips."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from app.importers import jobs, services
from app.importers.wxr import import_wxr
from app.importers.wxr_export import export_wxr
from app.models import (
    Article,
    HelpfulVote,
    QuestionTag,
    Response,
    ResponseKind,
    ResponseStatus,
)
from app.questions.tags import seed_default_tags
from tests.factories import make_article, make_response, make_user
from tests.importers.helpers import (
    NOW,
    WP,
    content_snapshot,
    delete_all_rows,
    row_counts,
    write_wxr,
    wxr_item,
)

Q = ResponseKind.QUESTION
S = ResponseStatus
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def tags(*slugs: str) -> list[QuestionTag]:
    return list(db.session.scalars(select(QuestionTag).where(QuestionTag.slug.in_(slugs))))


def question(article, title: str, *, status=S.APPROVED, minutes: int = 0, topics=(),
             email: str = "asker@example.org") -> Response:
    asked = make_response(article, kind=Q, status=status, title=title,
                          body=f"{title} Some words of context & detail.", author_name="Asker",
                          author_email=email, created_at=T0 + timedelta(minutes=minutes))
    asked.question_tags = tags(*topics)
    db.session.commit()
    return asked


def reply(parent: Response, body: str, *, status=S.APPROVED, minutes: int = 1,
          helpful: int = 0) -> Response:
    answer = make_response(parent.article, parent, status=status, body=body,
                           author_name=f"Helper {minutes}",
                           author_email=f"helper{minutes}@example.org",
                           created_at=T0 + timedelta(minutes=minutes))
    for _ in range(helpful):  # real votes by members, as the vote service leaves them
        db.session.add(HelpfulVote(response_id=answer.id, user_id=make_user().id))
    answer.helpful_count = helpful
    db.session.commit()
    return answer


def build_site() -> dict[str, Response]:
    """Questions of every status, under articles and about none, with every link between them."""
    seed_default_tags()
    db.session.add(QuestionTag(name="remote work", slug="remote-work", created_at=T0))
    db.session.commit()
    article = make_article(title="Roles compared", tags=["careers"])
    other = make_article(title="Hiring notes")
    made: dict[str, Response] = {}
    made["unanswered"] = question(article, "Is a bootcamp enough for a first job?",
                                  topics=("first-job", "education"), minutes=1)
    made["answered"] = question(article, "How do I prepare for a case interview?",
                                topics=("interviews",), minutes=2)
    reply(made["answered"], "Practise out loud with a friend.", minutes=3, helpful=2)
    reply(made["answered"], "Held answer.", status=S.PENDING, minutes=4)
    accepted = question(article, "Should I move from project to product?",
                        topics=("career-change", "product-vs-project", "remote-work"),
                        minutes=5)
    chosen = reply(accepted, "Yes, start with discovery work.", minutes=6, helpful=3)
    reply(accepted, "Not before you have shipped twice.", minutes=7, helpful=1)
    reply(chosen, "A comment on the accepted answer.", minutes=8)
    accepted.accepted_answer = chosen
    made["accepted"] = accepted
    made["pending"] = question(other, "Which certification first?", status=S.PENDING,
                               topics=("certification",), minutes=9)
    made["spam"] = question(other, "Cheap diplomas?", status=S.SPAM, minutes=10)
    made["trash"] = question(other, "Asked twice by mistake?", status=S.TRASH, minutes=11)
    # About no article: one accepted, one closed as a duplicate of a question under an article
    # (a link across items), and one under an article closed as a duplicate of it.
    alone = question(None, "Is it too late to change careers at forty?",
                     topics=("career-change",), minutes=12)
    late = reply(alone, "No: your experience is the point.", minutes=13, helpful=1)
    alone.accepted_answer = late
    made["alone"] = alone
    made["alone duplicate"] = question(None, "Bootcamp or degree for a first job?",
                                       minutes=14)
    made["alone duplicate"].duplicate_of = made["unanswered"]
    made["duplicate"] = question(other, "Too old to switch at 40?", minutes=15)
    made["duplicate"].duplicate_of = alone
    make_response(article, body="A plain comment, not a question.", created_at=T0)
    db.session.commit()
    return made


def export_text(app) -> str:
    out = io.StringIO()
    export_wxr(out, site_url=app.config["SITE_URL"], now=NOW)
    return out.getvalue()


def import_text(text: str):
    summary = import_wxr(io.BytesIO(text.encode()), zone=ZoneInfo("UTC"), now=NOW)
    db.session.commit()
    return summary


def shape() -> dict:
    """What a round trip must keep, by text rather than by id."""
    db.session.commit()
    db.session.expire_all()

    def text(response: Response | None) -> str | None:
        return response.body_source if response is not None else None

    responses = list(db.session.scalars(select(Response)))
    return {
        "responses": sorted(
            (r.context_title, r.kind.value, r.status.value, r.title, r.body_source, r.author_name,
             r.author_email, str(r.created_at), r.depth, text(r.parent),
             tuple(t.name for t in r.question_tags), text(r.accepted_answer),
             text(r.duplicate_of), r.helpful_count) for r in responses),
        "articles": sorted(a.title for a in db.session.scalars(select(Article))),
        "tags": sorted((t.slug, t.name) for t in db.session.scalars(select(QuestionTag))),
    }


def comments_by_text(root: ElementTree.Element) -> dict[str, ElementTree.Element]:
    return {c.findtext(f"{WP}comment_content"): c for c in root.iter(f"{WP}comment")}


def meta_of(comment: ElementTree.Element) -> dict[str, str]:
    return {m.findtext(f"{WP}meta_key"): m.findtext(f"{WP}meta_value")
            for m in comment.findall(f"{WP}commentmeta")}


def test_questions_are_exported_as_ordinary_comments_with_parley_meta(app, db):
    made = build_site()
    root = ElementTree.fromstring(export_text(app))
    # WordPress sees comments: no type of Parley's own.
    assert {c.findtext(f"{WP}comment_type") for c in root.iter(f"{WP}comment")} == {"comment"}
    comments = comments_by_text(root)
    accepted = comments[made["accepted"].body_source]
    chosen_id = str(made["accepted"].accepted_answer_id)
    assert meta_of(accepted) == {
        "parley_kind": "question", "parley_title": "Should I move from project to product?",
        "parley_tags": "career change, product vs project, remote work",
        "parley_accepted_answer": chosen_id}
    [chosen] = [c for c in root.iter(f"{WP}comment")
                if c.findtext(f"{WP}comment_id") == chosen_id]
    assert meta_of(chosen) == {"parley_helpful": "3"}
    assert meta_of(comments["A comment on the accepted answer."]) == {}
    assert meta_of(comments["A plain comment, not a question."]) == {}
    assert meta_of(comments[made["duplicate"].body_source])["parley_duplicate_of"] == \
        str(made["alone"].id)
    assert meta_of(comments[made["unanswered"].body_source])["parley_tags"] == \
        "education, first job"
    assert comments[made["pending"].body_source].findtext(f"{WP}comment_approved") == "0"
    assert comments[made["spam"].body_source].findtext(f"{WP}comment_approved") == "spam"

    # The questions about no article live in an item of a type WordPress's importer skips.
    items = {i.findtext("title"): i for i in root.iter("item")}
    assert set(items) == {"Roles compared", "Hiring notes", "Questions"}
    alone = items["Questions"]
    assert (alone.findtext(f"{WP}post_type"), alone.findtext(f"{WP}status")) == \
        ("parley_questions", "private")
    assert {c.findtext(f"{WP}comment_content") for c in alone.findall(f"{WP}comment")} == {
        made["alone"].body_source, made["alone duplicate"].body_source,
        "No: your experience is the point."}
    assert {items["Roles compared"].findtext(f"{WP}post_type"),
            items["Hiring notes"].findtext(f"{WP}post_type")} == {"post"}


def test_a_site_without_questions_about_no_article_writes_no_questions_item(app, db):
    question(make_article(title="Only one"), "A question here?")
    items = [i.findtext("title") for i in ElementTree.fromstring(export_text(app)).iter("item")]
    assert items == ["Only one"]


def test_round_trip_into_an_empty_site_keeps_every_question(app, db):
    build_site()
    before = shape()
    assert Counter((kind, status) for _c, kind, status, *_rest in before["responses"]) == \
        Counter({("question", "approved"): 6, ("question", "pending"): 1,
                 ("question", "spam"): 1, ("question", "trash"): 1,
                 ("comment", "approved"): 6, ("comment", "pending"): 1})
    text = export_text(app)

    delete_all_rows()
    assert set(row_counts().values()) == {0}
    summary = import_text(text)
    after = shape()
    assert after == before
    assert summary.responses[("question", "approved")] == 6
    assert summary.posts_in_file[("parley_questions", "private")] == 1
    assert "question tags added to the list (the exported site had them)" in summary.notes
    # Helpful counts come back as numbers; the votes' members are not in the file.
    assert db.session.scalar(select(func.count()).select_from(HelpfulVote)) == 0
    assert db.session.scalar(select(func.count()).select_from(Article)) == 2  # no "Questions"
    alone = db.session.scalars(select(Response).where(
        Response.title == "Is it too late to change careers at forty?")).one()
    assert alone.article_id is None and alone.accepted_answer.article_id is None


def test_imported_tags_match_the_list_by_name_or_slug_and_only_unknown_ones_are_added(app, db):
    build_site()
    text = export_text(app)
    delete_all_rows()
    seed_default_tags()
    db.session.add(QuestionTag(name="Remote Work", slug="remote-work", created_at=T0))
    db.session.commit()
    listed = shape()["tags"]
    summary = import_text(text)
    assert shape()["tags"] == listed  # every tag matched one on the list
    assert not any("question tags added" in note for note in summary.notes)
    tagged = db.session.scalars(select(Response).where(
        Response.title == "Should I move from project to product?")).one()
    assert {t.name for t in tagged.question_tags} == \
        {"career change", "product vs project", "Remote Work"}


def test_importing_the_same_export_twice_adds_nothing(app, db):
    build_site()
    text = export_text(app)
    delete_all_rows()
    import_text(text)
    counts, snapshot = row_counts(), content_snapshot()
    summary = import_text(text)
    assert summary.responses_existing == 16
    assert row_counts() == counts
    assert content_snapshot() == snapshot


def q_comment(wp_id: int, content: str, meta: dict[str, str], *, parent: int = 0) -> str:
    entries = "".join(f"<wp:commentmeta><wp:meta_key>{key}</wp:meta_key>"
                      f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:commentmeta>"
                      for key, value in meta.items())
    return (f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>"
            f"<wp:comment_author>Someone</wp:comment_author>"
            f"<wp:comment_date_gmt>2020-01-02 10:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content><![CDATA[{content}]]></wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment"
            f"</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>{entries}"
            "</wp:comment>\n")


def test_meta_that_points_nowhere_is_left_out_with_a_note(db, tmp_path):
    seed_default_tags()
    db.session.commit()
    comments = (
        q_comment(1, "What should I learn first? The rest is detail.",
                  {"parley_kind": "question", "parley_accepted_answer": "3",
                   "parley_duplicate_of": "99",
                   "parley_tags": "education, interviews, first job, certification"})
        + q_comment(2, "Start with SQL.", {"parley_helpful": "many"}, parent=1)
        + q_comment(3, "A reply to the answer, not an answer.", {}, parent=2)
        + q_comment(4, "Ask &amp; you shall receive?", {"parley_kind": "question",
                                                       "parley_title": "Ask &amp; receive",
                                                       "parley_duplicate_of": "1"}))
    path = write_wxr(tmp_path / "q.xml", wxr_item(7, "Learning paths", comments=comments))
    with path.open("rb") as source:
        summary = import_wxr(source, zone=ZoneInfo("UTC"), now=NOW)
    db.session.commit()
    first = db.session.scalars(select(Response).where(Response.wp_comment_id == 1)).one()
    # No title in the meta: the first sentence; tags cut at three; the accepted "answer" is a
    # reply to an answer, and the duplicate target is not in the file.
    assert (first.kind, first.title) == (Q, "What should I learn first?")
    assert [t.name for t in first.question_tags] == ["education", "first job", "interviews"]
    assert (first.accepted_answer_id, first.duplicate_of_id) == (None, None)
    assert db.session.scalars(select(Response).where(Response.wp_comment_id == 2)).one() \
        .helpful_count == 0
    fourth = db.session.scalars(select(Response).where(Response.wp_comment_id == 4)).one()
    assert (fourth.title, fourth.duplicate_of_id) == ("Ask & receive", first.id)
    assert set(summary.notes) >= {
        "accepted answers not found under their question: left unaccepted",
        "duplicate marks pointing at no question of the file: left out",
        "questions with more than 3 tags: the first 3 kept"}


def test_a_failed_import_leaves_no_question_or_tag_behind(app, db, tmp_path):
    build_site()
    for n in range(60):  # enough items for the import to commit batches before it breaks
        make_article(title=f"Filler {n}")
    text = export_text(app)
    delete_all_rows()
    seed_default_tags()
    db.session.commit()
    before = content_snapshot()
    path = Path(tmp_path / "cut.xml")
    path.write_text(text[:-300], encoding="utf-8")
    job = services.new_job(path.name, path)
    db.session.commit()
    committed = []
    ended = jobs.run_job(job.id, path=path, after_batch=lambda n: committed.append(n))
    assert ended.state == "failed" and committed  # it had committed batches, then broke
    assert content_snapshot() == before
