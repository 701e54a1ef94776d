"""Charsets: how the bytes of a fetched page (or a trackback's fields) become text.

The order is the HTML standard's: a byte-order mark, the charset in Content-Type, a `<meta>`
(or XML declaration) in the first few KB, then detection. Names follow the WHATWG Encoding
Standard, whose labels browsers accept; a label it does not list (UTF-7 above all) is ignored.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# The WHATWG Encoding Standard's encodings: its name, the Python codec that decodes it, then
# its labels (indented lines continue a list). Labels not here (utf-7 above all) are ignored,
# as browsers do.
_ENCODINGS = """
utf-8 utf-8 unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf8 x-unicode20utf8 utf_8
ibm866 cp866 866 cp866 csibm866
iso-8859-2 iso8859_2 csisolatin2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2
    latin2
iso-8859-3 iso8859_3 csisolatin3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3
    latin3
iso-8859-4 iso8859_4 csisolatin4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4
    latin4
iso-8859-5 iso8859_5 csisolatincyrillic cyrillic iso-ir-144 iso8859-5 iso88595 iso_8859-5
iso-8859-6 iso8859_6 arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114
    iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6
iso-8859-7 iso8859_7 csisolatingreek ecma-118 elot_928 greek greek8 iso-ir-126 iso8859-7 iso88597
    iso_8859-7 sun_eu_greek
iso-8859-8 iso8859_8 csiso88598e csisolatinhebrew hebrew iso-8859-8-e iso-ir-138 iso8859-8
    iso88598 iso_8859-8 visual iso-8859-8-i csiso88598i logical
iso-8859-10 iso8859_10 csisolatin6 iso-ir-157 iso8859-10 iso885910 l6 latin6
iso-8859-13 iso8859_13 iso8859-13 iso885913
iso-8859-14 iso8859_14 iso8859-14 iso885914
iso-8859-15 iso8859_15 csisolatin9 iso8859-15 iso885915 iso_8859-15 l9 latin-9
iso-8859-16 iso8859_16
koi8-r koi8_r cskoi8r koi koi8 koi8_r
koi8-u koi8_u koi8-ru
macintosh mac_roman csmacintosh mac x-mac-roman mac-roman
windows-874 cp874 dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 cp874
windows-1250 cp1250 cp1250 x-cp1250
windows-1251 cp1251 cp1251 x-cp1251
windows-1252 cp1252 ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100
    iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii x-cp1252 latin-1 latin_1
windows-1253 cp1253 cp1253 x-cp1253
windows-1254 cp1254 cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9
    iso_8859-9:1989 l5 latin5 x-cp1254
windows-1255 cp1255 cp1255 x-cp1255
windows-1256 cp1256 cp1256 x-cp1256
windows-1257 cp1257 cp1257 x-cp1257
windows-1258 cp1258 cp1258 x-cp1258
x-mac-cyrillic mac_cyrillic x-mac-ukrainian mac-cyrillic
gbk gb18030 chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 iso-ir-58 x-gbk
gb18030 gb18030
big5 big5hkscs big5-hkscs cn-big5 csbig5 x-x-big5 big5hkscs cp950
euc-jp euc_jp cseucpkdfmtjapanese x-euc-jp euc_jp euc_jis_2004 euc_jisx0213
iso-2022-jp iso2022_jp csiso2022jp iso2022_jp iso2022_jp_1 iso2022_jp_2 iso2022_jp_ext
shift_jis cp932 csshiftjis ms932 ms_kanji shift-jis sjis windows-31j x-sjis cp932 shift_jis_2004
    shift_jisx0213
euc-kr cp949 cseuckr csksc56011987 iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601
    ksc_5601 windows-949 cp949 euc_kr
utf-16be utf-16-be
utf-16le utf-16-le csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf_16
"""
_LABELS: dict[str, tuple[str, str]] = {}
for _entry in re.split(r"\n(?! )", _ENCODINGS.strip()):
    _name, _codec, *_aliases = _entry.split()
    for _label in (_name, *_aliases):
        _LABELS[_label] = (_name, _codec)

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16le"), (b"\xfe\xff", "utf-16be"))
_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([^\s"';/>]+)""", re.I)
_META = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([^\s\"';/>]+)", re.I)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)""", re.I)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
PRESCAN_BYTES = 4096
# How close to charset_normalizer's best scores Windows-1252 must come to be preferred.
TIE_CHAOS, TIE_COHERENCE = 0.01, 0.05
# Windows-1252 bytes with no character there are their Latin-1 control characters (WHATWG).
codecs.register_error("parley-c1", lambda e: (e.object[e.start:e.end].decode("latin-1"), e.end))


def _encoding(label: str | bytes | None) -> tuple[str, str] | None:
    """Return (WHATWG name, Python codec) for a label, or None for an unknown one."""
    if isinstance(label, bytes):
        label = label.decode("latin-1")
    label = (label or "").strip().strip("\"'").lower()
    return _LABELS.get(label) or _LABELS.get(label.replace("_", "-"))


def codec_name(charset: str) -> str | None:
    """Return the Python codec that decodes `charset` (a name `decode` gave, or any label)
    as `decode` does, or None for a label browsers do not know (utf-7 among them)."""
    found = _encoding(charset)
    return found[1] if found else None


def _declared(content_type: str | None) -> tuple[str, str] | None:
    """The charset a Content-Type value (or a bare charset name) declares."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type.encode("latin-1", "replace"))
    return _encoding(match.group(1) if match else content_type)


def _from_markup(body: bytes) -> tuple[str, str] | None:
    """The charset a <meta> (or an XML declaration) in the first few KB names."""
    head = _COMMENT.sub(b"", body[:PRESCAN_BYTES])
    for pattern in (_META, _XML_DECLARATION):
        match = pattern.search(head)
        if match and (found := _encoding(match.group(1))):
            # A document that could say so in ASCII is not UTF-16 (WHATWG): read it as UTF-8.
            return _LABELS["utf-8"] if found[0].startswith("utf-16") else found
    return None


def _is_utf8(body: bytes) -> bool:
    """Whether the body is UTF-8 (a character cut by the size cap at the end allowed)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(body) - 3 and error.reason == "unexpected end of data"
    return True


def _detect(body: bytes) -> tuple[str, str]:
    """Guess the charset of an undeclared body: UTF-8 if it is valid UTF-8 (legacy text
    almost never is), else charset_normalizer's best guess, else Windows-1252.

    For Western European text several single-byte code pages read about equally well, and
    charset_normalizer may rank a Baltic or Central European one first; Windows-1252, by far
    the most common of them on the web (and the WHATWG default), wins a near tie.
    """
    if _is_utf8(body):
        return _LABELS["utf-8"]
    matches = from_bytes(body)
    best = matches.best()
    if best is None:
        return _LABELS["windows-1252"]
    western = next((m for m in matches if "cp1252" in m.could_be_from_charset), None)
    if western is not None and western.chaos <= best.chaos + TIE_CHAOS \
            and western.coherence >= best.coherence - TIE_COHERENCE:
        return _LABELS["windows-1252"]
    return _encoding(best.encoding) or _LABELS["windows-1252"]


def decode(body: bytes, declared: str | None) -> tuple[str, str]:
    """Return (text, charset) for a body: a byte order mark first, then the charset that
    `declared` (a Content-Type value or a charset name) gives, then one a <meta> in the first
    few KB names, then detection. Undecodable bytes become U+FFFD."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, "replace"), name
    name, codec = _declared(declared) or _from_markup(body) or _detect(body)
    return body.decode(codec, "parley-c1" if codec == "cp1252" else "replace"), name
