"""Make an extracted sentence presentable as a key point, or reject it as boilerplate.

Sentences lifted out of an article carry artifacts of the page: datelines, bylines, photo
credits, "Scroll down for video", quotation marks whose other half is in a neighbouring
sentence, and connectives ("But", "However") pointing at a sentence the reader won't see.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# News agencies that appear in datelines: "LONDON (Reuters) -", "(CNN) --".
_AGENCIES = r"cnn|ap|afp|reuters|upi|bloomberg|dpa|efe|ansa|xinhua|pti|ians|bbc|nyt|ft|aap|cp"
_DATELINE = re.compile(
    rf"""^(?:[^\W\d_][\w.'’-]*(?:[ ,]+[^\W\d_][\w.'’-]*){{0,4}}[ ,]*
         (?:\w{{3,9}}\.?\s\d{{1,2}}(?:,\s*\d{{4}})?\s*)?)?   # place, optional date
         \((?:{_AGENCIES})(?:\s*\w+)?\)\s*(?:--|—|–|-|:)?\s*""",
    re.IGNORECASE | re.VERBOSE,
)
# A byline glued to the dateline: "By Ann Lee, Staff Writer PARIS (Reuters) - ...".
_PREFIXED_DATELINE = re.compile(
    rf"^[^.!?]{{0,100}}?\((?:{_AGENCIES})\)\s*(?:--|—|–|-|:)\s*", re.IGNORECASE
)
# "WASHINGTON --" / "PARIS, France —": an upper-case place then a dash.
_CAPS_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{2,30}(?:,\s*[A-Z][\w .]{1,25})?\s*(?:--|—|–|-(?=\s))\s+"
)
# At the opening of an article only, a place in ordinary case, then a dash ("Indianapolis –",
# "New York, NY —") or, after a region, a colon ("Washington, DC, United States:"). Anywhere
# else a name and a dash start an ordinary sentence.
_PLACE = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}"
_OPENING_DATELINE = re.compile(
    rf"^{_PLACE}(?:(?:, {_PLACE}){{0,2}} (?:--|—|–|-) |(?:, {_PLACE}){{1,2}}: )(?=[A-Z\"“‘'])"
)
# The same in a script without capitals (Arabic, Hebrew): "القاهرة – ...".
_UNCASED_LETTERS = "\u0590-\u05ff\u0600-\u06ff"
_UNCASED_DATELINE = re.compile(
    rf"^(?:[{_UNCASED_LETTERS}]+ ){{0,2}}[{_UNCASED_LETTERS}]+ ?(?:--|—|–|-) "
)
_CREDIT_PAREN = re.compile(
    r"\s*[(\[](?:photo|image|picture|pictured|credit|source|video|file photo|getty images|"
    r"ap photo|reuters|afp)[^)\]]{0,60}[)\]]",
    re.IGNORECASE,
)
# Words that open a photo credit or a caption ("Photo by ...", "Image: ...") and a byline.
_CREDIT_WORDS = (
    "photo",
    "photograph",
    "image",
    "picture",
    "video",
    "credit",
    "caption",
    "source",
    "photos",
    "pictured",
)
_BYLINE_WORDS = ("by", "written by")
_CREDIT_SENTENCE = re.compile(
    rf"^(?:{'|'.join(_CREDIT_WORDS)})s?\s*(?:by|credit|courtesy|:)", re.IGNORECASE
)
# Page furniture, matched as plain substrings of the lower-cased text: a substring test per
# phrase is much cheaper than one case-insensitive alternation over every sentence.
_BOILERPLATE = (
    "scroll down",
    "click here",
    "read more",
    "sign up",
    "subscribe",
    "follow us",
    "share this",
    "all rights reserved",
    "copyright",
    "newsletter",
    "advertisement",
    "related:",
    "watch the video",
    "this story has been updated",
    "contributed to this report",
    "updated:",
    "published:",
    "last modified",
    "getty images",
    "cookies",
    # Affiliate disclosures ("We may earn a commission from products on this page").
    "may earn a commission",
    "may receive a commission",
    "may earn an affiliate",
    "affiliate links",
)
_BYLINE = re.compile(rf"^(?:{'|'.join(_BYLINE_WORDS)})\b", re.IGNORECASE)
# Connectives that refer back to a sentence the reader will not have. The coordinators go
# whatever follows them; the others only as a phrase of their own, set off by a comma: "In
# addition, ..." is a connective, "In addition to the three fatalities, ..." is not.
_CONNECTIVE = re.compile(
    r"^(?:(?:but|and|yet|or)\b\s*,?|(?:so|however|meanwhile|still|moreover|furthermore|also|"
    r"besides|in addition|additionally|nevertheless|nonetheless|instead|indeed|likewise|"
    r"similarly|then|thus|therefore|consequently|as a result|at the same time|in fact|"
    r"of course|on the other hand|even so|after all|in turn)\s*,)\s+",
    re.IGNORECASE,
)
# Words that open a sentence only by pointing at one before it: a point opening with one of
# these needs its referent ("He said ...", "This means ...").
REFERRING_OPENERS = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "its",
        "him",
        "them",
        "we",
    ]
)
_PARENTHETICAL = re.compile(r"\s*\([^()]{0,80}\)")
# An inline label: "Key points from the letter: ...", "Meta's actions: ...", "Tragedy: ...".
# Up to six words before a colon, with no verb of saying (a speaker: "Vaughan said: ...")
# and no verb at all ("The reason is simple: ..." is a sentence), and a sentence after it.
_LABEL = re.compile(
    r"^(?![^:]*\b(?:said|says|added|told|asked|wrote|tweeted|explained|warned|insisted|"
    r"admitted|claimed|declared|replied|stated|is|are|was|were|has|have|had|will|would)\b)"
    r"[\w'’-]+(?:\s+[\w'’-]+){0,5}\s*:\s+(?![\"“«'‘])(?=(?:\S+\s+){3})",
    re.IGNORECASE,
)
# A line of a listing, not a sentence: a date then a place ("June 14 - Alpharetta, GA @
# Ameris Bank Amphitheatre"), a venue after "@", a label of practical details ("Tickets:
# $45").
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_LISTING = re.compile(
    rf"""^(?:{_DAY}\s+)?(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH}|\d{{1,2}}[/.]\d{{1,2}})
         (?:st|nd|rd|th)?,?\s*(?:\d{{4}})?\s*(?:[-–—:|@]|$)     # a date opens the line
       |^(?:tickets?|venue|price|prices|admission|doors|when|where|times?|dates?|location|
           address|cost|entry|opening\ hours|tel|phone|email)\s*:    # practical details""",
    re.IGNORECASE | re.VERBOSE,
)
# A byline or a date glued to the opening sentence: "By Ann Lee | June 3, 2024 The ...".
_NAME_WORDS = r"[A-Z][\w.'’-]*(?:\s+(?:and\s+)?[A-Z][\w.'’-]*){0,4}"
_DATE = rf"(?i:(?:{_DAY}\s+)?{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})"
_SEPARATOR = r"\s*[|,·•–—-]\s*"
_LEAD_BYLINE = re.compile(
    rf"^(?:[Bb]y|[Ww]ritten by)\s+{_NAME_WORDS}"
    rf"(?:{_SEPARATOR}(?:{_DATE}(?:{_SEPARATOR}|\s+))?|\s+{_DATE}(?:{_SEPARATOR}|\s+))(?=[A-Z\"“‘])"
)
_SPACES = re.compile(r"\s+")
_QUOTES_DOUBLE = '"“”«»'
# Single quotation marks, as British copy uses them: "‘", and "'" or "’" where they are not
# apostrophes. An apostrophe sits between Latin letters ("don't", "it’s", "l’anno") or opens
# a clitic after a space ("Boeing 's"). Between letters of other scripts the mark is a quote
# ("‘리벤지’의"). A plural possessive ("players' union") is counted too: without a parser it
# looks like a closing mark.
_SINGLE_CANDIDATE = re.compile(r"['‘’]")
_LATIN = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + "".join(map(chr, range(0xC0, 0x250)))
)
_CLITIC = re.compile(r"(?:s|t|re|ll|ve|d|m)\b")


