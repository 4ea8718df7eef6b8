"""Join runtime verdicts to static findings: which `goretain check` finding explains a leak.

A leaking site (heap allocation site, or the blocking site of leaked goroutines)
matches a finding when they are in the same file and either on the same line (the
finding's line or one of its related lines) or in the same top-level function
(closures count as their enclosing function: ``main.handleQuote.func1`` is in
``handleQuote``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from goretain.source import syntax

_FUNCS = ("function_declaration", "method_declaration")


@dataclass(frozen=True)
class RuntimeSite:
    kind: str  # heap, goroutine, goroutineleak
    verdict: str
    function: str
    file: str
    line: int


@dataclass(frozen=True)
class Match:
    site: RuntimeSite
    rule: str
    path: str
    line: int
    how: str  # "same line" or "same function (name)"


def _spans(path: str, cache: dict[str, list[tuple[int, int, str]]]) -> list[tuple[int, int, str]]:
    if path not in cache:
        try:
            with open(path, "rb") as fh:
                root = syntax.parse(fh.read()).root_node
        except OSError:
            cache[path] = []
            return []
        spans = []
        for node in root.children:
            if node.type in _FUNCS:
                name = node.child_by_field_name("name")
                spans.append((node.start_point[0] + 1, node.end_point[0] + 1, syntax.text(name)))
        cache[path] = spans
    return cache[path]


def _func_at(path: str, line: int, cache: dict[str, list[tuple[int, int, str]]]) -> str | None:
    for a, b, name in _spans(path, cache):
        if a <= line <= b:
            return name
    return None


def _same_file(site_file: str, finding_path: str) -> bool:
    if os.path.isabs(site_file) and os.path.exists(site_file):
        return os.path.realpath(site_file) == os.path.realpath(finding_path)
    # A -trimpath binary: module-relative paths; compare by suffix.
    a, b = site_file.replace("\\", "/"), os.path.abspath(finding_path).replace("\\", "/")
    return b.endswith("/" + a.lstrip("/")) or a.endswith("/" + finding_path.lstrip("./"))


def runtime_sites(watch_doc: dict[str, Any], verdicts: tuple[str, ...] = ("leaking",)) -> list[RuntimeSite]:
    """Leaking sites of every target of a ``watch``/``trend --store`` JSON report."""
    out: list[RuntimeSite] = []
    for t in watch_doc.get("targets", []):
        for kind in ("heap", "goroutine", "goroutineleak"):
            tr = (t.get(kind) or {}).get("trend")
            for s in (tr or {}).get("sites", []):
                if s["verdict"] in verdicts and s.get("file"):
                    site = RuntimeSite(kind, s["verdict"], s["function"], s["file"], int(s["line"]))
                    if site not in out:
                        out.append(site)
    return out


def join(sites: list[RuntimeSite], findings: list[dict[str, Any]]) -> list[Match]:
    cache: dict[str, list[tuple[int, int, str]]] = {}
    out = []
    for site in sites:
        for f in findings:
            if not _same_file(site.file, f["path"]):
                continue
            lines = [f["line"]] + [r["line"] for r in f.get("related", []) if r.get("path") == f["path"]]
            if site.line in lines:
                out.append(Match(site, f["rule"], f["path"], f["line"], "same line"))
                continue
            fn = _func_at(f["path"], site.line, cache)
            if fn is not None and any(_func_at(f["path"], ln, cache) == fn for ln in lines):
                out.append(Match(site, f["rule"], f["path"], f["line"], f"same function ({fn})"))
    return out


def join_text(sites: list[RuntimeSite], findings: list[dict[str, Any]], matches: list[Match]) -> str:
    lines = []
    by_site: dict[RuntimeSite, list[Match]] = {}
    for m in matches:
        by_site.setdefault(m.site, []).append(m)
    for s in sites:
        where = f"{s.function} {os.path.basename(s.file)}:{s.line}"
        ms = by_site.get(s, [])
        found = "; ".join(f"{m.rule} {m.path}:{m.line} ({m.how})" for m in ms) or "no static finding"
        lines.append(f"{s.verdict.upper():<8} {s.kind:<13} {where:<44} <- {found}")
    matched = {(m.rule, m.path, m.line) for m in matches}
    for f in findings:
        if (f["rule"], f["path"], f["line"]) not in matched:
            lines.append(f"{'(static)':<8} {f['rule']:<13} {f['path']}:{f['line']}: no runtime leak matched in this run")
    return "\n".join(lines) + "\n"
