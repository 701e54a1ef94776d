"""The one URL rule (app/core/urls.py) and the render-side guard."""

from __future__ import annotations

import pytest

from app.core.urls import BadUrl, clean_url, safe_href, url_or_empty


@pytest.mark.parametrize(("typed", "kept"), [
    ("https://example.org/a", "https://example.org/a"),
    ("example.org", "http://example.org/"),
    ("  HTTPS://Example.ORG:443/Path?q=1#top  ", "https://example.org/Path?q=1#top"),
    ("http://example.org:8080", "http://example.org:8080/"),
    ("example.org:8080/x", "http://example.org:8080/x"),
    ("https://bücher.example/straße?ä=ö", "https://xn--bcher-kva.example/stra%C3%9Fe?%C3%A4=%C3%B6"),
    ("http://127.0.0.1:8091/wp/", "http://127.0.0.1:8091/wp/"),
    ("http://[::1]:8080/", "http://[::1]:8080/"),
    ("", ""),
    ("   ", ""),
])
def test_addresses_that_are_kept_come_out_normalised(typed, kept):
    assert clean_url(typed) == kept


@pytest.mark.parametrize("typed", [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "ftp://example.org/",
    "mailto:someone@example.org",
    "//evil.example/",
    "/relative/path",
    "http:/example.org",
    "https:example.org",
    "http://user:secret@example.org/",
    "http://example.org@evil.example/",
    "http://exa mple.org/",
    "http://example.org/\u202egnp.exe",
    "http://example.org\\@evil.example/",
    "http://999.0.0.1/",
    "http://localhost/",
    "http://-bad-.example/",
    "http://example.123/",
    "http://example.org:99999/",
    "https://example.org/" + "a" * 500,
])
def test_anything_but_an_absolute_http_address_is_refused(typed):
    with pytest.raises(BadUrl):
        clean_url(typed)


def test_the_refusal_says_what_to_type():
    with pytest.raises(BadUrl, match="http:// or https://"):
        clean_url("javascript:alert(1)")
    with pytest.raises(BadUrl, match="limit is 255"):
        clean_url("https://example.org/" + "a" * 300, max_length=255)


def test_imports_drop_what_the_rule_refuses():
    assert url_or_empty("javascript:alert(1)") == ""
    assert url_or_empty("example.org") == "http://example.org/"


@pytest.mark.parametrize("stored", [
    "javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x",
    "//evil.example/", "/local", "http://", "https://user@example.org/", "http://a b.org/",
    "http://example.org/\x00", "http://example.org\\x", None, "",
])
def test_the_render_guard_never_lets_a_bad_stored_value_become_an_href(stored):
    assert safe_href(stored) is None


def test_the_render_guard_keeps_good_addresses():
    assert safe_href("https://example.org/a?b=c") == "https://example.org/a?b=c"
