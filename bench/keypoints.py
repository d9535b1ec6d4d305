"""Key-points benchmark: ROUGE and speed against lead-3 and sumy LexRank, and an editor's check.

    python bench/keypoints.py [BENCH_DIR] [--limit N] [--no-lexrank] [--no-editorial]

BENCH_DIR (default ../shared/bench) holds keypoints/cnndm-dev.jsonl, keypoints/bbc-dev.jsonl
and extraction/ (html/<key>.html.gz pages); everything is read in place. Needs the "bench"
extra (rouge-score, sumy, nltk, pysbd, yake).

ROUGE, for each data set: every system gives 3 key points per article; the points joined with
newlines are scored against the reference (the highlights joined with newlines; BBC's summary
paragraph) with rouge-score, stemmed, F1 x 100, averaged over articles, with the median time
of one call. A BBC article's first line is its headline: it is left out of the text for every
system, and ours gets it as the title, as the pipeline has it.

- lead-3 (pySBD): the first three pySBD sentences, the lead-3 of the data sets' README.
- lead-3 (our split): the first three sentences of our splitter.
- sumy LexRank, as each data set's README ran it: on CNN/DailyMail with sumy's stop words and
  our sentence splitter (punkt needs a data download), on BBC with pySBD sentences and no
  stop list. Words are nltk's Treebank-style tokens with sumy's word filter, Snowball stems.
  It reads the text as a sumy user gives it: sumy's PlaintextParser, which splits sentences
  paragraph by paragraph (blank lines). Joining the paragraphs first would let pySBD run
  sentences on across paragraph breaks (56 of the 300 BBC articles), longer passages than
  any sentence, which ROUGE against BBC's long summaries rewards.

The editor's check runs ours over the cased dev pages (extracted with our extractor) and over
articles written for the tests (tests/unit/keypoints/editorial_samples.py), and counts what
an editor would strike, per class, in what a view shows: the lede, then the key points it
does not already say, then the keywords. YAKE's keywords for the same pages are counted too.
The detectors are deliberately independent of the summarizer's own rules.
"""

from __future__ import annotations

import argparse
import gzip
import inspect
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pysbd
import yake
from nltk.tokenize import NLTKWordTokenizer
from rouge_score import rouge_scorer
from sumy.nlp.stemmers import Stemmer
from sumy.nlp.tokenizers import Tokenizer as SumyTokenizer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

from articles.extraction import extract
from articles.keypoints import summarize
from articles.keypoints.extractive import ExtractiveSummarizer
from articles.keypoints.sentences import split_sentences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit" / "keypoints"))
from editorial_samples import SAMPLES

try:  # the lede-once rule of the views; absent from older versions
    from articles.keypoints import points_besides_lede
except ImportError:  # pragma: no cover - measuring an older version

    def points_besides_lede(summary: str | None, points: list[str]) -> list[str]:
        return list(points)


POINTS = 3
OURS, LEAD3, LEAD3_OURS, LEXRANK = (
    "ours (extractive)",
    "lead-3 (pySBD)",
    "lead-3 (our split)",
    "sumy LexRank",
)
METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
WARM_UP = 20  # articles run once, untimed, before each system's timed pass
System = Callable[[str | None, str], list[str]]


@dataclass(frozen=True)
class Article:
    title: str | None
    text: str
    reference: str


@dataclass(frozen=True)
class DataSet:
    name: str
    file: str
    lexrank_stop_words: bool
    lexrank_splitter: str  # "ours" or "pysbd"


DATA_SETS = (
    DataSet("cnndm-dev", "cnndm-dev.jsonl", lexrank_stop_words=True, lexrank_splitter="ours"),
    DataSet("bbc-dev", "bbc-dev.jsonl", lexrank_stop_words=False, lexrank_splitter="pysbd"),
)


def load(path: Path, limit: int | None) -> list[Article]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            if "highlights" in row:
                out.append(Article(None, row["article"], "\n".join(row["highlights"])))
            else:
                headline, _, body = row["article"].partition("\n")
                out.append(Article(headline.strip(), body.strip(), row["summary"]))
            if limit and len(out) >= limit:
                break
    return out


