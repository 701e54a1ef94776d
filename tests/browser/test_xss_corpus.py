"""The shared XSS corpus through every write path, and every page that shows it, in Chromium.

Write paths: the comment service behind the form, a moderator's quick edit, the WordPress
import and the profile. Each vector goes into every field that path takes (text, name,
website, bio…). Then Chromium opens the article pages, the author pages and the moderation
queue twice: once with the Content-Security-Policy bypassed, so that the sanitiser and the
URL rule alone must hold, and once as a reader gets them. No dialog may open, no script may
run, and the DOM may hold no event-handler attribute, no script: link and no element outside
what the page itself puts there.

The full corpus goes through the sanitiser and the URL rule in tests/core/test_sanitize.py;
here a fixed, spread-out selection of it travels the whole way, so the run stays short.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page
from sqlalchemy import select, update

from app.auth.services import update_profile
from app.comments.services import Commenter, CommentInput, CommentRefused, submit_comment
from app.core.urls import BadUrl
from app.importers.wxr import import_wxr
from app.models import Article, Response, ResponseStatus, Role
from app.models.types import utcnow
from app.moderation import settings as site_settings
from app.moderation.services import quick_edit
from tests.browser.helpers import log_in
from tests.factories import change_settings, make_article, make_response, make_user

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "xss"
EVERY_NTH_PAYLOADBOX = 40


def selected_vectors() -> list[str]:
    """Every H5SC and OWASP vector, and every 40th line of payloadbox's list."""
    if not CORPUS.exists():
        # As every corpus test here: CI must have it; a checkout without ../shared skips.
        if os.environ.get("CI"):
            pytest.fail(f"the XSS corpus is missing at {CORPUS}")
        pytest.skip(f"no XSS corpus at {CORPUS}")
    h5sc = json.loads((CORPUS / "h5sc-html5sec-vectors.json").read_text(encoding="utf-8"))
    owasp = json.loads((CORPUS / "owasp-xss-filter-evasion.json").read_text(encoding="utf-8"))
    lines = (CORPUS / "payloadbox-xss-payload-list.txt").read_text(encoding="utf-8").splitlines()
    vectors = [item["vector"] for item in h5sc["vectors"]]
    vectors += [item[key] for item in owasp["vectors"]
                if item["kind"] in ("payload", "url-query-payload")
                for key in ("vector", "vector_raw")]
    vectors += lines[::EVERY_NTH_PAYLOADBOX]
    seen, unique = set(), []
    for vector in vectors:
        if vector.strip() and vector not in seen:
            seen.add(vector)
            unique.append(vector)
    return unique


# What Chromium reports about a page: dialogs that opened, calls to the functions payloads
# use, and every dangerous thing left in the DOM after focusing and hovering everything.
INIT_SCRIPT = """
window.__xss = [];
for (const name of ['alert', 'prompt', 'confirm', 'print', 'open']) {
  const original = window[name];
  window[name] = function () { window.__xss.push(name + ':' + String(arguments[0])); };
}
"""
AUDIT_SCRIPT = """
() => {
  const problems = [];
  const scriptish = /^\\s*(javascript|vbscript|data|livescript|mocha):/i;
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(el.tagName + ' ' + name);
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background',
           'poster', 'srcdoc'].includes(name) && scriptish.test(attr.value))
        problems.push(el.tagName + ' ' + name + '=' + attr.value.slice(0, 60));
    }
    const tag = el.tagName.toLowerCase();
    if (['iframe', 'object', 'embed', 'base', 'frame', 'frameset', 'applet', 'svg', 'math',
         'style', 'link', 'meta', 'form', 'input', 'button', 'textarea', 'select', 'img',
         'video', 'audio', 'source', 'template'].includes(tag)
        && el.closest('.response-text, .response-author, .author-box p, .who strong, .excerpt'))
      problems.push('element ' + tag + ' inside user content');
    if (tag === 'script' && !(el.getAttribute('src') || '').startsWith('/static/'))
      problems.push('script element ' + el.outerHTML.slice(0, 80));
  }
  for (const el of document.querySelectorAll('a, [tabindex], input, textarea')) {
    try { el.focus(); el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); } catch (e) {}
  }
  return problems.concat(window.__xss || []);
}
"""


def watched(page: Page) -> Page:
    """Record every dialog the page opens (and close it), and every payload-style call."""
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(INIT_SCRIPT)
    return page


def audit(page: Page, url: str) -> list[str]:
    page.dialogs.clear()
    page.goto(url)
    problems = page.evaluate(AUDIT_SCRIPT)
    page.wait_for_timeout(50)  # a payload on a timer or an event fired by the audit
    problems += page.evaluate("() => window.__xss || []")
    return [f"{url}: {p}" for p in problems + [f"dialog {m}" for m in page.dialogs]]


def _commenter(n: int) -> Commenter:
    return Commenter(user=None, ip=f"198.51.{n // 250}.{n % 250 + 1}", user_agent="corpus",
                     now=utcnow())


