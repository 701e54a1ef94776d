"""Language names and BCP 47 tags, for an article's translations.

An author writes a translation's language as its name ("Polski", "Polish"), as a tag ("pl",
"pt-BR", "zh-Hans"), or as a name with its tag ("Kernewek (kw)") for a language this table
does not know. `read_language` returns what the page shows (the name) and what `hreflang`
holds (the tag). The migration that added `translations.code` keeps a copy of the first
names below: change them there too if they change.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

MAX_NAME_LENGTH = 40  # translations.language
MAX_CODE_LENGTH = 35  # translations.code: the longest tag BCP 47 asks software to keep


class Language(NamedTuple):
    name: str  # as pages show it, in the language itself
    code: str  # the BCP 47 tag, for hreflang


class UnknownLanguage(ValueError):
    """Neither a name in the table nor a language tag; the message says what to write."""


# (tag, the name in the language itself, other names people write: English, without accents)
LANGUAGES: list[tuple[str, str, tuple[str, ...]]] = [
    ("en", "English", ()),
    ("en-GB", "English (UK)", ("British English",)),
    ("en-US", "English (US)", ("American English",)),
    ("pt", "Português", ("Portuguese",)),
    ("pt-BR", "Português (Brasil)", ("Brazilian Portuguese", "Português do Brasil")),
    ("pt-PT", "Português (Portugal)", ("European Portuguese", "Português europeu")),
    ("pl", "Polski", ("Polish",)),
    ("zh", "中文", ("Chinese",)),
    ("zh-Hans", "简体中文", ("Simplified Chinese", "中文（简体）", "中文 (简体)")),
    ("zh-Hant", "繁體中文", ("Traditional Chinese", "中文（繁體）", "中文 (繁體)")),
    ("de", "Deutsch", ("German",)),
    ("de-AT", "Deutsch (Österreich)", ("Austrian German",)),
    ("de-CH", "Deutsch (Schweiz)", ("Swiss German", "Schweizerdeutsch")),
    ("es", "Español", ("Spanish", "Castellano")),
    ("es-419", "Español (Latinoamérica)", ("Latin American Spanish",)),
    ("es-MX", "Español (México)", ("Mexican Spanish",)),
    ("fr", "Français", ("French",)),
    ("fr-CA", "Français (Canada)", ("Canadian French",)),
    ("it", "Italiano", ("Italian",)),
    ("nl", "Nederlands", ("Dutch",)),
    ("ja", "日本語", ("Japanese",)),
    ("ru", "Русский", ("Russian",)),
    ("ko", "한국어", ("Korean",)),
    ("uk", "Українська", ("Ukrainian",)),
    ("be", "Беларуская", ("Belarusian",)),
    ("bg", "Български", ("Bulgarian",)),
    ("sr", "Српски", ("Serbian", "Srpski")),
    ("mk", "Македонски", ("Macedonian",)),
    ("hr", "Hrvatski", ("Croatian",)),
    ("sl", "Slovenščina", ("Slovenian", "Slovene")),
    ("bs", "Bosanski", ("Bosnian",)),
    ("cs", "Čeština", ("Czech",)),
    ("sk", "Slovenčina", ("Slovak",)),
    ("hu", "Magyar", ("Hungarian",)),
    ("ro", "Română", ("Romanian",)),
    ("el", "Ελληνικά", ("Greek",)),
    ("tr", "Türkçe", ("Turkish",)),
    ("sv", "Svenska", ("Swedish",)),
    ("da", "Dansk", ("Danish",)),
    ("no", "Norsk", ("Norwegian",)),
    ("nb", "Norsk bokmål", ("Norwegian Bokmål", "Bokmål")),
    ("nn", "Norsk nynorsk", ("Norwegian Nynorsk", "Nynorsk")),
    ("fi", "Suomi", ("Finnish",)),
    ("is", "Íslenska", ("Icelandic",)),
    ("et", "Eesti", ("Estonian",)),
    ("lv", "Latviešu", ("Latvian",)),
    ("lt", "Lietuvių", ("Lithuanian",)),
    ("ga", "Gaeilge", ("Irish",)),
    ("cy", "Cymraeg", ("Welsh",)),
    ("ca", "Català", ("Catalan",)),
    ("eu", "Euskara", ("Basque",)),
    ("gl", "Galego", ("Galician",)),
    ("sq", "Shqip", ("Albanian",)),
    ("mt", "Malti", ("Maltese",)),
    ("eo", "Esperanto", ()),
    ("la", "Latina", ("Latin",)),
    ("ar", "العربية", ("Arabic",)),
    ("he", "עברית", ("Hebrew",)),
    ("fa", "فارسی", ("Persian", "Farsi")),
    ("ur", "اردو", ("Urdu",)),
    ("hi", "हिन्दी", ("Hindi",)),
    ("bn", "বাংলা", ("Bengali", "Bangla")),
    ("pa", "ਪੰਜਾਬੀ", ("Punjabi",)),
    ("mr", "मराठी", ("Marathi",)),
    ("ta", "தமிழ்", ("Tamil",)),
    ("te", "తెలుగు", ("Telugu",)),
    ("th", "ไทย", ("Thai",)),
    ("vi", "Tiếng Việt", ("Vietnamese",)),
    ("id", "Bahasa Indonesia", ("Indonesian",)),
    ("ms", "Bahasa Melayu", ("Malay",)),
    ("fil", "Filipino", ("Tagalog",)),
    ("sw", "Kiswahili", ("Swahili",)),
    ("af", "Afrikaans", ()),
    ("am", "አማርኛ", ("Amharic",)),
    ("ka", "ქართული", ("Georgian",)),
    ("hy", "Հայերեն", ("Armenian",)),
    ("az", "Azərbaycan dili", ("Azerbaijani",)),
    ("kk", "Қазақ тілі", ("Kazakh",)),
]

# A well-formed tag: language, then script, region and variants (private use and extensions
# are left out: nobody links a translation with them).
_TAG = re.compile(
    r"(?P<language>[a-z]{2,3})"
    r"(?:-(?P<script>[a-z]{4}))?"
    r"(?:-(?P<region>[a-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)",
    re.IGNORECASE,
)
_NAME_WITH_TAG = re.compile(r"(?P<name>.+?)\s*\((?P<tag>[^()]+)\)")


def _key(name: str) -> str:
    """How names are compared: case, accents, width and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


