"""Sentence splitting for article text, with no models or downloaded data.

Text from the extraction engine keeps paragraphs on their own lines. Each line is a block:
list items and headings are units of their own, prose lines are cut at sentence ends. A
full stop after an abbreviation ("Dr.", "e.g.", "No. 5", "U.S. officials") or inside a
number ("3.5") is not an end; "!" or "?" closing a quotation that the sentence goes on after
("Stop!" he said; orders for "What Pet Should I Get?" climbed) is not an end either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat
from typing import Literal

from articles.keypoints.text import UNSPACED, word_list

Kind = Literal["sentence", "item", "heading"]


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    index: int  # position among all units of the text
    block: int  # line (paragraph, list item or heading) it came from
    kind: Kind


# Titles and other abbreviations that are practically never the last word of a sentence.
_NEVER_FINAL = frozenset(
    word_list(
        """mr mrs ms dr prof sr jr st mt ft gen lt col sgt capt cmdr adm maj cpl pvt sen rep gov
        pres supt insp det rev fr hon messrs mme mlle no nos vol vols fig figs approx vs v cf ca
        dept est op pp ed eds jan feb mar apr jun jul aug sep sept oct nov dec"""
    )
)
# Abbreviations that end sentences often enough: only a following sentence-like start splits.
_MAYBE_FINAL = frozenset(word_list("""etc inc ltd co corp bros llc plc al"""))
# Words that start sentences; after "U.S." or "etc." they signal a real sentence end.
_STARTERS = frozenset(
    word_list(
        """the a an he she it they we i you this that these those his her its their our my but and
        so yet in on at for if when while after before as there here what who why how however
        meanwhile also then now still one some many most no not"""
    )
)
# German month names, capitalised after an ordinal ("am 3. Mai"); languages that write
# months in lower case ("den 3. juni") are covered by the lower-case test.
_MONTHS = frozenset(
    word_list(
        """januar jänner februar märz april mai juni juli august september oktober november
        dezember"""
    )
)
# "No." before a number is an abbreviation; before anything else it is the word "no".
_NUMBERLIKE = re.compile(r"^[\d#(]")
# A speaker and a verb of saying: what follows a quotation that ends in "!" or "?" when the
# sentence goes on ("Vote!" Trump tweeted; "Why now?" asked Ms. Lee).
_ATTRIBUTION = re.compile(
    r"(?:[\w.'’-]+,?\s+){0,3}?(?:said|says|say|asked|asks|tweeted|wrote|writes|told|added|"
    r"shouted|yelled|replied|recalled|explained|insisted|cried|exclaimed|joked|posted)\b",
    re.IGNORECASE,
)
# Candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace.
# The Arabic question mark "؟" ends a sentence as "?" does.
_BOUNDARY = re.compile(r"([.!?…؟]+)([\"'”’»)\]]*)\s+")
# Chinese and Japanese end sentences with full-width marks and no space after them: each is
# an end, after any closing quotes or brackets ("。」").
_FULL_WIDTH_END = re.compile(r"[。！？]+[」』”’）)]*")
# A heading is short: at most this many words, or characters in an unspaced script.
HEADING_WORDS, HEADING_CHARS = 12, 30
# Marks that end a sentence, so a line ending in one is prose, never a heading.
_TERMINAL = ".!?…\"'”’:;,。！？؟」』"
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·‣▪–—]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)])\s+(?=\S)")
# A numbered line that is a heading, not a list item: "2. The numbers".
_NUMBERED = re.compile(r"^\s*\(?\d{1,2}[.)]\s")
_INITIALISM = re.compile(r"^(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}$")
_WORD = re.compile(r"\w+(?:[.'’]\w+)*", re.UNICODE)
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum accepts


# A token ends where one of these begins; whitespace other than " " is handled apart.
_TOKEN_CUTS = (" ", "(", '"', "'", "“", "‘")


def _last_token(line: str, start: int, end: int) -> str:
    """The last token of ``line[start:end]``: after its last whitespace or opening quote."""
    # Usually the last space is the last cut: then the word after it holds no other cut,
    # and the other five need not be looked for back through the whole sentence.
    cut = line.rfind(" ", start, end)
    token = line[max(cut + 1, start) : end]
    if "(" in token or '"' in token or "'" in token or "“" in token or "‘" in token:
        cut = max(map(line.rfind, _TOKEN_CUTS, repeat(start), repeat(end)))
        token = line[max(cut + 1, start) : end]
    if token.isprintable():  # no tab, no-break space or other whitespace inside
        return token
    i = len(token)
    while i > 0 and not token[i - 1].isspace():
        i -= 1
    return token[i:]


def _is_end(token: str, punct: str, closer: str, after: str) -> bool:
    """Decide whether ``punct`` after the word ``token`` (and before ``after``) ends a sentence."""
    if not after:
        return True
    if punct[-1] in "!?…" or len(punct) > 1:
        nxt = after.lstrip("\"'“‘«([")
        if punct[-1] in ".…" and nxt[:1].islower() and (punct == "…" or len(punct) > 2):
            return False  # an ellipsis marking words left out: "we had some issues ... we had"
        if not closer:
            return True
        # "Stop!" he said. / Orders for "What Pet Should I Get?" continue to climb.
        # After a closing quote, a lower-case word or an attribution ("Help!" Trump tweeted)
        # continues the sentence.
        return not (nxt[:1].islower() or _ATTRIBUTION.match(after))
    word = (token + punct).rstrip(".").lower()
    if not word or closer:
        return True  # a quotation ended: "... today." Next sentence.
    # Most full stops follow an ordinary word: none of the tests below apply.
    if len(word) > 2 and "." not in word and word not in _NEVER_FINAL and word not in _MAYBE_FINAL:
        return True
    nxt = after.lstrip("\"'“‘«([")
    if word in _NEVER_FINAL:
        return word in {"no", "nos", "v"} and not _NUMBERLIKE.match(nxt)
    if _INITIALISM.match(word):  # u.s.  e.g.  i.e.  a.m.
        return nxt[:1].isupper() and _next_word(nxt) in _STARTERS
    if len(word) == 1 and word.isalpha():
        # An initial ("George W. Bush"); a lone letter rarely ends a sentence.
        return nxt[:1].isupper() and _next_word(nxt) in _STARTERS
    if word in _MAYBE_FINAL:
        return _next_word(nxt) in _STARTERS
    if word.isdigit() and len(word) <= 2:
        # An ordinal in German and the Nordic languages: "am 3. Mai", "als 2. ins Ziel".
        # A quotation opening after it starts a new sentence, whatever its case.
        return not (after[:1].islower() or _next_word(after) in _MONTHS)
    return True


def _next_word(nxt: str) -> str:
    m = _WORD.match(nxt)
    return m.group(0).lower() if m else ""


def _split_block(line: str) -> list[str]:
    if UNSPACED.search(line):
        return [p for piece in _split_full_width(line) for p in _split_spaced(piece)]
    return _split_spaced(line)


def _split_full_width(line: str) -> list[str]:
    out, start = [], 0
    for m in _FULL_WIDTH_END.finditer(line):
        piece = line[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = line[start:].strip()
    return [*out, tail] if tail else out


def _split_spaced(line: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(line):
        punct, closer = m.group(1), m.group(2)
        at, end = m.start(), m.end()
        if _is_end(_last_token(line, start, at), punct, closer, line[end : end + 40]):
            piece = line[start : at + len(punct) + len(closer)].strip()
            if piece:
                out.append(piece)
            start = end
    tail = line[start:].strip()
    if tail:
        out.append(tail)
    return _merge_fragments(out)


def _merge_fragments(parts: list[str]) -> list[str]:
    """Glue back pieces that cannot stand alone (a lone quote mark, "...", a closing bracket)."""
    merged: list[str] = []
    for part in parts:
        # Most pieces start with a letter or digit (isalnum is the pattern's character
        # class), so the search runs only for the others.
        if merged and not part[:1].isalnum() and not _ALNUM.search(part):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def _is_heading(line: str) -> bool:
    # At most 13 parts: enough to tell "12 words or fewer", and a paragraph of hundreds of
    # words (a whole article may be one line) is not split in full only to be counted.
    words = line.split(maxsplit=HEADING_WORDS)
    short = 0 < len(words) <= HEADING_WORDS
    if short and UNSPACED.search(line):  # unspaced scripts: measured in characters
        short = len(line) <= HEADING_CHARS
    return (short and line[-1] not in _TERMINAL and not line.endswith(")")) or (
        len(words) <= 8 and line.endswith(":")
    )


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences, list items and headings, in reading order."""
    units: list[Sentence] = []
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    block = 0
    for line in lines:
        if not line:
            continue
        item = _LIST_ITEM.match(line)
        body = line[item.end() :].strip() if item else ""
        if item and _NUMBERED.match(line) and body[:1].isupper() and _is_heading(body):
            # "2. The numbers": a numbered heading opens a section; it is not a point.
            units.append(Sentence(body.rstrip(":").strip(), len(units), block, "heading"))
        elif item:
            if body:
                units.append(Sentence(body, len(units), block, "item"))
        elif _is_heading(line) and len(lines) > 1:
            units.append(Sentence(line.rstrip(":").strip(), len(units), block, "heading"))
        else:
            for piece in _split_block(line):
                units.append(Sentence(piece, len(units), block, "sentence"))
        block += 1
    return units