def _through_the_comment_form(article: Article, vectors: list[str]) -> None:
    settings = site_settings.load()
    for n, vector in enumerate(vectors):
        for website in (vector, ""):  # the website first; refused, the rest without it
            try:
                submit_comment(article, CommentInput(body=vector, name=vector[:200],
                                                     email=f"c{n}@example.org",
                                                     website=website),
                               _commenter(n), settings)
            except CommentRefused as refusal:
                assert set(refusal.errors) <= {"website", "name", "body"}, refusal.errors
                continue
            break


def _through_quick_edit(article: Article, vectors: list[str], moderator) -> None:
    for vector in vectors:
        response = make_response(article, body="Before the edit")
        try:
            quick_edit(response, moderator, name=vector, email="q@example.org", website=vector,
                       body=vector, now=utcnow())
        except BadUrl:
            quick_edit(response, moderator, name=vector, email="q@example.org", website="",
                       body=vector, now=utcnow())


def _xml_text(text: str) -> str:
    """Escape for XML, leaving out the characters XML 1.0 cannot carry at all."""
    return escape(re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd]", "", text))


def _through_the_import(vectors: list[str]) -> None:
    comments = "".join(f"""
    <wp:comment><wp:comment_id>{n + 1}</wp:comment_id>
      <wp:comment_author>{_xml_text(vector)}</wp:comment_author>
      <wp:comment_author_email>i{n}@example.org</wp:comment_author_email>
      <wp:comment_author_url>{_xml_text(vector)}</wp:comment_author_url>
      <wp:comment_date_gmt>2020-01-01 10:00:00</wp:comment_date_gmt>
      <wp:comment_content>{_xml_text(vector)}</wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent></wp:comment>""" for n, vector in enumerate(vectors))
    wxr = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel><title>Corpus</title><link>https://old.example.org</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Imported corpus</title><link>https://old.example.org/2020/01/01/corpus/</link>
  <dc:creator>admin</dc:creator><guid isPermaLink="false">https://old.example.org/?p=1</guid>
  <content:encoded><![CDATA[<p>The corpus arrives in the comments.</p>]]></content:encoded>
  <excerpt:encoded>{_xml_text(vectors[0])}</excerpt:encoded>
  <wp:post_id>1</wp:post_id><wp:post_date_gmt>2020-01-01 09:00:00</wp:post_date_gmt>
  <wp:post_name>corpus</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
  <wp:comment_status>open</wp:comment_status>{comments}
