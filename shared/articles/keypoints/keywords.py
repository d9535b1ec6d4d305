"""Key phrases: runs of content words, scored by how often and how early their words appear.

The text is read as one flat token list in which anything that ends a run (punctuation, a
number, a stop word) is a gap. Every 1- to 3-word phrase is then a window over that list
without a gap, so the phrases of the whole document are listed by a few comprehensions
over zipped lists instead of a loop per run: documents have hundreds of short runs.
"""

from __future__ import annotations

from collections import Counter
from itertools import accumulate, count
from operator import itemgetter

from articles.keypoints.text import GAP, Info, tokenize

_first_item = itemgetter(0)


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
    words = [*title_words, "|", *body_words]  # "|": the title is a run of its own
    infos = [*title_infos, GAP, *body_infos]
    stems = [i[1] for i in infos]
    # "of" after a gap cannot start a run: it is a gap too (and so is a second "of" after it).
    for t in [t for t, i in enumerate(infos) if i[4]]:
        if t == 0 or not stems[t - 1]:
            stems[t] = ""
    edge = [i[2] for i in infos]
    long = [i[3] for i in infos]
    n_title = len(title_words)

    # Run number of each token: runs are counted where a word follows a gap.
    starts = [bool(s) and not p for s, p in zip(stems, ["", *stems], strict=False)]
    run_of = list(accumulate(starts))
    title_runs = run_of[n_title]  # the "|" after the title carries the title's run count
    total = max(1, run_of[-1] - title_runs) if run_of else 1

    s1, s2 = stems[1:], stems[2:]
    e1, e2 = edge[1:], edge[2:]
    l1, l2 = long[1:], long[2:]
    grams: list[list[tuple[tuple[str, ...], int]]] = [
        [((a,), t) for t, a, e, ln in zip(count(), stems, edge, long) if e and ln],
        [
            ((a, b), t)
            for t, a, b, ea, eb, la, lb in zip(count(), stems, s1, edge, e1, long, l1)
            if ea and eb and (la or lb)
        ],
        [
            ((a, b, c), t)
            for t, a, b, c, ea, ec, la, lb, lc in zip(
                count(), stems, s1, s2, edge, e2, long, l1, l2
            )
            if ea and ec and b and (la or lb or lc)
        ],
    ]
    freq = Counter(filter(None, stems))
    freq.update(filter(None, stems[:n_title]))  # title words count double

    scored: list[tuple[float, int, int, int, tuple[str, ...]]] = []
    for n, pairs in enumerate(grams, start=1):
        counts = Counter(map(_first_item, pairs))
        first = dict(reversed(pairs))  # earliest start of each phrase
        if n == 1:
            for key in counts:
                t = first[key]
                pos = run_of[t] - 1
                scored.append((freq[key[0]] * (1.5 - 0.5 * pos / total), pos, 1, t, key))
            continue
        # Most word pairs occur once: a chance neighbourhood of words, not a phrase (unless
        # the title has it). Filtering first keeps the scoring loop short.
        recurring = [k for k, seen in counts.items() if seen > 1 or first[k] < n_title]
        for key in recurring:
            t = first[key]
            pos = run_of[t] - 1
            mean = sum(freq[s] for s in key) / n
            early = 1.5 - 0.5 * pos / total
            score = mean * counts[key] ** 0.5 * (1 + 0.3 * (n - 1)) * early
            scored.append((score, pos, n, t, key))
    # Ties go to the earlier run, then the shorter phrase, then the earlier one.
    scored.sort(key=lambda sk: (-sk[0], sk[1], sk[2], sk[3]))
    picked: list[str] = []
    picked_stems: list[set[str]] = []
    for score, _, n, t, key in scored:
        stems_set = set(key)
        if score < 2.0 and len(picked) >= minimum:
            break
        # One phrase per idea: skip phrases that share a word with a chosen one.
        if any(stems_set & p for p in picked_stems):
            continue
        picked.append(" ".join(words[t : t + n]))
        picked_stems.append(stems_set)
        if len(picked) >= limit:
            break
    return picked
