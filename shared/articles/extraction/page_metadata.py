"""An HTML page's metadata: JSON-LD first, then ``<meta>`` tags, then the visible markup.

``read_metadata`` reads the page's sources once (``PageSources``) and asks one helper per field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from articles.extraction.metadata import clean, is_person, normalize_date, split_authors
from articles.models import ArticleMetadata

if TYPE_CHECKING:
    from lxml.etree import XPath
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
_AUTHOR_META = ("author", "article:author", "byl", "dc.creator", "parsely-author")
_DESCRIPTION_META = ("description", "og:description", "twitter:description")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|$|[-_])")
_LANG = re.compile(r"^([a-zA-Z]{2})(?:[-_].*)?$")
_TITLE_META = ("og:title", "twitter:title")
_WORDS = re.compile(r"\w+")
MIN_CUT_TITLE_WORDS = 5  # a declared headline this long may be a cut-short shown one
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Elements marked as the author's name, found through their attributes (a walk over the
# attribute nodes is about twice as fast as testing every element), in document order.
_BYLINE_XPATH = (
    '(//@class[contains(., "byline") or contains(., "author")] | //@rel[. = "author"] '
    '| //@itemprop[. = "author"] | //@id[contains(., "byline")])'
    "/parent::*[not(self::meta or self::link or self::script)]"
)
_NOT_BYLINE = re.compile(r"comment|related|recommend|sidebar|footer|teaser|widget", re.I)
MAX_BYLINE_CHARS = 120
MAX_HEADINGS = 3
MAX_HEADING_CHARS = 300
MAX_LD_OBJECTS = 50
MAX_LD_NODES = 500


def _meta(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` values keyed by lower-cased name/property/itemprop; the first one wins."""
    found: dict[str, str] = {}
    for element in tree.iterfind(".//meta"):
        content = clean(element.get("content"))
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attr)
            if key:
                found.setdefault(key.strip().lower(), content)
    return found


def _json_ld(tree: HtmlElement) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Article-like objects from JSON-LD blocks, including those nested in ``@graph``, and
    every node by its ``@id`` (an article's author is often a reference to a Person node)."""
    objects: list[dict[str, Any]] = []
    nodes: dict[str, dict[str, Any]] = {}
    for script in tree.xpath('.//script[@type="application/ld+json"]'):
        try:
            # Not strict: pages often leave raw line breaks inside strings.
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(objects) < MAX_LD_OBJECTS and len(nodes) < MAX_LD_NODES:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                if isinstance(node_id := item.get("@id"), str) and len(item) > 1:
                    nodes.setdefault(node_id, item)
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                    objects.append(item)
    # Prefer real articles over the generic WebPage wrapper.
    objects.sort(key=lambda o: str(o.get("@type")).lower() == "webpage")
    return objects, nodes


@dataclass
class PageSources:
    """What the page's markup offers, read once."""

    tree: HtmlElement
    meta: dict[str, str]
    objects: list[dict[str, Any]]
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, tree: HtmlElement) -> PageSources:
        objects, nodes = _json_ld(tree)
        return cls(tree, _meta(tree), objects, nodes)

    def ld(self, key: str) -> Any:
        """The first article object's value for ``key``."""
        for obj in self.objects:
            if obj.get(key):
                return obj[key]
        return None

    def first_meta(self, keys: tuple[str, ...]) -> str | None:
        return next((value for key in keys if (value := self.meta.get(key))), None)

    def names(self, value: Any, *, follow: bool = True) -> list[str]:
        """The names in a JSON-LD value: a string, a Person or Organization, a reference to
        one by ``@id`` (followed once: references may loop), or a list of these."""
        if isinstance(value, list):
            return [name for item in value for name in self.names(item, follow=follow)]
        if isinstance(value, dict):
            if "name" not in value and isinstance(ref := value.get("@id"), str):
                node = self.nodes.get(ref) if follow else None
                return self.names(node.get("name"), follow=False) if node is not None else []
            return self.names(value.get("name"), follow=follow)
        name = clean(value)
        if not name or name.startswith(("http://", "https://")):
            return []
        return [name]


def _language_code(value: str | None) -> str | None:
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


def headings(tree: HtmlElement) -> list[str]:
    """The page's first ``<h1>`` texts: the headline, however the page marks it up."""
    return [
        text
        for h1 in tree.findall(".//h1")[:MAX_HEADINGS]
        if (text := clean(h1.text_content())) and len(text) < MAX_HEADING_CHARS
    ]


def _site_name(page: PageSources) -> str | None:
    publisher = page.ld("publisher")
    return (
        page.meta.get("og:site_name")
        or (clean(publisher.get("name")) if isinstance(publisher, dict) else None)
        or page.meta.get("application-name")
    )


