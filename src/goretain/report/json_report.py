"""`--format json`: the schema fixed in DESIGN.md."""

from __future__ import annotations

import json
from typing import Any, TextIO

from goretain import __version__
from goretain.findings import Finding, InputError
from goretain.report.model import CheckResult


def finding_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "rule": f.rule,
        "category": f.category,
        "severity": f.severity.value,
        "confidence": f.confidence.value,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "message": f.message,
        "related": [
            {"path": r.location.path, "line": r.location.line, "column": r.location.column, "message": r.message}
            for r in f.related
        ],
        "fix": f.fix,
        "fingerprint": f.fingerprint,
    }


def error_dict(e: InputError) -> dict[str, Any]:
    d: dict[str, Any] = {"path": e.path, "message": e.message}
    if e.line:
        d["line"] = e.line
    return d


def render(result: CheckResult, out: TextIO, color: bool = False) -> None:
    doc = {
        "version": 1,
        "tool": "goretain",
        "tool_version": __version__,
        "findings": [finding_dict(f) for f in result.findings],
        "errors": [error_dict(e) for e in result.errors],
    }
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")
