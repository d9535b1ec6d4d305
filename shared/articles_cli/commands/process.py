"""``articles process``: extract every given file and print one record per input.

``process_one`` turns one path into its output record; it is the single place where later
stages (key points) add their fields, driven by options added in ``add_arguments``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TextIO

from articles.errors import ArticleError, NotFoundError, TooLargeError
from articles.extraction import extract
from articles.extraction.limits import DEFAULT_MAX_BYTES
from articles.formats import is_supported
from articles.keypoints.lede import points_besides_lede
from articles_cli.commands._progress import ProgressBar
from articles_cli.commands._remote import CommandError

if TYPE_CHECKING:
    from articles.models import KeyPoints

FORMATS = ("json", "jsonl", "markdown")
PROGRESS_MIN_FILES = 10
STDIN = "-"
MIN_KEY_POINTS, MAX_KEY_POINTS = 1, 7
MAX_KEYWORDS = 20  # what a record keeps (articles.records.models.LIST_LIMITS)
# Why the extractive backend answered instead of the chosen one, in words.
FALLBACK_WHY = {
    "throttled": "Bedrock kept throttling the requests",
    "unavailable": "Bedrock could not be reached (credentials, region, network or a service error)",
    "access_denied": "this account or role has no access to the model (Bedrock model access, "
    "or the role's bedrock:InvokeModel permission)",
    "model_not_found": "the model id is not offered in this region ($BEDROCK_MODEL_ID)",
    "invalid_request": "Bedrock refused the request as invalid",
    "model_error": "the model's service answered with an error",
    "invalid_output": "the model's answer was not of the requested shape",
    "max_tokens": "the model's answer was cut at its output budget",
    "wrong_language": "the model answered in another language than the article's",
    "ungrounded": "some of what the model wrote is not in the article; those points were replaced",
    "short_answer": "the model gave fewer key points or keywords than asked for",
}


@dataclass(frozen=True)
class ProcessOptions:
    """Everything a worker process needs to handle one input (picklable for --jobs)."""

    max_bytes: int
    key_points: int | None = None  # None: 3-7 by article length
    summarizer: str | None = None  # None: $SUMMARIZER, else extractive
    keywords: int | None = None  # None: as many as the backend gives (5-10)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "process",
        help="extract clean text and metadata from files",
        description="Extract clean text and metadata from HTML, text, Markdown and PDF files "
        "(- reads standard input), with the lede, key points and keywords. Prints the records "
        "on standard output, or writes one file per input with --output-dir. Exits non-zero "
        "if any input failed.",
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files or directories; - for standard input"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="json: one JSON array (with --output-dir: one object per file); jsonl: one object "
        "a line; markdown: a readable digest",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="write one file per input into DIR (NAME.json or NAME.md, keeping the paths "
        "below a directory given) and print each file's path",
    )
    parser.add_argument(
        "--stdin-name",
        default="stdin",
        metavar="NAME",
        help="the name standard input goes by: its extension helps detect the format, and "
        "--output-dir names its file after it (default stdin)",
    )
    parser.add_argument(
        "--jobs", type=_positive_int, default=1, metavar="N", help="worker processes (default 1)"
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
        type=_key_points,
        default=None,
        metavar="N",
        help=f"key points per article, {MIN_KEY_POINTS}-{MAX_KEY_POINTS} (default: 3-7 by length)",
    )
    parser.add_argument(
        "--keywords",
        type=_keywords,
        default=None,
        metavar="N",
        help=f"keywords per article, 0-{MAX_KEYWORDS} (default: what the backend gives, 5-10)",
    )
    parser.add_argument(
        "--summarizer",
        choices=("extractive", "bedrock"),
        default=None,
        help="key-points backend (default: $SUMMARIZER, else extractive); when Bedrock's "
        "answer is not used, stderr says so and why",
    )
    parser.add_argument(
        "--profile", default=None, help="AWS profile for --summarizer bedrock (default: boto3's)"
    )
    parser.add_argument(
        "--region", default=None, help="AWS region for --summarizer bedrock (default: boto3's)"
    )


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None


def _positive_int(value: str) -> int:
    number = _integer(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _key_points(value: str) -> int:
    number = _integer(value)
    if not MIN_KEY_POINTS <= number <= MAX_KEY_POINTS:
        raise argparse.ArgumentTypeError(
            f"must be {MIN_KEY_POINTS}-{MAX_KEY_POINTS} (an editor's three to seven), got {number}"
        )
    return number


def _keywords(value: str) -> int:
    number = _integer(value)
    if not 0 <= number <= MAX_KEYWORDS:
        raise argparse.ArgumentTypeError(f"must be 0-{MAX_KEYWORDS}, got {number}")
    return number


def options_from(args: argparse.Namespace) -> ProcessOptions:
    return ProcessOptions(
        max_bytes=args.max_bytes,
        key_points=args.key_points,
        summarizer=args.summarizer,
        keywords=getattr(args, "keywords", None),
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


@dataclass(frozen=True)
class Input:
    """One input: a file, or standard input already read (``data``)."""

    source: str  # as given ("-" for standard input)
    name: str  # the file's name, or its path below the directory given
    data: bytes | None = None


def iter_inputs(paths: Iterable[str], stdin_name: str, max_bytes: int) -> Iterator[Input]:
    """The inputs in order; ``-`` is standard input, read once (at most ``max_bytes`` + 1)."""
    for given in paths:
        if given == STDIN:
            yield Input(
                STDIN, Path(stdin_name).name or "stdin", sys.stdin.buffer.read(max_bytes + 1)
            )
        else:
            for source, name in iter_named_sources([given]):
                yield Input(source, name)


def _failure(source: str, code: str, message: str) -> dict[str, Any]:
    return {"source": source, "error": {"code": code, "message": message}}


def _read(source: str, max_bytes: int) -> bytes:
    path = Path(source)
    try:
        if not path.is_file():
            raise NotFoundError(f"{source} is not a file")
        size = path.stat().st_size
        if size > max_bytes:
            # Refuse before reading: the file may be far larger than memory allows.
            raise TooLargeError(f"input is {size} bytes; the limit is {max_bytes}")
        return path.read_bytes()
    except OSError as exc:
        raise NotFoundError(f"cannot read {source}: {exc.strerror or exc}") from exc


def process_one(
    source: str, options: ProcessOptions, data: bytes | None = None, name: str | None = None
) -> dict[str, Any]:
    """Turn one input (a path, or ``data`` read already) into its output record (or an error
    record); never raises."""
    from articles.keypoints import summarize

    try:
        if data is None:
            data = _read(source, options.max_bytes)
        elif len(data) > options.max_bytes:
            raise TooLargeError(f"input is over {options.max_bytes} bytes, the limit")
        filename = name if name is not None else Path(source).name
        article = extract(data, filename=Path(filename).name, max_bytes=options.max_bytes)
        points = summarize(
            article.title,
            article.text,
            count=options.key_points,
            backend=options.summarizer,
            language=article.language,
            description=article.description,
        )
        keywords = _keywords_wanted(points.keywords, options.keywords, article.title, article.text)
    except ArticleError as exc:
        return _failure(source, exc.code, exc.message)
    except Exception as exc:  # one bad file must not stop a batch
        return _failure(source, "internal_error", f"{type(exc).__name__}: {exc}")
    return {
        "source": source,
        **article.model_dump(mode="json"),
        "summary": points.summary,
        "key_points": points.key_points,
        "keywords": keywords,
        "summarizer": points.summarizer,
        **_model_fields(points),
    }


def _keywords_wanted(
    found: list[str], wanted: int | None, title: str | None, text: str
) -> list[str]:
    """``wanted`` keywords: the backend's first ones, topped up from the keyword ranking of the
    text when the backend gave fewer."""
    if wanted is None:
        return found
    if wanted <= len(found):
        return found[:wanted]
    from articles.keypoints.keywords import extract_keywords

    seen = {keyword.casefold() for keyword in found}
    more = extract_keywords(title, text, limit=wanted, minimum=min(wanted, 5))
    return [*found, *(k for k in more if k.casefold() not in seen)][:wanted]


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


def _process_input(item: Input, options: ProcessOptions) -> dict[str, Any]:
    return process_one(item.source, options, item.data, item.name)


def _process_all(
    inputs: list[Input], options: ProcessOptions, jobs: int
) -> Iterator[dict[str, Any]]:
    if jobs <= 1 or len(inputs) <= 1:
        for item in inputs:
            yield _process_input(item, options)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(inputs))) as pool:
        yield from pool.map(partial(_process_input, options=options), inputs)


def output_names(inputs: list[Input], suffix: str) -> list[str]:
    """Each input's file under --output-dir: its name with ``suffix`` for its extension, or
    with ``suffix`` added where two inputs would share a name; CommandError if still shared."""
    from collections import Counter

    plain = [str(PurePosixPath(item.name).with_suffix(suffix)) for item in inputs]
    counts = Counter(plain)
    names = [
        name if counts[name] == 1 else item.name + suffix
        for name, item in zip(plain, inputs, strict=True)
    ]
    first: dict[str, str] = {}
    for name, item in zip(names, inputs, strict=True):
        if name in first:
            raise CommandError(
                f"{first[name]} and {item.source} would both be written to {name}; "
                "process them separately",
                2,
            )
        first[name] = item.source
    return names


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
    """Say on stderr (once per reason) that the chosen backend gave way to the fallback, and
    why."""
    reason = record.get("fallback_reason")
    if reason and reason not in seen:
        seen.add(reason)
        why = FALLBACK_WHY.get(reason, reason)
        if reason == "unavailable" and not _have_credentials():
            why = "no AWS credentials were found (pass --profile, or configure some)"
        print(
            f"articles: warning: key points wholly or partly by the extractive backend, not "
            f"Bedrock ({reason}: {why}); first for {record['source']}",
            file=sys.stderr,
        )


def _have_credentials() -> bool:
    try:
        import boto3

        return boto3.session.Session().get_credentials() is not None
    except Exception:  # a broken profile: the warning says what it can
        return False


def _prepare_aws(args: argparse.Namespace) -> None:
    """--profile and --region for the Bedrock backend (worker processes inherit them)."""
    if args.profile:
        import boto3
        from botocore.exceptions import ProfileNotFound

        try:
            boto3.session.Session(profile_name=args.profile)
        except ProfileNotFound:
            raise CommandError(
                f"AWS profile {args.profile!r} not found (aws configure list-profiles)", 2
            ) from None
        os.environ["AWS_PROFILE"] = args.profile
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            os.environ.pop(name, None)  # they would win over the profile
    if args.region:
        os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = args.region


def _check(args: argparse.Namespace) -> None:
    if args.paths.count(STDIN) > 1:
        raise CommandError("- (standard input) can be given once", 2)
    if args.output_dir is not None:
        if args.format == "jsonl":
            raise CommandError(
                "--output-dir writes one json or markdown file per input; jsonl is for "
                "standard output",
                2,
            )
        if args.output_dir.exists() and not args.output_dir.is_dir():
            raise CommandError(f"--output-dir {args.output_dir} is not a directory", 2)


def run(args: argparse.Namespace) -> int:
    try:
        _check(args)
        _prepare_aws(args)
        inputs = list(iter_inputs(args.paths, args.stdin_name, args.max_bytes))
        names = None
        if args.output_dir is not None:
            names = output_names(inputs, ".md" if args.format == "markdown" else ".json")
    except CommandError as exc:
        from articles_cli.commands._remote import fail

        return fail(exc)
    options = options_from(args)
    out = sys.stdout
    progress = Progress(len(inputs), sys.stderr)
    failed = 0
    to_stdout = names is None
    if to_stdout and args.format == "json":
        out.write("[")
    fallbacks: set[str] = set()
    for index, record in enumerate(_process_all(inputs, options, args.jobs)):
        is_failure = "error" in record
        failed += is_failure
        progress.step(is_failure)
        _warn_fallback(record, fallbacks)
        if names is not None:
            path = args.output_dir / names[index]
            path.parent.mkdir(parents=True, exist_ok=True)
            if args.format == "markdown":
                path.write_text(markdown_digest(record), encoding="utf-8")
            else:
                path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", "utf-8")
            out.write(f"{path}\n")
        elif args.format == "json":
            text = json.dumps(record, ensure_ascii=False, indent=2)
            out.write(("," if index else "") + "\n" + text)
        elif args.format == "jsonl":
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(("\n---\n\n" if index else "") + markdown_digest(record))
        out.flush()
    if to_stdout and args.format == "json":
        out.write("\n]\n" if inputs else "]\n")
    progress.close()
    if failed:
        print(f"{failed} of {len(inputs)} inputs failed", file=sys.stderr)
    return 1 if failed else 0
