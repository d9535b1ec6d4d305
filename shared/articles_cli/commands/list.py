"""``articles list``: records from the HTTP API, newest first."""

from __future__ import annotations

import argparse
import json
from typing import Any

from articles.records.models import Status
from articles_cli.commands._remote import ApiClient, CommandError, add_api_arguments, fail

STATUSES = tuple(status.value for status in Status)
PAGE_SIZE = 100


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "list", help="list articles (from the HTTP API)", description="List articles, newest first."
    )
    parser.add_argument("--status", type=str.upper, choices=STATUSES, default=None)
    parser.add_argument(
        "--limit", type=int, default=50, help="most records to show (default 50; 0 for all)"
    )
    add_api_arguments(parser)
    parser.set_defaults(handler=run)


def fetch(client: ApiClient, status: str | None, limit: int) -> list[dict[str, Any]]:
    """Follow next_cursor until ``limit`` records (0: all) have been read."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        size = PAGE_SIZE if limit <= 0 else min(PAGE_SIZE, limit - len(items))
        page = client.get("/articles", {"status": status, "limit": size, "cursor": cursor})
        items.extend(page.get("items", []))
        cursor = page.get("next_cursor")
        if not cursor or (limit > 0 and len(items) >= limit):
            return items


def _line(item: dict[str, Any]) -> str:
    label = item.get("title") or item.get("source", {}).get("key", "")
    if item.get("status") == Status.FAILED and item.get("error"):
        label = f"{label}  [{item['error'].get('code')}]"
    if len(label) > 70:
        label = label[:67] + "..."
    return f"{item['id']}  {item['status']:<10}  {label}"


def run(args: argparse.Namespace) -> int:
    try:
        items = fetch(ApiClient.from_args(args), args.status, args.limit)
    except CommandError as exc:
        return fail(exc)
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
    elif not items:
        print("no articles" + (f" in status {args.status}" if args.status else ""))
    else:
        for item in items:
            print(_line(item))
    return 0
