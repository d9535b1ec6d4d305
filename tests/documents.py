"""Documents built byte by byte for the tests: PDFs with a chosen content stream, and so on."""

from __future__ import annotations

import io


def pdf_with_content(*streams: bytes, compress: bool = True, flate: bytes | None = None) -> bytes:
    """A PDF with one page per content stream (Helvetica as /F1), written by pypdf; ``flate``
    is one more page whose stream is given already deflated (a bomb needs no inflating here)."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        DecodedStreamObject,
        DictionaryObject,
        EncodedStreamObject,
        NameObject,
    )

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for content in streams:
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(
            stream.flate_encode() if compress else stream
        )
    if flate is not None:
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        encoded = EncodedStreamObject()
        encoded[NameObject("/Filter")] = NameObject("/FlateDecode")
        encoded._data = flate  # as read from a file: no decoding on the way in
        page[NameObject("/Contents")] = writer._add_object(encoded)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def text_operators(lines: list[str], *, leading: float = 14, size: float = 11) -> bytes:
    """A content stream that shows ``lines`` one under the other, ``leading`` points apart."""
    ops = [f"BT /F1 {size:g} Tf 72 740 Td".encode()]
    for number, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        move = b"" if number == 0 else f"0 {-leading:g} Td ".encode()
        ops.append(move + f"({escaped}) Tj".encode("latin-1"))
    ops.append(b"ET")
    return b"\n".join(ops)
