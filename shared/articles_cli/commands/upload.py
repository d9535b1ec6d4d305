"""``articles upload``: put files into the pipeline's bucket, in AWS or in the local stack."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from articles.formats import content_type_for
from articles_cli.commands._progress import ProgressBar
from articles_cli.commands._remote import (
    CommandError,
    add_aws_arguments,
    aws_error,
    aws_error_code,
    fail,
    find_bucket,
    s3_client,
)
from articles_cli.commands.process import iter_named_sources

BUCKET_ENV = "ARTICLES_BUCKET"
DEFAULT_PREFIX = "incoming/"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "upload",
        help="upload articles to the pipeline's bucket",
        description="Upload files under the incoming prefix, where the bucket's notifications "
        "hand them to the pipeline. A file keeps its name; a directory's supported files keep "
        "their paths below it (as with aws s3 cp --recursive). Two files that would get the "
        "same key are refused before anything is sent.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument(
        "--bucket",
        default=None,
        help=f"bucket name (default ${BUCKET_ENV}, else the only article-pipeline-* bucket)",
    )
    parser.add_argument(
        "--prefix", default=DEFAULT_PREFIX, help=f"key prefix (default {DEFAULT_PREFIX})"
    )
    add_aws_arguments(parser)
    parser.set_defaults(handler=run)


class ByteProgress(ProgressBar):
    """Bytes sent across all files (boto3 calls it from its transfer threads)."""

    def __init__(self, total: int, stream: TextIO) -> None:
        super().__init__(total, stream)
        self.sent = 0
        self._lock = threading.Lock()

    def __call__(self, chunk: int) -> None:
        with self._lock:
            self.sent += chunk
            percent = 100 * min(self.sent, self.total) // self.total
            self.show(self.sent, f"{percent:3d}%  {self.sent}/{self.total} bytes")


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


def run(args: argparse.Namespace) -> int:
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    prefix = args.prefix
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    try:
        plan = plan_keys(args.paths, prefix)
    except CommandError as exc:
        return fail(exc)
    missing = [str(path) for path, _key in plan if not path.is_file()]
    if missing:
        return fail(CommandError(f"not a file: {', '.join(missing)}", 2))
    if not plan:
        return fail(CommandError("no supported files found", 2))
    named_by = "--bucket" if args.bucket else f"${BUCKET_ENV}"
    bucket = args.bucket or os.environ.get(BUCKET_ENV) or ""
    progress = ByteProgress(sum(path.stat().st_size for path, _key in plan), sys.stderr)
    try:
        s3 = s3_client(args)
        bucket = bucket or find_bucket(s3)
        for path, key in plan:
            s3.upload_file(
                str(path),
                bucket,
                key,
                ExtraArgs={"ContentType": content_type_for(path.name)},
                Callback=progress,
            )
            if not progress.enabled:
                print(f"uploaded {path} -> s3://{bucket}/{key}")
    except CommandError as exc:
        progress.close()
        return fail(exc)
    except (BotoCoreError, ClientError, Boto3Error) as exc:
        progress.close()
        if aws_error_code(exc) == "NoSuchBucket":
            return fail(CommandError(f"bucket {bucket!r} (from {named_by}) does not exist", 2))
        return fail(aws_error(exc))
    progress.close()
    if progress.enabled:
        print(f"uploaded {len(plan)} file(s) to s3://{bucket}/{prefix}")
    return 0
