"""Command-line entry point: one small module per verb under goretain.commands."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

from goretain import __version__
from goretain.errors import UserError

# Each module defines NAME, HELP, add_arguments(parser) and run(args) -> int.
COMMAND_MODULES: tuple[str, ...] = ("check", "rules")

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"goretain: {message}\n")


def _load_commands() -> list[ModuleType]:
    return [importlib.import_module(f"goretain.commands.{name}") for name in COMMAND_MODULES]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="goretain", description="Find Go memory the GC cannot free, and who holds it.")
    parser.add_argument("--version", action="version", version=f"goretain {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for mod in _load_commands():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args._run(args))
    except UserError as exc:
        print(f"goretain: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("goretain: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head`: not an error worth a message.
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("GORETAIN_DEBUG"):
            traceback.print_exc()
        print(
            f"goretain: internal error: {type(exc).__name__}: {exc} "
            "(set GORETAIN_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
