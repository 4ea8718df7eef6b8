"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

    ::warning file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=GR101 (category)::message

Escaping follows @actions/core: `%`, CR and LF in the message; also `:` and `,` in
the properties.
"""

from __future__ import annotations

from typing import TextIO

from goretain.findings import Finding, InputError
from goretain.report.model import CheckResult

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, props: list[tuple[str, object]], message: str) -> str:
    joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props)
    return f"::{kind} {joined}::{escape_data(message)}"


def format_finding(f: Finding) -> str:
    loc = f.location
    props: list[tuple[str, object]] = [("file", loc.path), ("line", loc.line), ("col", loc.column)]
    if loc.end_line:
        props.append(("endLine", loc.end_line))
        if loc.end_column:
            props.append(("endColumn", loc.end_column))
    props.append(("title", f"{f.rule} ({f.category})"))
    message = f.message
    if f.fix:
        message += f"\nFix: {f.fix}"
    for r in f.related:
        message += f"\n{r.location.path}:{r.location.line}:{r.location.column}: {r.message}"
    return _command(_COMMAND.get(f.severity.value, "warning"), props, message)


def format_error(e: InputError) -> str:
    props: list[tuple[str, object]] = [("file", e.path)]
    if e.line:
        props.append(("line", e.line))
    props.append(("title", "goretain: input error"))
    return _command("warning", props, e.message)


def render(result: CheckResult, out: TextIO, color: bool = False) -> None:
    for f in result.findings:
        out.write(format_finding(f) + "\n")
    for e in result.errors:
        out.write(format_error(e) + "\n")