_BY_NAME: dict[str, Language] = {}
_BY_CODE: dict[str, Language] = {}
for _code, _name, _others in LANGUAGES:
    _BY_CODE[_code.lower()] = Language(_name, _code)
    for _written in (_name, *_others):
        _BY_NAME.setdefault(_key(_written), Language(_name, _code))


def canonical_tag(text: str) -> str | None:
    """Return a well-formed BCP 47 tag in its usual case ("pt-BR", "zh-Hans"), else None."""
    match = _TAG.fullmatch(text.strip().replace("_", "-"))
    if match is None or len(match[0]) > MAX_CODE_LENGTH:
        return None
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts.extend(v.lower() for v in match["variants"].split("-") if v)
    return "-".join(parts)


def name_for(code: str) -> str:
    """The name to show for a tag: the table's; else the name of its longest known start with
    the rest beside it ("Deutsch (LI)", "繁體中文 (TW)"); else the tag itself."""
    parts = code.split("-")
    for end in range(len(parts), 0, -1):
        known = _BY_CODE.get("-".join(parts[:end]).lower())
        if known is not None:
            rest = "-".join(parts[end:])
            return f"{known.name} ({rest})"[:MAX_NAME_LENGTH] if rest else known.name
    return code


def known_names(limit: int = 12) -> list[str]:
    """The first names of the table, for messages."""
    return [name for code, name, _ in LANGUAGES if "-" not in code][:limit]


def read_language(text: str) -> Language:
    """Read a language as an author writes it: a known name, a tag, or "Name (tag)".

    Raise UnknownLanguage when it is none of them.
    """
    written = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not written:
        raise UnknownLanguage("Write the language before the address, like “Polski, "
                              "https://…”.")
    known = _BY_NAME.get(_key(written))
    if known is not None:
        return known
    if (code := canonical_tag(written)) is not None:
        return Language(name_for(code), code)
    with_tag = _NAME_WITH_TAG.fullmatch(written)
    if with_tag and (code := canonical_tag(with_tag["tag"])) is not None:
        name = with_tag["name"]
        if len(name) > MAX_NAME_LENGTH:
            raise UnknownLanguage(f"The language name is {len(name)} characters long; the "
                                  f"limit is {MAX_NAME_LENGTH}.")
        return Language(name, code)
    raise UnknownLanguage(
        f"Write the language as a code like 'pl' or a known name: {', '.join(known_names())}"
        f" (“{written[:MAX_NAME_LENGTH]}” is not one). For another language, put its code "
        "after the name, like “Kernewek (kw)”.")


def written_form(name: str, code: str) -> str:
    """How the editor shows a stored language so that reading it again gives the same name
    and code: the name alone when it says it all, else the tag alone (a name made from the
    tag), else the name with its tag."""
    if not code:
        return name
    for written in (name, code):
        try:
            if read_language(written) == Language(name, code):
                return written
        except UnknownLanguage:
            pass
    return f"{name} ({code})"
