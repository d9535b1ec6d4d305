"""PDF fixtures generated here: text, running heads, encrypted, corrupt, image-only."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from articles.errors import CorruptDocumentError, EncryptedDocumentError, NoTextFoundError
from articles.extraction import extract
from tests.documents import pdf_with_content, text_operators

PARAGRAPHS = [
    "Tidal turbines in the northern strait produced more electricity this winter than in "
    "any previous season, the operator said, helped by calm weather and fewer breakdowns.",
    "Engineers replaced the blades on four of the six machines during the autumn. The new "
    "design is meant to cope better with debris carried by the spring tides.",
    "The operator now plans to add two turbines next year and to connect the array to the "
    "mainland grid with a second cable.",
]


def _pdf(*, pages: int = 3, title: str | None = "Tidal power report", text: bool = True) -> FPDF:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_author("Ocean Desk")
    for number in range(1, pages + 1):
        pdf.add_page()
        if not text:
            pdf.rect(20, 20, 100, 60, style="F")  # a drawing, no text layer
            continue
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 8, "Ocean Power Quarterly", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=12)
        for paragraph in PARAGRAPHS:
            pdf.multi_cell(0, 6, f"Page {number}. {paragraph}")
            pdf.ln(4)
        pdf.multi_cell(0, 6, "A hyphenated word is split by the layout: renew-\nable energy.")
        pdf.set_y(-15)
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 8, f"{number}", align="C")
    return pdf


def test_text_pdf():
    article = extract(bytes(_pdf().output()), filename="report.pdf")
    assert article.content_type == "application/pdf"
    assert article.extractor.startswith("pypdf ")
    assert article.title == "Tidal power report"
    assert article.authors == ["Ocean Desk"]
    assert article.language == "en"
    assert "Page 2. Engineers replaced the blades" in article.text
    assert "renewable energy." in article.text and "renew-" not in article.text
    # Paragraphs survive the line layout.
    assert "\n\nPage 1. Engineers replaced" in article.text
    # Running header and page numbers are gone.
    assert "Ocean Power Quarterly" not in article.text
    assert not any(line.strip().isdigit() for line in article.text.splitlines())


def test_title_from_first_heading_line_without_metadata():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "Harbour wall survey", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, PARAGRAPHS[0])
    article = extract(bytes(pdf.output()), filename="survey.pdf")
    assert article.title == "Harbour wall survey"
    assert article.text.startswith("Tidal turbines")


def test_encrypted_pdf():
    pdf = _pdf(pages=1)
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    with pytest.raises(EncryptedDocumentError) as info:
        extract(bytes(pdf.output()), filename="locked.pdf")
    assert info.value.code == "encrypted_document"
    assert not info.value.retryable


def test_owner_password_only_pdf_is_readable():
    pdf = _pdf(pages=1)
    pdf.set_encryption(owner_password="owner-secret")
    article = extract(bytes(pdf.output()), filename="restricted.pdf")
    assert "Tidal turbines" in article.text


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"this is not a pdf body at all\n" * 20,
        None,  # a real PDF cut in half
    ],
)
def test_corrupt_pdf(data):
    if data is None:
        full = bytes(_pdf().output())
        data = full[: len(full) // 3]
    with pytest.raises((CorruptDocumentError, NoTextFoundError)) as info:
        extract(data, filename="broken.pdf")
    assert info.value.code in ("corrupt_document", "no_text_found")


def test_garbage_pdf_is_corrupt():
    with pytest.raises(CorruptDocumentError) as info:
        extract(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>>\n%%EOF\n", filename="x.pdf")
    assert info.value.code == "corrupt_document"


def test_image_only_pdf_has_no_text():
    with pytest.raises(NoTextFoundError) as info:
        extract(bytes(_pdf(text=False).output()), filename="scan.pdf")
    assert info.value.code == "no_text_found"


def test_text_runs_a_little_lower_do_not_run_sentences_together():
    # The second run starts 5 pt lower: pypdf puts it on the same line without a space.
    content = text_operators(
        [
            "The storm cleared overnight.",
            "The river rose two metres by the morning and the bridge was closed.",
        ],
        leading=5,
    )
    padding = text_operators(
        ["Council engineers said the banks held, and the road reopened at noon on Tuesday."]
    )
    article = extract(pdf_with_content(content + b"\n" + padding), filename="storm.pdf")
    assert "overnight. The river" in article.text
    assert "overnight.The" not in article.text


def test_initials_and_abbreviations_keep_their_full_stops():
    content = text_operators(
        [
            "Officials in the U.S.A. met on Monday, e.g. to discuss the harbour.",
            "They agreed, and the work starts next spring at 9 a.m. sharp.",
        ]
    )
    article = extract(pdf_with_content(content), filename="initials.pdf")
    assert "U.S.A. met" in article.text and "e.g. to" in article.text


def test_control_characters_are_dropped_from_pdf_text():
    content = text_operators(["The bell\x07 rang twice\x1b and the ferry left the quay."] * 3)
    article = extract(pdf_with_content(content), filename="bell.pdf")
    assert "\x07" not in article.text and "\x1b" not in article.text
    assert "bell rang twice and the ferry" in article.text
