"""Every charset case: BOM, in-page declaration, Content-Type charset, detection."""

from __future__ import annotations

import codecs

import pytest

from articles.errors import DecodingError
from articles.extraction import extract
from articles.extraction.decoding import decode

FRENCH = (
    "L’équipe a présenté « un café très spécial » à Noël : crème brûlée, pâté et thé. "
    "Les élèves ont été ravis de goûter à ces spécialités préparées par leurs professeurs."
)
JAPANESE = (
    "東京の図書館は、来月から開館時間を夜十時まで延長すると発表しました。"
    "利用者からの要望が多かったためで、週末も同じ時間まで開館します。"
    "館長は「仕事帰りの人にも本を借りてほしい」と話しています。"
)


def _page(body: str, head: str = "") -> str:
    paragraphs = "".join(f"<p>{body}</p>" for _ in range(3))
    body_html = f"<body><article>{paragraphs}</article></body>"
    return f"<html><head>{head}<title>T</title></head>{body_html}</html>"


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_byte_order_marks(data, codec):
    assert decode(data) == (FRENCH, codec)


def test_utf8_without_declaration():
    assert decode(FRENCH.encode("utf-8"))[0] == FRENCH


def test_meta_charset_windows_1252():
    html = _page(FRENCH, '<meta charset="windows-1252">')
    text, codec = decode(html.encode("cp1252"), html=True)
    assert FRENCH in text and codec == "cp1252"


def test_http_equiv_iso_8859_1_reads_curly_quotes_as_browsers_do():
    head = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    html = _page(FRENCH, head)
    text, codec = decode(html.encode("cp1252"), html=True)
    assert FRENCH in text  # ’ « » are windows-1252 bytes in a "latin-1" page
    assert codec == "cp1252"


def test_plain_iso_8859_1_text():
    text = "Déjà vu à l'hôtel: façade, garçon, naïve. " * 5
    assert decode(text.encode("latin-1"), content_type="text/plain; charset=iso-8859-1")[0] == text


def test_content_type_charset_shift_jis():
    data = JAPANESE.encode("shift_jis")
    assert decode(data, content_type="text/plain; charset=Shift_JIS")[0] == JAPANESE


def test_meta_charset_shift_jis_page():
    html = _page(JAPANESE, '<meta charset="Shift_JIS">')
    article = extract(html.encode("shift_jis"), filename="tokyo.html")
    assert "開館時間を夜十時まで延長" in article.text
    assert article.language == "ja"


def test_undeclared_shift_jis_is_detected():
    assert decode((JAPANESE * 3).encode("shift_jis"))[0] == JAPANESE * 3


def test_undeclared_windows_1252_is_detected():
    data = (FRENCH * 3).encode("cp1252")
    assert decode(data)[0] == FRENCH * 3


def test_wrong_declaration_falls_back_to_the_bytes():
    # Declared UTF-8 but written in windows-1252: the declaration cannot decode it.
    html = _page(FRENCH, '<meta charset="utf-8">').encode("cp1252")
    assert FRENCH in decode(html, html=True)[0]


@pytest.mark.parametrize(
    ("encoding", "head"),
    [
        ("utf-8", '<meta charset="utf-8">'),
        ("utf-16", ""),  # Python writes a BOM
        ("cp1252", '<meta charset="windows-1252">'),
        ("latin-1", '<meta http-equiv="content-type" content="text/html; charset=iso-8859-1">'),
    ],
)
def test_html_pages_in_each_encoding(encoding, head):
    text = FRENCH.replace("’", "'").replace("«", '"').replace("»", '"')
    article = extract(_page(text, head).encode(encoding), filename="page.html")
    assert text in article.text
    assert article.language == "fr"


def test_content_type_charset_for_html_without_meta():
    article = extract(
        _page(FRENCH).encode("cp1252"),
        filename="page.html",
        content_type="text/html; charset=windows-1252",
    )
    assert FRENCH in article.text


