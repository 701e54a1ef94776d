"""People and moving blogs, in a real browser: an admin adds a user who is invited by mail,
an admin downloads the site's export, and the importer maps a WordPress author to a user."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Article, Role, User
from tests.browser.helpers import log_in
from tests.factories import make_article, make_user

pytestmark = pytest.mark.browser

SMALL = Path(__file__).resolve().parents[1] / "importers" / "fixtures" / "small.xml"


def test_admin_adds_a_user_who_follows_the_mailed_link_to_set_a_password(
        page: Page, open_page, live_server, db, smtp):
    admin = make_user(Role.ADMIN, name="Ines Admin")
    base = live_server.url
    log_in(page, base, admin.email)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add a user").click()
    page.get_by_label("Name").fill("Noor Writer")
    page.get_by_label("Email").fill("noor@example.org")
    page.get_by_label("Role").select_option("author")
    page.get_by_role("button", name="Add and invite").click()
    expect(page).to_have_url(f"{base}/admin/users/")
    expect(page.get_by_role("status")).to_contain_text("an invitation to choose a password")
    expect(page.get_by_role("row", name=re.compile("Noor Writer"))).to_contain_text(
        "no: set a password")

    [message] = smtp.to("noor@example.org")
    link = re.search(r"(https?://\S+/set-password/\S+)", message.get_content()).group(1)
    invited = open_page()
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_have_text("Choose your password")
    invited.get_by_label("New password").fill("copper kettle 19")
    invited.get_by_label("Repeat password").fill("copper kettle 19")
    invited.get_by_role("button", name="Set password").click()
    expect(invited.get_by_role("status")).to_contain_text("Your password is set")
    expect(invited.get_by_role("navigation", name="Site")).to_contain_text("Noor Writer")


def test_admin_downloads_the_export_file(page: Page, live_server, db):
    admin = make_user(Role.ADMIN)
    make_article(make_user(Role.AUTHOR, name="Pia Pen"), title="Notes from the field")
    base = live_server.url
    log_in(page, base, admin.email)
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export")
    page.get_by_label("Articles by Pia Pen").check()
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download export file").click()
    download = waiting.value
    assert re.fullmatch(r".*\.pia-pen\.wordpress\.\d{4}-\d\d-\d\d\.xml",
                        download.suggested_filename)
    root = ElementTree.parse(download.path()).getroot()
    assert [item.findtext("title") for item in root.iter("item")] == ["Notes from the field"]


def test_the_importer_maps_a_wordpress_author_to_an_existing_user(page: Page, live_server, db):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    base = live_server.url
    log_in(page, base, admin.email)
    page.goto(f"{base}/admin/import/")
    page.get_by_label("WordPress export file (WXR, .xml)").set_input_files(SMALL)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/import/\d+/authors$"))
    page.get_by_label(re.compile("Joana Conceição")).select_option(
        label=f"Ada Admin ({admin.email})")
    page.get_by_role("button", name="Start the import").click()
    expect(page.get_by_role("status")).to_contain_text("Done", timeout=15_000)
    db.session.commit()
    joana = db.session.scalars(select(User).where(User.email == "joana@example.com")).first()
    assert joana is None  # her posts went to the chosen user, no account was made for her
    authors = {a.author.name for a in db.session.scalars(select(Article))}
    assert "Ada Admin" in authors and "Łucja Wiśniewska" in authors
