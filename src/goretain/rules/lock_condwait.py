"""GR401: a lost wakeup. ``c.Wait()`` with no condition at all (no loop, no ``if`` around it)
waits for the *next* Signal/Broadcast, while every Signal/Broadcast of that Cond runs without
holding a lock, a bounded number of times. A signal sent before the waiter parks is lost
(a Cond keeps no state), and once the signaller is done nothing wakes the waiter again."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.flow import enclosing_in_func, unbounded_loop
from goretain.rules.lock_goroutine import goroutine_note
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import func_of
from goretain.rules.lock_waits import wait_calls
from goretain.rules.sync_summary import callee, exported_key, key_uses, regions, use_context
from goretain.source.package import Package
from goretain.source.syntax import strip_parens, text, word_nodes

# Any of these between the Wait and its function is a predicate (or a loop re-waiting).
_GUARDS = frozenset({"if_statement", "for_statement", "expression_switch_statement", "type_switch_statement",
                     "select_statement"})


_DECLS = frozenset({"function_declaration", "method_declaration", "method_elem", "method_spec", "keyed_element",
                    "field_declaration"})


def lost_wakeups(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    for call, operand, kind, key in wait_calls(pkg):
        if kind != "Cond" or key is None or exported_key(key) or enclosing_in_func(call, _GUARDS):
            continue
        signals = _signals(pkg, key)
        if not signals or any(not _unlocked_and_bounded(pkg, s) for s in signals):
            continue
        name = text(operand)
        sig = signals[0]
        what = text(strip_parens(sig.child_by_field_name("function")))
        note, where = goroutine_note(pkg, call)
        yield ctx.finding(
            META, pkg, call,
            f"{name}.Wait() waits, with no condition to check, for the next Signal/Broadcast of this sync.Cond, but "
            f"{what}() (line {sig.start_point[0] + 1}) signals without holding the Cond's lock and only a bounded number of "
            f"times: a signal sent before this goroutine parks is lost, and then nothing wakes it{note}",
            symbol=f"{name}.Wait:lost",
            related=[Related(pkg.location(s), "signals here, without the lock and without recording state")
                     for s in signals[:2]] + where,
            confidence=Confidence.MEDIUM,
            fix=f"record the event in state guarded by {name}.L, set it under the lock before signalling, and wait "
                f"in `for !ready {{ {name}.Wait() }}`",
        )


def _signals(pkg: Package, key: tuple[object, ...]) -> list[Node] | None:
    """The Signal/Broadcast calls of the Cond (None when it escapes or its L is used)."""
    out: list[Node] = []
    for use in key_uses(pkg, key):
        how, at = use_context(use)
        if at is None or how in ("escape", "value"):
            return None
        if how != "method":
            continue  # `c.L` (its Lock/Unlock) and stores are judged through the signals
        m = text(strip_parens(at.child_by_field_name("function")).child_by_field_name("field"))
        if m in ("Signal", "Broadcast"):
            out.append(at)
    return out or None


def _unlocked_and_bounded(pkg: Package, sig: Node) -> bool:
    """The signal runs holding no lock in its function nor at any same-package call of it,
    and not in an endless loop (which would wake a late waiter eventually)."""
    fn = func_of(sig)
    if fn is None or fn.type == "func_literal":
        return False  # a callback: who runs it, and under what, is unknown
    if any(r.fn.id == fn.id and r.holds(sig) for r in regions(pkg)):
        return False
    if any(unbounded_loop(pkg, lp) is not None for lp in enclosing_in_func(sig, frozenset({"for_statement"}))):
        return False
    name = text(fn.child_by_field_name("name")).encode()
    loop_kinds = frozenset({"for_statement"})
    all_regions = regions(pkg)
    for f in pkg.files:
        if name not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [name]):
            if node.parent is not None and node.parent.type in _DECLS:
                continue  # a declaration's own name, an interface's method
            c = _call_of(node)
            if c is None:
                return False  # a method value or func value: it may run anywhere, under any lock
            target = callee(pkg, c)
            if target is not None and target.node.id != fn.id:
                continue  # another function of that name; unresolved calls count (interfaces)
            cfn = func_of(c)
            if cfn is None or any(r.fn.id == cfn.id and r.holds(c) for r in all_regions):
                return False
            if any(unbounded_loop(pkg, lp) is not None for lp in enclosing_in_func(c, loop_kinds)):
                return False
    return True


def _call_of(node: Node) -> Node | None:
    """The call whose callee is ``node`` (``f(...)`` or ``x.f(...)``), else None."""
    fn = node.parent if node.parent is not None and node.parent.type == "selector_expression" else node
    if fn is not node and (fn.child_by_field_name("field") is None or fn.child_by_field_name("field").id != node.id):
        return None
    call = fn.parent
    if call is None or call.type != "call_expression" or (call.child_by_field_name("function") or fn).id != fn.id:
        return None
    return call
