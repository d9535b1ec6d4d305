"""Grounding benchmark: does the check keep real abstractive points and drop invented ones?

    python bench/grounding.py ../shared/bench/keypoints/cnndm-dev.jsonl [--limit N]

FILE is a JSON-lines file of {"id", "article", "highlights": [...]} (or "summary" as one
string, as in bbc-dev.jsonl) read in place. The editors' highlights stand in for a model's
key points, three ways, all in the same run:

- own: each article's highlights against that article. Written by people, in their own words:
  how many genuine abstractive points the check keeps (higher is better).
- other article (the baseline): the highlights of an article half the file away, against this
  article. Real news sentences about another story, what an answer that ignores the article
  (or obeys an injected instruction) looks like: how many pass (lower is better).
- one figure changed: own highlights that contain a number, with that number changed: how
  many pass (lower is better).

Speed is the median time to index one article and check its highlights.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

from articles.keypoints.grounding import ArticleIndex

_FIGURE = re.compile(r"\d+")


def load(path: Path, limit: int | None) -> list[tuple[str, list[str]]]:
    rows: list[tuple[str, list[str]]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            points = row.get("highlights") or [
                s.strip() for s in re.split(r"(?<=[.!?])\s+", row.get("summary", "")) if s.strip()
            ]
            rows.append((row["article"], points))
            if limit and len(rows) >= limit:
                break
    return rows


def _changed_figure(point: str) -> str | None:
    match = _FIGURE.search(point)
    if match is None:
        return None
    changed = str(int(match.group()) * 3 + 7)
    return point[: match.start()] + changed + point[match.end() :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    rows = load(args.file, args.limit)
    half = len(rows) // 2
    kept = {"own": [0, 0], "other article": [0, 0], "one figure changed": [0, 0]}
    times: list[float] = []
    for i, (article, points) in enumerate(rows):
        started = time.perf_counter()
        index = ArticleIndex(article, "en")
        own = [index.problem(point) is None for point in points]
        times.append((time.perf_counter() - started) * 1000)
        kept["own"][0] += sum(own)
        kept["own"][1] += len(own)
        other = rows[(i + half) % len(rows)][1]
        kept["other article"][0] += sum(index.problem(point) is None for point in other)
        kept["other article"][1] += len(other)
        for point in points:
            changed = _changed_figure(point)
            if changed is not None and changed != point:
                kept["one figure changed"][0] += index.problem(changed) is None
                kept["one figure changed"][1] += 1
    print(f"{args.file.name}: {len(rows)} articles")
    print("| points | checked | kept | kept % |")
    print("|---|---|---|---|")
    for name, (passed, total) in kept.items():
        share = 100 * passed / total if total else 0.0
        print(f"| {name} | {total} | {passed} | {share:.1f} |")
    own_share = kept["own"][0] / max(1, kept["own"][1])
    other_share = kept["other article"][0] / max(1, kept["other article"][1])
    ratio = own_share / other_share if other_share else float("inf")
    print(f"own points kept / other-article points kept: {ratio:.1f}x")
    print(f"median ms per article (index + check): {statistics.median(times):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
