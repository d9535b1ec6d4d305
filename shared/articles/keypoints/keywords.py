"""Key phrases: runs of content words, scored by how often and how early their words appear."""

from __future__ import annotations

import re
from collections import Counter

from articles.keypoints.text import STOPWORDS, WORD, stem

_MAX_WORDS = 3
# Words that may sit inside a phrase but never start or end one ("bank of england").
_JOINERS = frozenset({"of", "de", "la", "du", "von", "van", "der", "del"})
_BREAK = re.compile(r"[.,;:!?()\[\]\"“”«»/|]|\s[-–—]\s")


def _candidates(text: str) -> list[list[str]]:
    """Maximal runs of non-stop words, cut at punctuation."""
    runs: list[list[str]] = []
    for chunk in _BREAK.split(text):
        run: list[str] = []
        for m in WORD.finditer(chunk):
            w = m.group(0)
            lw = w.lower()
            if lw in STOPWORDS and not (run and lw in _JOINERS) or lw.isdigit():
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(w)
        if run:
            runs.append(run)
    out: list[list[str]] = []
    for run in runs:
        while run and run[-1].lower() in _JOINERS:
            run = run[:-1]
        # Long runs are lists of words, not phrases: take their pieces.
        for i in range(0, len(run), _MAX_WORDS):
            part = run[i : i + _MAX_WORDS]
            while part and part[-1].lower() in _JOINERS:
                part = part[:-1]
            if part and any(len(w) > 2 for w in part):
                out.append(part)
    return out


def extract_keywords(
    title: str | None, text: str, *, limit: int = 8, minimum: int = 5
) -> list[str]:
    """5-10 phrases, most important first, in the casing they have in the text."""
    body_phrases = _candidates(text)
    title_stems = {stem(w.lower()) for w in WORD.findall(title or "")} - {""}
    freq: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for pos, phrase in enumerate(body_phrases):
        for w in phrase:
            s = stem(w.lower())
            freq[s] += 1
            first_seen.setdefault(s, pos)
    total = max(1, len(body_phrases))
    scored: dict[str, tuple[float, str]] = {}
    for pos, phrase in enumerate(_candidates(title or "") + body_phrases):
        key = " ".join(stem(w.lower()) for w in phrase)
        if key in scored:
            continue
        stems = key.split()
        # Sum of word frequencies rewards multi-word names; earliness and the title break ties.
        base = sum(freq[s] for s in stems) / len(stems) ** 0.5
        early = 1.0 + 0.5 * (1 - min(first_seen.get(s, total) for s in stems) / total)
        in_title = 1.5 if title_stems.intersection(stems) else 1.0
        scored[key] = (base * early * in_title, " ".join(phrase))
    ranked = sorted(scored.items(), key=lambda kv: -kv[1][0])
    picked: list[str] = []
    picked_stems: list[set[str]] = []
    for key, (score, surface) in ranked:
        stems_set = set(key.split())
        if score <= 1.0 and len(picked) >= minimum:
            break
        # One phrase per idea: skip phrases contained in (or containing) a chosen one.
        if any(stems_set <= p or p <= stems_set for p in picked_stems):
            continue
        picked.append(surface)
        picked_stems.append(stems_set)
        if len(picked) >= limit:
            break
    return picked
