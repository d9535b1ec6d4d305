"""The default backend: pick the article's own sentences, offline and deterministic.

Ranking follows how news is written: the key facts come first (position prior), highlights
are short (length preference), the point of the story recurs through it (centrality) and in
its title (title overlap). Points are picked greedily with a redundancy penalty (MMR) and
returned in article order, each cleaned to read on its own.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from operator import mul

from articles.keypoints.clean import boilerplate_test, clean_point, strip_lead_artifacts
from articles.keypoints.keywords import keywords_from_tokens
from articles.keypoints.sentences import Sentence, split_sentences
from articles.keypoints.stopwords import function_words
from articles.keypoints.text import (
    GAP,
    NAME_PARTICLES,
    TOKEN,
    UNIT_BREAK,
    Info,
    content_terms,
    has_terms,
    joiner_info,
    rank_term,
    tokenize_units,
)
from articles.models import KeyPoints

VERSION = "0.1.0"
NAME = f"extractive {VERSION}"

MIN_POINTS, MAX_POINTS = 3, 7
# Only the first sentences compete: keeps the cost flat on long documents, and in news the
# key facts are rarely beyond this point.
MAX_CANDIDATES = 40
# Sentences that count towards the document's vocabulary (centrality); about 10,000 words.
MAX_UNITS = 400


@dataclass(frozen=True, slots=True)
class Weights:
    position: float = 2.0
    # Chosen on dev articles 1-250 only (best R1 + R2 there); 251-500 kept for checking.
    position_scale: float = 2.0  # sentences until the prior halves
    centrality: float = 0.6
    title: float = 0.4
    length: float = 0.3
    ideal_words: int = 18
    long_words: int = 32
    quote: float = 1.0  # editors paraphrase: direct quotes rarely make a key point
    question: float = 0.5
    redundancy: float = 1.0
    section: float = 0.5
    duplicate: float = 0.6  # above this overlap a sentence says the same thing


DEFAULT_WEIGHTS = Weights()


@dataclass(slots=True)
class _Candidate:
    unit: Sentence
    order: int
    section: int  # headings open sections; a story without headings is one section
    order_in_section: int
    text: str  # as in the article: ranking features come from it
    terms: Counter[str]
    norm: float
    norm_sq: int
    n_words: int
    quoted: float  # share inside quotation marks
    start: int  # where its tokens start in the document's token list
    score: float = 0.0
    cleaned: str | None = None

    def point(self) -> str:
        """The sentence as a key point. Only chosen sentences pay for the cleaning."""
        if self.cleaned is None:
            # The first candidate opens the article: a dateline can only be there.
            self.cleaned = clean_point(self.text, opening=self.order == 0)
        return self.cleaned


def adaptive_count(text: str) -> int:
    """3 points for a short story, up to 7 for a long read."""
    n = len(text.split())
    return max(MIN_POINTS, min(MAX_POINTS, 3 + (n - 300) // 350 + (1 if n > 300 else 0)))


def _overlap(a: Counter[str], b: Counter[str]) -> float:
    """Share of the smaller sentence's words found in the other one."""
    if not a or not b:
        return 0.0
    return len(a.keys() & b.keys()) / min(len(a), len(b))


def _length_fit(n: int, w: Weights) -> float:
    if n < w.ideal_words:
        return n / w.ideal_words
    if n <= w.long_words:
        return 1.0
    return math.exp(-(n - w.long_words) / w.long_words)


_QUOTE_CHARS = '"“”«»'


# A quotation still open after this many sentences with no quotation mark in them is taken
# to be a stray mark, not a long quote.
MAX_QUOTED_RUN = 3


class _QuoteTracker:
    """How much of each sentence is quoted, reading the sentences of a text in order.

    A quotation can run over several sentences ("The best way I can describe it ... All of
    my thoughts became musical."): a sentence inside one is quoted even with no marks of its
    own. A new paragraph starts outside any quotation.
    """

    __slots__ = ("_block", "_open", "_run")

    def __init__(self) -> None:
        self._block, self._open, self._run = -1, False, 0

    def share(self, unit: Sentence) -> float:
        if unit.block != self._block:
            self._block, self._open, self._run = unit.block, False, 0
        text = unit.text
        # Most sentences have no mark: five substring tests, spelled out because a generator
        # over the marks costs several times more than the tests.
        if not ('"' in text or "“" in text or "”" in text or "«" in text or "»" in text):
            if not self._open:
                return 0.0
            self._run += 1
            if self._run >= MAX_QUOTED_RUN:
                self._open = False
            return 1.0
        inside, total, open_ = 0, 0, self._open
        for ch in text:
            if ch in _QUOTE_CHARS:
                open_ = not open_ if ch == '"' else ch in "“«"
                continue
            total += 1
            inside += open_
        self._open, self._run = open_, 0
        return inside / total if total else 0.0


