"""``articles serve``: the whole pipeline on this machine (see ``articles_cli.local.stack``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from articles_cli.commands._remote import CommandError, fail


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the pipeline locally: moto as AWS, the functions in-process, the API on :3000",
        description="Start a moto server as AWS, deploy the template into it (the SAM "
        "translator, then moto's CloudFormation), run the functions' handlers in-process and "
        "serve the HTTP API. State is kept in memory only: stopping the stack forgets "
        "everything. Ctrl-C stops it.",
    )
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--aws-port",
        type=int,
        default=None,
        help="moto server port (default $ARTICLES_LOCAL_AWS_PORT, else 5000)",
    )
    parser.add_argument(
        "--api-port",
        type=int,
        default=None,
        help="HTTP API port (default $ARTICLES_LOCAL_API_PORT, else 3000)",
    )
    samples = parser.add_mutually_exclusive_group()
    samples.add_argument(
        "--samples", type=Path, default=None, metavar="DIR", help="articles to process on start"
    )
    samples.add_argument("--no-samples", action="store_true", help="start with an empty bucket")
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="template parameter override, e.g. KeyPointCount=5 (repeatable)",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    parser.set_defaults(handler=run)


def _parameters(pairs: list[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CommandError(f"--parameter expects NAME=VALUE, got {pair!r}", 2)
        result[name] = value
    return result


def run(args: argparse.Namespace) -> int:
    # The stack pulls in moto and the handlers: import it only for this command.
    from articles.errors import ArticleError
    from articles_cli.local.cloudformation import TemplateError
    from articles_cli.local.stack import StackOptions, serve

    try:
        options = StackOptions.from_env(
            host=args.host,
            aws_port=args.aws_port,
            api_port=args.api_port,
            parameters=_parameters(args.parameter),
            log_level=args.log_level,
        )
        if args.no_samples:
            options.samples = None
        elif args.samples is not None:
            if not args.samples.is_dir():
                raise CommandError(f"--samples {args.samples} is not a directory", 2)
            options.samples = args.samples
        return serve(options)
    except (CommandError, ArticleError, TemplateError, OSError) as exc:
        return fail(exc)
