"""``articles reprocess``: hand records back to the pipeline through the ingest queue.

Each record becomes a ``{"type": "reprocess", "id": ...}`` message, which the extract stage
treats as a fresh upload of the record's object. The ids are looked up through the HTTP API
first: an unknown id, or a DELETED record (its object is gone), is refused and nothing is sent.
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.parse
from typing import Any

from articles.records.models import Status
from articles_cli.commands._remote import (
    ApiClient,
    CommandError,
    NotFound,
    add_api_arguments,
    add_target_arguments,
    aws_error,
    fail,
    sqs_client,
    target,
)
from articles_cli.commands.list import fetch

QUEUE_ENV = "ARTICLES_INGEST_QUEUE_URL"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "reprocess",
        help="send articles through the pipeline again",
        description="Send articles through the pipeline again: the given ids, or every FAILED "
        "one (both looked up through the HTTP API). Unknown ids and DELETED articles are "
        "refused, and then nothing is sent.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("ids", nargs="*", default=[], metavar="ID")
    which.add_argument("--failed", action="store_true", help="every article in status FAILED")
    parser.add_argument(
        "--queue-url",
        default=None,
        help=f"ingest queue (default ${QUEUE_ENV}, else the stack's IngestQueueUrl output, "
        "else the newest running local stack's)",
    )
    add_api_arguments(parser)
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def check_reprocessable(api: ApiClient, ids: list[str]) -> None:
    """CommandError naming every id that is unknown or DELETED (nothing left to process)."""
    problems = []
    for id_ in ids:
        try:
            record = api.get(f"/articles/{urllib.parse.quote(id_, safe='')}")
        except NotFound:
            problems.append(f"{id_}: no such article")
            continue
        if record.get("status") == "DELETED":
            problems.append(f"{id_}: DELETED (its object was removed; upload it again instead)")
    if problems:
        raise CommandError("not reprocessed, nothing sent: " + "; ".join(problems))


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        ids = list(dict.fromkeys(args.ids))
        if args.failed:
            ids = [item["id"] for item in fetch(ApiClient.from_args(args), Status.FAILED, 0)]
            if not ids:
                print("no FAILED articles")
                return 0
        elif not ids:
            raise CommandError("give article ids or --failed", 2)
        else:
            check_reprocessable(ApiClient.from_args(args), ids)
        queue_url = args.queue_url or os.environ.get(QUEUE_ENV)
        if not queue_url:
            queue_url, _source = target(args).from_stack("IngestQueueUrl", "--queue-url")
        sqs = sqs_client(args)
        for start in range(0, len(ids), 10):
            chunk = ids[start : start + 10]
            response = sqs.send_message_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(index), "MessageBody": json.dumps({"type": "reprocess", "id": id_})}
                    for index, id_ in enumerate(chunk)
                ],
            )
            if response.get("Failed"):
                first = response["Failed"][0]
                raise CommandError(f"the queue refused a message: {first.get('Message')}")
    except CommandError as exc:
        return fail(exc)
    except (BotoCoreError, ClientError) as exc:
        return fail(aws_error(exc))
    if args.json:
        print(json.dumps({"reprocessing": ids}))
    else:
        print(f"reprocessing {len(ids)} article(s): " + " ".join(ids))
    return 0
