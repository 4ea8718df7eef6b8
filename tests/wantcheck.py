"""analysistest-style expectations: `// want "GR101"` on the line a finding must point at.

A fixture passes only when the findings and the expectations match exactly: a missing
finding and an unexpected one both fail, with the file:line of each difference.
"""

from __future__ import annotations

import os
import re
from collections import Counter

from goretain.analysis import AnalysisOptions, analyse_spec
from goretain.findings import Finding
from goretain.rules.base import RuleContext, all_rules
from goretain.source.loader import load

_WANT = re.compile(r"//\s*want((?:\s+\"[^\"]+\")+)")
_ID = re.compile(r"\"([^\"]+)\"")


def expectations(directory: str) -> Counter[tuple[str, int, str]]:
    want: Counter[tuple[str, int, str]] = Counter()
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".go"):
            continue
        path = os.path.join(directory, name)
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                m = _WANT.search(line)
                if m:
                    for rid in _ID.findall(m.group(1)):
                        want[(name, lineno, rid)] += 1
    return want


def run_dir(directory: str, rule_ids: tuple[str, ...] | None = None, large: int = 1024) -> list[Finding]:
    ids = rule_ids or tuple(all_rules())
    findings: list[Finding] = []
    for spec in load([directory]):
        findings.extend(analyse_spec(spec, AnalysisOptions(ids, RuleContext(large_object_bytes=large))).findings)
    return findings


def check_dir(directory: str, rule_ids: tuple[str, ...] | None = None) -> None:
    want = expectations(directory)
    got: Counter[tuple[str, int, str]] = Counter(
        (os.path.basename(f.location.path), f.location.line, f.rule) for f in run_dir(directory, rule_ids)
    )
    missing = want - got
    unexpected = got - want
    lines = [f"missing {r} at {p}:{n}" for (p, n, r) in sorted(missing)]
    lines += [f"unexpected {r} at {p}:{n}" for (p, n, r) in sorted(unexpected)]
    assert not lines, "\n".join(lines)