def _prepare(
    units: list[Sentence], function_words: frozenset[str] | None = None
) -> tuple[list[_Candidate], Counter[str], list[str], list[Info], list[tuple[int, int]]]:
    """The candidates, the document's term counts, its tokens, and where in the tokens the
    page furniture (bylines, "Scroll down for video") is, as (start, end) spans.

    The whole document is tokenized in one pass; the ranking and the keywords share the
    tokens, and only the candidates (the first sentences) are cut out of them again.
    """
    # A book-length tail adds cost, not signal, to centrality and keywords.
    units = units[:MAX_UNITS]
    texts = [u.text for u in units]
    words, infos = tokenize_units(texts)
    if function_words:
        infos = _without_function_words(words, infos, function_words)
    is_boilerplate = boilerplate_test("\n".join(texts))
    # Ranking terms listed once, for the document's counts and each candidate's.
    ranks = list(map(rank_term, infos))
    doc: Counter[str] = Counter(filter(None, ranks))
    out: list[_Candidate] = []
    furniture: list[tuple[int, int]] = []
    section, in_section = 0, 0
    end = -1
    quotes = _QuoteTracker()
    for unit in units:
        if len(out) >= MAX_CANDIDATES:
            break
        begin, end = end + 1, words.index(UNIT_BREAK, end + 1)
        quoted = quotes.share(unit)
        if unit.kind == "heading":
            if is_boilerplate(unit.text):
                furniture.append((begin, end))
            else:
                section, in_section = section + 1, 0
            continue
        if is_boilerplate(unit.text):
            furniture.append((begin, end))
            continue
        text = unit.text
        terms = Counter(filter(None, ranks[begin:end]))
        if not terms:
            continue
        counts = terms.values()
        norm_sq = sum(map(mul, counts, counts))
        out.append(
            _Candidate(
                unit,
                len(out),
                section,
                in_section,
                text,
                terms,
                math.sqrt(norm_sq),
                norm_sq,
                len(text.split()),
                quoted,
                begin,
            )
        )
        in_section += 1
    return out, doc, words, infos, furniture


def _without_function_words(
    words: list[str], infos: list[Info], function_words: frozenset[str]
) -> list[Info]:
    """The token kinds with a language's function words as gaps; those that join the words
    of a name ("Banco de España") still join them."""
    out = infos.copy()
    for i, w in enumerate(words):
        lw = w.lower()
        if lw in function_words:
            out[i] = joiner_info(w) if lw in NAME_PARTICLES else GAP
    return out


def _score(cands: list[_Candidate], doc: Counter[str], title: Counter[str], w: Weights) -> None:
    # Cosine similarity to the rest of the document (the document minus the sentence's own
    # words), from sums over the sentence's terms only. With d the document count and v the
    # sentence count of a term (d >= v: the document includes the sentence):
    #   dot = sum v (d - v) = sum v d - |s|^2
    #   |rest|^2 = |doc|^2 - sum (d^2 - (d - v)^2) = |doc|^2 - 2 sum v d + |s|^2
    # All integers, so the result does not depend on the order of the sums.
    counts = doc.values()
    doc_sq = sum(map(mul, counts, counts))
    cent: list[float] = []
    for c in cands:
        vd = sum(map(mul, c.terms.values(), map(doc.__getitem__, c.terms)))
        dot = vd - c.norm_sq
        sq = doc_sq - 2 * vd + c.norm_sq
        cent.append(dot / (c.norm * math.sqrt(sq)) if sq > 0 else 0.0)
    top = max(cent) or 1.0
    title_keys = title.keys()
    # The weights as locals, read once rather than once per candidate.
    scale, position, centrality = w.position_scale, w.position, w.centrality
    title_w, length, quote, question = w.title, w.length, w.quote, w.question
    for c, ce in zip(cands, cent, strict=True):
        # Each section opens with its own key fact, as the story opens with its lead.
        pos = scale / (scale + c.order_in_section)
        ttl = len(c.terms.keys() & title_keys) / len(title) if title else 0.0
        c.score = (
            position * pos
            + centrality * ce / top
            + title_w * ttl
            + length * _length_fit(c.n_words, w)
            - quote * c.quoted
            - question * c.text.endswith("?")
        )