def _title(page: PageSources, site_name: str | None) -> str | None:
    title_element = page.tree.find(".//title")
    page_title = clean(title_element.text_content()) if title_element is not None else None
    h1 = headings(page.tree)
    declared = [
        _strip_site_suffix(title, site_name)
        for title in (clean(page.ld("headline")), *map(page.meta.get, _TITLE_META))
        if title
    ]
    # The headline as the page shows it, when the metadata names it (whole, or cut short):
    # a page often declares one headline for search engines and another for social cards.
    for heading in h1:
        shown = _WORDS.findall(heading.lower())
        for title in declared:
            words = _WORDS.findall(title.lower())
            if words and (
                words == shown
                or (len(words) >= MIN_CUT_TITLE_WORDS and shown[: len(words)] == words)
            ):
                return heading
    if declared:
        return declared[0]
    shown_title = h1[0] if h1 else page_title
    return _strip_site_suffix(shown_title, site_name) if shown_title else None


@cache
def _byline_xpath() -> XPath:
    from lxml.etree import XPath

    return XPath(_BYLINE_XPATH)


def _byline(tree: HtmlElement) -> list[str]:
    """The visible byline's text: the first short element marked as the author's name."""
    matches = _byline_xpath()(tree)
    if not matches:
        return []
    marked = set(matches)
    # What holds the headline holds the story: its classes ("has-sidebar" on the body, say)
    # describe the page's layout, not a box beside the story.
    headline = tree.find(".//h1")
    story = set(headline.iterancestors()) if headline is not None else set()
    for element in matches:
        if any(inner in marked for inner in element.iterdescendants()):
            continue  # the innermost marked element holds the name alone
        if any(
            a not in story and _NOT_BYLINE.search(a.get("class", ""))
            for a in element.iterancestors()
        ):
            continue  # a comment's or a related story's author
        text = clean(element.text_content())
        if text and 2 < len(text) <= MAX_BYLINE_CHARS:
            return [text]
    return []


def _authors(page: PageSources, site_name: str | None) -> list[str]:
    """People named as the authors: structured data first, then the visible byline; an
    organisation only when neither names a person."""
    raw = page.names(page.ld("author"))
    if not raw:
        raw = [
            value
            for key in _AUTHOR_META
            if (value := page.meta.get(key)) and not value.startswith(("http://", "https://"))
        ]
    declared = split_authors(raw, site_name=site_name)
    if declared and is_person(declared[0], site_name):
        return declared
    visible = split_authors(_byline(page.tree), site_name=site_name)
    if visible and is_person(visible[0], site_name):
        return visible
    return declared or visible


def _url(page: PageSources, url_hint: str | None) -> str | None:
    canonical = next(
        (
            clean(link.get("href"))
            for link in page.tree.iterfind(".//link[@rel]")
            if "canonical" in link.get("rel", "").lower().split()
        ),
        None,
    )
    for candidate in (canonical, page.meta.get("og:url"), clean(page.ld("url")), url_hint):
        if candidate and candidate.startswith(("http://", "https://")):
            return candidate
    return None


def _published(page: PageSources, url: str | None) -> str | None:
    published = normalize_date(clean(page.ld("datePublished")))
    for key in _DATE_META:
        if published:
            return published
        published = normalize_date(page.meta.get(key))
    if not published:
        time_element = page.tree.find(".//time[@datetime]")
        if time_element is not None:
            published = normalize_date(time_element.get("datetime"))
    if not published and url and (match := _URL_DATE.search(url)):
        published = normalize_date("-".join(match.groups()))
    return published or _visible_date(page.tree)


def _visible_date(tree: HtmlElement) -> str | None:
    """A date shown on the page but not in its metadata: htmldate's search of the markup
    and text (it weighs the many ways pages show a publication date)."""
    from htmldate import find_date

    found = find_date(tree, original_date=True)
    return str(found) if found else None


def _declared_language(page: PageSources) -> str | None:
    root = page.tree.getroottree().getroot()
    return (
        _language_code(root.get("lang"))
        or _language_code(root.get(_XML_LANG))
        or _language_code(page.meta.get("content-language"))
        or _language_code(clean(page.ld("inLanguage")))
        or _language_code(page.meta.get("og:locale"))
    )


def _description(page: PageSources) -> str | None:
    return page.first_meta(_DESCRIPTION_META) or clean(page.ld("description"))


def read_metadata(tree: HtmlElement, *, url_hint: str | None = None) -> ArticleMetadata:
    page = PageSources.read(tree)
    site_name = _site_name(page)
    url = _url(page, url_hint)
    return ArticleMetadata(
        title=_title(page, site_name),
        authors=_authors(page, site_name),
        published=_published(page, url),
        language=_declared_language(page),
        site_name=site_name,
        url=url,
        description=_description(page),
    )
