"""What a `check` run produced, as handed to every reporter."""

from __future__ import annotations

from dataclasses import dataclass, field

from goretain.findings import Finding, InputError


@dataclass
class CheckResult:
    findings: list[Finding]
    errors: list[InputError] = field(default_factory=list)
    files: int = 0
    lines: int = 0
    packages: int = 0
    # The rules this run used (SARIF lists them); empty means every registered rule.
    rule_ids: tuple[str, ...] = ()