def is_boilerplate(text: str) -> bool:
    return boilerplate_test(text)(text)


def boilerplate_test(document: str) -> Callable[[str], bool]:
    """``is_boilerplate`` for the sentences of ``document``, cheaper than one call each.

    Page-furniture phrases are looked for in the whole document once; each sentence is then
    tested only for the few (usually none) that the document contains.
    """
    low_doc = document.lower()
    phrases = [p for p in _BOILERPLATE if p in low_doc]

    def test(text: str) -> bool:
        t = text.strip()
        if phrases:
            low = t.lower()
            if any(map(low.__contains__, phrases)):
                return True
        return bool(_CREDIT_SENTENCE.match(t)) or _looks_like_byline(t)

    return test


def _looks_like_byline(t: str) -> bool:
    return bool(_BYLINE.match(t)) and len(t.split()) <= 8


def strip_lead_artifacts(text: str, *, opening: bool = False) -> str:
    """Remove datelines and bylines at the start of a sentence.

    ``opening``: the sentence opens the article, where a dateline may name its place in
    ordinary case.
    """
    t = text.strip()
    if opening:
        m = _LEAD_BYLINE.match(t)
        if m and m.end() < len(t):
            t = t[m.end() :]
        m = _OPENING_DATELINE.match(t) or _UNCASED_DATELINE.match(t)
        if m:
            t = t[m.end() :]
    for _ in range(2):
        before = t
        # Both agency datelines need a "(": most sentences have none and skip the two
        # patterns, the first of which backtracks over up to five words to fail.
        if "(" in t:
            m = _DATELINE.match(t)
            if m and m.end() < len(t):
                t = t[m.end() :]
            m = _PREFIXED_DATELINE.match(t)
            if m and m.end() < len(t):
                t = t[m.end() :]
        m = _CAPS_DATELINE.match(t)
        if m:
            t = t[m.end() :]
        if t == before:
            break
    return t.strip()


