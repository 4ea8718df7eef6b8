"""Rule documentation rendered from rule metadata (the README's rule sections)."""

from __future__ import annotations

import re

from goretain.rules.base import all_rules

TABLE = ("<!-- rules-table:start -->", "<!-- rules-table:end -->")
EXAMPLES = ("<!-- rule-examples:start -->", "<!-- rule-examples:end -->")
EXAMPLE_BLOCK = re.compile(r"<!-- (GR\d+):(bad|good) -->\n```go\n(.*?)```", re.DOTALL)


def rules_table() -> str:
    rows = ["| ID | category | finds |", "|---|---|---|"]
    for rid, rule in all_rules().items():
        rows.append(f"| {rid} | {rule.meta.category} | {rule.meta.summary} |")
    return "\n".join(rows)


def rule_examples() -> str:
    parts = []
    for rid, rule in all_rules().items():
        m = rule.meta
        if not m.bad.strip():
            continue
        parts.append(f"### {rid} {m.name}\n\n{m.docs.strip()}\n")
        if m.example_go:
            parts.append(f"The examples assume a module whose go.mod says `go {m.example_go}`.\n")
        parts.append(f"Bad:\n\n<!-- {rid}:bad -->\n```go\n{m.bad.strip()}\n```\n")
        parts.append(f"Good:\n\n<!-- {rid}:good -->\n```go\n{m.good.strip()}\n```\n")
        parts.append(f"Fix: {m.fix}\n")
    return "\n".join(parts)


def _replace(doc: str, markers: tuple[str, str], body: str, placeholder: str) -> str:
    start, end = markers
    block = f"{start}\n{body}\n{end}"
    if start in doc and end in doc:
        return doc[: doc.index(start)] + block + doc[doc.index(end) + len(end):]
    return doc.replace(placeholder, block)


def update_readme(doc: str) -> str:
    doc = _replace(doc, TABLE, rules_table(), "RULES_TABLE")
    return _replace(doc, EXAMPLES, rule_examples(), "RULE_EXAMPLES")


def example_gomod(rid: str) -> str:
    """A go.mod for running a rule's examples ("" when they need none)."""
    meta = all_rules()[rid].meta
    return f"module example.com/example\n\ngo {meta.example_go}\n" if meta.example_go else ""


def readme_examples(doc: str) -> list[tuple[str, str, str]]:
    """(rule ID, "bad"|"good", code) for each example block in a README."""
    return [(m.group(1), m.group(2), m.group(3)) for m in EXAMPLE_BLOCK.finditer(doc)]
