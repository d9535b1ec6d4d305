"""HTML pages: the article body from trafilatura, then clean-up (metadata: ``page_metadata``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from articles.errors import CorruptDocumentError, NoTextFoundError
from articles.extraction.boilerplate import clean_blocks
from articles.extraction.page_metadata import headings

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from articles.models import ArticleMetadata

_TOKENS = re.compile(r"\w+")
FALLBACK_MIN_CHARS = 500
MIN_BODY_WORDS = 10
MIN_BODY_CHARS = 50  # for scripts written without spaces
_LIST_ITEM = re.compile(r"^(?:[-*•]|\d{1,3}[.)])\s")


def parse(text: str) -> HtmlElement:
    """Parse with trafilatura's loader (it repairs the usual breakage) or raise a typed error."""
    from trafilatura.utils import load_html

    try:
        tree = load_html(text)
    except (ValueError, TypeError) as exc:  # lxml rejects some malformed input outright
        raise CorruptDocumentError(f"the HTML could not be parsed: {exc}") from exc
    if tree is None:
        raise NoTextFoundError("the content is not a parsable HTML document")
    return tree


# --- body ---------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text.lower())


def is_headline(line: str, titles: list[str]) -> bool:
    """Whether a line repeats the headline (possibly with or without the site's name)."""
    words = _tokens(line)
    if not words or len(words) > 40:
        return False
    for title in titles:
        title_words = _tokens(title)
        if not title_words:
            continue
        if words == title_words:
            return True
        shorter, longer = sorted((words, title_words), key=len)
        if len(shorter) >= 4 and len(shorter) >= 0.6 * len(longer):
            joined, needle = " ".join(longer), " ".join(shorter)
            if joined.startswith(needle) or joined.endswith(needle):
                return True
    return False


def render_blocks(blocks: list[str]) -> str:
    """A blank line between paragraphs; list items and table rows stay on adjacent lines."""
    out: list[str] = []
    previous_tight = False
    for block in blocks:
        tight = bool(_LIST_ITEM.match(block)) or block.startswith("|")
        if out:
            out.append("\n" if tight and previous_tight else "\n\n")
        out.append(block)
        previous_tight = tight
    return "".join(out)


def _paragraph_chars(tree: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in tree.iter("p"))


def _trafilatura(tree: HtmlElement, *, fast: bool) -> str:
    import trafilatura

    return (
        trafilatura.extract(
            tree,
            output_format="txt",
            fast=fast,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            with_metadata=False,
        )
        or ""
    )


def extract_body(tree: HtmlElement, metadata: ArticleMetadata) -> str:
    # trafilatura's own extractor first, without its readability/jusText comparison (most of
    # its run time). That comparison only changes the result when the first pass came out
    # short, or much shorter than the page's paragraph text, so only then pay for it.
    paragraph_chars = _paragraph_chars(tree)
    raw = _trafilatura(tree, fast=True)
    if len(raw) < FALLBACK_MIN_CHARS or 2 * len(raw) < paragraph_chars:
        raw = _trafilatura(tree, fast=False) or raw
    if not raw:
        raise NoTextFoundError("no article text found in the page")
    blocks = [" ".join(line.split()) for line in raw.splitlines()]
    blocks = [b for b in blocks if b]
    titles = [t for t in (metadata.title, *headings(tree)) if t]
    # The headline is metadata, not body: drop it where the extractor kept it on top.
    while blocks and titles and is_headline(blocks[0], titles):
        blocks.pop(0)
    blocks = clean_blocks(blocks)
    # A handful of words (menu labels, a footer) left over from a page with no article is
    # not an article.
    words = sum(len(b.split()) for b in blocks)
    if words < MIN_BODY_WORDS and sum(len(b) for b in blocks) < MIN_BODY_CHARS:
        raise NoTextFoundError("no article text found in the page")
    return render_blocks(blocks)
