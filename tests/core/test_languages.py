"""Language names and tags for translations: what authors write, what hreflang holds."""

from __future__ import annotations

import pytest

from app.core.languages import (
    LANGUAGES,
    Language,
    UnknownLanguage,
    canonical_tag,
    read_language,
    written_form,
)


@pytest.mark.parametrize(("written", "expected"), [
    ("English", Language("English", "en")),
    ("Português", Language("Português", "pt")),
    ("portugues", Language("Português", "pt")),
    ("Portuguese", Language("Português", "pt")),
    ("  POLSKI ", Language("Polski", "pl")),
    ("Polish", Language("Polski", "pl")),
    ("中文", Language("中文", "zh")),
    ("Deutsch", Language("Deutsch", "de")),
    ("Español", Language("Español", "es")),
    ("francais", Language("Français", "fr")),
    ("Italiano", Language("Italiano", "it")),
    ("Nederlands", Language("Nederlands", "nl")),
    ("日本語", Language("日本語", "ja")),
    ("Русский", Language("Русский", "ru")),
    ("한국어", Language("한국어", "ko")),
    ("Brazilian Portuguese", Language("Português (Brasil)", "pt-BR")),
    ("中文（简体）", Language("简体中文", "zh-Hans")),
])
def test_known_names_give_their_tags(written, expected):
    assert read_language(written) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("pl", Language("Polski", "pl")),
    ("PT-br", Language("Português (Brasil)", "pt-BR")),
    ("pt_BR", Language("Português (Brasil)", "pt-BR")),
    ("zh-hans", Language("简体中文", "zh-Hans")),
    ("ZH-HANT-TW", Language("繁體中文 (TW)", "zh-Hant-TW")),
    ("es-419", Language("Español (Latinoamérica)", "es-419")),
    ("de-LI", Language("Deutsch (LI)", "de-LI")),
    ("sr-Latn", Language("Српски (Latn)", "sr-Latn")),
    ("kw", Language("kw", "kw")),
])
def test_a_tag_alone_is_named_from_the_table(written, expected):
    assert read_language(written) == expected


def test_a_name_with_its_tag_is_kept_as_written():
    assert read_language("Kernewek (kw)") == Language("Kernewek", "kw")
    assert read_language("Português (pt-br)") == Language("Português", "pt-BR")
    assert read_language("English (UK)") == Language("English (UK)", "en-GB")  # a known name


@pytest.mark.parametrize("written", ["Klingonese", "Polsky", "Kernewek (not a tag)",
                                     "pl-", "x" * 41 + " (pl)", "en-" + "a" * 40, ""])
def test_anything_else_is_refused_with_what_to_write(written):
    with pytest.raises(UnknownLanguage) as refused:
        read_language(written)
    message = str(refused.value)
    if written and not written.endswith("(pl)"):
        assert message.startswith("Write the language as a code like 'pl' or a known name: "
                                  "English, Português, Polski, 中文")


def test_tags_are_written_in_their_usual_case():
    assert canonical_tag("EN-us") == "en-US"
    assert canonical_tag("zh-hant-hk") == "zh-Hant-HK"
    assert canonical_tag("de-CH-1996") == "de-CH-1996"
    assert canonical_tag("Polski") is None and canonical_tag("e") is None


def test_every_name_in_the_table_reads_back_to_its_own_tag():
    for code, name, others in LANGUAGES:
        assert canonical_tag(code) == code, code
        assert len(name) <= 40
        for written in (name, *others):
            assert read_language(written).code == code, written


@pytest.mark.parametrize(("name", "code"), [
    ("Polski", "pl"), ("Kernewek", "kw"), ("Português", "pt-BR"), ("kw", "kw"),
    ("Português (Brasil)", "pt-BR"), ("Português (Brasil)", "pt"), ("繁體中文 (TW)", "zh-Hant-TW"),
])
def test_the_written_form_reads_back_to_the_same_name_and_tag(name, code):
    assert read_language(written_form(name, code)) == Language(name, code)


def test_the_written_form_is_what_an_author_would_type():
    assert written_form("Polski", "pl") == "Polski"
    assert written_form("Kernewek", "kw") == "Kernewek (kw)"
    assert written_form("繁體中文 (TW)", "zh-Hant-TW") == "zh-Hant-TW"
    assert written_form("Klingonese", "") == "Klingonese"  # from before codes: shown as it was
