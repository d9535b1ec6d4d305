"""Hostile and odd inputs, generated here, each with the one outcome it must have.

The same cases run through ``extract`` and the key points in the unit tier
(tests/unit/test_hostile_inputs.py) and through the local stack in the e2e tier
(tests/e2e/test_hostile_stack.py). ``expect`` is ``"article"`` (an article with sane fields) or
the error code the record must end FAILED with.
"""

from __future__ import annotations

import codecs
import gzip
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.documents import pdf_with_content, text_operators

ARTICLE = "article"
MiB = 1024 * 1024

STORY = (
    "The harbour wind farm opened on Monday after three years of building work. "
    "Engineers said the twelve turbines would power forty thousand homes along the coast. "
    "The council thanked the fishing crews, who had agreed to move their moorings twice. "
    "Critics said the cables had cost more than planned, and asked for an audit. "
    "The operator promised a second phase next spring, subject to a new survey of the seabed."
)
FRENCH = (
    "Le parc éolien du port a ouvert lundi après trois ans de travaux. Les ingénieurs ont "
    "déclaré que les douze turbines alimenteraient quarante mille foyers de la côte. "
    "Le conseil a remercié les équipages de pêche, qui avaient accepté de déplacer leurs "
    "amarrages deux fois. Les critiques ont réclamé un audit du coût des câbles."
)


@dataclass(frozen=True)
class Case:
    name: str
    key: str  # the file name (the last part of the S3 key)
    build: Callable[[], bytes] = field(repr=False)
    expect: str  # ARTICLE or an error code
    content_type: str | None = None
    contains: str | None = None  # text the article must contain
    absent: tuple[str, ...] = ()  # text it must not contain
    # In the unit tier: limits small enough to reach quickly (the stack uses its own).
    max_bytes: int | None = None
    timeout_seconds: float | None = None
    e2e: bool = True  # also through the local stack

    def data(self) -> bytes:
        return self.build()


