"""The author mapping rule: what a choice on the authors page means to the importer."""

from __future__ import annotations

import io

from app.importers.services import author_choices
from app.importers.wxr import WxrAuthor, mapped_user_id, read_authors
from tests.importers.helpers import SMALL, wxr_document, wxr_item


def test_a_chosen_user_id_is_used_and_anything_else_means_a_new_user():
    choices = {"ada": 7, "ben": 0, "cy": -3, "dee": True, "eve": "7"}
    assert mapped_user_id(choices, "ada") == 7
    assert [mapped_user_id(choices, login) for login in ("ben", "cy", "dee", "eve", "zed")] \
        == [None] * 5


def test_the_form_is_read_by_position_and_a_missing_or_odd_value_is_a_new_user():
    authors = [WxrAuthor("ada", "Ada", ""), WxrAuthor("ben", "Ben", ""),
               WxrAuthor("cy", "Cy", "")]
    assert author_choices(authors, {"author-0": "12", "author-1": "new",
                                    "author-2": "١٢"}) == {"ada": 12, "ben": None, "cy": None}
    assert author_choices(authors, {}) == {"ada": None, "ben": None, "cy": None}


def test_the_author_list_is_read_from_the_head_of_the_file():
    channel = ("<wp:author><wp:author_login><![CDATA[ada]]></wp:author_login>"
               "<wp:author_display_name><![CDATA[Ada &amp; Co]]></wp:author_display_name>"
               "<wp:author_email>ada@old.example</wp:author_email></wp:author>"
               "<wp:author><wp:author_display_name>No login</wp:author_display_name>"
               "</wp:author>")
    document = wxr_document(wxr_item(1, "A post"), channel=channel)
    assert read_authors(io.BytesIO(document)) == [WxrAuthor("ada", "Ada & Co",
                                                            "ada@old.example")]
    assert read_authors(io.BytesIO(b"<rss><channel><item>")) == []  # not XML: the import says
    with SMALL.open("rb") as small:
        assert [a.login for a in read_authors(small)]
