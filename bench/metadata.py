"""Metadata benchmark: our title, authors, date and language beside trafilatura's metadata
and htmldate, page by page, with counts of disagreements.

    python bench/metadata.py DIR        (or set ARTICLES_EXTRACTION_BENCH)

DIR is the extraction bench folder (``ground-truth.json`` and ``html/<key>.html.gz``), read
in place. The data has no metadata ground truth: the table shows where the three readers
differ, to be checked by hand against the pages. Dates are compared on the day (and apart:
more than a day between them, which a time zone alone cannot explain: ours keeps the page's
timestamp, often in UTC, where the others give the local day); titles and authors after
lower-casing and folding spaces and punctuation (titles also apart from a site name before or
after them); language against the page's ``lang`` tag, which a page may get wrong. Timings
are per page, after one warm-up pass over every page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import htmldate
import trafilatura

from articles.errors import ArticleError
from articles.extraction import extract
from articles.extraction.decoding import decode
from articles.extraction.html import parse

_FOLD = re.compile(r"[\W_]+")


@dataclass
class Meta:
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    language: str | None = None


def fold(value: str | None) -> str:
    return _FOLD.sub(" ", (value or "").lower()).strip()


SITE_NAME_MAX_WORDS = 8


def same_but_site(a: str | None, b: str | None) -> bool:
    """The same title, one with the site's name before or after it ("Title | Site")."""
    shorter, longer = sorted((fold(a), fold(b)), key=len)
    if not shorter:
        return shorter == longer
    rest = longer.removeprefix(shorter) if longer.startswith(shorter) else None
    if rest is None and longer.endswith(shorter):
        rest = longer.removesuffix(shorter)
    return rest is not None and len(rest.split()) <= SITE_NAME_MAX_WORDS


def days_apart(a: str | None, b: str | None) -> bool:
    """More than a day between two dates (or one missing)."""
    if not a or not b:
        return a != b
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) > 1
    except ValueError:
        return True


def ours(raw: bytes, key: str) -> Meta:
    try:
        article = extract(raw, filename=f"{key}.html")
    except ArticleError:
        return Meta()
    day = article.published[:10] if article.published else None
    return Meta(article.title, tuple(article.authors), day, article.language)


def _tree(raw: bytes) -> Any:
    text, _codec = decode(raw, html=True)
    return parse(text)


def trafilatura_meta(raw: bytes, key: str) -> Meta:
    document = trafilatura.extract_metadata(_tree(raw))
    if document is None:
        return Meta()
    authors = tuple(a.strip() for a in (document.author or "").split(";") if a.strip())
    return Meta(document.title, authors, document.date, None)


def htmldate_meta(raw: bytes, key: str) -> Meta:
    return Meta(date=htmldate.find_date(_tree(raw), original_date=True))


def html_lang(raw: bytes) -> str | None:
    lang = _tree(raw).getroottree().getroot().get("lang") or ""
    match = re.match(r"[a-zA-Z]{2}\b", lang)
    return match.group(0).lower() if match else None


def timed(fn: Callable[[bytes, str], Meta], pages: dict[str, bytes]) -> tuple[dict, float]:
    for key, raw in pages.items():  # warm-up: imports and first-call caches
        fn(raw, key)
    started = time.perf_counter()
    found = {key: fn(raw, key) for key, raw in pages.items()}
    return found, 1000 * (time.perf_counter() - started) / max(1, len(pages))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", default=os.environ.get("ARTICLES_EXTRACTION_BENCH"))
    parser.add_argument("--pages", action="store_true", help="print every page's values")
    args = parser.parse_args(argv)
    if not args.dir:
        parser.error("give the benchmark folder as DIR or in ARTICLES_EXTRACTION_BENCH")
    directory = Path(args.dir)
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        key: gzip.decompress((directory / "html" / f"{key}.html.gz").read_bytes())
        for key in sorted(truth)
    }
    mine, ms_ours = timed(ours, pages)
    theirs, ms_traf = timed(trafilatura_meta, pages)
    dates, ms_htmldate = timed(htmldate_meta, pages)
    tags = {key: html_lang(raw) for key, raw in pages.items()}

    counts = dict.fromkeys(
        (
            "title differs from trafilatura",
            "title differs from trafilatura beyond a site name",
            "authors differ from trafilatura",
            "date differs from trafilatura",
            "date differs from htmldate",
            "date more than a day from trafilatura's",
            "date more than a day from htmldate's",
            "language differs from the lang tag",
            "no title (ours / trafilatura)",
            "no authors (ours / trafilatura)",
            "no date (ours / trafilatura / htmldate)",
        ),
        "",
    )
    n = {name: 0 for name in counts}
    missing = {"title": [0, 0], "authors": [0, 0], "date": [0, 0, 0]}
    for key in pages:
        a, b, d, tag = mine[key], theirs[key], dates[key], tags[key]
        diffs = []
        if fold(a.title) != fold(b.title):
            n["title differs from trafilatura"] += 1
            diffs.append("title")
            if not same_but_site(a.title, b.title):
                n["title differs from trafilatura beyond a site name"] += 1
        if sorted(map(fold, a.authors)) != sorted(map(fold, b.authors)):
            n["authors differ from trafilatura"] += 1
            diffs.append("authors")
        if a.date != b.date:
            n["date differs from trafilatura"] += 1
            diffs.append("date/traf")
        if a.date != d.date:
            n["date differs from htmldate"] += 1
            diffs.append("date/htmldate")
        n["date more than a day from trafilatura's"] += days_apart(a.date, b.date)
        n["date more than a day from htmldate's"] += days_apart(a.date, d.date)
        if tag and a.language != tag:
            n["language differs from the lang tag"] += 1
            diffs.append("language")
        missing["title"][0] += not a.title
        missing["title"][1] += not b.title
        missing["authors"][0] += not a.authors
        missing["authors"][1] += not b.authors
        missing["date"][0] += not a.date
        missing["date"][1] += not b.date
        missing["date"][2] += not d.date
        if args.pages and diffs:
            print(f"{key[:12]} differs on {', '.join(diffs)}")
            print(f"    title    ours {a.title!r}\n             traf {b.title!r}")
            print(f"    authors  ours {list(a.authors)}  traf {list(b.authors)}")
            print(f"    date     ours {a.date}  traf {b.date}  htmldate {d.date}")
            print(f"    language ours {a.language}  tag {tag}")
    n["no title (ours / trafilatura)"] = "{} / {}".format(*missing["title"])  # type: ignore[assignment]
    n["no authors (ours / trafilatura)"] = "{} / {}".format(*missing["authors"])  # type: ignore[assignment]
    n["no date (ours / trafilatura / htmldate)"] = "{} / {} / {}".format(*missing["date"])  # type: ignore[assignment]

    print(f"{len(pages)} pages from {args.dir}")
    print("| disagreement | pages |")
    print("|---|---|")
    for name, value in n.items():
        print(f"| {name} | {value} |")
    print()
    print("| reader | ms/page |")
    print("|---|---|")
    print(f"| ours (whole extraction: body and metadata) | {ms_ours:.1f} |")
    print(f"| trafilatura extract_metadata | {ms_traf:.1f} |")
    print(f"| htmldate find_date | {ms_htmldate:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
