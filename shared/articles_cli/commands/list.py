"""``articles list``: records from the HTTP API, newest first."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from articles.records.models import Status
from articles_cli.commands._remote import (
    ApiClient,
    CommandError,
    add_api_arguments,
    add_target_arguments,
    fail,
)

STATUSES = tuple(status.value for status in Status)
PAGE_SIZE = 100  # the API's largest page


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list articles (from the HTTP API)",
        description="List articles, newest first. When more are available than --limit shows, "
        "a last line on stderr says so and how to get them. --json prints the API's answer "
        "({items, next_cursor}) as it came when one request was enough (--limit up to 100); "
        "for more, the pages' items in one list under the last page's next_cursor, and stderr "
        "says how many pages were merged.",
    )
    parser.add_argument("--status", type=str.upper, choices=STATUSES, default=None)
    parser.add_argument(
        "--limit",
        type=_limit,
        default=50,
        help="most records to show (default 50; 0 for all)",
    )
    parser.add_argument(
        "--cursor", default=None, help="start after an earlier page (its next_cursor)"
    )
    add_api_arguments(parser)
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 (all) or more")
    return number


def fetch_pages(
    client: ApiClient, status: str | None, limit: int, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None, list[bytes]]:
    """Follow next_cursor until ``limit`` records (0: all) have been read: the items, the
    cursor after the last one, and each page as the API sent it."""
    items: list[dict[str, Any]] = []
    bodies: list[bytes] = []
    while True:
        size = PAGE_SIZE if limit <= 0 else min(PAGE_SIZE, limit - len(items))
        body = client.get_raw("/articles", {"status": status, "limit": size, "cursor": cursor})
        bodies.append(body)
        page = json.loads(body)
        items.extend(page.get("items", []))
        cursor = page.get("next_cursor")
        if not cursor or (limit > 0 and len(items) >= limit):
            return items, cursor, bodies


def fetch(client: ApiClient, status: str | None, limit: int) -> list[dict[str, Any]]:
    return fetch_pages(client, status, limit)[0]


def _line(item: dict[str, Any]) -> str:
    label = item.get("title") or item.get("source", {}).get("key", "")
    if item.get("status") == Status.FAILED and item.get("error"):
        label = f"{label}  [{item['error'].get('code')}]"
    if len(label) > 70:
        label = label[:67] + "..."
    return f"{item['id']}  {item['status']:<10}  {label}"


def _more_hint(args: argparse.Namespace, shown: int, cursor: str) -> str:
    status = f" --status {args.status}" if args.status else ""
    if args.limit != 50:
        status += f" --limit {args.limit}"
    return (
        f"more articles: {shown} shown; the next page: articles list{status} --cursor {cursor} "
        f"(or --limit 0 for all)"
    )


def run(args: argparse.Namespace) -> int:
    try:
        client = ApiClient.from_args(args)
        items, cursor, bodies = fetch_pages(client, args.status, args.limit, args.cursor)
    except CommandError as exc:
        return fail(exc)
    if args.json:
        if len(bodies) == 1:
            sys.stdout.write(bodies[0].decode("utf-8").rstrip("\n") + "\n")
        else:
            merged = {"items": items, "next_cursor": cursor}
            print(json.dumps(merged, ensure_ascii=False, indent=2))
            print(
                f"articles: note: {len(bodies)} pages of GET /articles merged: their items in "
                "one list, with the last page's next_cursor",
                file=sys.stderr,
            )
    elif not items:
        print("no articles" + (f" in status {args.status}" if args.status else ""))
    else:
        for item in items:
            print(_line(item))
    if cursor and not args.json:
        print(_more_hint(args, len(items), cursor), file=sys.stderr)
    return 0
