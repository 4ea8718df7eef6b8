"""A test-only rule, GR990, that flags every call to `leakyThing()`.

Tests of the check workflow (suppressions, reporters, CLI, golden files) use it so they
do not depend on the exact output of the real rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import REGISTRY, Rule, RuleContext, RuleMeta, all_rules
from goretain.source.package import Package
from goretain.source.syntax import call_name, descendants, enclosing_func, text

LEAKY = RuleMeta(
    id="GR990",
    name="test-leaky-thing",
    category="map-entry-never-deleted",
    summary="a call to leakyThing() (test-only rule)",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs="Test-only: every `leakyThing()` call holds memory forever.",
    bad="func f() {\n\tleakyThing()\n}\n",
    good="func f() {}\n",
    fix="stop calling leakyThing",
)


def check(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    for f in pkg.files:
        if b"leakyThing" not in f.src:
            continue
        for call in descendants(f.root, "call_expression"):
            if call_name(call) != ("", "leakyThing"):
                continue
            fn = enclosing_func(call)
            name_node = fn.child_by_field_name("name") if fn is not None else None
            fname = text(name_node) or "func literal"
            related = [Related(pkg.location(name_node), f"in {fname}")] if name_node is not None else []
            yield ctx.finding(
                LEAKY, pkg, call, f"leakyThing() in {fname} pins a *Thing forever",
                symbol=f"{pkg.name}.{fname}", related=related,
            )


@pytest.fixture()
def leaky_rule() -> Iterator[str]:
    """Registers GR990 for one test."""
    all_rules()  # import the real rules first so the registry is complete
    REGISTRY[LEAKY.id] = Rule(LEAKY, check)
    try:
        yield LEAKY.id
    finally:
        REGISTRY.pop(LEAKY.id, None)
