"""Word-level helpers shared by the ranking and the keywords: tokens, stop words, light stems."""

from __future__ import annotations

import re
from operator import attrgetter
from typing import NamedTuple

from articles.models import UNSPACED_CHARS


def word_list(spaced: str) -> list[str]:
    return spaced.split()


WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)

# English function words: they carry no topic, so overlap on them says nothing.
STOPWORDS = frozenset(
    word_list(
        """a about above after again against all almost along already also although always am among
        an and another any anyone anything are around as at away back be became because become
        been before being below between both but by can cannot could did do does doing done down
        during each either else enough even ever every few for from further get gets getting got
        had has have having he her here hers herself him himself his how however i if in into is
        it its itself just last least less let like made make many may me might mine more most
        much must my myself neither never next no nor not now of off often on once one only onto
        or other others otherwise our ours ourselves out over own per perhaps put rather really
        said same say says see seem seemed seems several shall she should since so some
        something still such than that the their theirs them themselves then there therefore
        these they this those though through thus to told too toward towards under until up upon
        us very via was way we well were what whatever when whenever where whereas whether which
        while who whoever whole whom whose why will with within without would yet you your yours
        yourself yourselves mr mrs ms dr year years day days time according including told
        asked added i'm i've i'd i'll you're you've he's she's it's we're we've they're they've
        that's there's what's who's don't doesn't didn't can't couldn't won't wouldn't isn't
        aren't wasn't weren't hasn't haven't hadn't shouldn't let's you'll we'll they'll he'll
        she'll it'll you'd he'd she'd we'd they'd www http https com html"""
    )
)


