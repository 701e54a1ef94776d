"""The benchmark's yardsticks measure what the table says they measure.

The naive render is only a baseline for Parley's personal page if it renders the same threads:
the same number of responses, nested as the bench seeds the articles, in similar markup.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import Response, ResponseStatus
from app.models.types import utcnow
from tests.bench import hello
from tests.bench.run import _thread, csrf_token
from tests.factories import make_article


def _naive_parents(roots: list[dict]) -> list[int | None]:
    """For each naive comment in order, the position of its parent (None at the top)."""
    found: dict[int, int | None] = {}

    def walk(comments, parent):
        for comment in comments:
            found[comment["id"]] = parent
            walk(comment["children"], comment["id"])

    walk(roots, None)
    return [None if found[i] is None else found[i] - 1 for i in sorted(found)]


def test_naive_threads_nest_as_the_seeded_articles(db):
    article = make_article(title="Seeded like the bench")
    held = _thread(article, 79, utcnow() - timedelta(days=1), pending=2)
    db.session.commit()

    rows = list(db.session.scalars(select(Response).where(Response.article_id == article.id)
                                   .order_by(Response.id)))
    approved = [r for r in rows if r.status is ResponseStatus.APPROVED]
    position = {r.id: n for n, r in enumerate(approved)}
    seeded = [position.get(r.parent_id) for r in approved]

    assert len(approved) == 79
    assert [r.id for r in rows if r.status is ResponseStatus.PENDING] == held
    assert seeded == _naive_parents(hello.THREADS[79])
    assert sum(1 for parent in seeded if parent is None) == 53  # two threads in three


def test_naive_page_renders_every_response_once_with_the_thread_markup():
    client = hello.app.test_client()
    for total in hello.SIZES:
        page = client.get(f"/naive/{total}").get_data(as_text=True)
        assert page.count('<li id="comment-') == total
        assert page.count('class="avatar"') == total
        assert page.count('class="reply-link"') == total
        assert page.count('<ol class="children">') == total // 3 + (total % 3 > 1)
    assert client.get("/naive/80").status_code == 404
    assert client.get("/hello").get_data(as_text=True) == "hello"


def test_the_login_form_token_is_read_whatever_the_attribute_order():
    assert csrf_token('<input type="hidden" name="csrf_token" value="abc.def">') == "abc.def"
    assert csrf_token('<input value="x1" id="csrf_token" name="csrf_token">') == "x1"