def _select(cands: list[_Candidate], count: int, w: Weights) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    pool = [c for c in cands if c.n_words >= 4] or cands
    # Each candidate's highest overlap with a chosen point, updated as points are chosen.
    sim = dict.fromkeys(range(len(cands)), 0.0)
    sections: set[int] = set()
    # The weights as locals: read once per pick in the loop below, not once per candidate.
    redundancy, section, duplicate = w.redundancy, w.section, w.duplicate
    while pool and len(chosen) < count:
        best, best_value = None, -math.inf
        for c in pool:
            s = sim[c.order]
            # Cover the sections of a structured article before a second point from any one.
            value = c.score - redundancy * s - section * (c.section in sections)
            if s < duplicate and value > best_value:
                best, best_value = c, value
        if best is None:
            break
        pool.remove(best)
        # A sentence that was all dateline, credit or parenthesis leaves nothing to show.
        # Most points come out of the cleaning unchanged: their terms are the candidate's
        # own, never empty, unless the text held a NUL that the tokenizing dropped.
        point = best.point()
        if (point == best.text and UNIT_BREAK not in point) or has_terms(point):
            chosen.append(best)
            sections.add(best.section)
            if len(chosen) == count:
                break  # no later pick needs the overlaps
            # _overlap, inline: this runs for every candidate left after every pick.
            keys, n_keys = best.terms.keys(), len(best.terms)
            for c in pool:
                o = len(c.terms.keys() & keys) / min(len(c.terms), n_keys)
                sim[c.order] = max(sim[c.order], o)
    return sorted(chosen, key=lambda c: c.order)


def _keyword_tokens(
    cands: list[_Candidate],
    words: list[str],
    infos: list[Info],
    furniture: list[tuple[int, int]],
) -> tuple[list[str], list[Info]]:
    """The tokens with page furniture and the article's dateline turned into sentence
    breaks: a byline's name, "CLEVELAND" or "(CNN)" say who filed the story and where, not
    what it is about.

    The dateline is looked for where ``_Candidate.point`` looks for it: in the first
    candidate, the sentence that opens the article.
    """
    spans = list(furniture)
    if cands:
        first = cands[0]
        rest = strip_lead_artifacts(first.text, opening=True)
        if len(rest) < len(first.text):
            dateline = TOKEN.findall(first.text[: -len(rest) or None])
            spans.append((first.start, first.start + len(dateline)))
    if not spans:
        return words, infos
    words, infos = words.copy(), infos.copy()
    for start, end in spans:
        words[start:end] = [UNIT_BREAK] * (end - start)
        infos[start:end] = [GAP] * (end - start)
    return words, infos


def _lede(points: list[_Candidate], cands: list[_Candidate]) -> str:
    """The first key point, plus the next sentence when the first is a short one."""
    if not points:
        return ""
    first = points[0]
    if len(first.point().split()) >= 15:
        return first.point()
    nxt = next((c for c in cands if c.order > first.order and c.n_words >= 4), None)
    return f"{first.point()} {nxt.point()}" if nxt else first.point()


class ExtractiveSummarizer:
    """Offline key points from the article's own sentences."""

    name = NAME

    def __init__(self, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.weights = weights

    def summarize(
        self, title: str | None, text: str, *, count: int | None = None, language: str | None = None
    ) -> KeyPoints:
        units = split_sentences(text)
        cands, doc, words, infos, furniture = _prepare(units, function_words(language))
        keywords = keywords_from_tokens(title, *_keyword_tokens(cands, words, infos, furniture))
        wanted = count if count is not None else adaptive_count(text)
        if not cands:
            fallback = (title or "").strip()
            points = [clean_point(fallback)] if fallback else []
            return KeyPoints(
                key_points=points,
                summary=points[0] if points else "",
                keywords=keywords,
                summarizer=self.name,
            )
        title_terms = Counter(content_terms(title or ""))
        _score(cands, doc, title_terms, self.weights)
        chosen = _select(cands, max(1, wanted), self.weights)
        return KeyPoints(
            key_points=[c.point() for c in chosen],
            summary=_lede(chosen, cands),
            keywords=keywords,
            summarizer=self.name,
        )
