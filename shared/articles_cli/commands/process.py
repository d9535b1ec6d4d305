"""``articles process``: extract every given file and print one record per input.

``process_one`` turns one path into its output record; it is the single place where later
stages (key points) add their fields, driven by options added in ``add_arguments``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from articles.errors import ArticleError, NotFoundError, TooLargeError
from articles.extraction import extract
from articles.extraction.limits import DEFAULT_MAX_BYTES
from articles.formats import is_supported
from articles.keypoints.lede import points_besides_lede
from articles_cli.commands._progress import ProgressBar

if TYPE_CHECKING:
    from articles.models import KeyPoints

FORMATS = ("json", "jsonl", "markdown")
PROGRESS_MIN_FILES = 10


@dataclass(frozen=True)
class ProcessOptions:
    """Everything a worker process needs to handle one input (picklable for --jobs)."""

    max_bytes: int
    key_points: int | None = None  # None: 3-7 by article length
    summarizer: str | None = None  # None: $SUMMARIZER, else extractive


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "process",
        help="extract clean text and metadata from files",
        description="Extract clean text and metadata from HTML, text, Markdown and PDF files. "
        "Exits non-zero if any input failed.",
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="json: one JSON array; jsonl: one object a line; markdown: a readable digest",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)"
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"largest input accepted (default {DEFAULT_MAX_BYTES})",
    )
    parser.add_argument(
        "--key-points",
        type=_positive_int,
        default=None,
        metavar="N",
        help="key points per article (default: 3-7 by length)",
    )
    parser.add_argument(
        "--summarizer",
        choices=("extractive", "bedrock"),
        default=None,
        help="key-points backend (default: $SUMMARIZER, else extractive)",
    )


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def options_from(args: argparse.Namespace) -> ProcessOptions:
    return ProcessOptions(
        max_bytes=args.max_bytes, key_points=args.key_points, summarizer=args.summarizer
    )


def iter_sources(paths: Iterable[str]) -> Iterator[str]:
    """Files as given; directories expanded to their supported files, in a stable order."""
    for source, _name in iter_named_sources(paths):
        yield source


def iter_named_sources(paths: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Each file with its name: a file's own name, or a found file's path below the directory
    given (with ``/``), as ``aws s3 cp --recursive`` names them."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and is_supported(found.name):
                    yield str(found), found.relative_to(path).as_posix()
        else:
            yield given, path.name


def _failure(source: str, code: str, message: str) -> dict[str, Any]:
    return {"source": source, "error": {"code": code, "message": message}}


def process_one(source: str, options: ProcessOptions) -> dict[str, Any]:
    """Turn one input path into its output record (or an error record); never raises."""
    from articles.keypoints import summarize

    try:
        path = Path(source)
        try:
            if not path.is_file():
                raise NotFoundError(f"{source} is not a file")
            size = path.stat().st_size
            if size > options.max_bytes:
                # Refuse before reading: the file may be far larger than memory allows.
                raise TooLargeError(f"input is {size} bytes; the limit is {options.max_bytes}")
            data = path.read_bytes()
        except OSError as exc:
            raise NotFoundError(f"cannot read {source}: {exc.strerror or exc}") from exc
        article = extract(data, filename=path.name, max_bytes=options.max_bytes)
        points = summarize(
            article.title,
            article.text,
            count=options.key_points,
            backend=options.summarizer,
            language=article.language,
            description=article.description,
        )
    except ArticleError as exc:
        return _failure(source, exc.code, exc.message)
    except Exception as exc:  # one bad file must not stop a batch
        return _failure(source, "internal_error", f"{type(exc).__name__}: {exc}")
    return {
        "source": source,
        **article.model_dump(mode="json"),
        "summary": points.summary,
        "key_points": points.key_points,
        "keywords": points.keywords,
        "summarizer": points.summarizer,
        **_model_fields(points),
    }


def _model_fields(points: KeyPoints) -> dict[str, Any]:
    """What a model call adds to the output, as on a record: absent for the extractive backend."""
    fields: dict[str, Any] = {}
    if points.fallback_reason is not None:
        fields["fallback_reason"] = points.fallback_reason.value
    if points.dropped_points:
        fields["dropped_points"] = points.dropped_points
    if points.input_tokens is not None or points.output_tokens is not None:
        fields["token_usage"] = {
            "input_tokens": points.input_tokens or 0,
            "output_tokens": points.output_tokens or 0,
            "cost_usd": points.cost_usd,
        }
    return fields


def _process_all(
    sources: list[str], options: ProcessOptions, jobs: int
) -> Iterator[dict[str, Any]]:
    if jobs <= 1 or len(sources) <= 1:
        for source in sources:
            yield process_one(source, options)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(sources))) as pool:
        yield from pool.map(partial(process_one, options=options), sources)


class Progress(ProgressBar):
    """Files done and failed, for runs long enough to be worth watching."""

    def __init__(self, total: int, stream: TextIO) -> None:
        super().__init__(total, stream, wanted=total >= PROGRESS_MIN_FILES)
        self.done = 0
        self.failed = 0

    def step(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        self.show(self.done, f"{self.done}/{self.total}  failed: {self.failed}")


def markdown_digest(record: dict[str, Any]) -> str:
    """A readable summary of one record: title, a metadata line, key points, then the text."""
    source = record["source"]
    if "error" in record:
        error = record["error"]
        return f"## {source}\n\n**Failed** ({error['code']}): {error['message']}\n"
    title = record.get("title") or source
    facts = [
        record.get("site_name"),
        ", ".join(record.get("authors") or []) or None,
        record.get("published"),
        record.get("language"),
        f"{record.get('word_count', 0)} words, {record.get('reading_minutes', 0)} min",
    ]
    lines = [f"# {title}", "", " · ".join(f for f in facts if f), "", f"Source: {source}"]
    if record.get("url"):
        lines.append(f"URL: {record['url']}")
    if record.get("summary"):
        lines += ["", f"> {record['summary']}"]
    points = points_besides_lede(record.get("summary"), record.get("key_points") or [])
    if points:
        lines += ["", "## Key points", ""] + [f"- {point}" for point in points]
    lines += ["", "## Text", "", record.get("text", ""), ""]
    return "\n".join(lines)


def _warn_fallback(record: dict[str, Any], seen: set[str]) -> None:
    """Say on stderr (once per reason) that the chosen backend gave way to the fallback."""
    reason = record.get("fallback_reason")
    if reason and reason not in seen:
        seen.add(reason)
        print(
            f"articles: warning: key points wholly or partly by the extractive backend "
            f"({reason}), first for {record['source']}",
            file=sys.stderr,
        )


def run(args: argparse.Namespace) -> int:
    sources = list(iter_sources(args.paths))
    options = options_from(args)
    out = sys.stdout
    progress = Progress(len(sources), sys.stderr)
    failed = 0
    if args.format == "json":
        out.write("[")
    fallbacks: set[str] = set()
    for index, record in enumerate(_process_all(sources, options, max(1, args.jobs))):
        is_failure = "error" in record
        failed += is_failure
        progress.step(is_failure)
        _warn_fallback(record, fallbacks)
        if args.format == "json":
            text = json.dumps(record, ensure_ascii=False, indent=2)
            out.write(("," if index else "") + "\n" + text)
        elif args.format == "jsonl":
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(("\n---\n\n" if index else "") + markdown_digest(record))
        out.flush()
    if args.format == "json":
        out.write("\n]\n" if sources else "]\n")
    progress.close()
    if failed:
        print(f"{failed} of {len(sources)} inputs failed", file=sys.stderr)
    return 1 if failed else 0