def ours() -> System:
    summarizer = ExtractiveSummarizer()
    return lambda title, text: summarizer.summarize(title, text, count=POINTS).key_points


def lead3_pysbd() -> System:
    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda _title, text: [s.strip() for s in segmenter.segment(text)[:POINTS]]


def lead3_ours(_title: str | None, text: str) -> list[str]:
    return [s.text for s in split_sentences(text)[:POINTS]]


def lexrank(data: DataSet) -> System:
    """sumy's LexRank as a sumy user runs it, minus the punkt data download."""
    segmenter = pysbd.Segmenter(language="en", clean=False)

    class Tokenizer:
        """sumy's tokenizer interface: the data set's sentences, nltk's words, sumy's filter."""

        language = "english"

        def __init__(self) -> None:
            self._words = NLTKWordTokenizer()

        def to_sentences(self, paragraph: str) -> Iterable[str]:
            if data.lexrank_splitter == "pysbd":
                return [s.strip() for s in segmenter.segment(paragraph) if s.strip()]
            return [s.text for s in split_sentences(paragraph)]

        def to_words(self, sentence: str) -> tuple[str, ...]:
            return tuple(w for w in self._words.tokenize(sentence) if SumyTokenizer._is_word(w))

    summarizer = LexRankSummarizer(Stemmer("english"))
    if data.lexrank_stop_words:
        summarizer.stop_words = get_stop_words("english")
    tokenizer = Tokenizer()

    def run(_title: str | None, text: str) -> list[str]:
        parser = PlaintextParser.from_string(text, tokenizer)
        return [str(s) for s in summarizer(parser.document, POINTS)]

    return run


def evaluate(system: System, rows: list[Article]) -> tuple[dict[str, float], float]:
    """ROUGE over all rows, and the median time of one call.

    Every system is timed the same way: a short untimed warm-up, then one timed call per
    article in a loop of its own, with scoring afterwards.
    """
    for row in rows[:WARM_UP]:
        system(row.title, row.text)
    outputs: list[list[str]] = []
    times: list[float] = []
    for row in rows:
        start = time.perf_counter()
        outputs.append(system(row.title, row.text))
        times.append((time.perf_counter() - start) * 1000)
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    totals = dict.fromkeys(METRICS, 0.0)
    for row, points in zip(rows, outputs, strict=True):
        scores = scorer.score(row.reference, "\n".join(points))
        for m in METRICS:
            totals[m] += scores[m].fmeasure
    n = max(1, len(rows))
    return {m: 100 * v / n for m, v in totals.items()}, statistics.median(times)


def rouge_table(data: DataSet, rows: list[Article], with_lexrank: bool) -> None:
    systems: list[tuple[str, System]] = [
        (OURS, ours()),
        (LEAD3, lead3_pysbd()),
        (LEAD3_OURS, lead3_ours),
    ]
    if with_lexrank:
        systems.append((LEXRANK, lexrank(data)))
    results = {name: evaluate(fn, rows) for name, fn in systems}
    print(f"\n{data.name}: {len(rows)} articles, {POINTS} key points, ROUGE F1 x100 (stemmed)")
    print(f"| {'system':<18} | R1    | R2    | RL    | RLsum | ms/article |")
    print(f"|{'-' * 20}|-------|-------|-------|-------|------------|")
    for name, (scores, ms) in results.items():
        cells = " | ".join(f"{scores[m]:5.2f}" for m in METRICS)
        print(f"| {name:<18} | {cells} | {ms:10.3f} |")
    ours_scores, ours_ms = results[OURS]
    others = [LEAD3, LEAD3_OURS] + ([LEXRANK] if with_lexrank else [])
    for other in others:
        scores = results[other][0]
        print(
            f"ours - {other}: R1 {ours_scores['rouge1'] - scores['rouge1']:+.2f}, "
            f"R2 {ours_scores['rouge2'] - scores['rouge2']:+.2f}"
        )
    if with_lexrank:
        print(f"speed: ours is {results[LEXRANK][1] / max(ours_ms, 1e-9):.1f}x LexRank")


# --- the editor's check ---------------------------------------------------------------