</item></channel></rss>"""
    import_wxr(io.BytesIO(wxr.encode()), zone=ZoneInfo("UTC"), now=utcnow())


def _through_profiles(vectors: list[str], per_author: int = 60) -> list[Article]:
    articles = []
    for start in range(0, len(vectors), per_author):
        chunk = vectors[start:start + per_author]
        author = make_user(Role.AUTHOR)
        try:
            update_profile(author, name=chunk[0][:120] or "x", job_title=chunk[-1][:120],
                           bio="\n".join(chunk)[:2000], social_handle=chunk[1 % len(chunk)][:120],
                           website=chunk[0], new_password=None)
        except BadUrl:
            update_profile(author, name=chunk[0][:120] or "x", job_title=chunk[-1][:120],
                           bio="\n".join(chunk)[:2000], social_handle=chunk[1 % len(chunk)][:120],
                           website="", new_password=None)
        articles.append(make_article(author, title=f"Profile corpus {start}"))
    return articles


@pytest.fixture
def corpus_site(db):
    """Every write path filled with the selection; everything approved, so readers see it."""
    vectors = selected_vectors()
    change_settings(flood_seconds=0, threads_per_page=1000, max_links=0)
    moderator = make_user(Role.ADMIN, email="corpus-admin@example.org")
    form_article = make_article(title="Corpus through the form")
    edit_article = make_article(title="Corpus through quick edit")
    _through_the_comment_form(form_article, vectors)
    _through_quick_edit(edit_article, vectors, moderator)
    _through_the_import(vectors)
    profile_articles = _through_profiles(vectors)
    # Rows written before the URL rule existed (or by hand): the render guard must hold alone.
    legacy = make_article(title="Corpus already in the database")
    for vector in vectors:
        make_response(legacy, author_name="Legacy", author_url=vector[:500], body="Old row")
    legacy.author.website = vectors[0][:255]
    db.session.execute(update(Response).values(status=ResponseStatus.APPROVED))
    db.session.commit()
    articles = list(db.session.scalars(select(Article).order_by(Article.id)))
    return {"vectors": vectors, "articles": articles, "moderator": moderator,
            "profiles": profile_articles}


def test_the_selection_is_a_real_share_of_the_corpus():
    assert len(selected_vectors()) > 400


def test_no_corpus_vector_runs_anywhere_it_is_shown(corpus_site, live_server, open_page, db):
    base = live_server.url
    articles = corpus_site["articles"]
    counts = {a.id: db.session.scalar(select(Response.id).where(Response.article_id == a.id)
                                      .limit(1)) for a in articles}
    assert all(counts[a.id] for a in articles if not a.title.startswith("Profile")), counts
    public = [a.path for a in articles]
    public += [f"/author/{a.author.slug}/" for a in corpus_site["profiles"]]
    public += ["/"]
    total = db.session.scalar(select(Response.id).order_by(Response.id.desc()).limit(1))
    queue = [f"/moderation/?status=approved&page={n}" for n in range(1, total // 20 + 2)]

    problems: list[str] = []
    for bypass in (True, False):
        reader = watched(open_page(bypass_csp=bypass))
        for path in public:
            problems += audit(reader, base + path)
        staff = watched(open_page(bypass_csp=bypass))
        log_in(staff, base, corpus_site["moderator"].email)
        # The queue's DOM is the same with the policy on: audit its every page once.
        for path in (queue if bypass else queue[:3]) + [f"/moderation/{total}/edit", "/account"]:
            problems += audit(staff, base + path)
    assert not problems, problems[:20]


# --- finding 1, as the review reproduced it -----------------------------------------------------

def takeover_payload(victim_id: int) -> str:
    """A website that, clicked by an admin, would make the moderator an admin (the review's
    295-character exploit had this shape)."""
    url = f"/admin/users/{victim_id}"
    return (f"javascript:fetch('{url}').then(r=>r.text()).then(h=>{{let t=h.match("
            "/csrf_token.*?value=\"([^\"]+)/)[1];let f=new FormData();f.append('csrf_token',t);"
            "f.append('role','admin');f.append('name','M');f.append('email','m@example.org');"
            f"fetch('{url}',{{method:'POST',body:f}})}});alert(1)//https://ex.org/")


def test_a_script_website_can_neither_be_stored_nor_clicked(live_server, open_page, db,
                                                             tmp_path):
    base = live_server.url
    admin = make_user(Role.ADMIN, email="admin@example.org")
    moderator = make_user(Role.MODERATOR, email="mod@example.org")
    article = make_article(title="Takeover attempt")
    target = make_response(article, author_name="Quiet Reader", body="A fine article.")
    payload = takeover_payload(moderator.id)

    # The moderator tries the quick edit: refused beside the field, the rest kept.
    mod_page = watched(open_page())
    log_in(mod_page, base, moderator.email)
    mod_page.goto(f"{base}/moderation/{target.id}/edit")
    mod_page.get_by_label("Website").fill(payload)
    mod_page.get_by_label("Text").fill("Edited by the moderator")
    mod_page.get_by_role("button", name="Save changes").click()
    field_error = mod_page.locator("#website-error")
    assert "http:// or https://" in field_error.inner_text()
    assert mod_page.get_by_label("Text").input_value() == "Edited by the moderator"

    # The admin imports an export whose commenter website is the same payload.
    export = tmp_path / "takeover.xml"
    export.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old blog</title><link>https://old.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>Imported post</title><link>https://old.example.org/2021/02/03/imported/</link>
  <dc:creator>admin</dc:creator><guid isPermaLink="false">https://old.example.org/?p=7</guid>
  <content:encoded><![CDATA[<p>Body.</p>]]></content:encoded>
  <wp:post_id>7</wp:post_id><wp:post_date_gmt>2021-02-03 09:00:00</wp:post_date_gmt>
  <wp:post_name>imported</wp:post_name><wp:status>publish</wp:status>
  <wp:post_type>post</wp:post_type>
  <wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>Clicky</wp:comment_author>
    <wp:comment_author_email>c@example.org</wp:comment_author_email>
    <wp:comment_author_url>{escape(payload)}</wp:comment_author_url>
    <wp:comment_date_gmt>2021-02-03 10:00:00</wp:comment_date_gmt>
    <wp:comment_content>Nice.</wp:comment_content><wp:comment_approved>0</wp:comment_approved>
    <wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent>
  </wp:comment>
</item></channel></rss>""", encoding="utf-8")
    admin_page = watched(open_page(bypass_csp=True))
    log_in(admin_page, base, admin.email)
    admin_page.goto(f"{base}/admin/import/")
    admin_page.get_by_label("WordPress export file (WXR, .xml)").set_input_files(export)
    admin_page.get_by_role("button", name="Import", exact=True).click()
    admin_page.get_by_role("status").filter(has_text="Done").wait_for(timeout=15_000)

    # The admin works the queue and clicks every commenter name and website there is.
    problems = audit(admin_page, f"{base}/moderation/?status=all")
    for link in admin_page.locator("td.who a, td.who span").all():
        link.click(modifiers=["Control"]) if link.get_attribute("href") else link.click()
    problems += [f"dialog {m}" for m in admin_page.dialogs]
    db.session.commit()  # a fresh snapshot: the server imported after this session's last read
    imported = db.session.scalars(select(Article).where(Article.title == "Imported post")).one()
    problems += audit(admin_page, base + imported.path)
    html = admin_page.content()
    assert not problems, problems
    assert "javascript:" not in html
    db.session.commit()
    assert db.session.get(type(moderator), moderator.id).role is Role.MODERATOR
