"""Importing a WordPress export in a real browser (issue #5): upload, follow the job to "Done",
read the summary, then find an imported article at its old permalink with its threads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.models import Article, ImportJob, Response, Role
from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

SMALL = Path(__file__).resolve().parents[1] / "importers" / "fixtures" / "small.xml"
ARRIVAL = "/2009/06/01/chegada-aos-acores/"


def site_nav(page: Page):
    return page.get_by_role("navigation", name="Site")


def test_admin_imports_an_export_and_reads_a_thread_at_its_old_permalink(
        page: Page, live_server, db):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    base = live_server.url
    log_in(page, base, admin.email)

    site_nav(page).get_by_role("link", name="Import", exact=True).click()
    expect(page).to_have_url(f"{base}/admin/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import from WordPress")
    page.get_by_label("WordPress export file (WXR, .xml)").set_input_files(SMALL)
    page.get_by_role("button", name="Import", exact=True).click()

    # The file names its WordPress authors: the importer says who they become first.
    expect(page).to_have_url(re.compile(r"/admin/import/\d+/authors$"))
    page.get_by_role("button", name="Start the import").click()
    expect(page).to_have_url(re.compile(r"/admin/import/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of small.xml")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Done", timeout=15_000)
    expect(status).to_have_text("Done: 6 articles and 11 responses imported.")
    summary = page.locator("pre.summary")
    expect(summary).to_contain_text("WXR version 1.2")
    expect(summary).to_contain_text(re.compile(r"post\s+publish\s+2"))
    expect(summary).to_contain_text(re.compile(r"created \(published\)\s+2"))
    expect(summary).to_contain_text(re.compile(r"pingback\s+approved\s+1"))
    expect(summary).to_contain_text("Authors created: 2   Tags created: 5")
    expect(summary).to_contain_text("page items skipped (Parley imports posts)")

    db.session.commit()  # a fresh snapshot: the server wrote after this session's last read
    job = db.session.scalars(select(ImportJob)).one()
    assert job.state == "done" and page.url == f"{base}/admin/import/{job.id}"
    assert db.session.scalar(select(func.count()).select_from(Article)) == 6
    ids = {r.wp_comment_id: r.id for r in db.session.scalars(select(Response))}

    page.get_by_role("link", name="Import another file").click()
    expect(page.get_by_role("main").get_by_role("link", name="small.xml")).to_be_visible()

    page.goto(f"{base}{ARRIVAL}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chegada aos Açores")
    body = page.locator(".article-body")
    expect(body.locator("p").first).to_contain_text("Chegámos a Ponta Delgada ao fim da tarde.")
    expect(body.locator("blockquote")).to_contain_text("Um farol não é um sítio")

    top, reply, deeper = (page.locator(f"#comment-{ids[n]}") for n in (201, 202, 203))
    expect(top).to_contain_text("Tomás Ribeiro")
    expect(reply.locator("> .response-card")).to_contain_text("Obrigada")
    expect(deeper.locator("> .response-card")).to_contain_text("谢谢！我八月也想去看灯塔。")
    expect(deeper).to_have_class(re.compile(r"\bdepth-2\b"))
    # Each reply sits inside its parent's list of replies, and further to the right.
    expect(page.locator(f"#comment-{ids[201]} > ol.children > #comment-{ids[202]} "
                        f"> ol.children > #comment-{ids[203]}")).to_have_count(1)
    left = [item.locator("> .response-card").bounding_box()["x"]
            for item in (top, reply, deeper)]
    assert left[0] < left[1] < left[2], left

    # The reply that came before its parent in the file is under it; the pingback is shown.
    expect(page.locator(f"#comment-{ids[205]} > ol.children > #comment-{ids[204]}")) \
        .to_have_count(1)
    expect(page.locator(f"#comment-{ids[209]}")).to_contain_text(
        "Ilhas e faróis | Diário de Bordo")

    # WordPress's plain link to the post leads to the same page.
    page.goto(f"{base}/?p=101")
    expect(page).to_have_url(f"{base}{ARRIVAL}")


def test_member_cannot_open_the_import_page(page: Page, live_server, db):
    member = make_user(Role.MEMBER, name="Rui Member")
    base = live_server.url
    log_in(page, base, member.email)
    expect(site_nav(page).get_by_role("link", name="Rui Member")).to_be_visible()
    expect(site_nav(page).get_by_role("link", name="Import", exact=True)).to_have_count(0)

    response = page.goto(f"{base}/admin/import/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.get_by_label("WordPress export file (WXR, .xml)")).to_have_count(0)


def test_a_file_over_the_import_cap_gets_the_form_back_with_the_reason(
        page: Page, live_server, app, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 64 * 1024)
    big = tmp_path / "too-big.xml"
    big.write_bytes(SMALL.read_bytes().replace(b"</channel>", b"<!--" + b"x" * 80_000
                                               + b"--></channel>"))
    admin = make_user(Role.ADMIN, name="Ada Admin")
    base = live_server.url
    log_in(page, base, admin.email)
    page.goto(f"{base}/admin/import/")
    field = page.get_by_label("WordPress export file (WXR, .xml)")
    expect(page.get_by_text("Up to 64 KB.")).to_be_visible()
    field.set_input_files(big)
    with page.expect_response(f"{base}/admin/import/") as answer:
        page.get_by_role("button", name="Import", exact=True).click()
    assert answer.value.status == 413
    expect(page.get_by_role("heading", level=1)).to_have_text("Import from WordPress")
    field = page.get_by_label("WordPress export file (WXR, .xml)")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#file-error")).to_contain_text(
        "This file is larger than the 64 KB an import may be")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_a_file_that_is_not_xml_fails_with_its_reason_on_the_job_page(
        page: Page, live_server, db, tmp_path):
    broken = tmp_path / "cut-short.xml"
    broken.write_bytes(SMALL.read_bytes()[:5000])
    admin = make_user(Role.ADMIN, name="Ada Admin")
    base = live_server.url
    log_in(page, base, admin.email)
    page.goto(f"{base}/admin/import/")
    page.get_by_label("WordPress export file (WXR, .xml)").set_input_files(broken)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of cut-short.xml")
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"^The file is not well-formed XML: .* at line \d+, column \d+ .*"
                   r"Nothing was imported\.$"), timeout=15_000)
    page.goto(f"{base}/")
    expect(page.get_by_text("Chegada aos Açores")).to_have_count(0)
