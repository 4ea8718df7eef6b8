"""GR401: a goroutine locking a mutex it still holds across a call boundary, after a method
that returned with it locked, or in a callback it runs while holding it."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chanflow import in_loop
from goretain.rules.flow import exits_loop_after, own_descendants
from goretain.rules.lock_goroutine import goroutine_note
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import LOCKS, UNLOCKS, LockOp, func_of, lock_ops, receiver_name
from goretain.rules.sync_summary import (
    Acq,
    FuncTarget,
    Region,
    acquisitions,
    callee,
    dominates,
    func_fields,
    func_value_call,
    func_values,
    maybe_func_value,
    regions,
    target_acquisitions,
)
from goretain.source.package import Package
from goretain.source.syntax import contains, method_calls, strip_parens, text

# --- a call that can return holding the lock, then a call that locks it again ------------------

def relock_after_leak(pkg: Package, ctx: RuleContext, leaks: list[tuple[Node, LockOp, Node]]) -> Iterator[Finding]:
    """``x.M()`` can return with ``x.mu`` still locked (an exit skips its Unlock); a later
    call on ``x`` that locks ``x.mu`` again, or ``x.M()`` itself on the next pass of a loop,
    blocks this goroutine forever."""
    for fn, lk, ex in leaks:
        recv = receiver_name(fn)
        if not recv or not (lk.key == recv or lk.key.startswith(recv + ".")):
            continue
        rel = lk.key[len(recv):]
        name = text(fn.child_by_field_name("name"))
        for call in _calls_named(pkg, name):
            target = callee(pkg, call)
            p = call.parent
            if target is None or target.node.id != fn.id or (p is not None and p.type in ("go_statement", "defer_statement")):
                continue
            found = _relock_site(pkg, call, rel)
            if found is None:
                continue
            at, key = found
            again = "runs again on the next pass of this loop" if at.id == call.id else "locks it again"
            yield ctx.finding(
                META, pkg, at,
                f"{pkg.text(call.child_by_field_name('function'))}() can return with {key} still locked "
                f"(line {ex.start_point[0] + 1} skips the Unlock), and {pkg.text(at.child_by_field_name('function'))}() "
                f"{again}: this goroutine blocks forever",
                symbol=f"{key}.{lk.name}",
                related=[Related(pkg.location(lk.call), f"{lk.key} locked here"),
                         Related(pkg.location(ex), f"returns with {lk.key} still locked")],
                fix=f"release {lk.key} on every exit of {name} (`defer {lk.key}.{LOCKS[lk.name]}()`)",
            )


def _calls_named(pkg: Package, name: str) -> list[Node]:
    """Method calls ``x.name(...)`` of the package, found by their bytes."""
    out: list[Node] = []
    for f in pkg.files:
        if name.encode() + b"(" in f.src:
            out.extend(method_calls(f.root, f.src, [name.encode()]))
    return out


def _relock_site(pkg: Package, call: Node, rel: str) -> tuple[Node, str] | None:
    """Where the goroutine locks ``base + rel`` again after ``call`` (``base.M()``)."""
    sel = strip_parens(call.child_by_field_name("function"))
    caller = func_of(call)
    body = caller.child_by_field_name("body") if caller is not None else None
    if sel is None or caller is None or body is None:
        return None
    base = text(sel.child_by_field_name("operand"))
    key = base + rel
    for c in own_descendants(body, "call_expression"):
        if c.start_byte <= call.end_byte or not dominates(call, c):
            continue
        f = strip_parens(c.child_by_field_name("function"))
        if f is None or f.type != "selector_expression":
            continue
        op = text(f.child_by_field_name("operand"))
        m = text(f.child_by_field_name("field"))
        if op == key and m in UNLOCKS:
            return None  # the caller releases it: the lock is handed back on purpose
        if op == key and m in LOCKS:
            return c, key
        if op != base or (c.parent is not None and c.parent.type in ("go_statement", "defer_statement")):
            continue
        t2 = callee(pkg, c)
        if t2 is not None and t2.recv_name and any(a.key == t2.recv_name + rel for a in acquisitions(pkg, t2)):
            return c, key
    loop = in_loop(call, caller)
    if loop is not None and not exits_loop_after(call, loop):
        return call, key
    return None


# --- a callback run while the lock is held locks it again ------------------------------------------

def callback_relock(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``s.mu.Lock(); s.onEvent()`` where the function stored in ``s.onEvent`` (by an
    assignment, a setter, a constructor argument) or passed as a parameter locks ``s.mu``
    itself: the goroutine waits for the lock it holds."""
    fields = func_fields(pkg)
    calls_of: dict[int, list[Node]] = {}
    for r in regions(pkg):
        if r.cls is None:
            continue
        body = r.fn.child_by_field_name("body")
        if body is None:
            continue
        calls = calls_of.get(body.id)
        if calls is None:
            calls = calls_of[body.id] = [c for c in own_descendants(body, "call_expression") if maybe_func_value(c, fields)]
        held = [c for c in calls if r.holds(c)]
        for call in held:
            if (call.parent is not None and call.parent.type in ("go_statement", "defer_statement")) or not func_value_call(pkg, call):
                continue
            if any(_unlocks_through(pkg, r, c) for c in held if c.start_byte < call.start_byte):
                break  # released first by a closure: `unlock := func() { mu.Unlock() }; unlock()`
            hit = _relocking_target(pkg, r, call)
            if hit is None:
                continue
            target, acq = hit
            fn_text = pkg.text(call.child_by_field_name("function"))
            note, where = goroutine_note(pkg, call)
            yield ctx.finding(
                META, pkg, call,
                f"{fn_text}() runs {_describe(target)} (passed in at line {target.site.start_point[0] + 1}), which locks "
                f"{acq.key} again while this goroutine holds {r.key} (line {r.call.start_point[0] + 1}): Go mutexes are not "
                f"reentrant, so it blocks forever{note}",
                symbol=f"{r.key}.{r.mode}",
                related=[Related(pkg.location(r.call), f"{r.key} locked here"),
                         Related(pkg.location(target.site), "the callback is installed here"),
                         Related(pkg.location(acq.node), "the callback locks it here"), *where],
                fix=f"call {fn_text}() after releasing {r.key}, or give the callback a variant that expects the lock to be held",
            )
            break


def _unlocks_through(pkg: Package, r: Region, call: Node) -> bool:
    """Does the function value ``call`` runs release ``r``'s mutex?"""
    un = LOCKS[r.mode]
    for t in func_values(pkg, call.child_by_field_name("function"), 2):
        body = t.node.child_by_field_name("body")
        if t.node.type == "func_literal" and body is not None and any(
                o.name == un and o.key == r.key and not o.deferred for o in lock_ops(pkg, body)):
            return True
    return False


def _relocking_target(pkg: Package, r: Region, call: Node) -> tuple[FuncTarget, Acq] | None:
    recv = receiver_name(r.fn)
    rel = r.key[len(recv):] if recv and (r.key == recv or r.key.startswith(recv + ".")) else None
    for t in func_values(pkg, call.child_by_field_name("function")):
        for a in target_acquisitions(pkg, t):
            if a.cls != r.cls or (r.mode == "RLock" and a.mode == "RLock"):
                continue
            same = (a.key == t.owner + rel) if t.owner is not None and rel is not None else (
                a.key == r.key and t.owner is None and contains(r.fn, t.node))
            if same:
                return t, a
    return None


def _describe(t: FuncTarget) -> str:
    if t.node.type == "func_literal":
        return f"the func literal of line {t.node.start_point[0] + 1}"
    return f"{text(t.node.child_by_field_name('name'))}"
