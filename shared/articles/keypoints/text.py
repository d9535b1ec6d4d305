"""Word-level helpers shared by the ranking and the keywords: tokens, stop words, light stems."""

from __future__ import annotations

import re
from functools import lru_cache


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
        yourself yourselves mr mrs ms dr year years day days time new according including told
        asked added i'm i've i'd i'll you're you've he's she's it's we're we've they're they've
        that's there's what's who's don't doesn't didn't can't couldn't won't wouldn't isn't
        aren't wasn't weren't hasn't haven't hadn't shouldn't let's"""
    )
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light suffix stripper: enough to match "charges"/"charged"/"charge"."""
    w = word
    if len(w) <= 3:
        return w
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", "e"),
        ("s", ""),
        ("ly", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                break
            w = w[: -len(suffix)] + repl
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def words(text: str) -> list[str]:
    # Lower-casing the whole text once is several times cheaper than lower-casing each match.
    return WORD.findall(text.lower())


class _TermCache(dict[str, str]):
    """Word -> its stem, or "" for a word that carries no topic, computed on first sight.

    Every word of every article goes through here: a lookup that runs in C (``map`` over
    ``__getitem__``) replaces the stop-word test and the stemmer for words seen before.
    """

    limit = 200_000

    def __missing__(self, word: str) -> str:
        t = stem(word) if word not in STOPWORDS and (len(word) > 1 or word.isdigit()) else ""
        if len(self) >= self.limit:  # a long-running worker must not grow without bound
            self.clear()
        self[word] = t
        return t


_TERMS = _TermCache()


def term(word: str) -> str:
    """The stem of a lower-case word, or "" for a stop word or a lone non-digit character."""
    return _TERMS[word]


def terms_of(word_seq: list[str]) -> list[str]:
    """Content terms of already lower-cased words, in order (duplicates kept)."""
    return list(filter(None, map(_TERMS.__getitem__, word_seq)))


def content_terms(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order (duplicates kept)."""
    return terms_of(words(text))
