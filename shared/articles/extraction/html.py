"""HTML pages: metadata from the markup, the article body from trafilatura, then clean-up."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from articles.errors import CorruptDocumentError, NoTextFoundError
from articles.extraction.boilerplate import clean_blocks

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "techarticle",
    "scholarlyarticle",
    "report",
    "posting",
    "socialmediaposting",
    "liveblogposting",
    "webpage",
}
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|$|[-_])")
_LANG = re.compile(r"^([a-zA-Z]{2})(?:[-_].*)?$")
_BY_PREFIX = re.compile(r"^\s*(by|von|par|por|di|door|av|af)\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b|\be\b)\s*")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
_TOKENS = re.compile(r"\w+")
FALLBACK_MIN_CHARS = 500
MIN_BODY_WORDS = 10
MIN_BODY_CHARS = 50  # for scripts written without spaces
_LIST_ITEM = re.compile(r"^(?:[-*•]|\d{1,3}[.)])\s")


@dataclass
class HtmlMetadata:
    title: str | None = None
    headings: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None
    site_name: str | None = None
    url: str | None = None
    description: str | None = None


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


# --- metadata ---------------------------------------------------------------------------------


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _meta(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` values keyed by lower-cased name/property/itemprop; the first one wins."""
    found: dict[str, str] = {}
    for element in tree.iterfind(".//meta"):
        content = _clean(element.get("content"))
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attr)
            if key:
                found.setdefault(key.strip().lower(), content)
    return found


def _json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    """Article-like objects from JSON-LD blocks, including those nested in ``@graph``."""
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('.//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(objects) < 50:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                    objects.append(item)
    # Prefer real articles over the generic WebPage wrapper.
    objects.sort(key=lambda o: str(o.get("@type")).lower() == "webpage")
    return objects


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        return _names(value.get("name"))
    name = _clean(value)
    if not name or name.startswith(("http://", "https://")):
        return []
    return [name]


def split_authors(raw: list[str]) -> list[str]:
    authors: list[str] = []
    for entry in raw:
        for part in _AUTHOR_SPLIT.split(_BY_PREFIX.sub("", entry)):
            name = part.strip(" .|")
            if 1 < len(name) <= 80 and name.lower() not in (n.lower() for n in authors):
                authors.append(name)
    return authors[:20]


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 (date or date-time) from the formats pages actually use, else None."""
    if not value:
        return None
    value = value.strip()
    candidate = value.replace("Z", "+00:00").replace(" ", "T", 1)
    for text in (candidate, candidate[:19], candidate[:10]):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            continue
        if not 1900 <= parsed.year <= 2100:
            return None
        if len(text) <= 10:
            return parsed.date().isoformat()
        return parsed.isoformat()
    match = re.search(r"((?:19|20)\d\d)[/.-](\d{1,2})[/.-](\d{1,2})", value)
    if match:
        try:
            year, month, day = (int(g) for g in match.groups())
            return datetime(year, month, day).date().isoformat()
        except ValueError:
            return None
    return None


def _language(value: str | None) -> str | None:
    match = _LANG.match(value.strip()) if value else None
    return match.group(1).lower() if match else None


def _strip_site_suffix(title: str, site_name: str | None) -> str:
    for sep in _TITLE_SEPARATORS:
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if site_name and tail.strip().lower() == site_name.lower():
                return head.strip()
            if not site_name and len(tail.split()) <= 4 < len(head.split()):
                return head.strip()
    return title


def extract_metadata(tree: HtmlElement, *, url_hint: str | None = None) -> HtmlMetadata:
    meta = _meta(tree)
    objects = _json_ld(tree)

    def ld(key: str) -> Any:
        for obj in objects:
            if obj.get(key):
                return obj[key]
        return None

    publisher = ld("publisher")
    site_name = (
        meta.get("og:site_name")
        or (_clean(publisher.get("name")) if isinstance(publisher, dict) else None)
        or meta.get("application-name")
    )
    headings = [
        text
        for h1 in tree.findall(".//h1")[:3]
        if (text := _clean(h1.text_content())) and len(text) < 300
    ]
    title_element = tree.find(".//title")
    page_title = _clean(title_element.text_content()) if title_element is not None else None
    title = (
        _clean(ld("headline"))
        or meta.get("og:title")
        or meta.get("twitter:title")
        or (headings[0] if headings else None)
        or page_title
    )
    if title:
        title = _strip_site_suffix(title, site_name)

    raw_authors = _names(ld("author"))
    if not raw_authors:
        raw_authors = [
            v
            for k in ("author", "article:author", "byl", "dc.creator", "parsely-author")
            if (v := meta.get(k)) and not v.startswith(("http://", "https://"))
        ]

    published = normalize_date(_clean(ld("datePublished")))
    for key in _DATE_META:
        if published:
            break
        published = normalize_date(meta.get(key))
    if not published:
        time_element = tree.find(".//time[@datetime]")
        if time_element is not None:
            published = normalize_date(time_element.get("datetime"))

    url = None
    for link in tree.iterfind(".//link[@rel]"):
        if "canonical" in link.get("rel", "").lower().split():
            url = _clean(link.get("href"))
            break
    for candidate in (url, meta.get("og:url"), _clean(ld("url")), url_hint):
        if candidate and candidate.startswith(("http://", "https://")):
            url = candidate
            break
    else:
        url = None
    if not published and url:
        match = _URL_DATE.search(url)
        if match:
            published = normalize_date("-".join(match.groups()))

    root = tree.getroottree().getroot()
    language = (
        _language(root.get("lang"))
        or _language(root.get("{http://www.w3.org/XML/1998/namespace}lang"))
        or _language(meta.get("content-language"))
        or _language(_clean(ld("inLanguage")))
        or _language(meta.get("og:locale"))
    )

    return HtmlMetadata(
        title=title,
        headings=headings,
        authors=split_authors(raw_authors),
        published=published,
        language=language,
        site_name=site_name,
        url=url,
        description=meta.get("description")
        or meta.get("og:description")
        or meta.get("twitter:description")
        or _clean(ld("description")),
    )


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


def extract_body(tree: HtmlElement, metadata: HtmlMetadata) -> str:
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
    titles = [t for t in (metadata.title, *metadata.headings) if t]
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
