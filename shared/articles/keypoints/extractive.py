"""The default backend: pick the article's own sentences, offline and deterministic.

Each sentence is scored on several signals, none of which decides alone: where it stands
(the opening paragraph of a news story puts the key facts first, and each section of a
structured article opens with its own), how central it is (a sentence graph, as LexRank and
PACSUM build one: a sentence that the rest of the story echoes states what it is about),
how much it shares with the title, and its length (a key point is a whole fact, neither a
fragment nor a paragraph). Questions, captions and lines of figures are not points. Points
are picked greedily with a redundancy penalty (MMR), covering a structured article's
sections before a second point from any one, and are returned in article order, each
cleaned to read on its own: a point that opens by pointing at a sentence not shown ("He
added ...") gets its referent when the sentence before names one person, and is not picked
otherwise.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import mul

from articles.keypoints.clean import (
    boilerplate_test,
    clean_point,
    is_listing,
    opens_by_referring,
    strip_lead_artifacts,
)
from articles.keypoints.keywords import keywords_from_tokens
from articles.keypoints.sentences import Sentence, split_sentences
from articles.keypoints.stopwords import function_words
from articles.keypoints.text import (
    GAP,
    NAME_PARTICLES,
    STOPWORDS,
    TOKEN,
    UNIT_BREAK,
    UNSPACED,
    Info,
    content_terms,
    has_terms,
    joiner_info,
    rank_term,
    tokenize_units,
    word_list,
)
from articles.models import KeyPoints, text_length

VERSION = "0.3.0"
NAME = f"extractive {VERSION}"

MIN_POINTS, MAX_POINTS = 3, 7
# Only the first sentences compete: keeps the cost flat on long documents, and in news the
# key facts are rarely beyond this point.
MAX_CANDIDATES = 40
# Sentences that count towards the document's vocabulary (keywords); about 10,000 words.
MAX_UNITS = 400
# A key point is a sentence with something to say: shorter ones are captions and fragments.
MIN_POINT_WORDS = 6
# A sentence has a few words in lower case (its verb, its articles); a line of names, figures
# and dates ("The Senate October 9, 2018.", "Ana Ruiz 3 goals, 1 assist.") is a caption, a
# credit or a table row.
MIN_LOWER_WORDS = 3


@dataclass(frozen=True, slots=True)
class Weights:
    # Chosen on both dev sets together (CNN/DailyMail and BBC News), the one rewarding the
    # lead and the other the sentences central to the story.
    # The lead: the opening paragraph of the story, and of each section, states its key fact.
    position: float = 1.6
    position_scale: float = 3.0  # sentences into the opening paragraph until the prior halves
    centrality: float = 1.0
    # A sentence's centrality: its similarity to the other sentences. Within its paragraph,
    # those after it weigh more than those before it (PACSUM: what the next sentences
    # elaborate on is the paragraph's topic); across paragraphs, a story comes back to its
    # central facts in any order, and both directions weigh the same.
    later: float = 1.0
    earlier: float = 0.3
    across: float = 1.5
    title: float = 0.5  # share of the title's terms in the sentence
    length: float = 0.5
    ideal_words: int = 18
    long_words: int = 40
    redundancy: float = 1.0
    section: float = 0.5  # a second point from a section already covered
    duplicate: float = 0.6  # above this overlap a sentence says the same thing


DEFAULT_WEIGHTS = Weights()


@dataclass(slots=True)
class _Candidate:
    order: int
    section: int  # headings open sections; a story without headings is one section
    paragraph: int  # the line of text it is in: a paragraph, or a list item
    order_in_section: int
    opening: bool  # in the opening paragraphs of its section, where the lead prior holds
    text: str  # as in the article: ranking features come from it
    previous: str  # the sentence before it, where a pronoun's referent would be
    terms: Counter[str]
    n_words: int
    quoted: float  # share inside quotation marks
    start: int  # where its tokens start in the document's token list
    score: float = 0.0
    cleaned: str | None = None

    def point(self) -> str:
        """The sentence as a key point. Only chosen sentences pay for the cleaning."""
        if self.cleaned is None:
            # The first candidate opens the article: a dateline can only be there.
            text = self.text
            if opens_by_referring(text) and self.order > 0:
                text = with_referent(text, self.previous) or text
            self.cleaned = clean_point(text, opening=self.order == 0)
        return self.cleaned

    def says_something(self) -> bool:
        """Whether the sentence states something: not a fragment (as it will be shown, once
        cleaned), not a question."""
        text = self.text if self.cleaned is None else self.cleaned
        if text.rstrip("\"'”’»)").endswith(_QUESTION_MARKS):
            return False
        if UNSPACED.search(text):
            return True
        words = text.split()
        if len(words) <= MAX_NO_COMMENT_WORDS and _NO_COMMENT.search(text):
            return False
        return len(words) >= MIN_POINT_WORDS and _has_lower_case_words(words, MIN_LOWER_WORDS)

    def stands_alone(self) -> bool:
        """Whether the point reads without the sentence before it: it does not point back
        at that sentence, or its referent can be named, and it is not the middle of a
        quotation, which shown alone would read as the article's own statement."""
        if self.quoted == 1.0 and not any(map(self.text.__contains__, _QUOTE_CHARS)):
            return False
        return (
            self.order == 0
            or not opens_by_referring(self.text)
            or with_referent(self.text, self.previous) is not None
        )


