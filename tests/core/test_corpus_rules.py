"""The whole XSS corpus through the comment renderer, the import cleaner and the URL rule.

tests/core/test_sanitize.py runs it through the article renderer; the browser test
(tests/browser/test_xss_corpus.py) takes a selection of it through every write path.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from app.core.sanitize import (
    COMMENT_ATTRIBUTES,
    COMMENT_TAGS,
    PROTOCOLS,
    clean_comment_html,
    render_comment,
)
from app.core.urls import BadUrl, clean_url, safe_href
from tests.core.test_sanitize import _vectors


class CommentAuditor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in COMMENT_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in COMMENT_ATTRIBUTES.get(tag, []):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "cite") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme and scheme not in PROTOCOLS:
                    self.problems.append(f"{scheme}: link")

    handle_startendtag = handle_starttag


def test_every_vector_comes_out_of_the_comment_renderers_harmless():
    failures = []
    for vector in _vectors():
        for render in (render_comment, clean_comment_html):
            auditor = CommentAuditor()
            auditor.feed(render(vector))
            if auditor.problems:
                failures.append((render.__name__, vector, auditor.problems))
    assert not failures, failures[:5]


def test_every_vector_the_url_rule_keeps_is_a_plain_web_address():
    kept = []
    for vector in _vectors():
        try:
            url = clean_url(vector)
        except BadUrl:
            continue
        kept.append(url)
        parts = urlsplit(url)
        assert parts.scheme in ("http", "https") and parts.hostname, (vector, url)
        assert safe_href(url) == url, (vector, url)
        assert not any(c in url for c in "<>\"' \t\n"), (vector, url)
    assert len(kept) < len(_vectors()) / 10  # nearly all of the corpus is refused outright


def test_the_render_guard_refuses_every_vector_the_rule_refuses():
    for vector in _vectors():
        try:
            clean_url(vector)
        except BadUrl:
            href = safe_href(vector)
            assert href is None or urlsplit(href).scheme in ("http", "https"), vector
