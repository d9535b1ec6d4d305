"""Key-points benchmark: ROUGE F1 and speed of our extractive backend, lead-3 and sumy LexRank.

    python bench/keypoints.py ../shared/bench/keypoints/cnndm-dev.jsonl [--skip N] [--limit N]

FILE is a JSON-lines file of {"id", "article", "highlights": [...]} read in place. Each system
gives 3 key points per article; predicted points joined with newlines are scored against the
highlights joined with newlines (rouge-score, stemmed, F1 x 100, averaged over articles).
Needs the "bench" extra (rouge-score, sumy, nltk, pysbd).

Lead-3 runs twice, with two sentence splitters:
- pySBD (rule-based, no downloads). This is the lead-3 that the data set's README publishes:
  it gives those figures exactly (39.76 / 17.52 / 24.92 / 35.96 on cnndm-dev).
- our splitter. It cuts this lower-cased text better, so this lead-3 is stronger (about
  +0.8 ROUGE-1). It is the stricter baseline, and the margin over it is printed too.

The peer is sumy's LexRank in its English configuration (Snowball stemmer, sumy's stop words,
nltk's Treebank-style word tokenizer, sumy's word filter). Only punkt, sumy's sentence splitter,
is replaced, by ours, because it needs an nltk data download; the second lead-3 uses it too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pysbd
from nltk.tokenize import NLTKWordTokenizer
from rouge_score import rouge_scorer
from sumy.nlp.stemmers import Stemmer
from sumy.nlp.tokenizers import Tokenizer as SumyTokenizer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

from articles.keypoints.extractive import ExtractiveSummarizer
from articles.keypoints.sentences import split_sentences

POINTS = 3
OURS, LEAD3, LEAD3_OURS = "ours (extractive)", "lead-3 (pySBD)", "lead-3 (our split)"
METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
System = Callable[[str], list[str]]


WARM_UP = 20  # articles run once, untimed, before each system's timed pass


def load(path: Path, limit: int | None, skip: int = 0) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if limit and len(rows) >= skip + limit:
                break
    return rows[skip:]


def ours() -> System:
    summarizer = ExtractiveSummarizer()
    return lambda text: summarizer.summarize(None, text, count=POINTS).key_points


def lead3_pysbd() -> System:
    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda text: [s.strip() for s in segmenter.segment(text)[:POINTS]]


def lead3_ours(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)[:POINTS]]


def lexrank() -> System:
    """sumy's LexRank as a sumy user runs it for English, minus the punkt data download.

    sumy's English tokenizer is nltk's punkt for sentences and ``nltk.word_tokenize`` for words,
    keeping the tokens that match sumy's own word pattern. Punkt needs downloaded data, so the
    sentences come from our splitter (the same one lead-3 uses); words come from nltk's
    Treebank-style ``NLTKWordTokenizer``, which is what ``word_tokenize`` runs on each sentence
    and needs no data. Stemmer and stop words are sumy's English defaults (Snowball, sumy's list).
    """

    class Tokenizer:
        """sumy's tokenizer interface: our sentences, nltk's words, sumy's word filter."""

        language = "english"

        def __init__(self) -> None:
            self._words = NLTKWordTokenizer()

        def to_sentences(self, paragraph: str) -> Iterable[str]:
            return [s.text for s in split_sentences(paragraph)]

        def to_words(self, sentence: str) -> tuple[str, ...]:
            return tuple(w for w in self._words.tokenize(sentence) if SumyTokenizer._is_word(w))

    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = Tokenizer()

    def run(text: str) -> list[str]:
        parser = PlaintextParser.from_string(text, tokenizer)
        return [str(s) for s in summarizer(parser.document, POINTS)]

    return run


def evaluate(system: System, rows: list[dict]) -> tuple[dict[str, float], float]:
    """ROUGE over all rows, and the median time of one call.

    Every system is timed the same way: a short untimed warm-up, then one timed call per
    article in a loop of its own, with scoring afterwards, so that no system's figure carries
    the cost of the scorer evicting its data between calls.
    """
    for row in rows[:WARM_UP]:
        system(row["article"])
    outputs: list[list[str]] = []
    times: list[float] = []
    for row in rows:
        start = time.perf_counter()
        outputs.append(system(row["article"]))
        times.append((time.perf_counter() - start) * 1000)
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    totals = dict.fromkeys(METRICS, 0.0)
    for row, points in zip(rows, outputs, strict=True):
        scores = scorer.score("\n".join(row["highlights"]), "\n".join(points))
        for m in METRICS:
            totals[m] += scores[m].fmeasure
    n = max(1, len(rows))
    return {m: 100 * v / n for m, v in totals.items()}, statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument(
        "--skip", type=int, default=0, help="leave out the first N (e.g. those tuned on)"
    )
    parser.add_argument("--no-lexrank", action="store_true", help="skip the slow peer system")
    args = parser.parse_args(argv)
    rows = load(args.file, args.limit, args.skip)
    systems: list[tuple[str, System]] = [
        (OURS, ours()),
        (LEAD3, lead3_pysbd()),
        (LEAD3_OURS, lead3_ours),
    ]
    if not args.no_lexrank:
        systems.append(("sumy LexRank", lexrank()))
    results = {name: evaluate(fn, rows) for name, fn in systems}

    first = args.skip + 1
    print(f"articles {first}-{args.skip + len(rows)} of the file")
    print(f"{len(rows)} articles, {POINTS} key points, ROUGE F1 x100 (rouge-score, stemmed)")
    if not args.no_lexrank:
        print(
            "sumy LexRank: Snowball stemmer, sumy stop words, nltk NLTKWordTokenizer words, "
            "our sentence splitter (punkt needs a data download)"
        )
    print(f"| {'system':<18} | R1    | R2    | RL    | RLsum | ms/article |")
    print(f"|{'-' * 20}|-------|-------|-------|-------|------------|")
    for name, (scores, ms) in results.items():
        cells = " | ".join(f"{scores[m]:5.2f}" for m in METRICS)
        print(f"| {name:<18} | {cells} | {ms:10.3f} |")
    ours_scores, ours_ms = results[OURS]
    for lead in (LEAD3, LEAD3_OURS):
        lead_scores = results[lead][0]
        print(
            f"ours - {lead}: R1 {ours_scores['rouge1'] - lead_scores['rouge1']:+.2f}, "
            f"R2 {ours_scores['rouge2'] - lead_scores['rouge2']:+.2f}"
        )
    if "sumy LexRank" in results:
        print(f"speed: ours is {results['sumy LexRank'][1] / max(ours_ms, 1e-9):.1f}x LexRank")
    return 0


if __name__ == "__main__":
    sys.exit(main())