def _balance_quotes(t: str) -> str:
    count = t.count('"') + t.count("“") + t.count("”") + t.count("«") + t.count("»")
    if count % 2 == 0:
        return t
    if t[:1] in _QUOTES_DOUBLE:
        return t[1:].lstrip()
    if t[-1:] in _QUOTES_DOUBLE:
        return t[:-1].rstrip()
    # A closing mark before any opening one: the quotation began in the sentence before.
    first = next(i for i, ch in enumerate(t) if ch in _QUOTES_DOUBLE)
    mark = t[first]
    if mark in "”»" or (mark == '"' and not t[first - 1].isspace() and not t[first + 1].isalnum()):
        return ("“" if mark == "”" else "«" if mark == "»" else '"') + t
    # An opened quote runs on into the next sentence: close it where the sentence ends.
    for i in range(len(t) - 1, -1, -1):
        if t[i] in _QUOTES_DOUBLE:
            if t[i] in '“«"' and t.endswith((".", "!", "?")):
                return t + ("”" if t[i] == "“" else "»" if t[i] == "«" else '"')
            break
    return t


def _balance_single_quotes(t: str) -> str:
    """``_balance_quotes`` for single quotation marks."""
    if "'" not in t and "‘" not in t and "’" not in t:
        return t
    # A closing mark, then a space, at the start: it ends a quotation of the sentence before.
    if t[:1] == "’" and t[1:2].isspace():
        t = t[1:].lstrip()
    marks = _single_marks(t)
    if len(marks) % 2 == 0:
        return t
    first, last = marks[0], marks[-1]
    if first == 0:
        return t[1:].lstrip()
    if last == len(t) - 1 or (last == len(t) - 2 and t[-1] in ".!?"):
        return (t[:last].rstrip() + t[last + 1 :]).rstrip()
    # A quotation opened after "said:" or "saying," runs on into the next sentence: close it
    # where the sentence ends. Elsewhere an opening mark may be a letter ("Siti ‘Aisyah").
    mark = t[last]
    opens = mark == "‘" or (mark == "'" and not t[last - 1].isalnum())
    if opens and t[:last].rstrip()[-1:] in ":," and t.endswith((".", "!", "?")):
        return t + ("’" if mark == "‘" else "'")
    return t


