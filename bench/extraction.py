"""Article-body extraction benchmark: our extractor against trafilatura's defaults.

    python bench/extraction.py DIR        (or set ARTICLES_EXTRACTION_BENCH)

DIR holds ``ground-truth.json`` ({key: {"articleBody", "url"}}) and ``html/<key>.html.gz``.
The data is read in place. Metric: lower-cased word tokens, 4-word shingles as multisets;
precision = matched / predicted shingles, recall = matched / true shingles, per document, then
averaged over documents. Time is per page, after an untimed warm-up that runs every code path
of both sides (every page, plus pages written to take the fallbacks: a notice instead of a
story, a page in windows-1252 without dates in its markup); each page's time is its best of
``--rounds`` timed rounds, in wall-clock time and in this process's CPU time, and the table
gives the mean and the median over pages with our ratio to trafilatura's from the same run.
Two F1 figures are printed: the mean of per-document F1 ("F1 doc") and the harmonic mean of
the averaged precision and recall ("F1 avg"), the convention the published baselines for
this data use.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from articles.errors import ArticleError
from articles.extraction import extract

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))


def score(predicted: str, truth: str) -> tuple[float, float, float]:
    pred, true = shingles(predicted), shingles(truth)
    if not pred and not true:
        return 1.0, 1.0, 1.0
    if not pred or not true:
        return 0.0, 0.0, 0.0
    matched = sum((pred & true).values())
    precision = matched / sum(pred.values())
    recall = matched / sum(true.values())
    f1 = 2 * precision * recall / (precision + recall) if matched else 0.0
    return precision, recall, f1


@dataclass
class Tally:
    name: str
    scores: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)  # per page, its best round
    cpu_seconds: list[float] = field(default_factory=list)
    failures: int = 0

    def mean(self, index: int) -> float:
        return sum(s[index] for s in self.scores.values()) / max(1, len(self.scores))

    @property
    def f1_avg(self) -> float:
        p, r = self.mean(0), self.mean(1)
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def ms_mean(self) -> float:
        return 1000 * statistics.fmean(self.seconds)

    @property
    def ms_median(self) -> float:
        return 1000 * statistics.median(self.seconds)

    @property
    def cpu_ms_mean(self) -> float:
        return 1000 * statistics.fmean(self.cpu_seconds)

    @property
    def cpu_ms_median(self) -> float:
        return 1000 * statistics.median(self.cpu_seconds)


def ours(raw: bytes, key: str) -> str:
    try:
        return extract(raw, filename=f"{key}.html").text
    except ArticleError:
        return ""


def trafilatura_default(raw: bytes, key: str) -> str:
    return trafilatura.extract(raw) or ""


def load(directory: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        key: gzip.decompress((directory / "html" / f"{key}.html.gz").read_bytes())
        for key in sorted(truth)
    }
    return {key: truth[key]["articleBody"] for key in pages}, pages


# Pages that take the paths the bench pages may not: the fallback strategies (a short page
# that is a notice, not a story), a page in another encoding than UTF-8, and no date in the
# markup (the dates shown on the page are then searched).
WARM_UP_PAGES = (
    b"<html><head><title>Notice</title></head><body><article><p>This copy is for your "
    b"personal, non-commercial use only. Distribution and use of this material are governed "
    b"by our Subscriber Agreement.</p></article><div><p>Harbour works resume on Monday after "
    b"a winter of storms, the port authority said.</p></div></body></html>",
    (
        "<html lang='fr'><head><meta charset='windows-1252'><title>Le port rouvre</title>"
        "</head><body><div class='story'><h1>Le port rouvre</h1><p class='byline'>Par Jeanne "
        "Dupont, le 3 mars 2024</p>"
        + "<p>Les travaux du quai reprennent lundi apr\u00e8s un hiver de temp\u00eates, a "
        "indiqu\u00e9 l\u2019autorit\u00e9 portuaire, qui pr\u00e9voit la fin du chantier "
        "avant l\u2019\u00e9t\u00e9.</p>" * 6 + "</div></body></html>"
    ).encode("cp1252"),
)


def run(
    systems: list[tuple[str, Callable[[bytes, str], str]]],
    truth: dict[str, str],
    pages: dict[str, bytes],
    rounds: int = 5,
) -> list[Tally]:
    tallies = [Tally(name) for name, _ in systems]
    # Warm-up, untimed: every page and the pages above, twice, so that each system's imports,
    # first-call caches and every code path it takes (a fallback's libraries too) are loaded
    # before anything is timed. Import and first-call costs are not per-page costs.
    for _ in range(2):
        for key, raw in [
            *pages.items(),
            *((f"warm-up-{i}", p) for i, p in enumerate(WARM_UP_PAGES)),
        ]:
            for _, fn in systems:
                fn(raw, key)
    # Timed rounds over all pages; each page's time is its best round (as timeit does), which
    # leaves out most of what other processes on a shared machine cost it.
    wall = [{key: [] for key in pages} for _ in systems]  # type: list[dict[str, list[float]]]
    cpu = [{key: [] for key in pages} for _ in systems]  # type: list[dict[str, list[float]]]
    for round_ in range(rounds):
        for turn, (key, raw) in enumerate(pages.items()):
            # Alternate the order so background load on a shared machine hits both alike.
            order = list(range(len(systems)))
            if (turn + round_) % 2:
                order.reverse()
            for index in order:
                started, cpu_started = time.perf_counter(), time.process_time()
                text = systems[index][1](raw, key)
                wall[index][key].append(time.perf_counter() - started)
                cpu[index][key].append(time.process_time() - cpu_started)
                if round_ == 0:
                    tallies[index].failures += not text
                    tallies[index].scores[key] = score(text, truth[key])
    for index, tally in enumerate(tallies):
        tally.seconds = [min(wall[index][key]) for key in pages]
        tally.cpu_seconds = [min(cpu[index][key]) for key in pages]
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", default=os.environ.get("ARTICLES_EXTRACTION_BENCH"))
    parser.add_argument("--worst", type=int, default=0, help="list our N lowest-F1 pages")
    parser.add_argument(
        "--rounds", type=int, default=5, help="timed rounds (each page's best counts)"
    )
    args = parser.parse_args(argv)
    if not args.dir:
        parser.error("give the benchmark folder as DIR or in ARTICLES_EXTRACTION_BENCH")
    truth, pages = load(Path(args.dir))

    systems = [("ours", ours), ("trafilatura default", trafilatura_default)]
    mine, base = run(systems, truth, pages, rounds=max(1, args.rounds))
    print(
        f"{len(pages)} pages from {args.dir}; "
        f"time: each page's best of {max(1, args.rounds)} rounds"
    )
    print(
        "| extractor | F1 doc | F1 avg | precision | recall | ms/page mean | ms/page median "
        "| CPU ms/page mean | CPU ms/page median | empty |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for t in (mine, base):
        print(
            f"| {t.name} | {t.mean(2):.4f} | {t.f1_avg:.4f} | {t.mean(0):.4f} | {t.mean(1):.4f} "
            f"| {t.ms_mean:.2f} | {t.ms_median:.2f} | {t.cpu_ms_mean:.2f} | {t.cpu_ms_median:.2f} "
            f"| {t.failures} |"
        )
    print(
        f"| ours / trafilatura | {mine.mean(2) / base.mean(2):.3f} | "
        f"{mine.f1_avg / base.f1_avg:.3f} | {mine.mean(0) / base.mean(0):.3f} | "
        f"{mine.mean(1) / base.mean(1):.3f} | {mine.ms_mean / base.ms_mean:.2f}x "
        f"| {mine.ms_median / base.ms_median:.2f}x | {mine.cpu_ms_mean / base.cpu_ms_mean:.2f}x "
        f"| {mine.cpu_ms_median / base.cpu_ms_median:.2f}x | |"
    )
    if args.worst:
        print(f"\nour {args.worst} lowest-F1 pages (P, R, F1):")
        ranked = sorted(mine.scores.items(), key=lambda item: item[1][2])[: args.worst]
        for key, (p, r, f) in ranked:
            print(f"  {key[:12]}  {p:.3f} {r:.3f} {f:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
