"""Key phrases: runs of content words, scored by how often and how early their words appear.

The text is read as one flat token list in which anything that ends a run (punctuation, a
number, a stop word) is a gap. Every 1- to 3-word phrase is then a window over that list
without a gap, so the phrases of the whole document are listed by a few comprehensions
over zipped lists instead of a loop per run: documents have hundreds of short runs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import compress, count, pairwise
from operator import attrgetter, itemgetter

from articles.keypoints.text import (
    GAP,
    UNIT_BREAK,
    UNSPACED,
    Info,
    looks_verbal,
    stem,
    tokenize,
    word_list,
)

_first_item = itemgetter(0)
_stem_of, _edge_of, _long_of, _joiner_of = map(attrgetter, ("stem", "edge", "long", "joiner"))

# Words that say what kind of text it is, or where on the page, not what it is about: never a
# keyword on their own (they may be part of one: "Development Bank").
GENERIC = frozenset(
    word_list(
        """percent per cent development study report reports news story stories people person
        thing things part parts way lot number home menu search login share comments comment
        video videos photo photos image images page article articles click subscribe
        newsletter cookie cookies privacy terms contact section sections week weeks month
        months hour hours minute minutes today statement issue issues case cases group groups
        use work world country countries area areas place places end start top side kind"""
    )
)
# Words that join the words of a name: "Department of Homeland Security", "Bank of England".
_NAME_JOINERS = frozenset(word_list("of for and de la du von van der del da di"))
# The early bonus: a phrase first seen at the start scores up to this many times one seen at
# the end.
EARLY_BONUS = 1.5


def _early(run: int, total: int) -> float:
    """The bonus for a phrase first seen in run ``run`` (from 0) of ``total``."""
    return EARLY_BONUS - (EARLY_BONUS - 1.0) * run / total


def extract_keywords(
    title: str | None, text: str, *, limit: int = 8, minimum: int = 5
) -> list[str]:
    """5-10 phrases, most important first, in the casing they first have in the text.

    Words score by frequency (title words count double); a phrase of several words must recur
    (or be in the title) to count as a phrase rather than a chance neighbourhood of words.
    """
    words, infos = tokenize(text)
    return keywords_from_tokens(title, words, infos, limit=limit, minimum=minimum)


def keywords_from_tokens(
    title: str | None,
    body_words: list[str],
    body_infos: list[Info],
    *,
    limit: int = 8,
    minimum: int = 5,
) -> list[str]:
    """``extract_keywords`` for a body that is already tokenized."""
    title_words, title_infos = tokenize(title or "")
    # "|": the title is a run of its own; the last one makes sure the list ends with a gap.
    words = [*title_words, "|", *body_words, "|"]
    infos = [*title_infos, GAP, *body_infos, GAP]
    # The Info fields needed, as columns: one map each (in C) costs less than transposing
    # all fields with zip(*infos), which passes every token as an argument.
    stems = list(map(_stem_of, infos))
    edge = list(map(_edge_of, infos))
    long = list(map(_long_of, infos))
    # "of" after a gap cannot start a run: it is a gap too (and so is a second "of" after it).
    for t in compress(count(), map(_joiner_of, infos)):
        if t == 0 or not stems[t - 1]:
            stems[t] = ""
    n_title = len(title_words)

    body_freq = Counter(filter(None, stems[n_title:]))
    freq = body_freq.copy()
    freq.update(filter(None, stems[:n_title]))
    freq.update(filter(None, stems[:n_title]))  # title words count double
    # A word of the title the body never uses is the headline's wording, not a topic.
    recurring = {a for a, n in freq.items() if n > 1 and a in body_freq}

    # One pass over the tokens for three per-token facts; a loop that does all three costs
    # about half of three comprehensions, one per fact.
    # - run_of: the run number of each token; runs are counted where a word follows a gap.
    # - ok: a word that may end a phrase of several words. Such a phrase counts only if it
    #   recurs or is in the title, and then each of its words occurs at least twice (title
    #   words are counted twice): phrases are only looked for where both ends are such
    #   words, which leaves out most of the document.
    # - singles: where each word that may be a keyword on its own first occurs in the body
    #   (or in the title, for one the body never has): a word is shown as the body writes
    #   it, "released" and not the headline's "releases".
    run_of: list[int] = []
    ok: list[bool] = []
    singles: dict[str, int] = {}
    run, prev = 0, ""
    for t, a, e, ln in zip(count(), stems, edge, long):
        if a and not prev:
            run += 1
        prev = a
        run_of.append(run)
        if e:
            ok.append(a in recurring)
            if ln and len(words[t]) > 1 and (a not in singles or singles[a] < n_title < t):
                singles[a] = t
        else:
            ok.append(False)
    title_runs = run_of[n_title]  # the "|" after the title carries the title's run count
    total = max(1, run_of[-1] - title_runs)

    heads = list(compress(count(), ok))  # never the last token: that is always a gap
    pairs = [((stems[t], stems[t + 1]), t) for t in heads if ok[t + 1] and (long[t] or long[t + 1])]
    triples = [
        ((stems[t], stems[t + 1], stems[t + 2]), t)
        for t in heads
        if stems[t + 1] and ok[t + 2] and (long[t] or long[t + 1] or long[t + 2])
    ]
    scored = [
        *_phrases(pairs, 2, n_title=n_title, freq=freq, run_of=run_of, total=total),
        *_phrases(triples, 3, n_title=n_title, freq=freq, run_of=run_of, total=total),
    ]

    n_phrases = len(scored)
    # Single words score their frequency times an early bonus of at most 1.5. Those seen
    # once (at most 1.5) are scored only if the picking gets down to that score.
    scored += [_single(a, t, freq, run_of, total) for a, t in singles.items() if a in recurring]
    # Any single word left out is one seen once; they are listed only when needed.
    rare = len(scored) - n_phrases < len(singles)
    picked = _pick(scored, words, limit, minimum, _RARE_MAX if rare else -math.inf, n_title=n_title)
    if picked is None:
        scored += [
            _single(a, t, freq, run_of, total)
            for a, t in singles.items()
            if a not in recurring and a in body_freq
        ]
        picked = _pick(scored, words, limit, minimum, -math.inf, n_title=n_title)
    assert picked is not None
    return picked


def _phrases(
    grams: Sequence[tuple[tuple[str, ...], int]],
    n: int,
    *,
    n_title: int,
    freq: Counter[str],
    run_of: list[int],
    total: int,
) -> list[_Entry]:
    """The phrases of ``n`` words that count: those that recur, the title included, and that
    the body uses; each shown as the body first has it."""
    counts = Counter(map(_first_item, grams))
    first = dict(reversed([(key, t) for key, t in grams if t > n_title]))
    out: list[_Entry] = []
    for key, seen in counts.items():
        t = first.get(key)
        if seen > 1 and t is not None:
            pos = run_of[t] - 1
            mean = sum(map(freq.__getitem__, key)) / n
            score = mean * seen**0.5 * (1 + 0.3 * (n - 1)) * _early(pos, total)
            out.append((-score, pos, n, t, key))
    return out


def _single(a: str, t: int, freq: Counter[str], run_of: list[int], total: int) -> _Entry:
    pos = run_of[t] - 1
    return (-freq[a] * _early(pos, total), pos, 1, t, (a,))


# Minus the score, so that the natural order of the tuples is the picking order (the best
# first; ties to the earlier run, the shorter phrase, the earlier one) and sorting needs no
# key function. No two entries share length and start, so the phrases are never compared.
_Entry = tuple[float, int, int, int, tuple[str, ...]]
# The highest score a single word seen once can have.
_RARE_MAX = EARLY_BONUS


def _pick(
    scored: list[_Entry],
    words: list[str],
    limit: int,
    minimum: int,
    floor: float,
    *,
    n_title: int,
) -> list[str] | None:
    """The best phrases, one per idea; None when the list runs down to ``floor`` before the
    picking is over (entries left out of ``scored`` may score up to ``floor``)."""
    scored.sort()
    lower_forms: set[str] | None = None  # the document's tokens, once a capital needs them
    picked: list[str] = []
    picked_stems: list[set[str]] = []
    for neg_score, _, size, at, key in scored:
        score = -neg_score
        if score <= floor:
            return None
        stems_set = set(key)
        if score < 2.0 and len(picked) >= minimum:
            break
        # One phrase per idea: skip phrases that share a word with a chosen one.
        if any(stems_set & p for p in picked_stems):
            continue
        t, n = _whole_name(words, at, size, n_title)
        shown = words[t : t + n]
        if n == 1 and shown[0].lower() in GENERIC:
            continue
        if any(w[:1].isupper() for w in shown):
            if lower_forms is None:
                lower_forms = set(words)
            shown = _common_case(shown, lower_forms, t < n_title, _opens_sentence(words, t))
        first, last = shown[0], shown[-1]
        if last.islower() and looks_verbal(last, alone=n == 1):
            continue  # "build", "small", "sourdough starter taught"
        if n > 1 and first.islower() and first.endswith(("ed", "ing")) and _is_name_word(last):
            continue  # "released Vega", "investigating WeWork": a verb and its object
        picked.append(_without_possessive(_joined(shown)))
        picked_stems.append(stems_set | {stem(w.lower()) for w in shown})
        if len(picked) >= limit:
            break
    else:
        if floor > -math.inf:
            return None
    return picked


def _joined(words: list[str]) -> str:
    """The words of a phrase as text: Chinese and Japanese characters run on unspaced."""
    out = words[0]
    for before, word in pairwise(words):
        out += word if UNSPACED.match(before) and UNSPACED.match(word) else f" {word}"
    return out


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() and word[:1].isalpha()


def _whole_name(words: list[str], t: int, n: int, n_title: int) -> tuple[int, int]:
    """Where the phrase at ``words[t : t + n]`` starts and how long it is, grown to the whole
    name when it is part of one: "Homeland Security" in "Department of Homeland Security"."""
    inner = words[t + 1 : t + n - 1]
    ends_are_names = _is_name_word(words[t]) and _is_name_word(words[t + n - 1])
    if (
        t < n_title
        or not ends_are_names
        or not all(w in _NAME_JOINERS or _is_name_word(w) for w in inner)
    ):
        return t, n  # not a name; or in the title, which may capitalise every word
    end = t + n
    while end < len(words) and (
        (_is_name_word(words[end]) and words[end].lower() not in _NAME_JOINERS)
        or (words[end] in _NAME_JOINERS and end + 1 < len(words) and _is_name_word(words[end + 1]))
    ):
        end += 1 if _is_name_word(words[end]) else 2
    start = t
    floor = 0 if t < n_title else n_title
    while (
        start - 1 >= floor
        and _is_name_word(words[start - 1])
        and not _opens_sentence(words, start - 1)
    ):
        start -= 1
    if (
        start - 2 >= floor
        and words[start - 1] in _NAME_JOINERS
        and _is_name_word(words[start - 2])
        and not _opens_sentence(words, start - 2)
    ):
        start -= 2
    return start, end - start


# Tokens after which a word opens a sentence: the end of a sentence or of the title ("|"),
# and the break between sentences that the token list carries.
_SENTENCE_EDGES = frozenset({".", "!", "?", ":", "|", UNIT_BREAK})
_OPENERS = frozenset({'"', "“", "‘", "'", "(", "[", "«"})


def _opens_sentence(words: list[str], t: int) -> bool:
    i = t - 1
    while i >= 0 and words[i] in _OPENERS:
        i -= 1
    return i < 0 or words[i] in _SENTENCE_EDGES


def _common_case(
    shown: list[str], lower_forms: set[str], in_title: bool, opens_sentence: bool
) -> list[str]:
    """The phrase with words capitalised only where a sentence starts put in lower case.

    "Temperature" at the head of a paragraph is the word "temperature" when the text also has
    it in lower case, and "Keep" is the verb whatever else the text has; a name ("Europe")
    never appears in lower case. Within a phrase of the body only the first word can open a
    sentence, and a phrase with another capital is a name ("United States", "Big Machine").
    A title may capitalise every word, so each is judged on its own there, as is a single
    word: "President" or "Office" alone reads better as the common word.
    """

    def common(w: str) -> bool:
        lw = w.lower()
        return w[:1].isupper() and not w.isupper() and (lw in lower_forms or looks_verbal(lw))

    if in_title or len(shown) == 1:
        return [w.lower() if common(w) else w for w in shown]
    first, rest = shown[0], shown[1:]
    if opens_sentence and common(first) and not any(w[:1].isupper() for w in rest):
        return [first.lower(), *rest]
    return shown


def _without_possessive(phrase: str) -> str:
    """ "France's" -> "France": the keyword is the thing, not its belonging."""
    if phrase.endswith(("'s", "’s")) and len(phrase) > 3:
        return phrase[:-2]
    return phrase
