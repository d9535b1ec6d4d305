"""Key phrases: runs of content words, scored by how often and how early their words appear."""

from __future__ import annotations

import re
from collections import Counter

from articles.keypoints.text import STOPWORDS, WORD, stem

_MAX_WORDS = 3
# Words that may sit inside a phrase but never start or end one ("bank of england").
_JOINERS = frozenset({"of", "de", "la", "du", "von", "van", "der", "del"})
_BREAK = re.compile(r"[.,;:!?()\[\]\"“”«»/|]|\s[-–—]\s")


def _runs(text: str) -> list[list[str]]:
    """Maximal runs of non-stop words, cut at punctuation and numbers."""
    runs: list[list[str]] = []
    for chunk in _BREAK.split(text):
        run: list[str] = []
        for m in WORD.finditer(chunk):
            w = m.group(0)
            lw = w.lower()
            if (lw in STOPWORDS and not (run and lw in _JOINERS)) or lw.isdigit():
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(w)
        if run:
            runs.append(run)
    return runs


def _ngrams(run: list[str]) -> list[list[str]]:
    out: list[list[str]] = []
    for n in range(1, _MAX_WORDS + 1):
        for i in range(len(run) - n + 1):
            gram = run[i : i + n]
            if gram[0].lower() in _JOINERS or gram[-1].lower() in _JOINERS:
                continue
            if any(len(w) > 2 for w in gram):
                out.append(gram)
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
        freq.update(stem(w.lower()) for w in run)
    title_keys = {" ".join(stem(w.lower()) for w in g) for r in title_runs for g in _ngrams(r)}
    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    first: dict[str, int] = {}
    for pos, run in enumerate(title_runs + body_runs):
        for gram in _ngrams(run):
            key = " ".join(stem(w.lower()) for w in gram)
            counts[key] += 1
            surface.setdefault(key, " ".join(gram))
            first.setdefault(key, pos)
    total = max(1, len(body_runs))
    scored: list[tuple[float, str]] = []
    for key, n in counts.items():
        stems = key.split()
        if len(stems) > 1 and n < 2 and key not in title_keys:
            continue
        mean = sum(freq[s] for s in stems) / len(stems)
        early = 1.0 + 0.5 * (1 - first[key] / total)
        score = mean * (n if len(stems) > 1 else 1) ** 0.5 * (1 + 0.3 * (len(stems) - 1)) * early
        scored.append((score, key))
    scored.sort(key=lambda sk: (-sk[0], first[sk[1]]))
    picked: list[str] = []
    picked_stems: list[set[str]] = []
    for score, key in scored:
        stems_set = set(key.split())
        if score < 2.0 and len(picked) >= minimum:
            break
        # One phrase per idea: skip phrases that share a word with a chosen one.
        if any(stems_set & p for p in picked_stems):
            continue
        picked.append(surface[key])
        picked_stems.append(stems_set)
        if len(picked) >= limit:
            break
    return picked
