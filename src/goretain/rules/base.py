"""Rule metadata and the registry every rule module adds itself to."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from goretain.findings import Confidence, Finding, Related, Severity

if TYPE_CHECKING:
    from goretain.source.package import Package

CATEGORIES: dict[str, str] = {
    "map-entry-never-deleted": "a long-lived map or sync.Map gains entries that are never removed",
    "unbounded-collection-growth": "a package-level or long-lived slice/map that only grows",
    "goroutine-captures-large-object": "a long-running goroutine's closure captured a pointer to a big object",
    "defer-retains-pointer": "a deferred call's arguments pin an object, or defers pile up in a loop",
    "goroutine-blocked-channel": "a goroutine blocks forever on a channel whose partner is gone",
    "goroutine-blocked-lock": "a goroutine blocks forever on a mutex, WaitGroup or Cond",
    "for-select-missing-exit": "a for-select loop with no way out",
    "context-cancel-not-called": "a context cancel func is never called on some path",
    "timer-not-stopped": "a ticker or timer stays referenced and is never stopped",
    "closer-not-called": "a body, rows, file or connection is not closed on some path",
    "subslice-retention": "a small sub-slice pins a large backing array in a long-lived place",
    "finalizer-cycle": "a finalizer on an object in a cycle, or one that resurrects its object",
    "suppression": "goretain's own diagnostics about suppression comments",
}


@dataclass(frozen=True)
class RuleMeta:
    id: str
    name: str
    category: str
    summary: str
    severity: Severity
    confidence: Confidence
    docs: str
    bad: str
    good: str
    fix: str
    # The go.mod `go` version the bad/good examples assume, for version-gated rules.
    example_go: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.id}: unknown category {self.category!r}")


CheckFn = Callable[["Package", "RuleContext"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    check: CheckFn


@dataclass(frozen=True)
class RuleContext:
    """Settings a rule may consult (from config and go.mod)."""

    large_object_bytes: int = 1024
    long_function_statements: int = 0

    def finding(
        self,
        meta: RuleMeta,
        pkg: Package,
        node: object,
        message: str,
        *,
        symbol: str = "",
        related: Iterable[Related] = (),
        confidence: Confidence | None = None,
        fix: str | None = None,
    ) -> Finding:
        """Build a finding anchored at a syntax node of ``pkg``."""
        loc = pkg.location(node)
        return Finding(
            rule=meta.id,
            category=meta.category,
            severity=meta.severity,
            confidence=confidence or meta.confidence,
            location=loc,
            message=message,
            fix=meta.fix if fix is None else fix,
            related=tuple(related),
            symbol=symbol,
            snippet=pkg.text(node),
        )


REGISTRY: dict[str, Rule] = {}


def register(meta: RuleMeta) -> Callable[[CheckFn], CheckFn]:
    def wrap(fn: CheckFn) -> CheckFn:
        if meta.id in REGISTRY:
            raise ValueError(f"rule {meta.id} registered twice")
        REGISTRY[meta.id] = Rule(meta, fn)
        return fn

    return wrap


def all_rules() -> dict[str, Rule]:
    """Every registered rule, importing the rule modules on first use."""
    from goretain import rules  # noqa: F401  (imports register the rules)

    return dict(sorted(REGISTRY.items()))