_QUESTION_MARKS = ("?", "？", "؟")
# A sentence that only says someone would not comment reports no fact; in a longer one the
# refusal is an aside ("Lee, who declined to comment, left the company in May").
_NO_COMMENT = re.compile(
    r"\b(?:declined|refused|did not respond|did not reply|could not be reached|"
    r"(?:was|were) not (?:immediately )?available)\b.*\bcomment",
    re.IGNORECASE,
)
MAX_NO_COMMENT_WORDS = 15
_OPENING_MARKS = "\"'“‘«(["


def _has_lower_case_words(words: list[str], needed: int) -> bool:
    """Whether at least ``needed`` of the words are written in lower case (a word of a
    script without case counts); figures are not words here."""
    found = 0
    for w in words:
        initial = w.lstrip(_OPENING_MARKS)[:1]
        if initial.isalpha() and not initial.isupper():
            found += 1
            if found >= needed:
                return True
    return False


# A person's name: two to four capitalised words ("Judge Sarah Whitfield", "Mark Zuckerberg"),
# an initial allowed ("George W. Bush").
_NAME_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*"
_PERSON = re.compile(rf"(?:(\w+)\s+)?\b({_NAME_WORD}(?:\s+(?:[A-Z]\.\s+)?{_NAME_WORD}){{1,3}})\b")
# Words that make a capitalised run the name of a body or a place, not of a person.
_NOT_PERSON = frozenset(
    [
        "Agency",
        "Association",
        "Authority",
        "Bank",
        "Board",
        "Centre",
        "Center",
        "Church",
        "City",
        "Club",
        "College",
        "Committee",
        "Commission",
        "Company",
        "Corporation",
        "Council",
        "County",
        "Court",
        "Crown",
        "Department",
        "District",
        "Federation",
        "Foundation",
        "Government",
        "Group",
        "Hospital",
        "House",
        "Institute",
        "League",
        "Ministry",
        "Museum",
        "News",
        "Office",
        "Party",
        "Police",
        "Post",
        "Republic",
        "Road",
        "School",
        "Service",
        "Society",
        "State",
        "States",
        "Street",
        "Times",
        "Trust",
        "Union",
        "United",
        "University",
        "Valley",
        "Kingdom",
        "Island",
        "Islands",
        "Airport",
        "Station",
        "Park",
        "Hotel",
    ]
)
# Words of saying, after or before a speaker's name ("Ann Lee said", "said Ann Lee").
_SAYING = frozenset(
    word_list("said says told added explained wrote tweeted asked replied warned insisted")
)
# Words before a name that opens the sentence: "The", "But".
_NAME_OPENERS = frozenset(word_list("the but and"))


def _verb_of_saying(after: str) -> bool:
    first = after.split(maxsplit=1)[:1]
    return bool(first) and first[0] in _SAYING


