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
    fail,
    find_bucket,
    s3_client,
)
from articles_cli.commands.process import iter_sources

BUCKET_ENV = "ARTICLES_BUCKET"
DEFAULT_PREFIX = "incoming/"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "upload",
        help="upload articles to the pipeline's bucket",
        description="Upload files (directories: their supported files) under the incoming "
        "prefix, where the bucket's notifications hand them to the pipeline.",
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


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    files = [Path(source) for source in iter_sources(args.paths)]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        return fail(CommandError(f"not a file: {', '.join(missing)}", 2))
    if not files:
        return fail(CommandError("no supported files found", 2))
    prefix = args.prefix
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    progress = ByteProgress(sum(path.stat().st_size for path in files), sys.stderr)
    try:
        s3 = s3_client(args)
        bucket = args.bucket or os.environ.get(BUCKET_ENV) or find_bucket(s3)
        for path in files:
            key = f"{prefix}{path.name}"
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
    except (BotoCoreError, ClientError) as exc:
        progress.close()
        return fail(aws_error(exc))
    progress.close()
    if progress.enabled:
        print(f"uploaded {len(files)} file(s) to s3://{bucket}/{prefix}")
    return 0
