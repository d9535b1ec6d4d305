"""``articles watch``: follow records through the pipeline until they end."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from articles_cli.commands._follow import (
    AllRecords,
    LiveTable,
    Tracked,
    as_json,
    check_interval,
    follow,
    poll_ids,
    result_line,
    timestamp,
)
from articles_cli.commands._remote import (
    ApiClient,
    CommandError,
    add_api_arguments,
    add_target_arguments,
    fail,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "watch",
        help="follow articles until they are SUMMARIZED, FAILED or DELETED",
        description="Follow articles through the pipeline (from the HTTP API). With ids, until "
        "each has ended: exits 0 when all are SUMMARIZED, 1 otherwise. Without ids, every "
        "article in progress now or starting later, until Ctrl-C or --timeout. On a terminal "
        "the articles are a table redrawn in place; piped, each change of status is one line "
        "(time, id, status, key, then the title or the error code).",
    )
    parser.add_argument("ids", nargs="*", metavar="ID", help="article ids (default: all)")
    parser.add_argument(
        "--interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="how often to look (default 1)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop after this long (with ids: exit 1 if any has not ended)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per change")
    add_api_arguments(parser, json_flag=False)
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        check_interval(args.interval)
        if args.timeout is not None and args.timeout <= 0:
            raise CommandError("--timeout must be more than 0 seconds", 2)
        client = ApiClient.from_args(args)
        return _watch(args, client)
    except CommandError as exc:
        return fail(exc)


def _watch(args: argparse.Namespace, client: ApiClient) -> int:
    ids = list(dict.fromkeys(args.ids))
    live = sys.stdout.isatty() and not args.json
    title = f"watching {len(ids)} article(s)" if ids else "watching every article in progress"
    table = LiveTable(sys.stdout, title + "  (Ctrl-C stops)") if live else None

    def on_change(tracked: Tracked) -> None:
        if live:
            return
        if args.json:
            print(json.dumps({"at": timestamp(), **as_json(tracked)}), flush=True)
        else:
            print(f"{timestamp()}  {result_line(tracked)}", flush=True)

    if ids:
        tracked = [Tracked(id_) for id_ in ids]
        changed, missing = poll_ids(client, tracked)
        if missing:
            raise CommandError(f"no such article: {', '.join(missing)}")
        for item in changed:
            on_change(item)
        ended = follow(
            lambda: poll_ids(client, tracked)[0],
            lambda: tracked,
            interval=args.interval,
            timeout=args.timeout,
            on_change=on_change,
            table=table,
        )
        if not ended:
            waiting = [t.id for t in tracked if not t.done]
            raise CommandError(
                f"timed out after {args.timeout:g}s; not ended: {', '.join(waiting)}"
            )
        return 0 if all(t.status == "SUMMARIZED" for t in tracked) else 1

    records = AllRecords(client)
    try:
        for item in records.poll():
            on_change(item)
        if not live:
            print(
                "articles: watching every article in progress or starting from now (Ctrl-C stops)",
                file=sys.stderr,
                flush=True,
            )
        follow(
            records.poll,
            lambda: list(records.tracked.values()),
            interval=args.interval,
            timeout=args.timeout,
            on_change=on_change,
            table=table,
            until_done=False,
        )
    except KeyboardInterrupt:
        return 0  # the way to stop watching everything
    return 0
