"""Post-processing of findings: suppression comments, config overrides, baseline, order."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tree_sitter import Node

from goretain.config import Config
from goretain.errors import UserError
from goretain.findings import Finding, Location
from goretain.source.package import SourceFile
from goretain.source.syntax import descendants, text

# `goretain:ignore GR101,GR102 reason` / `goretain:ignore-file GR101 reason`
_IGNORE = re.compile(r"\s*goretain:ignore(-file)?(?=\s|$)(.*)", re.DOTALL)
_IDS = re.compile(r"\s*([A-Za-z]{1,5}\d{1,4}(?:\s*,\s*[A-Za-z]{1,5}\d{1,4})*)(?=\s|$)(.*)", re.DOTALL)
# golangci-lint style: `nolint`, `nolint:all`, `nolint:errcheck,goretain // why`
_NOLINT = re.compile(r"nolint(?::\s*([\w.-]+(?:\s*,\s*[\w.-]+)*))?(?=\s|$)")
_ALL = frozenset({"*"})


@dataclass
class _Directive:
    comment: Node
    location: Location
    kind: str  # "ignore", "ignore-file" or "nolint"
    ids: frozenset[str]  # upper-case rule IDs; _ALL for every goretain rule
    reason: str
    target: int  # 1-based line it covers (0 for the whole file)
    used: set[str] = field(default_factory=set)


def _nolint_ids(names: str | None) -> frozenset[str] | None:
    """What a nolint list silences for goretain: _ALL, some IDs, or None (not ours)."""
    if names is None:
        return _ALL
    items = {n.strip() for n in names.split(",") if n.strip()}
    if items & {"all", "goretain"}:
        return _ALL
    ids = frozenset(i.upper() for i in items if re.fullmatch(r"(?i)GR\d{3}", i))
    return ids or None


def _parse(body: str) -> tuple[str, frozenset[str], str] | None:
    """(kind, ids, reason) for a directive comment body (text after `//`), else None."""
    if body.startswith("nolint"):
        m = _NOLINT.match(body)
        ids = _nolint_ids(m.group(1)) if m else None
        return None if ids is None else ("nolint", ids, "")
    m = _IGNORE.match(body)
    if m is None:
        return None
    kind = "ignore-file" if m.group(1) else "ignore"
    rest = m.group(2)
    idm = _IDS.match(rest)
    if idm is None:
        return kind, frozenset(), rest.strip()
    ids = frozenset(i.strip().upper() for i in idm.group(1).split(","))
    # `GR101 // why` and `GR101 - why` are as good as `GR101 why`.
    reason = idm.group(2).strip().lstrip("/-:").strip()
    return kind, ids, reason


def _comment_only_rows(f: SourceFile, comments: list[Node]) -> set[int]:
    """0-based rows holding nothing but comments (stacked directives, doc comments)."""
    rows: set[int] = set()
    lines = f.lines
    for c in comments:
        (r1, c1), (r2, c2) = c.start_point, c.end_point
        if r1 < len(lines) and not lines[r1][:c1].strip() and (r2 >= len(lines) or not lines[r2][c2:].strip()):
            rows.update(range(r1, r2 + 1))
    return rows


def _directives(f: SourceFile) -> list[_Directive]:
    if b"goretain" not in f.src and b"nolint" not in f.src:
        return []
    comments = descendants(f.root, "comment")
    out: list[_Directive] = []
    own_rows: set[int] | None = None
    for c in comments:
        raw = text(c)
        if not raw.startswith("//"):
            continue
        parsed = _parse(raw[2:])
        if parsed is None:
            continue
        kind, ids, reason = parsed
        if own_rows is None:
            own_rows = _comment_only_rows(f, comments)
        row = c.start_point[0]
        target = row
        if row in own_rows:
            # A comment on its own line covers the next code line.
            target += 1
            while target in own_rows:
                target += 1
        (l1, c1), (l2, c2) = c.start_point, c.end_point
        loc = Location(f.path, l1 + 1, c1 + 1, l2 + 1, c2 + 1)
        out.append(_Directive(c, loc, kind, ids, reason, 0 if kind == "ignore-file" else target + 1))
    return out


def _silences(d: _Directive, f: Finding) -> bool:
    return (d.target == 0 or d.target == f.location.line) and (d.ids is _ALL or f.rule in d.ids)


def _gr000(d: _Directive, message: str, ids: str) -> Finding:
    from goretain.rules.suppression import META

    return Finding(
        rule=META.id,
        category=META.category,
        severity=META.severity,
        confidence=META.confidence,
        location=d.location,
        message=message,
        fix=META.fix,
        symbol=f"{d.kind}:{ids}",
        snippet=text(d.comment),
    )


def _problems(d: _Directive, known: set[str], enabled: set[str], check_unused: bool) -> list[Finding]:
    """GR000 findings about one goretain:ignore directive."""
    ids = ",".join(sorted(d.ids))
    spell = f"//goretain:{d.kind} {ids or 'GR101'} <why this is not a leak>"
    if not d.ids:
        return [_gr000(d, f"suppression needs rule IDs: write `{spell}`", "")]
    if not d.reason:
        return [_gr000(d, f"suppression needs a reason: write `{spell}`; without one it suppresses nothing", ids)]
    out = []
    for rid in sorted(d.ids):
        if rid not in known:
            out.append(_gr000(d, f"unknown rule {rid} in suppression (see `goretain rules`)", rid))
        elif check_unused and rid in enabled and rid != "GR000" and rid not in d.used:
            where = "in this file" if d.kind == "ignore-file" else f"on line {d.target}"
            out.append(_gr000(d, f"unused suppression: no {rid} finding {where}; remove {rid} from it", rid))
    return out


def apply_suppressions(findings: Iterable[Finding], files: list[SourceFile], enabled: set[str]) -> list[Finding]:
    """Drop findings silenced by `//goretain:ignore ID reason` or `//nolint:goretain`.

    Adds GR000 findings (when GR000 is enabled) for ignores that lack a reason, name an
    unknown rule, or silenced nothing among the enabled rules.
    """
    findings = list(findings)
    by_path: dict[str, list[_Directive]] = {}
    for f in files:
        ds = _directives(f)
        if ds:
            by_path[f.path] = ds
    if not by_path:
        return findings
    kept: list[Finding] = []
    for fd in findings:
        silenced = False
        for d in by_path.get(fd.location.path, ()):
            if d.kind != "nolint" and (not d.ids or not d.reason):
                continue  # a malformed ignore suppresses nothing
            if _silences(d, fd):
                silenced = True
                d.used.add(fd.rule)
        if not silenced:
            kept.append(fd)
    if "GR000" not in enabled:
        return kept
    from goretain.rules.base import all_rules

    known = set(all_rules())
    broken = {f.path for f in files if f.root.has_error}
    for path, ds in by_path.items():
        nolint_lines = {d.target for d in ds if d.kind == "nolint" and (d.ids is _ALL or "GR000" in d.ids)}
        for d in ds:
            if d.kind == "nolint":
                continue
            for p in _problems(d, known, enabled, path not in broken):
                if p.location.line not in nolint_lines:
                    kept.append(p)
    return kept


def finalize(findings: Iterable[Finding]) -> list[Finding]:
    """Deduplicate and sort by (path, line, column, rule)."""
    seen: dict[tuple[str, int, int, str, str], Finding] = {}
    for f in findings:
        seen.setdefault((*f.sort_key, f.message), f)
    return sorted(seen.values(), key=lambda f: f.sort_key)


def apply_config(findings: Iterable[Finding], config: Config) -> list[Finding]:
    """Severity overrides from the config file."""
    out = []
    for f in findings:
        sev = config.severity.get(f.rule)
        out.append(f if sev is None or sev == f.severity else f.with_changes(severity=sev, fingerprint=f.fingerprint))
    return out


def write_baseline(findings: Iterable[Finding], path: str) -> None:
    doc = {
        "version": 1,
        "tool": "goretain",
        "fingerprints": sorted({f.fingerprint for f in findings}),
    }
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1)
            fh.write("\n")
    except OSError as exc:
        raise UserError(f"cannot write baseline {path}: {exc.strerror}") from exc


def read_baseline(path: str) -> set[str]:
    """Fingerprints from a baseline file: ours, or any `--format json` report."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise UserError(f"cannot read baseline {path}: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"baseline {path} is not JSON: {exc}") from exc
    if isinstance(doc, dict) and isinstance(doc.get("fingerprints"), list):
        return {str(x) for x in doc["fingerprints"]}
    if isinstance(doc, dict) and isinstance(doc.get("findings"), list):
        return {str(f.get("fingerprint")) for f in doc["findings"] if isinstance(f, dict)}
    raise UserError(f"baseline {path}: expected goretain baseline or JSON report")


def filter_baseline(findings: Iterable[Finding], path: str) -> list[Finding]:
    known = read_baseline(path)
    return [f for f in findings if f.fingerprint not in known]
