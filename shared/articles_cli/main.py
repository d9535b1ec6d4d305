"""The ``articles`` command.

Each subcommand lives in its own module under ``articles_cli.commands`` and exposes
``register(subparsers)``, which adds its parser and sets ``handler`` (a function taking the
parsed arguments and returning the exit status). Adding a subcommand means writing that module
and adding its name to ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from articles import __version__

COMMANDS: tuple[str, ...] = (
    "process",
    "serve",
    "upload",
    "watch",
    "list",
    "show",
    "reprocess",
)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (which command, what is wrong, where help is)."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("articles").strip()
        where = f"{command}: " if command else ""
        text = "; ".join(line.strip() for line in message.splitlines() if line.strip())
        self.exit(2, f"articles: error: {where}{text} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="articles", description="Article pipeline: extract, summarise and inspect articles."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"articles_cli.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # "articles process ... | head" closed the pipe early
        sys.stderr.close()
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
