"""Flags and output handling shared by several verbs."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from goretain.errors import UserError


def add_output_arguments(p: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    p.add_argument("--format", choices=formats, default=formats[0], help="output format")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--no-color", action="store_true", help="never colour the output")


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    """stdout, or FILE written atomically so a failed run never leaves half a report."""
    if not path or path == "-":
        yield sys.stdout
        return
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        fh = open(tmp, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with fh:
            yield fh
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def use_color(args: argparse.Namespace, stream: TextIO) -> bool:
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())
