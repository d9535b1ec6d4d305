"""Line-level clean-up of page furniture that survives text extraction.

Shared by the HTML path (what the main-content extractor lets through) and the plain-text path
(pages saved as text keep all of it). Each rule targets a kind of line, never a site.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE

# Prompts to subscribe, share or follow: they address the reader, not the story.
_PROMPTS = re.compile(
    r"(\b(sign up|subscribe|join|register|get)\b.{0,80}\b(newsletters?|inbox|mailing list|"
    r"daily briefing|email updates)\b)"
    r"|(\b(follow|like) (us|him|her|them|me)\b.{0,60}\b(twitter|facebook|instagram|linkedin|"
    r"tiktok|youtube)\b)"
    r"|(^click here\b)|(\bclick here (for|to) (more|find|read|learn|subscribe|sign)\b)"
    r"|(^\[/?[a-z_-]+( [^\]]*)?\])"
    r"|(^(tell us what you think|what do you think\?|leave a (comment|reply)|"
    r"post a comment|add a comment|join the (conversation|discussion))\b)"
    r"|(\bclick to tweet$)"
    r"|(^(follow|find) (@\w+|us|me|him|her|them|[\w.]+ [\w.]+) on (twitter|x|facebook|instagram|"
    r"linkedin|tiktok|youtube|threads|bluesky|mastodon)\b)"
    r"|(^follow @\w+)"
    r"|(^(like|liked|enjoy|enjoyed|love|loved) (this|the) (story|article|post|piece)\b.{0,40}"
    r"\b(share|tell|pass)\b)"
    r"|(^share (this|it|the) (story|article|post)?\b.{0,40}(friends?|facebook|twitter|email)\b)",
    _FLAGS,
)
# Buttons and bare labels: the whole line is the widget.
_WIDGETS = re.compile(
    r"^(share|share this( article| story| post)?|tweet|email|print|save|copy link|"
    r"join now|subscribe( now)?|sign up( now)?|log ?in|sign in|close|menu|skip to "
    r"(main )?content|advertisement|ad|sponsored|comments?|\d+ comments?|no comments|"
    r"show comments|load more|continue reading( below)?|story continues below|"
    r"back to top|top|search|home|more|next|previous|prev)\W*$",
    _FLAGS,
)
# A row of share buttons: "Share Tweet Email", "Facebook Twitter LinkedIn WhatsApp".
_BUTTON_ROW = re.compile(
    r"^((share|tweet|email|e-mail|print|save|facebook|twitter|x|linkedin|whatsapp|pinterest|"
    r"reddit|telegram|flipboard|messenger|copy( link)?|comments?|sms)\W*(\s+|$)){2,}$",
    _FLAGS,
)
# A label whose value is missing ("Written by" with nothing after it).
_EMPTY_LABEL = re.compile(
    r"^(written by|published( on)?|posted( on| by| in)?|updated( on)?|by|author|"
    r"photo|image|source|credit|date|filed under|tags|categories|category)\s*:?\s*$",
    _FLAGS,
)
# A date stamp with nothing else: "Updated at 1:23 p.m.", "Posted 19 Nov 2019, 09:00".
_STAMP = re.compile(
    r"^((first |last )?(published|posted|updated|modified)( on| at)?|date)\s*:?\s+"
    r"[\w ,./:+-]{1,40}$",
    _FLAGS,
)
# "Also on <site>" opening a box of the site's other stories.
_ALSO_ON = re.compile(r"^also (on|in|from) [\w .'’&-]{1,40}$", _FLAGS)
# Notices about the page's rights and requirements, not part of any story.
_RIGHTS = re.compile(
    r"personal,? non-?commercial use|all rights reserved|distribution and use of this material|"
    r"order (presentation-ready |multiple )?copies|please enable javascript|"
    r"javascript is (disabled|required)",
    _FLAGS,
)
RIGHTS_MAX_CHARS = 400
# One-line pointers to other stories ("Related: ...", "Read more: ...").
_POINTER = re.compile(
    r"^(related( \w+)?|read more|see more|see also|more|also read|read also|watch|"
    r"recommended|don'?t miss|most read|filed under|tags|tagged|topics|categories|"
    r"posted in|more on|also on [\w .'’-]{1,40})\s*[:|]\s*\S",
    _FLAGS,
)
# Headings that open a block of other stories; the rest of the page is teasers.
_TRAILING_BLOCK = re.compile(
    r"^(related( stories| articles| posts| news| content| reading| coverage)?|"
    r"recent (news|posts|stories|articles)|latest (news|stories)|more (news|stories)|"
    r"read more|see more|more from [\w ]{1,40}|you (may|might) also (like|enjoy)|"
    r"recommended( for you| stories)?|don'?t miss|most (popular|read)|trending( now)?|"
    r"popular (posts|stories)|what to read next|around the web|also on [\w .'’&-]{1,40}|"
    r"more (from|on) [\w .'’&-]{1,40}|(read|see|watch) (next|also))\s*:?$",
    _FLAGS,
)
# Nothing but punctuation or symbols: close buttons, separators, bullets left alone.
# Teaser blurbs run to a sentence or two; article paragraphs are usually longer.
TEASER_MAX_WORDS = 60
_SYMBOLS = re.compile(r"^[\W_]{1,4}$")


# A navigation bar or a row of buttons saved as one line: "Home | World | Business | Sign in",
# "Share  Tweet  Email". Short items, three or more, between bars, bullets or wide gaps.
_NAV_SEPARATOR = re.compile(r"\s*[|•·»]\s*|\s{2,}|\t+")
NAV_MIN_ITEMS = 3
NAV_MAX_ITEM_WORDS = 3


def nav_items(line: str) -> list[str]:
    """The items of a navigation-bar line, or [] when the line is not one."""
    line = line.strip()
    if line.startswith("|") or line.endswith("|"):
        return []  # a table row, as the extractors write tables
    items = [item for item in _NAV_SEPARATOR.split(line) if item]
    if len(items) < NAV_MIN_ITEMS:
        return []
    if any(len(item.split()) > NAV_MAX_ITEM_WORDS or item[-1] in ".,;:!?" for item in items):
        return []
    return items


# Words without which the searched patterns cannot match: a substring test on the lower-cased
# line is much cheaper than a search, and most lines have none of them. (Every unanchored
# branch of ``_RIGHTS`` and ``_PROMPTS`` needs one of ``*_WORDS``; every anchored branch of
# ``_PROMPTS`` starts with one of ``_PROMPT_STARTS``.)
_RIGHTS_WORDS = ("personal", "rights reserved", "distribution and use", "copies", "javascript")
_PROMPT_WORDS = (
    *("newsletter", "inbox", "mailing list", "daily briefing", "email updates", "click here"),
    *("click to tweet", "twitter", "facebook", "instagram", "linkedin", "tiktok", "youtube"),
)
_PROMPT_STARTS = (
    *("click", "[", "tell", "what", "leave", "post", "add", "join", "follow", "find", "like"),
    *("enjoy", "love", "share"),
)
MAX_LINE_CHARS = 200  # longer is a real paragraph, even if it mentions a newsletter


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def is_boilerplate_line(line: str) -> bool:
    stripped = line.strip()
    if _SYMBOLS.match(stripped):
        return True
    stripped = stripped.lstrip("-*•·").strip()
    if not stripped or len(stripped) > RIGHTS_MAX_CHARS:
        return False
    lowered = stripped.lower()
    if _has_any(lowered, _RIGHTS_WORDS) and _RIGHTS.search(stripped):
        return True
    if len(stripped) > MAX_LINE_CHARS:
        return False
    if nav_items(line):
        return True
    prompt = (lowered.startswith(_PROMPT_STARTS) or _has_any(lowered, _PROMPT_WORDS)) and bool(
        _PROMPTS.search(stripped)
    )
    return bool(
        prompt
        or _WIDGETS.match(stripped)
        or _BUTTON_ROW.match(stripped)
        or _EMPTY_LABEL.match(stripped)
        or _POINTER.match(stripped)
        or (len(stripped) <= 60 and (_STAMP.match(stripped) or _ALSO_ON.match(stripped)))
    )


def is_trailing_block_heading(line: str) -> bool:
    return bool(_TRAILING_BLOCK.match(line.strip().strip("#*_ ").strip()))


def _is_teaser(block: str) -> bool:
    """A headline-like line: short and not ending as a sentence does."""
    stripped = block.strip().rstrip("|").strip()
    return len(stripped.split()) <= 25 and not stripped.endswith((".", "!", "?", ":", '"', "”"))


def _is_short(block: str) -> bool:
    return len(block.split()) <= TEASER_MAX_WORDS


def clean_blocks(blocks: list[str]) -> list[str]:
    return [blocks[i] for i in kept_indices(blocks)]


def kept_indices(blocks: list[str]) -> list[int]:
    """Indices of the blocks to keep, dropping boilerplate and blocks of other stories.

    A heading such as "Related" or "Recent News" followed up to the end only by short blocks,
    many of them headline-like, opens a trailing list of teasers: the rest goes. Anywhere
    else (a box in the middle of the article) only the heading and the headline-like lines
    right after it go.
    """
    kept: list[int] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        if is_trailing_block_heading(block):
            rest = blocks[index:]
            teasers = sum(_is_teaser(b) for b in rest)
            if all(_is_short(b) for b in rest) and teasers * 5 >= len(rest) * 2:
                break
            while index < len(blocks) and _is_teaser(blocks[index]):
                index += 1
            continue
        if not is_boilerplate_line(block):
            kept.append(index - 1)
    return kept