_OPENERS = frozenset(
    re.findall(
        r"\w+",
        """he she they it this that these those his her their its we him them but and so yet
        or however also meanwhile still then moreover furthermore additionally instead indeed
        thus therefore besides nevertheless nonetheless""",
    )
)
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|do|does|did|will|would|can|could|may|"
    r"might|must|shall|should|said|says|say|told|tells|get|gets|got|make|makes|made|take|"
    r"takes|took|go|goes|went|come|comes|came|see|sees|saw|know|knows|knew|think|thinks|"
    r"thought|give|gives|gave|find|finds|found|\w{2,}ed|\w{3,}ing)\b",
    re.IGNORECASE,
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_LISTING = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:{_MONTHS}\s+\d{{1,2}}|\d{{1,2}}\s+"
    rf"{_MONTHS}|\d{{1,2}}/\d{{1,2}})\b\s*[-–—:|@,]|\s@\s|^(?:tickets?|venue|price|doors|"
    r"when|where|admission)\s*:|\$\d+\s*[-–]\s*\$\d+",
    re.IGNORECASE,
)
# A few words and a colon before a sentence; not a speaker ("Lee said: ...") and not a
# clause of its own ("The first days were hard: I ...").
_LABEL = re.compile(
    r"^(?!.*\b(?:said|says|told|added)\b)(?![^:]*\b(?:is|are|was|were)\b)"
    r"(?:[\w'’&-]+\s+){0,5}[\w'’&-]+:\s+\S"
)
_CREDIT = re.compile(
    r"^(?:by|written by|photo|photos|photograph|image|credit|reporting by|editing by)\b|"
    r"getty images|all rights reserved|©|contributed to this report|\bfile photo\b",
    re.IGNORECASE,
)
_STOP = frozenset(
    re.findall(
        r"\w+",
        """a an the and or but of to in on at for with by from as is are was were be been it its
    this that these those he she they we you i his her their our my your not no so also just
    very more most new said says year years day days time people percent way thing things
    home news study report development today week month""",
    )
)
_KEYWORD_VERBS = frozenset(
    re.findall(
        r"\w+",
        """said says say told tells adds added makes made takes took gets got goes went comes
        came doubles doubled rises rose falls fell wins won calls called plans planned""",
    )
)
POINT_FAULTS = (
    "unresolved opener",
    "under 6 words / no verb",
    "listing line",
    "label",
    "byline / credit",
    "repeats the lede",
)
KEYWORD_FAULTS = ("headline window not in body", "verb", "stop / generic word")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _follows(previous: str | None, point: str, text: str) -> bool:
    """Whether ``point`` comes right after ``previous`` in the article, so that what it
    points back at is on screen just above it."""
    if previous is None:
        return False
    flat = " ".join(text.split())
    head, tail = " ".join(point.split()[:5]), " ".join(previous.split()[-4:]).rstrip(".")
    at, before = flat.find(head), flat.find(tail)
    return at >= 0 and before >= 0 and 0 <= at - (before + len(tail)) <= 4


def point_faults(text: str, lede: str, shown: list[str], *, english: bool) -> Counter[str]:
    """The faults of the points a view shows; the verb test is for English only."""
    faults: Counter[str] = Counter()
    previous: str | None = lede or None
    for point in shown:
        first = point.split(maxsplit=1)[0].lower().strip(",") if point.split() else ""
        if first in _OPENERS and not _follows(previous, point, text):
            faults["unresolved opener"] += 1
        verbless = english and not _VERBISH.search(point)
        if not _UNSPACED.search(point) and (len(point.split()) < 6 or verbless):
            faults["under 6 words / no verb"] += 1
        if _LISTING.search(point):
            faults["listing line"] += 1
        if _LABEL.match(point):
            faults["label"] += 1
        if _CREDIT.search(point):
            faults["byline / credit"] += 1
        if lede and (_norm(point) in _norm(lede) or _norm(lede) in _norm(point)):
            faults["repeats the lede"] += 1
        previous = point
    return faults


