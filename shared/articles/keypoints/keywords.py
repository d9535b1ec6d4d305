"""Key phrases: runs of content words, scored by how often and how early their words appear."""

from __future__ import annotations

import re
from collections import Counter

from articles.keypoints.text import STOPWORDS, WORD, stem

_MAX_WORDS = 3
# Words that may sit inside a phrase but never start or end one ("bank of england").
_JOINERS = frozenset({"of", "de", "la", "du", "von", "van", "der", "del"})
_BREAK = re.compile(r"[.,;:!?()\[\]\"“”«»/|]|\s[-–—]\s")


# Per surface word: its stem, and what it may be in a phrase. Words repeat within and across
# articles, so one dict lookup replaces lower-casing, two set tests and the stemmer.
# A joiner that is also a stop word ("of") cannot start a run; others ("von") can.
_BREAKER, _STOP_JOINER, _JOINER, _WORDLIKE = 0, 1, 2, 3
_KINDS: dict[str, tuple[str, int, bool]] = {}
_KINDS_MAX = 200_000


def _kind(word: str) -> tuple[str, int, bool]:
    """(stem, role, long enough to carry a phrase) for a surface word."""
    info = _KINDS.get(word)
    if info is None:
        lw = word.lower()
        if lw.isdigit() or (lw in STOPWORDS and lw not in _JOINERS):
            role = _BREAKER
        elif lw in _JOINERS:
            role = _STOP_JOINER if lw in STOPWORDS else _JOINER
        else:
            role = _WORDLIKE
        info = (stem(lw), role, len(word) > 2)
        if len(_KINDS) >= _KINDS_MAX:
            _KINDS.clear()
        _KINDS[word] = info
    return info


_Run = list[tuple[str, str, int, bool]]  # (surface, stem, role, long)


def _runs(text: str) -> list[_Run]:
    """Maximal runs of non-stop words, cut at punctuation and numbers.

    A stop-word joiner ("of") continues a run but never starts one.
    """
    runs: list[_Run] = []
    kind = _KINDS.get
    for chunk in _BREAK.split(text):
        run: _Run = []
        for w in WORD.findall(chunk):
            info = kind(w) or _kind(w)
            role = info[1]
            if role == _BREAKER or (role == _STOP_JOINER and not run):
                if run:
                    runs.append(run)
                    run = []
            else:
                run.append((w, info[0], role, info[2]))
        if run:
            runs.append(run)
    return runs


_Gram = tuple[str, ...]


def _grams(run: _Run) -> list[tuple[_Gram, int, int]]:
    """(stems, start, length) of the 1- to 3-word phrases in a run, joiners inside only.

    Shorter phrases come first: on equal scores the earlier-listed phrase wins.
    """
    out: list[tuple[_Gram, int, int]] = []
    size = len(run)
    for n in range(1, min(_MAX_WORDS, size) + 1):
        for i in range(size - n + 1):
            gram = run[i : i + n]
            if gram[0][2] != _WORDLIKE or gram[-1][2] != _WORDLIKE:
                continue
            if n == 1:
                if gram[0][3]:
                    out.append(((gram[0][1],), i, 1))
            elif any(g[3] for g in gram):
                out.append((tuple(g[1] for g in gram), i, n))
    return out


def extract_keywords(
    title: str | None, text: str, *, limit: int = 8, minimum: int = 5
) -> list[str]:
    """5-10 phrases, most important first, in the casing they first have in the text.

    Words score by frequency (title words count double); a phrase of several words must recur
    (or be in the title) to count as a phrase rather than a chance neighbourhood of words.
    """
    title_runs = _runs(title or "")
    body_runs = _runs(text)
    freq: Counter[str] = Counter()
    for run in body_runs + title_runs + title_runs:
        freq.update(g[1] for g in run)
    runs = title_runs + body_runs
    title_keys: set[_Gram] = set()
    counts: Counter[_Gram] = Counter()
    first: dict[_Gram, tuple[int, int, int]] = {}  # where a phrase first appears
    for pos, run in enumerate(runs):
        for key, i, n in _grams(run):
            counts[key] += 1
            if key not in first:
                first[key] = (pos, i, n)
            if pos < len(title_runs):
                title_keys.add(key)
    total = max(1, len(body_runs))
    scored: list[tuple[float, int, _Gram]] = []
    for key, n in counts.items():
        if len(key) > 1 and n < 2 and key not in title_keys:
            continue
        mean = sum(freq[s] for s in key) / len(key)
        pos = first[key][0]
        early = 1.0 + 0.5 * (1 - pos / total)
        score = mean * (n if len(key) > 1 else 1) ** 0.5 * (1 + 0.3 * (len(key) - 1)) * early
        scored.append((score, pos, key))
    scored.sort(key=lambda sk: (-sk[0], sk[1]))
    picked: list[str] = []
    picked_stems: list[set[str]] = []
    for score, _, key in scored:
        stems_set = set(key)
        if score < 2.0 and len(picked) >= minimum:
            break
        # One phrase per idea: skip phrases that share a word with a chosen one.
        if any(stems_set & p for p in picked_stems):
            continue
        pos, i, n = first[key]
        picked.append(" ".join(g[0] for g in runs[pos][i : i + n]))
        picked_stems.append(stems_set)
        if len(picked) >= limit:
            break
    return picked
