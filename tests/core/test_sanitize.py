"""The sanitiser against real third-party XSS corpora (read where they lie, in ../shared)."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.core.sanitize import ARTICLE_ATTRIBUTES, ARTICLE_TAGS, PROTOCOLS, render_article_markdown

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "xss"


def _vectors() -> list[str]:
    if not CORPUS.exists():
        # As every corpus test here: CI must have it; a checkout without ../shared skips.
        if os.environ.get("CI"):
            pytest.fail(f"the XSS corpus is missing at {CORPUS}")
        pytest.skip(f"no XSS corpus at {CORPUS}")
    vectors = (CORPUS / "payloadbox-xss-payload-list.txt").read_text(encoding="utf-8").splitlines()
    owasp = json.loads((CORPUS / "owasp-xss-filter-evasion.json").read_text(encoding="utf-8"))
    for item in owasp["vectors"]:
        if item["kind"] in ("payload", "url-query-payload"):
            vectors += [item["vector"], item["vector_raw"]]
    h5sc = json.loads((CORPUS / "h5sc-html5sec-vectors.json").read_text(encoding="utf-8"))
    vectors += [item["vector"] for item in h5sc["vectors"]]
    return [v for v in vectors if isinstance(v, str) and v.strip()]


class Auditor(HTMLParser):
    """Record every tag, attribute and link scheme that survived sanitising."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ARTICLE_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ARTICLE_ATTRIBUTES.get(tag, [])
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "src", "cite") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme and scheme not in PROTOCOLS:
                    self.problems.append(f"{scheme}: link in {name}")

    handle_startendtag = handle_starttag


def test_corpus_is_large_enough_to_mean_something():
    assert len(_vectors()) > 6700


def test_every_corpus_vector_comes_out_harmless():
    failures = []
    for vector in _vectors():
        for source in (vector, f"Text before\n\n{vector}\n\nand after"):
            auditor = Auditor()
            auditor.feed(render_article_markdown(source))
            if auditor.problems:
                failures.append((vector, auditor.problems))
    assert not failures, failures[:5]


def test_markdown_links_with_script_schemes_are_dropped():
    html = render_article_markdown(
        '[click](javascript:alert(1)) <a href="javascript:alert(2)">raw</a> [ok](https://example.org)')
    assert "href=\"javascript" not in html and "<a>raw</a>" in html
    assert 'href="https://example.org"' in html


def test_allowed_formatting_survives():
    html = render_article_markdown(
        "## Head\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~")
    for fragment in ("<h2>Head</h2>", "<blockquote>", "<table>", "<s>old</s>"):
        assert fragment in html