def keyword_faults(title: str | None, text: str, keywords: list[str]) -> Counter[str]:
    faults: Counter[str] = Counter()
    body, head = text.lower(), (title or "").lower()
    for keyword in keywords:
        k = keyword.lower()
        if head and k in head and k not in body:
            faults["headline window not in body"] += 1
        words = k.split()
        if len(words) == 1 and (k in _KEYWORD_VERBS or re.fullmatch(r"\w{3,}(?:ed|ing)", k)):
            faults["verb"] += 1
        if len(words) == 1 and k in _STOP:
            faults["stop / generic word"] += 1
    return faults


@dataclass
class Tally:
    pages: int = 0
    points: int = 0
    keywords: int = 0
    yake_keywords: int = 0

    def __post_init__(self) -> None:
        self.faults: Counter[str] = Counter()
        self.yake: Counter[str] = Counter()


def _summarize(title: str | None, text: str, description: str | None, language: str | None):
    kwargs = {"language": language}
    if "description" in inspect.signature(summarize).parameters:
        kwargs["description"] = description
    return summarize(title, text, **kwargs)


def check(
    tally: Tally,
    title: str | None,
    text: str,
    description: str | None,
    language: str | None,
    extractor: yake.KeywordExtractor,
    show: bool,
) -> None:
    result = _summarize(title, text, description, language)
    shown = points_besides_lede(result.summary, result.key_points)
    tally.pages += 1
    tally.points += len(shown)
    tally.keywords += len(result.keywords)
    tally.faults += point_faults(text, result.summary, shown, english=language == "en")
    tally.faults += keyword_faults(title, text, result.keywords)
    theirs = [k for k, _ in extractor.extract_keywords(f"{title or ''}\n{text}")]
    tally.yake_keywords += len(theirs)
    tally.yake += keyword_faults(title, text, theirs)
    if show:
        print(f"\n## {title}\n> {result.summary}")
        print("\n".join(f"- {p}" for p in shown))
        print(f"keywords: {', '.join(result.keywords)}\nYAKE:     {', '.join(theirs)}")


def editorial(bench: Path, show: bool) -> None:
    extractor = yake.KeywordExtractor(lan="en", n=3, top=8)
    fixtures, pages = Tally(), Tally()
    for sample in SAMPLES:
        check(fixtures, sample.title, sample.text, sample.description, "en", extractor, show)
    html = sorted((bench / "extraction" / "html").glob("*.html.gz"))
    for path in html:
        article = extract(gzip.decompress(path.read_bytes()), filename=path.name[:-3])
        check(
            pages,
            article.title,
            article.text,
            article.description,
            article.language,
            extractor,
            show,
        )
    print("\nEditorial check: faults in what a view shows (lede, points it does not say, keywords)")
    print(f"{'':<30} {'fixtures':>9} {'dev pages':>10}")
    print(f"{'articles':<30} {fixtures.pages:>9} {pages.pages:>10}")
    print(f"{'points shown':<30} {fixtures.points:>9} {pages.points:>10}")
    for name in POINT_FAULTS:
        print(f"  {name:<28} {fixtures.faults[name]:>9} {pages.faults[name]:>10}")
    print(f"{'keywords (ours)':<30} {fixtures.keywords:>9} {pages.keywords:>10}")
    for name in KEYWORD_FAULTS:
        print(f"  {name:<28} {fixtures.faults[name]:>9} {pages.faults[name]:>10}")
    print(f"{'keywords (YAKE, top 8)':<30} {fixtures.yake_keywords:>9} {pages.yake_keywords:>10}")
    for name in KEYWORD_FAULTS:
        print(f"  {name:<28} {fixtures.yake[name]:>9} {pages.yake[name]:>10}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", nargs="?", type=Path, default=Path("../shared/bench"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--no-lexrank", action="store_true", help="skip the slow peer system")
    parser.add_argument("--no-rouge", action="store_true", help="only the editor's check")
    parser.add_argument("--no-editorial", action="store_true", help="only the ROUGE tables")
    parser.add_argument("--show", action="store_true", help="print what the check reads")
    args = parser.parse_args(argv)
    if not args.no_rouge:
        for data in DATA_SETS:
            path = args.bench / "keypoints" / data.file
            rows = load(path, args.limit)
            rouge_table(data, rows, not args.no_lexrank)
    if not args.no_editorial:
        editorial(args.bench, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