def _page(body: str, *, head: str = "", title: str = "Harbour wind farm opens") -> str:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in body.split(". ") if sentence)
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def _noise(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _fpdf(pages: int = 3, *, text: bool = True, password: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Harbour wind farm report")
    for number in range(pages):
        pdf.add_page()
        if text:
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(0, 6, f"Page {number + 1}. {STORY}")
        else:
            pdf.rect(20, 20, 120, 80, style="F")
    if password:
        pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    return bytes(pdf.output())


def _pdf_bomb() -> bytes:
    # 100 MB of spaces in a content stream of about 100 KB: past pypdf's inflate limit.
    squeeze = zlib.compressobj(1)
    chunk = b" " * MiB
    stream = squeeze.compress(b"BT /F1 12 Tf 72 700 Td (x) Tj ET ")
    stream += b"".join(squeeze.compress(chunk) for _ in range(100)) + squeeze.flush()
    return pdf_with_content(flate=stream)


def _slow_pdf() -> bytes:
    # 20 KB on disk, 8 MB of text operators once inflated: minutes of pypdf work.
    return pdf_with_content(b"BT /F1 12 Tf 72 700 Td " + b"(word) Tj 1 0 Td " * 470_000 + b"ET")


def _gzip_bomb() -> bytes:
    return gzip.compress(b"<p>" + b"a" * (50 * MiB), compresslevel=9)


def _nested(depth: int) -> bytes:
    return (
        b"<html><body>" + b"<div>" * depth + STORY.encode() + b"</div>" * depth + b"</body></html>"
    )


def _entity_bomb() -> bytes:
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE html [' + "".join(lol) + "]>\n"
        "<html><head><title>Entities</title></head><body><article>"
        f"<p>{STORY}</p><p>&lol9;</p></article></body></html>"
    ).encode()


def _external_entity() -> bytes:
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        "<html><head><title>External</title></head><body><article>"
        f"<p>{STORY}</p><p>&secret;</p></article></body></html>"
    ).encode()


def _run_on_sentence(chars: int) -> bytes:
    words = ["harbour", "turbine", "council", "mooring", "survey", "cable", "seabed", "crew"]
    rng = random.Random(3)
    text = []
    length = 0
    while length < chars:
        word = rng.choice(words)
        text.append(word)
        length += len(word) + 1
    return ("The " + " ".join(text) + " ended.").encode()


def _sized_text(size: int) -> bytes:
    paragraph = (STORY + "\n\n").encode()
    return (paragraph * (size // len(paragraph) + 1))[:size]


def _stray_nuls() -> bytes:
    data = bytearray((STORY + "\n\n" + STORY).encode())
    for position in (40, 200, 371):
        data[position:position] = b"\x00"
    return bytes(data)


def _mostly_utf8() -> bytes:
    return (FRENCH + " ").encode() + b"Un octet perdu \xff ici, un autre \xe2\x80 l\xc3\xa0."


SIZE_LIMIT = 10 * MiB  # the pipeline's default MaxObjectBytes
UNIT_SIZE_LIMIT = 1 * MiB  # the unit tier passes this limit to reach it quickly

CASES: tuple[Case, ...] = (
    # -- nothing to read -------------------------------------------------------------------
    Case("empty", "empty.txt", lambda: b"", "empty_document"),
    Case("whitespace", "blank.html", lambda: b" \n\t\r\n   \n", "empty_document"),
    Case("only punctuation", "dots.md", lambda: b"... --- *** ||| \n\n ---\n", "no_text_found"),
    Case(
        "page without an article",
        "shop.html",
        lambda: (
            b"<html><head><title>Shop</title></head><body><nav><a href='/'>Home</a>"
            b"</nav><script>var a = 1;</script></body></html>"
        ),
        "no_text_found",
    ),
    # -- binary noise under every name --------------------------------------------------------
    *(
        Case(
            f"noise as {ext or 'no extension'}",
            f"noise{ext}",
            lambda s=seed: _noise(200_000, s),
            "unsupported_format",
        )
        for seed, ext in enumerate(
            [".html", ".htm", ".xhtml", ".txt", ".text", ".md", ".markdown", ".pdf", ""]
        )
    ),
    Case(
        "noise with a PDF header",
        "noise2.pdf",
        lambda: b"%PDF-1.7\n" + _noise(100_000, 50),
        "corrupt_document",
    ),
    Case(
        "unknown extension",
        "data.json",
        lambda: b'{"title": "not an article"}',
        "unsupported_format",
    ),
    Case(
        "zip named docx",
        "story.docx",
        lambda: b"PK\x03\x04" + _noise(5_000, 51),
        "unsupported_format",
    ),
    Case(
        "png named html",
        "photo.html",
        lambda: b"\x89PNG\r\n\x1a\n" + _noise(5_000, 52),
        "unsupported_format",
    ),
    Case("gzip bomb named html", "bomb.html", _gzip_bomb, "unsupported_format"),
    Case("gzip bomb named txt", "bomb.txt.gz", _gzip_bomb, "unsupported_format"),
    # -- PDFs ------------------------------------------------------------------------------
    Case("pdf", "report.pdf", lambda: _fpdf(3), ARTICLE, contains="twelve turbines"),
    Case("truncated pdf", "cut.pdf", lambda: _fpdf(3)[:900], "corrupt_document"),
    Case("encrypted pdf", "locked.pdf", lambda: _fpdf(2, password="secret"), "encrypted_document"),
    Case("image-only pdf", "scan.pdf", lambda: _fpdf(2, text=False), "no_text_found"),
    Case("500-page pdf", "long.pdf", lambda: _fpdf(500), ARTICLE, contains="Page 500."),
    Case(
        "520-page pdf (first 500 read)",
        "longer.pdf",
        lambda: _fpdf(520),
        ARTICLE,
        contains="Page 500.",
        absent=("Page 501.",),
    ),
    Case("pdf bomb", "bomb.pdf", _pdf_bomb, "corrupt_document"),
    Case("slow pdf", "slow.pdf", _slow_pdf, "extraction_timeout", timeout_seconds=1.0, e2e=False),
    Case(
        "pdf runs without spaces",
        "runs.pdf",
        lambda: pdf_with_content(
            text_operators(
                ["The storm cleared overnight.", "The river rose by morning."], leading=5
            )
            + b"\n"
            + text_operators([STORY[:90], STORY[90:180], STORY[180:270]])
        ),
        ARTICLE,
        contains="overnight. The river",
    ),
    # -- shapes that strain parsers -----------------------------------------------------------
    # libxml2 stops building the tree 256 elements deep: the text below is never reached.
    Case("100k nested elements", "nested.html", lambda: _nested(100_000), "no_text_found"),
    Case(
        "200 nested elements",
        "nested-200.html",
        lambda: _nested(200),
        ARTICLE,
        contains="twelve turbines",
    ),
    Case(
        "10k paragraphs",
        "many.html",
        lambda: _page(". ".join([STORY] * 2_000)).encode(),
        ARTICLE,
        contains="second phase",
    ),
    Case("5 MB single line of text", "line.txt", lambda: b"word " * (MiB), ARTICLE),
    Case(
        "5 MB single line of html",
        "line.html",
        lambda: b"<html><body><article><p>" + b"word " * MiB + b"</p></article></body></html>",
        ARTICLE,
    ),
    Case(
        "200k short lines",
        "lines.md",
        lambda: b"".join(f"Ferry {n} left at noon.\n".encode() for n in range(200_000)),
        ARTICLE,
        contains="Ferry 1 left at noon.",
    ),
    Case(
        "entity expansion",
        "lol.xhtml",
        _entity_bomb,
        ARTICLE,
        contains="twelve turbines",
        absent=("lollollol",),
    ),
    Case(
        "external entity",
        "xxe.xhtml",
        _external_entity,
        ARTICLE,
        contains="twelve turbines",
        absent=("root:",),
    ),
    Case("300k-character sentence", "runon.txt", lambda: _run_on_sentence(300_000), ARTICLE),
    Case(
        "script-only page",
        "script.html",
        lambda: b"<html><body><script>" + b"x=1;" * 100_000 + b"</script></body></html>",
        "no_text_found",
    ),
    # -- encodings -----------------------------------------------------------------------------
    *(
        Case(
            f"{codec} without BOM",
            f"story-{codec}.txt",
            lambda c=codec: STORY.encode(c),
            ARTICLE,
            contains="forty thousand homes",
        )
        for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
    ),
    *(
        Case(
            f"{codec} with BOM",
            f"bom-{codec}.txt",
            lambda c=codec, b=bom: b + FRENCH.encode(c),
            ARTICLE,
            contains="quarante mille",
        )
        for codec, bom in (
            ("utf-8", codecs.BOM_UTF8),
            ("utf-16-le", codecs.BOM_UTF16_LE),
            ("utf-16-be", codecs.BOM_UTF16_BE),
            ("utf-32-le", codecs.BOM_UTF32_LE),
        )
    ),
    Case(
        "utf-16 html without BOM",
        "page16.html",
        lambda: _page(STORY).encode("utf-16-le"),
        ARTICLE,
        contains="forty thousand homes",
    ),
    Case(
        "utf-8 BOM then invalid bytes",
        "badbom.txt",
        lambda: codecs.BOM_UTF8 + b"\xff\xfe\xfa" * 100,
        "undecodable_text",
    ),
    Case(
        "mostly valid utf-8",
        "mostly.txt",
        _mostly_utf8,
        ARTICLE,
        contains="quarante mille",
        absent=("Ã",),
    ),
    Case("windows-1252", "latin.txt", lambda: FRENCH.encode("cp1252"), ARTICLE, contains="déclaré"),
    Case(
        "shift_jis declared",
        "sjis.html",
        lambda: _page(
            "東京の図書館は来月から開館時間を延長します。利用者の要望が多かったためです。" * 3,
            head='<meta charset="shift_jis">',
        ).encode("shift_jis"),
        ARTICLE,
        contains="図書館",
    ),
    Case(
        "stray NUL bytes",
        "nuls.txt",
        _stray_nuls,
        ARTICLE,
        contains="forty thousand homes",
        absent=("\x00",),
    ),
    Case(
        "control characters",
        "controls.txt",
        lambda: (
            STORY.replace("Monday", "Mon\x07day\x1b").replace("crews", "cr\x08ews\x7f").encode()
        ),
        ARTICLE,
        contains="crews, who",
        absent=("\x07", "\x1b", "\x08", "\x7f"),
    ),
    # -- sizes -----------------------------------------------------------------------------------
    Case(
        "just under the size limit",
        "under.txt",
        lambda: _sized_text(UNIT_SIZE_LIMIT),
        ARTICLE,
        max_bytes=UNIT_SIZE_LIMIT,
        e2e=False,
    ),
    Case(
        "just over the size limit",
        "over.txt",
        lambda: _sized_text(UNIT_SIZE_LIMIT + 1),
        "too_large",
        max_bytes=UNIT_SIZE_LIMIT,
        e2e=False,
    ),
    # -- awkward keys ------------------------------------------------------------------------------
    Case("key with spaces and plus", "wind farm + grid notes.txt", STORY.encode, ARTICLE),
    Case(
        "key with percent and unicode",
        "100% café – ß 東京.md",
        ("# Café\n\n" + STORY).encode,
        ARTICLE,
    ),
    Case(
        "key in upper case",
        "LOUD.HTML",
        lambda: _page(STORY).encode(),
        ARTICLE,
        contains="forty thousand homes",
    ),
    Case("key without extension", "README", STORY.encode, ARTICLE),
    Case(
        "key with a double extension",
        "archive.tar.gz",
        STORY.encode,
        "unsupported_format",
    ),
    Case("key of 200 characters", "k" * 196 + ".txt", STORY.encode, ARTICLE),
)

# The size limit as the stack has it (e2e only: 10 MB files take a while through moto).
STACK_SIZE_CASES: tuple[Case, ...] = (
    Case("just under the stack's limit", "under10.txt", lambda: _sized_text(SIZE_LIMIT), ARTICLE),
    Case(
        "just over the stack's limit",
        "over10.txt",
        lambda: _sized_text(SIZE_LIMIT + 1),
        "too_large",
    ),
)
