"""GR401: a shutdown that never wakes the Cond's waiters. ``for cond { c.Wait() }`` in one
method of a type, while its ``Close``/``Stop``/``Shutdown`` method changes the type's state
under the Cond's lock and neither Signals nor Broadcasts: a goroutine parked in the Wait
stays parked after the close (a Cond has no spurious wakeups), with everything it holds."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.flow import enclosing_in_func, own_descendants, unbounded_loop
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import func_of
from goretain.rules.lock_waits import wait_calls
from goretain.rules.sync_summary import Region, callee, exported_key, key_uses, regions, use_context
from goretain.source.package import FuncDecl, Package
from goretain.source.syntax import strip_parens, text

# Methods that end an object's life: their callers expect blocked users to return.
_SHUTDOWN = ("close", "stop", "shutdown")


def close_without_wake(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[int] = set()
    for call, operand, kind, key in wait_calls(pkg):
        if kind != "Cond" or key is None or key[0] != "field" or exported_key(key):
            continue
        waiter = func_of(call)
        if waiter is None or waiter.type != "method_declaration" or not enclosing_in_func(call, frozenset({"for_statement"})):
            continue
        tname = str(key[1])
        if not _wakes_bounded(pkg, key):
            continue
        held = {_rel(r) for r in regions(pkg) if r.fn.id == waiter.id}
        for name, fd in sorted(pkg.methods.get(tname, {}).items()):
            if fd.node.id == waiter.id or fd.node.id in seen or not name.lower().startswith(_SHUTDOWN):
                continue
            write = _write_under_lock(pkg, fd, held)
            if write is None or _wakes(pkg, fd, 2):
                continue
            seen.add(fd.node.id)
            field = text(write.child_by_field_name("left"))
            yield ctx.finding(
                META, pkg, write,
                f"{tname}.{name}() sets {field} under the lock but never calls {text(operand)}.Broadcast(): a goroutine "
                f"parked in {text(operand)}.Wait() (line {call.start_point[0] + 1}) is not woken by the {name.lower()} "
                f"and blocks forever, holding whatever it references",
                symbol=f"{tname}.{name}:nowake",
                related=[Related(pkg.location(call), "waits here; nothing wakes it after the close")],
                confidence=Confidence.MEDIUM,
                fix=f"call {text(operand)}.Broadcast() after changing the state in {name}(), and make the wait loop "
                    f"check it (`for !ready && !closed {{ Wait() }}`)",
            )


def _rel(r: Region) -> str:
    """The mutex path without its root variable (``q.mu`` -> ``mu``)."""
    return r.key.split(".", 1)[1] if "." in r.key else r.key


def _write_under_lock(pkg: Package, fd: FuncDecl, held: set[str]) -> Node | None:
    """The first ``recv.f = ...`` that ``fd`` runs holding a mutex the waiter also holds."""
    body = fd.body
    if body is None or not fd.recv_name or not held:
        return None
    mine = [r for r in regions(pkg) if r.fn.id == fd.node.id and _rel(r) in held]
    if not mine:
        return None
    for st in own_descendants(body, "assignment_statement"):
        left = strip_parens(st.child_by_field_name("left"))
        target = left.named_children[0] if left is not None and left.named_children else None
        if target is None or target.type != "selector_expression":
            continue
        base = target.child_by_field_name("operand")
        if text(base) != fd.recv_name:
            continue
        if any(r.holds(st) for r in mine):
            return st
    return None


def _wakes(pkg: Package, fd: FuncDecl, depth: int) -> bool:
    """Does ``fd`` (or a same-package function it calls) Signal or Broadcast anything?"""
    body = fd.body
    if body is None:
        return True
    src = pkg.file_of(body).src[body.start_byte:body.end_byte]
    if b"Broadcast" in src or b"Signal" in src:
        return True  # any mention: it may wake the waiters some way we do not follow
    if depth <= 0:
        return False
    for c in own_descendants(body, "call_expression"):
        target = callee(pkg, c)
        if target is not None and target.node.id != fd.node.id and _wakes(pkg, target, depth - 1):
            return True
    return False


def _wakes_bounded(pkg: Package, key: tuple[object, ...]) -> bool:
    """Every wakeup of the Cond is a plain call in a named function outside an endless loop
    (a periodic broadcaster, a callback or an escaping Cond could wake the waiters anyway);
    a Cond never woken at all is the unsignalled-Wait check's finding, not this one."""
    woken = False
    for use in key_uses(pkg, key):
        how, at = use_context(use)
        if at is None or how in ("escape", "value"):
            return False
        if how != "method":
            continue
        fn = func_of(at)
        if fn is None or fn.type == "func_literal":
            return False
        if any(unbounded_loop(pkg, lp) is not None for lp in enclosing_in_func(at, frozenset({"for_statement"}))):
            return False
        sel = strip_parens(at.child_by_field_name("function"))
        woken = woken or text(sel.child_by_field_name("field") if sel is not None else None) in ("Signal", "Broadcast")
    return woken
