"""The excerpts lists show (`core/text.excerpt_from_html`) and the search's highlighting."""

from __future__ import annotations

from app.core.fulltext import excerpt, highlight, parse_query
from app.core.text import excerpt_from_html, plain_text, text_blocks
from app.models import Role
from tests.factories import make_article, make_user


def test_blocks_keep_their_edges():
    body = ("<h2>Why roadmaps fail</h2><p>Teams <em>ship</em> late.</p>"
            "<ul><li>no owner</li><li>no date</li></ul><pre><code>plan = None\n</code></pre>"
            "<p>Fix it</p>")
    assert text_blocks(body) == ["Why roadmaps fail", "Teams ship late.", "no owner",
                                 "no date", "plan = None", "Fix it"]
    assert excerpt_from_html(body) == \
        "Why roadmaps fail. Teams ship late. no owner. no date. plan = None. Fix it"


def test_excerpt_keeps_sentence_ends_and_cuts_long_text():
    assert excerpt_from_html("<p>Really?</p><p>Yes: this.</p><blockquote><p>Quoted”</p>"
                             "</blockquote>") == "Really? Yes: this. Quoted”"
    assert excerpt_from_html("<p>One line<br>next line</p>") == "One line. next line"
    long = "<p>" + " ".join(f"w{n}" for n in range(80)) + "</p>"
    assert excerpt_from_html(long, words=5) == "w0 w1 w2 w3 w4 …"
    assert excerpt_from_html("<p>Fish &amp; chips &lt;3</p>") == "Fish & chips <3"


def test_a_published_article_gets_a_block_aware_summary(db):
    article = make_article(make_user(Role.AUTHOR),
                           body="## Getting started\n\n- Read the brief\n- Ask why\n\nThen write.")
    assert article.summary == "Getting started. Read the brief. Ask why. Then write."


def test_highlight_marks_prefixes_and_phrases_on_escaped_text():
    query = parse_query('interview "product manager"')
    assert str(highlight("<b>Interviews</b> for a Product  Manager", query)) == \
        "&lt;b&gt;<mark>Interviews</mark>&lt;/b&gt; for a <mark>Product  Manager</mark>"
    assert str(highlight("a product and a manager", query)) == "a product and a manager"
    assert str(highlight("Carrière", parse_query("carriere"))) == "<mark>Carrière</mark>"


def test_excerpt_centres_on_the_match_and_escapes():
    text = " ".join(["filler"] * 100) + " the <roadmap> word " + " ".join(["tail"] * 100)
    shown = str(excerpt(text, parse_query("roadmap"), length=80))
    assert shown.startswith("… ") and shown.endswith(" …")
    assert "&lt;<mark>roadmap</mark>&gt;" in shown and "<roadmap>" not in shown


def test_plain_text_of_an_article_keeps_words_and_blocks_apart():
    assert plain_text("<h2>Title</h2><p>First&nbsp;para &amp; <b>more</b></p>") == \
        "Title. First para & more"
