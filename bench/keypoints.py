"""Key-points benchmark: ROUGE F1 and speed of our extractive backend, lead-3 and sumy LexRank.

    python bench/keypoints.py ../shared/bench/keypoints/cnndm-dev.jsonl [--limit N]

FILE is a JSON-lines file of {"id", "article", "highlights": [...]} read in place. Each system
gives 3 key points per article; predicted points joined with newlines are scored against the
highlights joined with newlines (rouge-score, stemmed, F1 x 100, averaged over articles).
Needs the "bench" extra (rouge-score, sumy).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from articles.keypoints.extractive import ExtractiveSummarizer
from articles.keypoints.sentences import split_sentences
from rouge_score import rouge_scorer
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

POINTS = 3
METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
System = Callable[[str], list[str]]


def load(path: Path, limit: int | None) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def ours() -> System:
    summarizer = ExtractiveSummarizer()
    return lambda text: summarizer.summarize(None, text, count=POINTS).key_points


def lead3(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)[:POINTS]]


def lexrank() -> System:
    class Tokenizer:
        """sumy's tokenizer interface on top of our splitter: no nltk data download."""

        language = "english"

        def to_sentences(self, paragraph: str) -> Iterable[str]:
            return [s.text for s in split_sentences(paragraph)]

        def to_words(self, sentence: str) -> list[str]:
            return [w for w in sentence.split() if any(ch.isalnum() for ch in w)]

    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = Tokenizer()

    def run(text: str) -> list[str]:
        parser = PlaintextParser.from_string(text, tokenizer)
        return [str(s) for s in summarizer(parser.document, POINTS)]

    return run


def evaluate(system: System, rows: list[dict]) -> tuple[dict[str, float], float]:
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    totals = dict.fromkeys(METRICS, 0.0)
    times: list[float] = []
    for row in rows:
        start = time.perf_counter()
        points = system(row["article"])
        times.append((time.perf_counter() - start) * 1000)
        scores = scorer.score("\n".join(row["highlights"]), "\n".join(points))
        for m in METRICS:
            totals[m] += scores[m].fmeasure
    n = max(1, len(rows))
    return {m: 100 * v / n for m, v in totals.items()}, statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--no-lexrank", action="store_true", help="skip the slow peer system")
    args = parser.parse_args(argv)
    rows = load(args.file, args.limit)
    systems: list[tuple[str, System]] = [("ours (extractive)", ours()), ("lead-3", lead3)]
    if not args.no_lexrank:
        systems.append(("sumy LexRank", lexrank()))
    results = {name: evaluate(fn, rows) for name, fn in systems}

    print(f"{len(rows)} articles, {POINTS} key points, ROUGE F1 x100 (rouge-score, stemmed)")
    print(f"| {'system':<18} | R1    | R2    | RL    | RLsum | ms/article |")
    print(f"|{'-' * 20}|-------|-------|-------|-------|------------|")
    for name, (scores, ms) in results.items():
        cells = " | ".join(f"{scores[m]:5.2f}" for m in METRICS)
        print(f"| {name:<18} | {cells} | {ms:10.3f} |")
    ours_scores, ours_ms = results["ours (extractive)"]
    lead_scores, _ = results["lead-3"]
    print(
        f"ours - lead-3: R1 {ours_scores['rouge1'] - lead_scores['rouge1']:+.2f}, "
        f"R2 {ours_scores['rouge2'] - lead_scores['rouge2']:+.2f}"
    )
    if "sumy LexRank" in results:
        print(f"speed: ours is {results['sumy LexRank'][1] / max(ours_ms, 1e-9):.1f}x LexRank")
    return 0


if __name__ == "__main__":
    sys.exit(main())
