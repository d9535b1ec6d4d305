"""The lede: the page's own standfirst when it is a real one, and showing it only once.

A page's description (its meta description or dek) is often the best lede there is: the
publisher wrote it to say what the story is. It is often not one, too: the site's slogan,
a list of tags, or the opening sentence cut off at a length limit ("Floodwater forced about
2,000 people from their ..."). Only a whole sentence about the story is taken.
"""

from __future__ import annotations

import re

from articles.keypoints.clean import is_boilerplate, is_listing
from articles.keypoints.text import content_terms

# A standfirst is a sentence or two: shorter is a tag line, longer is a paragraph.
MIN_WORDS, MAX_WORDS = 8, 70
# Terms of the description the article's text must share: it is about this story.
MIN_SHARED_TERMS = 2
_SENTENCE_END = (".", "!", "?", '"', "”", "’", "»", "。", "！", "？", "؟")
_CUT_OFF = ("...", "…", "[…]", "[...]")
_SPACES = re.compile(r"\s+")


def standfirst(description: str | None, text: str) -> str | None:
    """The description as the lede, or None when it is not a whole sentence about the story
    or is a cut-off copy of the article's opening."""
    if not description:
        return None
    lede = _SPACES.sub(" ", description).strip()
    words = lede.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return None
    if lede.endswith(_CUT_OFF) or not lede.endswith(_SENTENCE_END):
        return None
    if lede[:1].islower() or is_boilerplate(lede) or is_listing(lede):
        return None
    opening = _SPACES.sub(" ", text[: len(lede) + 200]).strip()
    if opening.startswith(lede.rstrip(".")) and not opening.startswith(lede):
        return None  # the opening, cut short, with a full stop put on it
    body_terms = set(content_terms(text[:20_000]))
    if len(set(content_terms(lede)) & body_terms) < MIN_SHARED_TERMS:
        return None
    return lede


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def points_besides_lede(summary: str | None, points: list[str]) -> list[str]:
    """The key points a view shows under the lede: those the lede does not already say."""
    lede = _normalised(summary or "")
    if not lede:
        return list(points)
    return [p for p in points if f" {_normalised(p)} " not in f" {lede} "]