_HONORIFICS = frozenset(word_list("mr mrs ms dr"))
# Pronouns a name can stand in for, and what the name becomes in their place.
_PERSONAL = {"he": "", "she": "", "his": "’s", "her": "’s"}


def _person_in(sentence: str) -> str | None:
    """The surname of the one person ``sentence`` names, or None for none or several."""
    surnames: set[str] = set()
    for m in _PERSON.finditer(sentence):
        before, name = m.group(1) or "", m.group(2)
        # A person acts or is introduced: the name opens the sentence, or says something,
        # or is set off by a comma ("Daniel Hirst, 41,"). Elsewhere it may be a place.
        after = sentence[m.end() :].lstrip()
        opens = m.start() == 0 or before.lower() in _NAME_OPENERS
        if not (opens or after.startswith(",") or _verb_of_saying(after) or before in _SAYING):
            continue
        words = name.split()
        while words and words[0].lower() in STOPWORDS and words[0].lower() not in _HONORIFICS:
            words.pop(0)  # "The", "But" opening the sentence
        if len(words) < 2 or any(w in _NOT_PERSON for w in words):
            continue
        surnames.add(words[-1])
    return surnames.pop() if len(surnames) == 1 else None


def with_referent(text: str, previous: str) -> str | None:
    """``text`` with its opening pronoun replaced by the person the sentence before names
    ("He added ..." after "... Mark Zuckerberg said." reads "Zuckerberg added ..."), or None
    when the referent is not a single person named there."""
    first, _, rest = text.partition(" ")
    ending = _PERSONAL.get(first.lower())
    if ending is None or not rest:
        return None
    surname = _person_in(previous)
    return f"{surname}{ending} {rest}" if surname else None


