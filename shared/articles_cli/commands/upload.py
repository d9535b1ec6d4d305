"""``articles upload``: put files into the pipeline's bucket, in AWS or in the local stack;
with ``--wait``, follow each upload until its record has ended."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from articles.formats import content_type_for
from articles.records.models import record_id
from articles_cli.commands._follow import (
    Tracked,
    check_interval,
    follow,
    poll_ids,
    result_line,
    status_line,
)
from articles_cli.commands._progress import ProgressBar
from articles_cli.commands._remote import (
    ApiClient,
    CommandError,
    add_api_arguments,
    add_target_arguments,
    aws_error,
    aws_error_code,
    fail,
    s3_client,
    target,
)
from articles_cli.commands.process import iter_named_sources

BUCKET_ENV = "ARTICLES_BUCKET"
DEFAULT_PREFIX = "incoming/"
DEFAULT_TIMEOUT = 300.0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "upload",
        help="upload articles to the pipeline's bucket (--wait: until they are processed)",
        description="Upload files under the incoming prefix, where the bucket's notifications "
        "hand them to the pipeline, and print each one's record id and key. A file keeps its "
        "name; a directory's supported files keep their paths below it (as with aws s3 cp "
        "--recursive). Two files that would get the same key are refused before anything is "
        "sent. With --wait, follow each upload until it is SUMMARIZED, FAILED or DELETED and "
        "print one line per article (id, status, key, then the title or the error code); the "
        "exit status is 0 only if all are SUMMARIZED.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument(
        "--bucket",
        default=None,
        help=f"bucket name (default ${BUCKET_ENV}, else the stack's BucketName output, else "
        "the newest running local stack's bucket)",
    )
    parser.add_argument(
        "--prefix", default=DEFAULT_PREFIX, help=f"key prefix (default {DEFAULT_PREFIX})"
    )
    parser.add_argument(
        "--wait", action="store_true", help="follow each upload until it has been processed"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"with --wait: give up after this long (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--interval", type=float, default=1.0, metavar="SECONDS", help=argparse.SUPPRESS
    )
    add_api_arguments(parser, json_flag=False)
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


class UploadProgress(ProgressBar):
    """Files and bytes sent (boto3 calls it from its transfer threads)."""

    def __init__(self, files: int, total: int, stream: TextIO) -> None:
        super().__init__(total, stream)
        self.files = files
        self.files_done = 0
        self.sent = 0
        self._lock = threading.Lock()

    def __call__(self, chunk: int) -> None:
        with self._lock:
            self.sent += chunk
            self._draw()

    def file_done(self) -> None:
        with self._lock:
            self.files_done += 1
            self._draw()

    def stop(self) -> None:
        """The bar as it stands, then the end of its line (an interrupted upload)."""
        with self._lock:
            self._draw()
            self.close()

    def _draw(self) -> None:
        percent = 100 * min(self.sent, self.total) // self.total
        self.show(
            self.sent,
            f"{self.files_done}/{self.files} files  {_size(self.sent)}/{_size(self.total)}"
            f"  {percent:3d}%",
        )


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} B"
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1_000_000:.1f} MB"


def plan_keys(paths: list[str], prefix: str) -> list[tuple[Path, str]]:
    """Each file to send with its key; CommandError when two files would share a key."""
    planned: dict[str, Path] = {}
    for source, name in iter_named_sources(paths):
        path = Path(source)
        key = f"{prefix}{name}"
        earlier = planned.get(key)
        if earlier is not None and earlier.resolve() != path.resolve():
            raise CommandError(
                f"{earlier} and {path} would both be uploaded as {key}; "
                "upload them separately with different --prefix values",
                2,
            )
        planned[key] = path
    return [(path, key) for key, path in planned.items()]


def _bucket(args: argparse.Namespace) -> tuple[str, str]:
    if args.bucket:
        return args.bucket, "--bucket"
    if os.environ.get(BUCKET_ENV):
        return os.environ[BUCKET_ENV], f"${BUCKET_ENV}"
    return target(args).from_stack("BucketName", "--bucket")


def _plan(args: argparse.Namespace, prefix: str) -> list[tuple[Path, str]]:
    if args.wait:
        check_interval(args.interval)
        if args.timeout <= 0:
            raise CommandError("--timeout must be more than 0 seconds", 2)
    plan = plan_keys(args.paths, prefix)
    missing = [str(path) for path, _key in plan if not path.is_file()]
    if missing:
        raise CommandError(f"not a file: {', '.join(missing)}", 2)
    if not plan:
        raise CommandError("no supported files found", 2)
    return plan


def run(args: argparse.Namespace) -> int:
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    prefix = args.prefix
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    try:
        plan = _plan(args, prefix)
    except CommandError as exc:
        return fail(exc)
    bucket, named_by = "", ""
    total = sum(path.stat().st_size for path, _key in plan)
    progress = UploadProgress(len(plan), total, sys.stderr)
    uploaded: list[Tracked] = []
    try:
        bucket, named_by = _bucket(args)
        s3 = s3_client(args)
        api = ApiClient.from_args(args) if args.wait else None
        for path, key in plan:
            s3.upload_file(
                str(path),
                bucket,
                key,
                ExtraArgs={"ContentType": content_type_for(path.name)},
                Callback=progress,
            )
            tracked = Tracked(record_id(bucket, key), key)
            if args.wait:
                head = s3.head_object(Bucket=bucket, Key=key)
                tracked.version_id = head.get("VersionId")
                tracked.etag = head.get("ETag")
            uploaded.append(tracked)
            progress.file_done()
            if not args.wait:
                progress.clear()
                print(f"{tracked.id}  {key}", flush=True)
    except KeyboardInterrupt:
        progress.stop()
        print(
            f"articles: interrupted: {len(uploaded)} of {len(plan)} file(s) uploaded"
            + (f" to s3://{bucket}/{prefix}" if bucket else ""),
            file=sys.stderr,
        )
        return 130
    except CommandError as exc:
        progress.close()
        return fail(exc)
    except (BotoCoreError, ClientError, Boto3Error) as exc:
        progress.close()
        if aws_error_code(exc) == "NoSuchBucket":
            return fail(CommandError(f"bucket {bucket!r} (from {named_by}) does not exist", 2))
        return fail(aws_error(exc))
    progress.close()
    print(
        f"uploaded {len(plan)} file(s), {_size(total)}, to s3://{bucket}/{prefix}",
        file=sys.stderr,
    )
    if api is None:
        return 0
    try:
        return _wait(api, uploaded, args.timeout, args.interval)
    except CommandError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        status_line(sys.stderr)("")  # off with the "waiting" line
        pending = [t.id for t in uploaded if not t.done]
        print(
            f"articles: interrupted: {len(uploaded) - len(pending)} of {len(uploaded)} "
            f"article(s) had ended; follow the rest with: articles watch {' '.join(pending)}",
            file=sys.stderr,
        )
        return 130


def _wait(api: ApiClient, uploaded: list[Tracked], timeout: float, interval: float) -> int:
    note = status_line(sys.stderr)
    started = time.monotonic()

    def on_change(tracked: Tracked) -> None:
        if tracked.done:
            note("")
            print(result_line(tracked), flush=True)

    def poll() -> list[Tracked]:
        changed = poll_ids(api, uploaded)[0]
        done = sum(t.done for t in uploaded)
        note(f"waiting: {done}/{len(uploaded)} ended  {time.monotonic() - started:.0f}s")
        return changed

    ended = follow(poll, lambda: uploaded, interval=interval, timeout=timeout, on_change=on_change)
    note("")
    if not ended:
        for tracked in uploaded:
            if not tracked.done:
                print(f"{result_line(tracked)}  (not ended after {timeout:g}s)", flush=True)
    return 0 if all(t.status == "SUMMARIZED" for t in uploaded) else 1
