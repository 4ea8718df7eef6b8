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

# Verb -> one-line help. Each verb is a module goretain.commands.<verb> defining
# add_arguments(parser) and run(args) -> int. Only the verb being run is imported, so
# `goretain top` does not pay for the static analyser's imports and vice versa.
COMMANDS: dict[str, str] = {
    "check": "find leaks in Go source (default ./...)",
    "rules": "list the rules, or show one rule's docs with bad and good examples",
    "top": "what a pprof profile (or goroutine dump) holds, by call site",
    "diff": "growth per call site between two profiles",
    "trend": "growth across three or more snapshots, with a leak verdict per site",
    "watch": "scrape live services, store every snapshot, give a leak verdict per service",
    "why": "who retains the memory in a Go heap dump: named roots, paths, dominators",
}
COMMAND_MODULES: tuple[str, ...] = tuple(COMMANDS)

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"goretain: {message}\n")


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"goretain.commands.{name}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or (``only``) one whose other verbs are listed but not imported."""
    parser = _Parser(prog="goretain", description="Find Go memory the GC cannot free, and who holds it.")
    parser.add_argument("--version", action="version", version=f"goretain {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            mod = _command_module(name)
            mod.add_arguments(p)
            p.set_defaults(_run=mod.run)
    return parser


def _verb(argv: Sequence[str]) -> str | None:
    return argv[0] if argv and argv[0] in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=_verb(argv) or "")
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
