"""Plain text and Markdown: the same output shape as HTML, with page furniture removed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from articles.errors import NoTextFoundError
from articles.extraction.boilerplate import is_boilerplate_line, kept_indices, nav_items
from articles.extraction.fields import DocumentFields
from articles.extraction.metadata import normalize_date, read_header_line, split_authors

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", re.DOTALL)
_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•·▪◦‣]|\u2013)\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`+([^`]+)`+")
_TAG = re.compile(r"</?[A-Za-z][^>\n]{0,200}>")
HEADER_BLOCKS = 12  # how far down a byline or a dateline is looked for
TITLE_MAX_WORDS = 20
TITLE_MAX_CHARS = 160
MIN_WRAP_WIDTH = 40


@dataclass
class _Block:
    text: str
    heading: bool = False
    item: bool = False


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` YAML front matter, common on Markdown articles."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and value.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text[match.end() :]


def _inline_markdown(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    line = _TAG.sub("", line)
    for _ in range(2):  # nested emphasis such as ***bold italic***
        line = _EMPHASIS.sub(r"\2", line)
    return line


def _blocks(text: str, *, markdown: bool) -> list[_Block]:  # noqa: PLR0915 - one pass, one state
    lines = text.split("\n")
    # Hard-wrapped text: a line is continued on the next one when the next line's first word
    # would not have fitted on it (that is how text gets wrapped to a fixed width).
    width = max((len(line.rstrip()) for line in lines), default=0)
    blocks: list[_Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_Block(" ".join(paragraph)))
            paragraph.clear()

    in_fence = False
    previous = ""
    for raw in lines:
        if markdown and _FENCE.match(raw):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            if raw.strip():
                blocks.append(_Block(raw.rstrip()))
            continue
        line = raw.strip()
        if markdown:
            if _REF_DEF.match(line):
                continue
            line = _QUOTE.sub("", line).strip()
            heading = _ATX_HEADING.match(line)
            if heading:
                flush()
                blocks.append(_Block(_inline_markdown(heading.group(2)), heading=True))
                continue
            if paragraph and _SETEXT.match(line):
                # "Title\n=====": the underline turns the paragraph above into a heading.
                title = " ".join(paragraph)
                paragraph.clear()
                blocks.append(_Block(title, heading=True))
                continue
            if _RULE.match(line):
                flush()
                continue
            line = _inline_markdown(line)
        if not line:
            flush()
            previous = ""
            continue
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        if bullet or numbered:
            flush()
            item = f"- {bullet.group(1)}" if bullet else line
            blocks.append(_Block(" ".join(item.split()), item=True))
            previous = ""
            continue
        if not (paragraph and (markdown or _wraps_onto(previous, line, width))):
            flush()
        paragraph.append(" ".join(line.split()))
        previous = raw.rstrip()
    flush()
    return [b for b in blocks if b.text.strip()]


def _wraps_onto(previous: str, line: str, width: int) -> bool:
    if width < MIN_WRAP_WIDTH or not previous:
        return False
    first_word = line.split(maxsplit=1)[0]
    return len(previous) + 1 + len(first_word) > width


def _title_like(block: _Block) -> bool:
    text = block.text
    return (
        not block.item
        and len(text) <= TITLE_MAX_CHARS
        and len(text.split()) <= TITLE_MAX_WORDS
        and not text.endswith((".", ":", ";", ","))
        and not is_boilerplate_line(text)
    )


def extract_text(text: str, *, markdown: bool) -> DocumentFields:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    fields: dict[str, str] = {}
    if markdown:
        fields, text = _front_matter(text)
    blocks = _blocks(text, markdown=markdown)

    authors: list[str] = []
    published: str | None = None
    # Bylines and datelines near the top are metadata, not body. The items of a navigation
    # bar, where they stand alone on a line further down, are section links.
    kept: list[_Block] = []
    sections: set[str] = set()
    for position, block in enumerate(blocks):
        sections.update(item.lower() for item in nav_items(block.text))
        if position < HEADER_BLOCKS and not block.heading:
            header = read_header_line(block.text)
            if header is not None and not (authors and published):
                authors = authors or header.authors
                published = published or header.published
                continue
        kept.append(block)
    kept = [b for b in kept if b.text.lower() not in sections]

    # Drop furniture first so a close button or an empty label is never taken for the title.
    kept = [kept[i] for i in kept_indices([b.text for b in kept])]

    title = fields.get("title")
    if title is None:
        first_heading = next((i for i, b in enumerate(kept[:5]) if b.heading), None)
        if first_heading is not None:
            title = kept.pop(first_heading).text
        elif len(kept) > 1 and _title_like(kept[0]):
            title = kept.pop(0).text
    if not authors and fields.get("author"):
        authors = split_authors([fields["author"]])
    if published is None and fields.get("date"):
        published = normalize_date(fields["date"])

    body = _render(kept)
    if not body.strip():
        raise NoTextFoundError("the document contains no article text")
    return DocumentFields(
        text=body,
        title=title,
        authors=authors,
        published=published,
        description=fields.get("description") or fields.get("summary"),
    )


def _render(blocks: list[_Block]) -> str:
    out: list[str] = []
    previous_item = False
    for block in blocks:
        if out:
            out.append("\n" if block.item and previous_item else "\n\n")
        out.append(block.text)
        previous_item = block.item
    return "".join(out)
