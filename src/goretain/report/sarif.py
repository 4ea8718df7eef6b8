"""`--format sarif`: SARIF 2.1.0, as GitHub code scanning and IDE viewers read it.

Paths are relative URIs against `%SRCROOT%` (the directory goretain ran in), so the
file is the same on every machine. Columns count UTF-16 code units, SARIF's default:
goretain's byte columns are converted by reading the source line when it is not ASCII.
"""

from __future__ import annotations

import json
import os
from typing import Any, TextIO
from urllib.parse import quote

from goretain import __version__
from goretain.findings import Finding, InputError, Location
from goretain.report.model import CheckResult
from goretain.rules.base import RuleMeta, all_rules

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
# GitHub code scanning reads `precision` to rank alerts.
_PRECISION = {"high": "high", "medium": "medium", "low": "low"}


def artifact_location(path: str) -> dict[str, Any]:
    """A relative path becomes a %SRCROOT%-based URI; an absolute one a file:// URI."""
    slashed = path.replace(os.sep, "/")
    if os.path.isabs(path):
        return {"uri": "file://" + quote(slashed if slashed.startswith("/") else "/" + slashed)}
    return {"uri": quote(slashed), "uriBaseId": SRCROOT}


class _Columns:
    """Byte columns to UTF-16 columns, reading each file once and only when needed."""

    def __init__(self) -> None:
        self.lines: dict[str, list[bytes]] = {}

    def convert(self, path: str, line: int, column: int) -> int:
        if column <= 1:
            return column
        if path not in self.lines:
            try:
                with open(path, "rb") as fh:
                    self.lines[path] = fh.read().split(b"\n")
            except OSError:
                self.lines[path] = []
        lines = self.lines[path]
        if not 0 < line <= len(lines):
            return column
        prefix = lines[line - 1][: column - 1]
        if prefix.isascii():
            return column
        return len(prefix.decode("utf-8", "replace").encode("utf-16-le")) // 2 + 1


def region(loc: Location, cols: _Columns) -> dict[str, Any]:
    r: dict[str, Any] = {"startLine": loc.line}
    if loc.column > 0:
        r["startColumn"] = cols.convert(loc.path, loc.line, loc.column)
    if loc.end_line > 0:
        r["endLine"] = loc.end_line
        if loc.end_column > 0:
            r["endColumn"] = cols.convert(loc.path, loc.end_line, loc.end_column)
    return r


def physical(loc: Location, cols: _Columns) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": artifact_location(loc.path), "region": region(loc, cols)}}


def _code(code: str) -> str:
    return code.strip("\n")


def rule_descriptor(m: RuleMeta) -> dict[str, Any]:
    docs = m.docs.strip()
    text = f"{docs}\n\nBad:\n\n{_code(m.bad)}\n\nGood:\n\n{_code(m.good)}\n\nFix: {m.fix}"
    markdown = (
        f"{docs}\n\n**Bad:**\n\n```go\n{_code(m.bad)}\n```\n\n"
        f"**Good:**\n\n```go\n{_code(m.good)}\n```\n\n**Fix:** {m.fix}"
    )
    return {
        "id": m.id,
        "name": m.name,
        "shortDescription": {"text": m.summary},
        "fullDescription": {"text": docs or m.summary},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": m.severity.value},
        "properties": {
            "category": m.category,
            "confidence": m.confidence.value,
            "precision": _PRECISION[m.confidence.value],
            "tags": ["memory-leak", m.category],
        },
    }


def result_entry(f: Finding, index: dict[str, int], cols: _Columns) -> dict[str, Any]:
    text = f.message if not f.fix else f"{f.message}\nFix: {f.fix}"
    r: dict[str, Any] = {"ruleId": f.rule}
    if f.rule in index:
        r["ruleIndex"] = index[f.rule]
    r.update(
        {
            "level": f.severity.value,
            "message": {"text": text},
            "locations": [physical(f.location, cols)],
        }
    )
    if f.related:
        r["relatedLocations"] = [
            {"id": i, **physical(rel.location, cols), "message": {"text": rel.message}}
            for i, rel in enumerate(f.related, 1)
        ]
    r["partialFingerprints"] = {"goretain/v1": f.fingerprint}
    r["properties"] = {"category": f.category, "confidence": f.confidence.value, "fix": f.fix}
    return r


def notification(e: InputError) -> dict[str, Any]:
    loc: dict[str, Any] = {"artifactLocation": artifact_location(e.path)}
    if e.line:
        loc["region"] = {"startLine": e.line}
    return {"level": "error", "message": {"text": f"{e.path}: {e.message}"}, "locations": [{"physicalLocation": loc}]}


def sarif_doc(result: CheckResult) -> dict[str, Any]:
    registry = all_rules()
    ids = sorted(set(result.rule_ids or registry) | {f.rule for f in result.findings})
    metas = [registry[i].meta for i in ids if i in registry]
    index = {m.id: i for i, m in enumerate(metas)}
    cols = _Columns()
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "goretain",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(m) for m in metas],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [notification(e) for e in result.errors],
            }
        ],
        "columnKind": "utf16CodeUnits",
        "results": [result_entry(f, index, cols) for f in result.findings],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(result: CheckResult, out: TextIO, color: bool = False) -> None:
    json.dump(sarif_doc(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