def test_bom_followed_by_invalid_bytes_is_a_decoding_error():
    with pytest.raises(DecodingError) as info:
        extract(codecs.BOM_UTF8 + b"abc \xff\xfe\xfd def" * 10, filename="x.txt")
    assert info.value.code == "undecodable_text"


ENGLISH = (
    "The harbour wind farm opened on Monday after three years of work. Engineers said the "
    "turbines would power forty thousand homes, and the council thanked the fishing crews."
)
RUSSIAN = (
    "В понедельник в гавани открылась ветряная электростанция. Инженеры сказали, что "
    "турбины обеспечат энергией сорок тысяч домов, а совет поблагодарил рыбаков."
)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("text", [ENGLISH, RUSSIAN, FRENCH], ids=["english", "russian", "french"])
def test_utf16_and_utf32_without_a_byte_order_mark(text, codec):
    assert decode(text.encode(codec)) == (text, codec)
    article = extract(text.encode(codec), filename="story.txt")
    assert article.text == text


def test_utf16_html_without_a_byte_order_mark_is_html():
    page = _page(ENGLISH)
    article = extract(page.encode("utf-16-le"), filename="page.html")
    assert article.content_type == "text/html"
    assert "forty thousand homes" in article.text


def test_a_few_stray_nul_bytes_are_dropped_not_refused():
    data = ENGLISH.encode().replace(b"Monday", b"Mon\x00day").replace(b"said", b"\x00said")
    article = extract(data, filename="story.txt")
    assert article.text == ENGLISH


def test_control_characters_are_dropped_and_line_breaks_kept():
    data = "Bell\x07 rang,\x08 the\x1b ferry\x7f left.\tThen\x0cthe quay\u0085emptied.\n\nDone."
    text, _codec = decode(data.encode())
    assert text == "Bell rang, the ferry left.\tThen\nthe quay\nemptied.\n\nDone."


@pytest.mark.parametrize(
    ("control", "replacement"),
    [
        ("\x00", ""),
        ("\x1f", ""),
        ("\x7f", ""),
        ("\x85", "\n"),
        ("\x9f", ""),
        ("\u2028", "\n"),
        ("\u2029", "\n"),
        ("\x0b", "\n"),
    ],
)
def test_each_control_character_is_found_in_utf8_and_in_other_codecs(control, replacement):
    """UTF-8 is checked on its bytes, other codecs on the text: both find every control."""
    text = f"Caf\u00e9\u00a0au lait \u2014 {control}fin."
    expected = f"Caf\u00e9\u00a0au lait \u2014 {replacement}fin."
    assert decode(text.encode())[0] == expected
    assert decode(text.encode("utf-16"))[0] == expected


def test_text_without_controls_comes_back_unchanged():
    # Characters whose UTF-8 bytes sit next to the C1 and separator ranges: NBSP (C2 A0),
    # "Â" (C3 82), an en dash (E2 80 93), a right quote (E2 80 99), a dagger (E2 80 A0).
    text = "Le caf\u00e9\u00a0ouvre \u2013 \u2019t\u2019 \u2020 \u00bf\u00c2\u00ff.\n\tFin."
    assert decode(text.encode())[0] == text
    assert decode(text.encode("cp1252"), content_type="text/plain; charset=cp1252")[0] == text


def test_mostly_valid_utf8_is_utf8_with_the_bad_bytes_replaced():
    data = ("Le résumé du café. " * 3).encode() + b"Friends\xe2\x80 day \xff end."
    text, codec = decode(data)
    assert codec == "utf-8"
    assert "résumé du café" in text and "Ã" not in text
    assert text.endswith("Friends\ufffd day \ufffd end.")


def test_windows_1252_text_is_still_windows_1252():
    text, codec = decode(FRENCH.encode("cp1252"))
    assert text == FRENCH and codec == "cp1252"