def adaptive_count(text: str) -> int:
    """3 points for a short story, up to 7 for a long read."""
    n = text_length(text).words
    return max(MIN_POINTS, min(MAX_POINTS, 3 + (n - 300) // 350 + (1 if n > 300 else 0)))


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
        if not any(map(text.__contains__, _QUOTE_CHARS)):
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


class _Document:
    """An article read once: its ranking candidates, its tokens (shared by the ranking and
    the keywords), and where in the tokens the page furniture (bylines, "Scroll down for
    video") and the listings (tour dates, prices) are, as (start, end) spans."""

    def __init__(
        self, units: list[Sentence], title: str, function_words: frozenset[str] | None = None
    ) -> None:
        # A book-length tail adds cost, not signal, to the keywords.
        units = units[:MAX_UNITS]
        texts = [u.text for u in units]
        # A headline glued to the opening sentence is not part of it.
        if title and texts and texts[0].startswith(title) and len(texts[0]) > len(title):
            texts[0] = texts[0][len(title) :].lstrip(" |:-–—")
        words, infos = tokenize_units(texts)
        if function_words:
            infos = _without_function_words(words, infos, function_words)
        self.words, self.infos = words, infos
        self.candidates: list[_Candidate] = []
        self.skipped: list[tuple[int, int]] = []
        is_boilerplate = boilerplate_test("\n".join(texts))
        ranks = list(map(rank_term, infos))
        section, in_section = 0, 0
        paragraph, opening = -1, True
        sentences_in = Counter(u.block for u in units)
        end = -1
        quotes = _QuoteTracker()
        previous = ""
        for unit, text in zip(units, texts, strict=True):
            if len(self.candidates) >= MAX_CANDIDATES:
                break
            begin, end = end + 1, words.index(UNIT_BREAK, end + 1)
            quoted = quotes.share(unit)
            if is_boilerplate(text) or is_listing(text):
                self.skipped.append((begin, end))
                continue
            if unit.kind == "heading":
                section, in_section = section + 1, 0
                continue
            if unit.block != paragraph:
                # The opening: the section's first paragraph, and the paragraphs of one
                # sentence that follow it (wire copy gives each sentence its own).
                opening = in_section == 0 or (opening and sentences_in[unit.block] == 1)
                paragraph = unit.block
            terms = Counter(filter(None, ranks[begin:end]))
            if terms:
                self.candidates.append(
                    _Candidate(
                        order=len(self.candidates),
                        section=section,
                        paragraph=paragraph,
                        order_in_section=in_section,
                        opening=opening,
                        text=text,
                        previous=previous,
                        terms=terms,
                        n_words=len(text.split()),
                        quoted=quoted,
                        start=begin,
                    )
                )
                in_section += 1
            previous = text

    def keyword_tokens(self) -> tuple[list[str], list[Info]]:
        """The tokens with page furniture, listings and the article's dateline turned into
        sentence breaks: a byline's name, "CLEVELAND" or "(CNN)" say who filed the story and
        where, a venue where the band plays next, not what the story is about.

        The dateline is looked for where ``_Candidate.point`` looks for it: in the first
        candidate, the sentence that opens the article.
        """
        spans = list(self.skipped)
        if self.candidates:
            first = self.candidates[0]
            rest = strip_lead_artifacts(first.text, opening=True)
            if len(rest) < len(first.text):
                dateline = TOKEN.findall(first.text[: -len(rest) or None])
                spans.append((first.start, first.start + len(dateline)))
        if not spans:
            return self.words, self.infos
        words, infos = self.words.copy(), self.infos.copy()
        for start, end in spans:
            words[start:end] = [UNIT_BREAK] * (end - start)
            infos[start:end] = [GAP] * (end - start)
        return words, infos


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


def _centrality(cands: list[_Candidate], w: Weights) -> list[float]:
    """Each sentence's weighted degree in the graph of the candidates, with idf-weighted
    cosine similarity on the edges: within its paragraph, the similarities to later
    sentences weigh ``w.later`` and to earlier ones ``w.earlier``; to the sentences of other
    paragraphs, ``w.across``.

    With u the sentences' unit vectors, the sum of a sentence's similarities to a group of
    sentences is its dot product with the sum of their vectors: the story's sum, its
    paragraph's sum, and the sum of the paragraph so far, built up in one pass.
    """
    units = _unit_vectors(cands)
    paragraphs: defaultdict[int, defaultdict[str, float]] = defaultdict(_vector)
    for c, u in zip(cands, units, strict=True):
        _add(paragraphs[c.paragraph], u)
    if len(paragraphs) == 1:  # a text with no paragraph breaks
        story = paragraphs[cands[0].paragraph]
    else:
        story = _vector()
        for total in paragraphs.values():
            _add(story, total)
    sizes = Counter(c.paragraph for c in cands)
    out = []
    so_far, current = _vector(), -1
    for c, u in zip(cands, units, strict=True):
        own = 1.0 if u else 0.0  # a unit vector's dot product with itself (none if empty)
        in_paragraph = earlier = 0.0
        if sizes[c.paragraph] > 1:
            if c.paragraph != current:
                so_far, current = _vector(), c.paragraph
            in_paragraph = _dot(u, paragraphs[c.paragraph]) - own
            earlier = _dot(u, so_far)
            _add(so_far, u)
        elsewhere = _dot(u, story) - own - in_paragraph
        out.append(w.later * (in_paragraph - earlier) + w.earlier * earlier + w.across * elsewhere)
    return out


def _unit_vectors(cands: list[_Candidate]) -> list[dict[str, float]]:
    """Each sentence's terms as an idf-weighted vector of length 1."""
    df = Counter(t for c in cands for t in c.terms)
    idf = {t: math.log((len(cands) + 1) / d) for t, d in df.items()}
    units: list[dict[str, float]] = []
    for c in cands:
        vector = {t: tf * idf[t] for t, tf in c.terms.items()}
        norm = math.sqrt(sum(map(mul, vector.values(), vector.values()))) or 1.0
        units.append({t: x / norm for t, x in vector.items()})
    return units


def _vector() -> defaultdict[str, float]:
    return defaultdict(float)


def _add(total: defaultdict[str, float], u: dict[str, float]) -> None:
    for t, x in u.items():
        total[t] += x


def _dot(u: dict[str, float], total: defaultdict[str, float]) -> float:
    return float(sum(map(mul, u.values(), map(total.__getitem__, u))))


def _lead(c: _Candidate, w: Weights) -> float:
    """The position prior: through the opening of the story and of each section (a text
    with no paragraph breaks is all opening), falling as the sentences go on."""
    if not c.opening:
        return 0.0
    return w.position_scale / (w.position_scale + c.order_in_section)


def _score(cands: list[_Candidate], title: Counter[str], w: Weights) -> None:
    cent = _centrality(cands, w)
    top = max(cent) or 1.0
    for c, centrality in zip(cands, cent, strict=True):
        in_title = len(c.terms.keys() & title.keys()) / len(title) if title else 0.0
        c.score = (
            w.position * _lead(c, w)
            + w.centrality * centrality / top
            + w.title * in_title
            + w.length * _length_fit(c.n_words, w)
        )


def _overlap(a: _Candidate, b: _Candidate) -> float:
    """Share of the smaller sentence's terms found in the other one."""
    return len(a.terms.keys() & b.terms.keys()) / min(len(a.terms), len(b.terms))


def _select(cands: list[_Candidate], count: int, w: Weights) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    picked: set[int] = set()
    # A fragment or a question (a column's opening one) is not a point; a text made only of
    # those still gets its best.
    pool = [c for c in cands if c.says_something()]
    fallback = not pool
    if fallback:
        pool = cands.copy()
    alone = {c.order for c in pool if c.stands_alone()}
    # Each candidate's highest overlap with a chosen point, updated as points are chosen.
    sim = dict.fromkeys(range(len(cands)), 0.0)
    sections: set[int] = set()
    while pool and len(chosen) < count:
        best, best_value = None, -math.inf
        for c in pool:
            s = sim[c.order]
            # A sentence that needs the one before it is a point only right after it.
            if s >= w.duplicate or not (c.order in alone or c.order - 1 in picked):
                continue
            # Cover the sections of a structured article before a second point from any one.
            value = c.score - w.redundancy * s - w.section * (c.section in sections)
            if value > best_value:
                best, best_value = c, value
        if best is None:
            break
        pool.remove(best)
        # A sentence that was all dateline, credit or parenthesis leaves nothing to show, or
        # only a fragment.
        if has_terms(best.point()) and (fallback or best.says_something()):
            chosen.append(best)
            picked.add(best.order)
            sections.add(best.section)
            for c in pool:
                sim[c.order] = max(sim[c.order], _overlap(c, best))
    return sorted(chosen, key=lambda c: c.order)


def _lede(points: list[_Candidate], cands: list[_Candidate]) -> str:
    """The first key point, plus the next sentence when the first is a short one."""
    if not points:
        return ""
    first = points[0]
    if len(first.point().split()) >= 15:
        return first.point()
    nxt = next(
        (c for c in cands if c.order > first.order and c.n_words >= 4 and c.stands_alone()),
        None,
    )
    return f"{first.point()} {nxt.point()}" if nxt else first.point()


class ExtractiveSummarizer:
    """Offline key points from the article's own sentences."""

    name = NAME

    def __init__(self, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.weights = weights

    def summarize(
        self, title: str | None, text: str, *, count: int | None = None, language: str | None = None
    ) -> KeyPoints:
        document = _Document(split_sentences(text), (title or "").strip(), function_words(language))
        keywords = keywords_from_tokens(title, *document.keyword_tokens())
        cands = document.candidates
        # A structured article gets a point for each of its sections, as far as the most.
        sections = len({c.section for c in cands})
        wanted = (
            count if count is not None else max(adaptive_count(text), min(MAX_POINTS, sections))
        )
        if not cands:
            fallback = (title or "").strip()
            points = [clean_point(fallback)] if fallback else []
            return KeyPoints(
                key_points=points,
                summary=points[0] if points else "",
                keywords=keywords,
                summarizer=self.name,
            )
        _score(cands, Counter(content_terms(title or "")), self.weights)
        chosen = _select(cands, max(1, wanted), self.weights)
        return KeyPoints(
            key_points=[c.point() for c in chosen],
            summary=_lede(chosen, cands),
            keywords=keywords,
            summarizer=self.name,
        )