_SUFFIXES = ("ies", "ied", "sses", "ing", "ed", "es", "s", "ly")
# The suffix rules in the order they are tried, grouped by the last letter they need: a word
# is tried only against the rules that can match it, in the same order.
_RULES_BY_LAST = {
    "s": (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")),
    "d": (("ied", "y"), ("ed", "")),
    "g": (("ing", ""),),
    "y": (("ly", ""),),
}


def stem(word: str) -> str:
    """A deliberately light suffix stripper: enough to match "charges"/"charged"/"charge"."""
    w = word
    if len(w) <= 3:
        return w
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    if not w.endswith(_SUFFIXES):  # most words: no suffix to try
        return w[:-1] if w.endswith("e") and len(w) > 4 else w
    for suffix, repl in _RULES_BY_LAST[w[-1]]:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                break
            w = w[: -len(suffix)] + repl
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


# Counting words are facts, not topics: they may sit inside a phrase ("two stages") but are
# never a keyword on their own or the end of one.
NUMBER_WORDS = frozenset(
    word_list(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
        fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
        eighty ninety hundred hundreds thousand thousands million millions billion billions
        trillion dozen dozens first second third fourth fifth sixth seventh eighth ninth tenth
        half quarter"""
    )
)

# Days and months date a story; they are not what it is about. Like counting words, they
# may sit inside a phrase but are never a keyword on their own or the end of one. ("march"
# is left out: it is also the noun. "may" is a stop word.)
DATE_WORDS = frozenset(
    word_list(
        """monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
        tonight january february april june july august september october november december
        jan feb apr jun jul aug sep sept oct nov dec"""
    )
)

# Words that may sit inside a key phrase but never start or end one ("bank of england").
JOINERS = frozenset({"of", "de", "la", "du", "von", "van", "der", "del"})
# More of them, joining names in languages whose function words are dropped as a whole
# ("Cavalieri dello Zodiaco", "Banco do Brasil"); in English text they are ordinary words.
NAME_PARTICLES = JOINERS | frozenset(word_list("di da do dos das della dello delle degli dei des"))
# A word (its inner full stops are cuts: "u.s." reads as "u", ".", "s", "."), or punctuation
# that ends a run of phrase words. One pass of this serves the ranking and the keywords.
# Possessive repeats: a word is always its longest match, so the matcher need not keep the
# positions it could backtrack to (same tokens, about a tenth less time on news text).
# A character of a script written without spaces (Chinese, Japanese) is a token of its own.
TOKEN = re.compile(
    rf"[^\W_{UNSPACED_CHARS}]++(?:['’-][^\W_{UNSPACED_CHARS}]++)*+|[{UNSPACED_CHARS}]"
    r"|[.,;:!?()\[\]\"“”«»/|。！？、，؟،]|\s[-–—]\s",
    re.UNICODE,
)
UNSPACED = re.compile(f"[{UNSPACED_CHARS}]")
# TOKEN with a run of unspaced characters as one token, for comparing runs of text.
RUN_TOKEN = re.compile(
    r"[^\W_]++(?:['’-][^\W_]++)*+|[.,;:!?()\[\]\"“”«»/|。！？、，؟،]|\s[-–—]\s", re.UNICODE
)


class Info(NamedTuple):
    """What a token is, computed once per distinct token."""

    term: str  # ranking term, or "" for none
    stem: str  # phrase stem, or "" for a run break
    edge: bool  # may start or end a phrase
    long: bool  # long enough to carry a phrase
    joiner: bool  # a joining stop word such as "of"


GAP = Info("", "", False, False, False)


# Words that are neither stop words nor phrase ends: joiners such as "de", counting words.
_INNER = (JOINERS | NUMBER_WORDS | DATE_WORDS) - STOPWORDS

# Prepositions the stop words leave out. They carry a little for ranking, but a key phrase
# never runs across one ("comeback across Europe" is two ideas).
_PHRASE_BREAKS = frozenset(
    word_list(
        """across behind beside besides beyond inside outside near amid amidst despite except
        throughout alongside unlike versus ago"""
    )
)

# Without part-of-speech tagging, a few cues keep verbs and plain adjectives from being a key
# phrase on their own or its last word ("build", "small", "sourdough starter taught"): these
# words, their -s forms, -ed forms and, alone, -ing forms. They may still open a phrase
# ("former president", "armed forces"), and a capitalised one may be a name ("Drew").
_NOT_NOUNS = frozenset(
    word_list(
        """look make take give come keep seem become want know tell find leave feel begin
        bring happen write lose meet include continue learn understand follow create allow
        spend grow walk remember consider appear buy wait serve die send expect build stay
        reach suggest decide pull believe ensure say
        taught built took began went came gave brought kept felt thought bought caught sent
        spent knew grew threw wrote spoke chose broke drove rose fell won met paid sought
        fought stood sat ate forgot hid flew swam sang drew shown known given taken written
        seen gone done begun grown thrown spoken chosen broken driven risen fallen
        sure small large big little good bad great high low long short early late later
        earlier recent recently former latter current main whole full able likely unlikely
        possible real true hard easy different similar certain clear simple better best worse
        worst total important available special particular huge massive tiny entire previous new
        following wide deep strong weak ready rare usual normal various absolutely"""
    )
)
_NOT_NOUNS_S = frozenset(f"{w}es" if w.endswith(("s", "sh", "ch")) else f"{w}s" for w in _NOT_NOUNS)


def looks_verbal(lw: str, *, alone: bool = True) -> bool:
    """Whether a lower-case word reads as a verb or a plain adjective rather than a thing.

    ``alone=False`` asks about the last word of a longer phrase, which may be an -ing noun
    ("spring meeting").
    """
    if lw in _NOT_NOUNS or lw in _NOT_NOUNS_S:
        return True
    if lw.endswith("ed"):  # "agreed", "raised"; not "speed" or "bed"
        return len(lw) > 5 or (len(lw) == 5 and lw[2] != "e")
    return (
        alone
        and lw.endswith("ing")
        and (len(lw) > 6 or lw[:-3] in _NOT_NOUNS or f"{lw[:-3]}e" in _NOT_NOUNS)
    )


def joiner_info(token: str) -> Info:
    """What a joining stop word is: no ranking term, a word inside a phrase, never an end."""
    return Info("", stem(token.lower()), False, len(token) > 2, True)


def _describe(token: str) -> Info:
    # Runs once per distinct token, but news brings dozens of new ones per article: the
    # common case (a content word) takes one stop-word test, one stem and one set test.
    lw = token.lower()
    if not lw[0].isalnum():  # punctuation or a spaced dash
        return GAP
    if "’" in lw:  # typographic apostrophes: "it’s" is the stop word "it's"
        lw = lw.replace("’", "'")
    if lw in STOPWORDS:  # never a ranking term; "of" still joins phrases
        return joiner_info(token) if lw in JOINERS else GAP
    s = stem(lw)
    if lw.isdigit() or lw in _PHRASE_BREAKS:
        return Info(s, "", False, False, False)
    if lw[0].isdigit():  # "6million", "787-9": a figure may sit inside a phrase, not end it
        return Info(s, s, False, len(token) > 2, False)
    if len(lw) == 1:
        # A character of Chinese or Japanese is a word, or a part of one: it ranks, and
        # phrases of two or three of them are the keywords.
        if UNSPACED.match(lw):
            return Info(s, s, True, True, False)
        # A single letter ranks nothing and ends no phrase: an initial, or "E" of "PG&E".
        return Info("", s, False, False, False)
    return Info(s, s, lw not in _INNER, len(token) > 2, False)


class _InfoCache(dict[str, Info]):
    """Token -> Info, filled on first sight. Every token of every article is looked up here,
    by ``map`` over ``__getitem__``, which runs in C for tokens seen before."""

    limit = 200_000

    def __missing__(self, token: str) -> Info:
        info = _describe(token)
        if len(self) >= self.limit:  # a long-running worker must not grow without bound
            self.clear()
        self[token] = info
        return info


_INFOS = _InfoCache()


def tokenize(text: str) -> tuple[list[str], list[Info]]:
    """The tokens of a text, and what each is."""
    tokens = TOKEN.findall(text)
    return tokens, list(map(_INFOS.__getitem__, tokens))


# Ends each text when several are tokenized together; NUL never occurs in real prose.
UNIT_BREAK = "\x00"
_UNITS_TOKEN = re.compile(TOKEN.pattern + "|" + UNIT_BREAK, re.UNICODE)
rank_term = attrgetter("term")


def tokenize_units(texts: list[str]) -> tuple[list[str], list[Info]]:
    """``tokenize`` of each text, concatenated, each text's tokens followed by UNIT_BREAK.

    One regex pass and one lookup pass over the whole document instead of one per sentence:
    per-sentence calls cost more in overhead than in matching. The break token is a run
    break (GAP) and no token spans it, so each text's tokens are exactly its own.
    """
    if not texts:
        return [], []
    joined = UNIT_BREAK.join(texts)
    if joined.count(UNIT_BREAK) >= len(texts):  # a text carried a NUL of its own: drop it
        joined = UNIT_BREAK.join(t.replace(UNIT_BREAK, "") for t in texts)
    tokens = _UNITS_TOKEN.findall(joined + UNIT_BREAK)
    return tokens, list(map(_INFOS.__getitem__, tokens))


def terms_of(infos: list[Info]) -> list[str]:
    """Ranking terms of tokenized text, in order (duplicates kept)."""
    return [i.term for i in infos if i.term]


def content_terms(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order (duplicates kept)."""
    return terms_of(tokenize(text)[1])


def has_terms(text: str) -> bool:
    """Whether ``content_terms(text)`` is non-empty; stops at the first term."""
    return any(map(rank_term, map(_INFOS.__getitem__, TOKEN.findall(text))))
