"""The one rule for the name a response is shown under (Response.display_name)."""

from __future__ import annotations

import pytest

from app.models import Response
from app.models.response import ResponseKind


def response(**fields) -> Response:
    defaults = {"kind": ResponseKind.COMMENT, "author_name": "", "source_title": "",
                "source_site": "", "source_url": "", "mention_type": ""}
    return Response(**{**defaults, **fields})


@pytest.mark.parametrize(("fields", "shown"), [
    ({"author_name": "Rosa Díaz"}, "Rosa Díaz"),
    ({"author_name": "  "}, "Anonymous"),
    ({"kind": ResponseKind.QUESTION, "author_name": ""}, "Anonymous"),
    # A pingback or trackback is shown under the linking post, even when it names a blog.
    ({"kind": ResponseKind.PINGBACK, "author_name": "Some Blog", "source_title": "A post",
      "source_site": "Site"}, "A post | Site"),
    ({"kind": ResponseKind.TRACKBACK, "source_url": "https://example.org/p"}, "example.org"),
    # A reply or a like is someone's: their name, else the post's label.
    ({"kind": ResponseKind.WEBMENTION, "mention_type": "reply", "author_name": "Kim",
      "source_title": "Reply"}, "Kim"),
    ({"kind": ResponseKind.WEBMENTION, "mention_type": "like", "source_title": "Liked"},
     "Liked"),
    ({"kind": ResponseKind.WEBMENTION, "mention_type": "mention", "author_name": "Kim",
      "source_title": "A mention"}, "A mention"),
])
def test_the_name_shown_for_a_response(fields, shown):
    assert response(**fields).display_name == shown