def _single_marks(t: str) -> list[int]:
    """Where ``t`` has single quotation marks, apostrophes left out."""
    marks = []
    for m in _SINGLE_CANDIDATE.finditer(t):
        i = m.start()
        if t[i] != "‘":
            before, after = t[i - 1 : i], t[i + 1 : i + 2]
            if before in _LATIN and after in _LATIN and not after.isdigit():
                continue  # don't, it’s, O’Brien
            if (not before or before.isspace()) and _CLITIC.match(t, i + 1):
                continue  # Boeing 's
        marks.append(i)
    return marks


def _upper_first(t: str) -> str:
    for i, ch in enumerate(t):
        if ch.isalpha():
            return t[:i] + ch.upper() + t[i + 1 :]
        if ch.isdigit():
            return t
    return t


def clean_point(text: str, *, keep_connective: bool = False, opening: bool = False) -> str:
    """A sentence as a self-contained key point; ``opening`` if it opens the article.

    Only what is not part of the sentence goes: a dateline, a byline, a credit, an inline
    label, an aside in brackets, a connective to a sentence not shown. What a sentence says,
    and who says it, stays.
    """
    # Nothing to collapse when every space is a single " ": the only printable character
    # that \s matches is " ", so a printable text without "  " is already collapsed.
    t = text if "  " not in text and text.isprintable() else _SPACES.sub(" ", text)
    t = strip_lead_artifacts(t.strip(), opening=opening)
    if "(" in t or "[" in t:
        t = _CREDIT_PAREN.sub("", t)
        t = _PARENTHETICAL.sub("", t)
    if ":" in t:
        t = _LABEL.sub("", t)
    if not keep_connective:
        for _ in range(2):
            m = _CONNECTIVE.match(t)
            if not m or len(t) - m.end() < 20:
                break
            t = t[m.end() :]
    t = _balance_single_quotes(_balance_quotes(t.strip()))
    t = t.strip(" ,;:-–—")
    if t and t[-1].isalnum():
        t += "."
    return _upper_first(t)


def is_listing(text: str) -> bool:
    """Whether a line lists dates, venues, prices or practical details instead of saying
    something: such lines are never key points."""
    # "@" marks a venue; a line with cells between bars is a row of a table.
    return " @ " in text or text.count("|") >= 2 or bool(_LISTING.match(text))


# A reply that leaves its verb to the sentence before ("I did, for a week, and ..."), and
# "So" drawing a conclusion from it ("So I put the phone away"; not "So far", "So many").
_POINTS_BACK = re.compile(
    r"(?:I|we|you|they|he|she|it)\s+(?:do|does|did|have|has|had|am|is|are|was|were|can|could|"
    r"will|would|should)(?:n[o'’]t|\s+not)?\s*[,;:.!—–-]"
    r"|so\s+(?!(?:far|many|much|long|few|little|too)\b)\w",
    re.IGNORECASE,
)


def opens_by_referring(text: str) -> bool:
    """Whether the sentence opens with a word that points at one before it, answers it ("I
    did, for a week") or concludes from it ("So I ...")."""
    first = text.split(maxsplit=1)[:1]  # inside a quotation, "We" is the speaker's
    return bool(first) and (
        first[0].lower().rstrip(",") in REFERRING_OPENERS or bool(_POINTS_BACK.match(text))
    )
