"""HTML pages: the article body from trafilatura, then clean-up (metadata: ``page_metadata``)."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from articles.errors import NoTextFoundError
from articles.extraction import layout
from articles.extraction.boilerplate import clean_blocks
from articles.extraction.metadata import read_header_line
from articles.extraction.page_metadata import headings

if TYPE_CHECKING:
    from lxml.html import HtmlElement, HTMLParser
    from trafilatura.settings import Extractor

    from articles.models import ArticleMetadata

_TOKENS = re.compile(r"\w+")
FALLBACK_MIN_CHARS = 500
NOTICE_MAX_CHARS = 1500
HEADER_LINES = 4  # how far down the body a byline or a dateline is looked for
# What notices about the page say: rights, personal use, cookies, paywalls, scripts.
_NOTICE = re.compile(
    r"personal,? non-?commercial use|all rights reserved|copyright|©|reprints?\b|"
    r"distribution and use of this material|\bcookies?\b|enable javascript|"
    r"javascript (is )?(disabled|required)|(subscribe|subscription|sign in|log in|register) "
    r"(to|for) (continue|read|access|unlock)|to continue reading|already a subscriber|"
    r"you have (reached|used) (your|all)|free articles? (left|remaining)|"
    r"this (content|article|page) is (only )?available",
    re.IGNORECASE,
)
# A date (and a time) left at the front of a paragraph once a glued headline is gone.
_GLUED_DATE = re.compile(
    r"^(?:(?:updated|published|posted)\s*:?\s*)?(?:[A-Z][a-z]{2,8}\.?,? )?"
    r"(?:\d{1,2}\.? [A-Z][a-z]{2,8}\.? \d{4}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|"
    r"\d{4}-\d\d-\d\d)(?:,? (?:at )?\d{1,2}[:.]\d\d(?: ?[ap]\.?m\.?)?(?: [A-Z]{2,4})?)?"
    r"\s*[|,–—-]?\s+"
)
MIN_BODY_WORDS = 10
MIN_BODY_CHARS = 50  # for scripts written without spaces
_LIST_ITEM = re.compile(r"^(?:[-*•]|\d{1,3}[.)])\s")


# Characters libxml2 refuses, beyond the control characters decoding has already dropped.
_NONCHARACTERS = re.compile("[\ufffe\uffff]")
# A doctype with a slash in it trips libxml2; so does a self-closing <html/> near the top.
_SLASHED_DOCTYPE = re.compile("^< ?! ?DOCTYPE[^>]*/[^<>]*>", re.IGNORECASE)
_SELF_CLOSING_HTML = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)
HTML_HEAD_CHARS = 4096
MIN_HTML_CHILDREN = 2  # a document that does not say it is HTML must parse to head and body


@cache
def _parser() -> HTMLParser:
    from lxml.html import HTMLParser

    # trafilatura's own settings, so that its extractors see the tree they expect.
    return HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )


def _repair(text: str, beginning: str) -> str:
    """What libxml2 trips on, as trafilatura's loader repairs it (decoding has already
    dropped the control characters it would otherwise scan the whole page for)."""
    if "\ufffe" in text or "\uffff" in text:
        text = _NONCHARACTERS.sub("", text)
    if "doctype" in beginning:
        first, newline, rest = text.partition("\n")
        text = _SLASHED_DOCTYPE.sub("", first, count=1) + newline + rest
    for line in text[:HTML_HEAD_CHARS].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            text = _SELF_CLOSING_HTML.sub(r"\1>", text, count=1)
            break
    return text


def _from_bytes(text: str) -> HtmlElement | None:
    from lxml.etree import LxmlError
    from lxml.html import fromstring

    try:
        return fromstring(text.encode("utf-8", "surrogatepass"), parser=_parser())
    except (LxmlError, ValueError, TypeError):
        return None


def parse(text: str) -> HtmlElement:
    """Parse a page as ``decode`` gives it (control characters dropped) the way
    trafilatura's loader does (same repairs, same parser settings, same second try from
    bytes), or raise a typed error."""
    from lxml.etree import LxmlError
    from lxml.html import fromstring

    beginning = text[:50].lower()
    text = _repair(text, beginning)
    tree: HtmlElement | None = None
    through_bytes = False
    try:
        tree = fromstring(text, parser=_parser())
    except ValueError:  # a string with an XML encoding declaration: lxml wants bytes
        tree, through_bytes = _from_bytes(text), True
    except (LxmlError, TypeError):  # lxml rejects some malformed input outright
        tree = None
    if (tree is None or len(tree) < 1) and not through_bytes:
        tree = _from_bytes(text)
    if tree is not None and "html" not in beginning and len(tree) < MIN_HTML_CHILDREN:
        tree = None  # not HTML at all
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


@cache
def _options(*, fast: bool, precision: bool) -> Extractor:
    """trafilatura's settings for one strategy, built once (it reads its configuration each
    time otherwise); trafilatura never changes a settings object it is given."""
    from trafilatura.settings import Extractor

    return Extractor(
        output_format="txt",
        fast=fast,
        precision=precision,
        comments=False,
        tables=True,
        images=False,
        links=False,
        with_metadata=False,
    )


def _trafilatura(tree: HtmlElement, *, fast: bool, precision: bool) -> str:
    import trafilatura

    return trafilatura.extract(tree, options=_options(fast=fast, precision=precision)) or ""


def _blocks(raw: str) -> list[str]:
    return [block for line in raw.splitlines() if (block := " ".join(line.split()))]


def is_notice(raw: str) -> bool:
    """A short text that is a notice about the page (rights, cookies, paywall), not a story."""
    if len(raw) >= NOTICE_MAX_CHARS:
        return False
    blocks = _blocks(raw)
    noticed = sum(len(b) for b in blocks if _NOTICE.search(b))
    return noticed * 2 >= sum(len(b) for b in blocks)


def _enough(raw: str) -> bool:
    return len(raw) >= FALLBACK_MIN_CHARS and not is_notice(raw)


def _body_text(tree: HtmlElement) -> tuple[str, str | None]:
    """The extractor's text, and the first pass's text when a fallback strategy produced it.

    First trafilatura's precision setting without its readability/jusText comparison (most
    of its run time). When that comes out short or as a notice ("for your personal,
    non-commercial use"), the strategy changes: the same precision with the comparison, then
    trafilatura's defaults (which also rescue text outside the usual containers). The first
    result that is long enough and not a notice wins; otherwise the longest one that is not
    a notice. (A first pass that is long but much shorter than the page's paragraph text is
    not a reason: on measured pages the extra text was other stories, and a body split by
    ads is joined from the page's structure instead, see ``layout``.)
    """
    first = _trafilatura(tree, fast=True, precision=True)
    if _enough(first):
        return first, None
    candidates = [first]
    for precision in (True, False):
        text = _trafilatura(tree, fast=False, precision=precision)
        candidates.append(text)
        if _enough(text):
            return text, first
    readable = [c for c in candidates if not is_notice(c)] or candidates
    return max(readable, key=len), first


def _strip_glued_header(block: str, titles: list[str], authors: list[str]) -> str:
    """Take the headline, byline and date off the front of a first paragraph they were
    glued to ("Harbour wall rebuilt By Jane Doe March 3, 2024 The council voted ...")."""
    words = block.split()
    for title in titles:
        size = len(title.split())
        if (
            size >= 3
            and len(words) > size + 8
            and _tokens(" ".join(words[:size])) == _tokens(title)
        ):
            words = words[size:]
            break
    else:
        return block
    rest = " ".join(words)
    for name in sorted(authors, key=len, reverse=True):
        for lead in (f"By {name}", f"by {name}", name):
            if rest.startswith(lead):
                rest = rest[len(lead) :].lstrip(" ,|-–—")
                break
    return _GLUED_DATE.sub("", rest, count=1)


def _header_metadata(
    blocks: list[str], metadata: ArticleMetadata
) -> tuple[list[str], ArticleMetadata]:
    """Bylines and datelines among the body's first lines: metadata, not body."""
    authors, published = list(metadata.authors), metadata.published
    kept: list[str] = []
    for block in blocks[:HEADER_LINES]:
        header = read_header_line(block, site_name=metadata.site_name)
        if header is not None:
            authors = authors or header.authors
            published = published or header.published
            continue
        kept.append(block)
    kept.extend(blocks[HEADER_LINES:])
    update = {"authors": authors, "published": published}
    return kept, metadata.model_copy(update=update)


def extract_body(tree: HtmlElement, metadata: ArticleMetadata) -> tuple[str, ArticleMetadata]:
    """The article's text, and the metadata completed from its first lines."""
    layout.prune_inline_furniture(tree)
    raw, first_pass = _body_text(tree)
    if not raw:
        raise NoTextFoundError("no article text found in the page")
    blocks = _blocks(raw)
    located = layout.locate(tree, blocks)
    if first_pass is not None and not is_notice(first_pass):
        blocks = layout.one_article(blocks, located, _blocks(first_pass))
        located = located.again(blocks)
    blocks = layout.join_split_body(tree, blocks, located)
    blocks = layout.restore_opening(tree, blocks, located.again(blocks), metadata.description)
    titles = [t for t in (metadata.title, *headings(tree)) if t]
    # The headline is metadata, not body: drop it where the extractor kept it on top.
    while blocks and titles and is_headline(blocks[0], titles):
        blocks.pop(0)
    blocks, metadata = _header_metadata(blocks, metadata)
    if blocks:
        blocks[0] = _strip_glued_header(blocks[0], titles, metadata.authors)
    blocks = clean_blocks(blocks)
    # A handful of words (menu labels, a footer) left over from a page with no article is
    # not an article.
    words = sum(len(b.split()) for b in blocks)
    if words < MIN_BODY_WORDS and sum(len(b) for b in blocks) < MIN_BODY_CHARS:
        raise NoTextFoundError("no article text found in the page")
    return render_blocks(blocks), metadata
