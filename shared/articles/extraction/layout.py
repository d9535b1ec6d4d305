"""Where the extracted paragraphs sit in the page, and what that says about the rest.

The main-content extractor returns text; these steps put that text back on the page's tree
to repair what a text-only view cannot see:

- ``prune_inline_furniture``: hover cards and hidden widgets inside paragraphs, removed before
  extraction (their text would be glued into the sentence around them);
- ``one_article``: on a page of several ``<article>`` elements, paragraphs taken from articles
  other than the one holding the story are other stories;
- ``join_split_body``: a body split into several containers of the same kind (an ad or a promo
  between them) has its later parts added back, in page order;
- ``restore_opening``: the page's own description is usually its standfirst; when the page
  shows it as a paragraph just before the body and the text lost it, it is put back.

Each rule reads the page's structure (tags, classes, order), never a site's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.etree import XPath
    from lxml.html import HtmlElement

# Elements whose text the extractor writes as one output line.
_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "pre")
_PART_TAGS = ("p", "h2", "h3", "h4", "blockquote", "li")
_HOVER_CLASS = re.compile(
    r"hover|rollover|tooltip|popover|popup|tippy|flyout|(?:^|[-_ ])card(?:$|[-_ ])", re.I
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WORD = re.compile(r"\w+")
MIN_PART_PARAGRAPH_CHARS = 80
CONTAINER_SHARE = 0.6  # of the located text, in the body's container
MAX_GAP_CHARS = 200
_FURNITURE_CLASS = re.compile(
    r"\b(ad|ads|advert\w*|dfp|gpt|banner|sponsor\w*|promo\w*|teaser\w*|related|newsletter|"
    r"subscribe|signup|embed\w*|widget|outbrain|taboola|inline|recirc\w*|native|"
    r"mpu|billboard|slot)\b|[-_](ad|ads|promo|embed|related)\b|\bad[-_]",
    re.I,
)
# A part that opens with "About ..." is an about-the-author or about-the-company box.
_ABOUT = re.compile(r"^about\b", re.I)
MIN_DESCRIPTION_WORDS = 8
ONE_ARTICLE_SHARE = 0.8
OPENING_LOOKBEHIND = 12  # block elements before the body searched for the standfirst
OPENING_LOOKAHEAD = 3  # output blocks after which a missing standfirst is not looked for


def norm(text: str) -> str:
    return " ".join(text.split())


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


# --- before extraction --------------------------------------------------------------------------


@cache
def _inline_candidates() -> XPath:
    """Elements inside paragraphs that might be hover cards or hidden widgets: those with
    attributes to judge them by, or a picture (selected in C, not element by element)."""
    from lxml.etree import XPath

    return XPath(
        "//p//*[not(self::a or self::br or self::b or self::i or self::em)]"
        "[@hidden or @style or @class or @id or .//img]"
    )


def prune_inline_furniture(tree: HtmlElement) -> None:
    """Drop hover cards and hidden widgets nested in paragraphs, keeping the text after them.

    A hover card is an element inside a paragraph that the page shows only on hover: marked as
    such by its class, hidden by its style, or holding a picture and further links. The link
    it hangs on (the name in the sentence) stays.
    """
    doomed: list[HtmlElement] = []
    for element in _inline_candidates()(tree):
        attrs = f"{element.get('class', '')} {element.get('id', '')}"
        hidden = element.get("hidden") is not None or _HIDDEN_STYLE.search(element.get("style", ""))
        card = element.find(".//img") is not None and element.find(".//a") is not None
        if hidden or card or _HOVER_CLASS.search(attrs):
            doomed.append(element)
    # A wrapper marked as a hover card often holds the link itself as well as the card:
    # only the innermost marked element goes.
    marked = set(doomed)
    for element in doomed:
        if any(inner in marked for inner in element.iterdescendants()):
            continue
        if element.getparent() is not None:
            element.drop_tree()


# --- after extraction ---------------------------------------------------------------------------


@dataclass
class Located:
    """Output blocks found on the page: block index -> element; page order of every block."""

    elements: dict[int, HtmlElement]
    order: dict[HtmlElement, int]
    by_text: dict[str, HtmlElement]

    def again(self, blocks: list[str]) -> Located:
        """The same page index, for a changed list of blocks."""
        return Located(_find(blocks, self.by_text), self.order, self.by_text)


def _find(blocks: list[str], by_text: dict[str, HtmlElement]) -> dict[int, HtmlElement]:
    found = {}
    for index, block in enumerate(blocks):
        element = by_text.get(block)
        if element is None and block.startswith("- "):  # a list item as the extractor writes it
            element = by_text.get(block[2:])
        if element is not None:
            found[index] = element
    return found


def locate(tree: HtmlElement, blocks: list[str]) -> Located:
    by_text: dict[str, HtmlElement] = {}
    order: dict[HtmlElement, int] = {}
    for position, element in enumerate(tree.iter(*_BLOCK_TAGS)):
        order[element] = position
        by_text.setdefault(norm(element.text_content()), element)
    return Located(_find(blocks, by_text), order, by_text)


def _nearest(element: HtmlElement, tag: str) -> HtmlElement | None:
    return next(element.iterancestors(tag), None)


def _related(a: HtmlElement, b: HtmlElement) -> bool:
    return (
        a is b or any(x is a for x in b.iterancestors()) or any(x is b for x in a.iterancestors())
    )


def one_article(blocks: list[str], located: Located, anchor: list[str]) -> list[str]:
    """Drop blocks that come from another ``<article>`` than the one ``anchor`` came from.

    ``anchor`` is the first pass's text: when a fallback brings in more, what it adds from
    other article elements (teasers of other stories, each its own article) goes. The anchor
    must lie mostly in one article, so a live blog made of many article elements keeps
    every post.
    """
    homes: dict[int, HtmlElement] = {}
    for index, element in located.elements.items():
        home = _nearest(element, "article")
        if home is not None:
            homes[index] = home
    anchored = set(anchor)
    weight: dict[HtmlElement, int] = {}
    for index, home in homes.items():
        if blocks[index] in anchored:
            weight[home] = weight.get(home, 0) + len(blocks[index])
    if not weight:
        return blocks
    main = max(weight, key=weight.__getitem__)
    if weight[main] < ONE_ARTICLE_SHARE * sum(len(b) for b in anchored):
        return blocks
    return [b for i, b in enumerate(blocks) if i not in homes or _related(homes[i], main)]


def _signature(element: HtmlElement) -> tuple[str, str, str] | None:
    cls, prop = norm(element.get("class", "")), element.get("itemprop", "")
    if not cls and not prop:
        return None
    return (str(element.tag), cls, prop)


def _container(located: Located, blocks: list[str]) -> HtmlElement | None:
    """The smallest element holding most of the located text.

    It is an ancestor of the first located element: each located element's text counts for
    the lowest of those ancestors that holds it (and so for all above it).
    """
    if not located.elements:
        return None
    first = next(iter(located.elements.values()))
    chain = list(first.iterancestors())
    rank = {ancestor: position for position, ancestor in enumerate(chain)}
    held = [0] * len(chain)
    total = 0
    for index, element in located.elements.items():
        size = len(blocks[index])
        total += size
        for ancestor in element.iterancestors():
            position = rank.get(ancestor)
            if position is not None:
                held[position] += size
                break
    weight = 0
    for position, ancestor in enumerate(chain):
        weight += held[position]
        if weight >= CONTAINER_SHARE * total:
            return ancestor
    return None


def _part_paragraphs(part: HtmlElement, order: dict[HtmlElement, int]) -> list[tuple[int, str]]:
    paragraphs = []
    for element in part.iter(*_PART_TAGS):
        if element.tag == "li" and element.find(".//a") is not None:
            continue  # a list of links in a body part is a promo, not the story
        text = norm(element.text_content())
        if text and element in order:
            paragraphs.append((order[element], text))
    return paragraphs


def _is_furniture(element: HtmlElement) -> bool:
    """What sits between two parts of a split body: an ad, a promo, an embed, a widget."""
    if not isinstance(element.tag, str):
        return True
    attrs = f"{element.get('class', '')} {element.get('id', '')}"
    if _FURNITURE_CLASS.search(attrs) or element.tag in ("aside", "figure", "iframe", "script"):
        return True
    text = norm(element.text_content())
    return len(text) <= MAX_GAP_CHARS


def join_split_body(tree: HtmlElement, blocks: list[str], located: Located) -> list[str]:
    """Add the later parts of a body the page splits into containers of one kind.

    The container of the located text (or its parent) has a signature: tag, class, itemprop.
    Later siblings with the same signature, each reached across nothing but furniture (an
    ad, a promo box, an embed), holding real paragraphs the output lacks, are parts of the
    same body. Anything else between them (prose, a different container) ends the body.
    """
    container = _container(located, blocks)
    if container is None:
        return blocks
    have = set(blocks)
    for level in (container, container.getparent()):
        if level is None or (signature := _signature(level)) is None:
            continue
        added: list[tuple[int, str]] = []
        gap: list[HtmlElement] = []
        for sibling in level.itersiblings():
            if _signature(sibling) != signature:
                gap.append(sibling)
                continue
            if not gap or not all(_is_furniture(g) for g in gap):
                break
            gap = []
            new = [(p, t) for p, t in _part_paragraphs(sibling, located.order) if t not in have]
            if not any(_is_prose(t) for _, t in new) or _ABOUT.match(new[0][1]):
                break
            added.extend(new)
        if added:
            return _merge_in_order(blocks, located, added)
    return blocks


def _is_prose(text: str) -> bool:
    ending = text.rstrip("\"”’'»)")
    return len(text) >= MIN_PART_PARAGRAPH_CHARS and ending.endswith((".", "!", "?"))


def _merge_in_order(blocks: list[str], located: Located, added: list[tuple[int, str]]) -> list[str]:
    """Insert ``added`` (page position, text) among the blocks by page position."""
    positioned: list[tuple[int, int, str]] = []
    last = -1
    for index, block in enumerate(blocks):
        element = located.elements.get(index)
        if element is not None:
            last = located.order.get(element, last)
        positioned.append((last, 0, block))
    positioned.extend((pos, 1, text) for pos, text in sorted(added))
    positioned.sort(key=lambda item: (item[0], item[1]))
    seen: set[str] = set()
    merged = []
    for _, _, text in positioned:
        if text not in seen:
            seen.add(text)
            merged.append(text)
    return merged


def _matches_description(text: str, description: list[str]) -> bool:
    words = _tokens(text)
    if len(words) < MIN_DESCRIPTION_WORDS:
        return False
    shorter, longer = sorted((words, description), key=len)
    # Descriptions are often cut short ("...") or the paragraph runs on past them.
    return len(shorter) >= 0.7 * len(longer) and longer[: len(shorter)] == shorter


def restore_opening(
    tree: HtmlElement, blocks: list[str], located: Located, description: str | None
) -> list[str]:
    """Put back a standfirst the extractor dropped, found through the page's description."""
    if not description or not blocks:
        return blocks
    wanted = _tokens(description)
    if len(wanted) < MIN_DESCRIPTION_WORDS:
        return blocks
    if any(_matches_description(b, wanted) for b in blocks[:OPENING_LOOKAHEAD]):
        return blocks
    first = next(iter(sorted(located.elements.items())), None)
    if first is None:
        return blocks
    first_index, first_element = first
    first_position = located.order[first_element]
    container = _container(located, blocks)
    for element in _candidates_before(located, first_position):
        text = norm(element.text_content())
        if not _matches_description(text, wanted):
            continue
        if element.tag != "p" or container is None or not _near(element, container):
            return blocks
        # Whatever the output put before the body's first located paragraph and is not on
        # the page next to it (a teaser from a sidebar) gives way to the standfirst.
        return [text, *blocks[first_index:]] if first_index else [text, *blocks]
    return blocks


def _candidates_before(located: Located, position: int) -> list[HtmlElement]:
    """The block elements just before ``position``, nearest first."""
    before = [e for e, p in located.order.items() if p < position]
    return before[-OPENING_LOOKBEHIND:][::-1]


def _near(element: HtmlElement, container: HtmlElement) -> bool:
    """In the body's container or beside it (within the story's own header at most): the
    story's standfirst, not a summary box or a sidebar further away."""
    story = container.getparent()
    parent = element.getparent()
    if parent is None or story is None:
        return False
    return parent is container or parent is story or parent.getparent() is story
