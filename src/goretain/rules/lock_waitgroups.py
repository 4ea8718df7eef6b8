"""GR401: WaitGroup counting mistakes visible in the code that starts the goroutines
(``Add`` inside the counted goroutine, ``Done`` skipped by a return, ``Wait`` in the spawn loop)."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.flow import own_descendants
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import func_of
from goretain.source.package import Package
from goretain.source.syntax import FUNC_KINDS, call_args, contains, descendants, strip_parens, text


def wait_in_spawn_loop(pkg: Package, ctx: RuleContext, root: Node) -> Iterator[Finding]:
    """``wg.Add(n)`` before a loop whose body starts one counted goroutine and then calls
    ``wg.Wait()``: the first pass waits for n Dones with one goroutine started."""
    for loop in descendants(root, "for_statement"):
        body = loop.child_by_field_name("body")
        raw = body.text if body is not None else None
        if body is None or raw is None or b".Wait()" not in raw or b"go " not in raw:
            continue
        waits = [c for c in own_descendants(body, "call_expression") if _wg_call(pkg, c) == "Wait"]
        if not waits:
            continue
        fn = func_of(loop)
        if fn is None:
            continue
        for w in waits:
            key = text(w.child_by_field_name("function").child_by_field_name("operand"))
            adds = [c for c in own_descendants(fn, "call_expression") if _wg_call(pkg, c) == "Add" and _wg_key(c) == key]
            if not adds or any(contains(loop, c) for c in adds):
                continue
            before = [c for c in adds if c.end_byte <= loop.start_byte]
            if not before or any(text(a) == "1" for c in before for a in call_args(c)):
                continue
            spawns = [g for g in own_descendants(body, "go_statement") if g.end_byte <= w.start_byte
                      and any(_wg_call(pkg, c) == "Done" and _wg_key(c) == key for c in descendants(g, "call_expression"))]
            if not spawns:
                continue
            yield ctx.finding(
                META, pkg, w,
                f"{key}.Wait() runs inside the loop that starts the goroutines {key}.Add counted before it: "
                f"the first pass waits for every Done with only one goroutine started, and blocks forever",
                symbol=f"{key}.Wait",
                related=[Related(pkg.location(before[-1]), "the count is added here"),
                         Related(pkg.location(spawns[0]), "one goroutine per pass")],
                fix=f"move {key}.Wait() after the loop",
            )


def _wg_key(call: Node) -> str:
    fn = strip_parens(call.child_by_field_name("function"))
    return text(fn.child_by_field_name("operand")) if fn is not None and fn.type == "selector_expression" else ""


def waitgroups(pkg: Package, ctx: RuleContext, root: Node) -> Iterator[Finding]:
    for g in descendants(root, "go_statement"):
        call = g.named_children[0] if g.named_children else None
        lit = strip_parens(call.child_by_field_name("function")) if call is not None and call.type == "call_expression" else None
        if lit is None or lit.type != "func_literal":
            continue
        body = lit.child_by_field_name("body")
        parent_fn = lit.parent
        while parent_fn is not None and parent_fn.type not in FUNC_KINDS:
            parent_fn = parent_fn.parent
        if body is None or parent_fn is None:
            continue
        waits = [c for c in own_descendants(parent_fn, "call_expression") if _wg_call(pkg, c) == "Wait" and c.start_byte > g.end_byte]
        if not waits:
            continue
        wait_keys = {text(c.child_by_field_name("function").child_by_field_name("operand")) for c in waits}
        calls = own_descendants(body, "call_expression")
        # An Add followed by a go statement counts a goroutine this one starts: fine.
        spawns = [n.start_byte for n in own_descendants(body, "go_statement")]
        for c in calls:
            kind = _wg_call(pkg, c)
            key = text(c.child_by_field_name("function").child_by_field_name("operand")) if kind else ""
            if key not in wait_keys:
                continue
            if kind == "Add" and not any(b > c.start_byte for b in spawns):
                yield ctx.finding(
                    META, pkg, c,
                    f"{key}.Add runs inside the goroutine it counts: {key}.Wait() can return before it, "
                    "or panic when the counter goes negative",
                    symbol=f"{key}.Add", related=[Related(pkg.location(waits[0]), "the Wait")],
                    fix=f"call {key}.Add before the go statement",
                )
            elif kind == "Done" and (c.parent is None or c.parent.type != "defer_statement"):
                early = next((r for r in own_descendants(body, "return_statement") if r.start_byte < c.start_byte), None)
                if early is not None:
                    yield ctx.finding(
                        META, pkg, waits[0],
                        f"{key}.Wait() blocks forever when the goroutine returns at line {early.start_point[0] + 1} "
                        f"without calling {key}.Done()",
                        symbol=f"{key}.Done", related=[Related(pkg.location(early), "Done is skipped here"),
                                                       Related(pkg.location(c), "the only Done")],
                        fix=f"`defer {key}.Done()` as the goroutine's first statement",
                    )


def _wg_call(pkg: Package, call: Node) -> str:
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None or fn.type != "selector_expression":
        return ""
    name = text(fn.child_by_field_name("field"))
    if name not in ("Add", "Done", "Wait"):
        return ""
    t = pkg.type_of(fn.child_by_field_name("operand")).deref()
    return name if t.kind == "named" and t.pkg == "sync" and t.name == "WaitGroup" else ""
