"""`--format text`: `path:line:col: message (ID)`, staticcheck style.

On a terminal each finding also shows its source line with a caret under the column.
"""

from __future__ import annotations

from typing import TextIO

from goretain.findings import Finding
from goretain.report.model import CheckResult

_BOLD, _RED, _YELLOW, _DIM, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[2m", "\033[0m"


def _source_line(path: str, line: int, cache: dict[str, list[str]]) -> str | None:
    if path not in cache:
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                cache[path] = fh.read().split("\n")
        except OSError:
            cache[path] = []
    lines = cache[path]
    return lines[line - 1] if 0 < line <= len(lines) else None


def format_finding(f: Finding) -> str:
    loc = f.location
    return f"{loc.path}:{loc.line}:{loc.column}: {f.message} ({f.rule})"


def render(result: CheckResult, out: TextIO, color: bool = False) -> None:
    cache: dict[str, list[str]] = {}
    for f in result.findings:
        head = format_finding(f)
        if not color:
            out.write(head + "\n")
            continue
        sev = _RED if f.severity.value == "error" else _YELLOW
        loc = f.location
        out.write(f"{_BOLD}{loc.path}:{loc.line}:{loc.column}:{_RESET} {f.message} {sev}({f.rule}){_RESET}\n")
        src = _source_line(loc.path, loc.line, cache)
        if src is not None:
            raw = src.encode("utf-8", "replace")
            # Columns count bytes; tabs stay tabs so the caret lines up.
            prefix = raw[: loc.column - 1].decode("utf-8", "replace")
            pad = "".join(c if c == "\t" else " " for c in prefix)
            out.write(f"    {src}\n    {pad}{_RED}^{_RESET}\n")
        if f.fix:
            out.write(f"    {_DIM}fix: {f.fix}{_RESET}\n")
    for e in result.errors:
        where = f"{e.path}:{e.line}" if e.line else e.path
        out.write(f"{where}: error: {e.message}\n")
