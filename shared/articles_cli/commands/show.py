"""``articles show``: one record from the HTTP API, readable or as JSON."""

from __future__ import annotations

import argparse
import json
import textwrap
import urllib.parse
from typing import Any

from articles.keypoints.lede import points_besides_lede
from articles_cli.commands._remote import (
    ApiClient,
    CommandError,
    add_api_arguments,
    add_target_arguments,
    fail,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "show", help="show one article (from the HTTP API)", description="Show one article."
    )
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--text", action="store_true", help="also print the full text")
    add_api_arguments(parser)
    add_target_arguments(parser)
    parser.set_defaults(handler=run)


def render(item: dict[str, Any], text: str | None = None) -> str:
    source = item.get("source", {})
    lines = [item.get("title") or source.get("key", item["id"]), ""]
    facts = [
        ("id", item["id"]),
        ("status", item["status"]),
        ("source", f"s3://{source.get('bucket')}/{source.get('key')}"),
        ("site", item.get("site_name")),
        ("authors", ", ".join(item.get("authors") or []) or None),
        ("published", item.get("published")),
        ("language", item.get("language")),
        ("format", item.get("content_type")),
        ("words", item.get("word_count")),
        ("url", item.get("url")),
        ("updated", item.get("updated_at")),
    ]
    lines += [f"  {name:<10} {value}" for name, value in facts if value not in (None, "")]
    error = item.get("error")
    if error:
        lines += [
            "",
            f"  error      {error.get('code')} ({error.get('stage')}): {error.get('message')}",
        ]
    if item.get("summary"):
        lines += [
            "",
            "Summary",
            *textwrap.wrap(item["summary"], 88, initial_indent="  ", subsequent_indent="  "),
        ]
    # The lede is shown once: a key point it already says is left out under it.
    points = points_besides_lede(item.get("summary"), item.get("key_points") or [])
    if points:
        lines += ["", "Key points"]
        for point in points:
            lines += textwrap.wrap(point, 88, initial_indent="  - ", subsequent_indent="    ")
    if item.get("keywords"):
        lines += ["", "Keywords: " + ", ".join(item["keywords"])]
    if text is not None:
        lines += ["", "Text", "", text]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        client = ApiClient.from_args(args)
        path = f"/articles/{urllib.parse.quote(args.id, safe='')}"
        item = client.get(path)
        text = None
        if args.text and item.get("has_text"):
            text = client.get(f"{path}/text").get("text", "")
    except CommandError as exc:
        return fail(exc)
    if args.json:
        if text is not None:
            item = {**item, "text": text}
        print(json.dumps(item, ensure_ascii=False, indent=2))
    else:
        print(render(item, text))
    return 0
