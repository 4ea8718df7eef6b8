"""GR401: lock shapes that need a loop or a helper call to see.

- ``for ... { mu.Lock(); defer mu.Unlock(); ... }`` on a mutex that is the same on every
  pass: the deferred Unlock only runs when the function returns, so the second pass
  locks a mutex this goroutine still holds (a per-iteration mutex piling up is GR301's);
- ``s := m.lockShard(k)`` where the same-package helper returns ``s`` with ``s.mu``
  locked: the call is a Lock of ``s.mu`` for the missing-unlock check.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.flow import exits_loop_after, own_descendants, trip_bound
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import LOCKS, LockOp, func_of, lock_ops, receiver_name, writer_of
from goretain.rules.sync_summary import (
    body_lock_calls,
    callee,
    dominates,
    file_lock_calls,
)
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    FUNC_KINDS,
    contains,
    descendants,
    expr_list,
    strip_parens,
    text,
    word_offsets,
)

# --- a deferred unlock in a loop that locks the same mutex on every pass ---------------------------

def relock_next_pass(pkg: Package, ctx: RuleContext, body: Node, ops: list[LockOp]) -> Iterator[Finding]:
    """``mu.Lock(); defer mu.Unlock()`` inside a loop whose passes all lock the same mutex:
    the second pass blocks on the lock the first one still holds."""
    for d in ops:
        if not d.deferred or d.name in LOCKS:
            continue
        loop = _loop_around(d.call, body)
        if loop is None:
            continue
        lk = next((o for o in ops if o.key == d.key and not o.deferred and LOCKS.get(o.name) == d.name
                   and contains(loop, o.call) and dominates(o.call, d.call)), None)
        if lk is None or _released_in(ops, lk, loop) or exits_loop_after(_stmt(d.call), loop):
            continue
        bound = trip_bound(pkg, loop)
        if (bound is not None and bound <= 1) or _varies(pkg, lk.call, loop):
            continue
        if lk.name == "RLock":
            writer = writer_of(pkg, lk)
            if writer is None:
                continue  # read locks pile up but nothing waits in between
            why = (f"a writer's Lock (line {writer.start_point[0] + 1}) queued after the first pass blocks the next "
                   f"RLock, and the writer waits for the read locks this goroutine still holds")
        else:
            why = "Go mutexes are not reentrant, so the second pass blocks forever"
        verb = "read-locks" if lk.name == "RLock" else "locks"
        yield ctx.finding(
            META, pkg, lk.call,
            f"{lk.key}.{lk.name}() runs on every pass of the loop (line {loop.start_point[0] + 1}), but the deferred "
            f"{d.key}.{d.name}() only runs when the function returns: the next pass {verb} {lk.key} again while this "
            f"goroutine still holds it; {why}",
            symbol=f"{lk.key}.{lk.name}",
            related=[Related(pkg.location(d.call), "deferred until the function returns"),
                     Related(pkg.location(loop), "the loop that locks it again")],
            fix=f"call {d.key}.{d.name}() at the end of each pass (or move the loop body into its own function)",
        )


def _loop_around(node: Node, body: Node) -> Node | None:
    cur = node.parent
    while cur is not None and cur.id != body.id and cur.type not in FUNC_KINDS:
        if cur.type == "for_statement":
            return cur
        cur = cur.parent
    return None


def _stmt(call: Node) -> Node:
    p = call.parent
    return p if p is not None else call


def _released_in(ops: list[LockOp], lk: LockOp, loop: Node) -> bool:
    """A plain unlock of the same mutex later in the loop (the defer is then something else)."""
    un = LOCKS[lk.name]
    return any(o.key == lk.key and o.name == un and not o.deferred and contains(loop, o.call)
               and o.call.start_byte > lk.call.start_byte for o in ops)


def _varies(pkg: Package, call: Node, loop: Node) -> bool:
    """Can the mutex expression of ``call`` name another mutex on the next pass (it reads a
    variable declared or assigned in the loop, or calls something)?"""
    fn = strip_parens(call.child_by_field_name("function"))
    operand = fn.child_by_field_name("operand") if fn is not None else None
    if operand is None:
        return True
    if descendants(operand, "call_expression"):
        return True
    idents = [operand] if operand.type == "identifier" else descendants(operand, "identifier")
    assigned: set[str] | None = None
    for ident in idents:
        b = pkg.resolve(ident)
        if not isinstance(b, Binding):
            continue
        if contains(loop, b.ident):
            return True
        if assigned is None:
            assigned = _assigned_names(loop)
        if b.name in assigned:
            return True
    return False


def _assigned_names(loop: Node) -> set[str]:
    """Root names assigned anywhere in the loop (header included)."""
    out: set[str] = set()
    for a in own_descendants(loop, "assignment_statement", "range_clause"):
        for left in expr_list(a.child_by_field_name("left")):
            root = strip_parens(left)
            while root is not None and root.type in ("selector_expression", "index_expression"):
                root = strip_parens(root.child_by_field_name("operand"))
            if root is not None and root.type == "identifier":
                out.add(text(root))
    return out



# --- a helper that returns its result locked ---------------------------------------------------------

def helper_lock_ops(pkg: Package, body: Node) -> list[LockOp]:
    """``s := h(...)`` in ``body`` where the same-package ``h`` returns ``s`` locked, as a
    Lock of ``s.mu`` (the mutex path the helper locks on its result)."""
    helpers = _locking_helpers(pkg)
    if not helpers:
        return []
    raw = body.text or b""
    if not any(n.encode() + b"(" in raw for n in helpers):
        return []
    out: list[LockOp] = []
    base = body.start_byte
    for off, word in word_offsets(raw, [n.encode() for n in helpers]):
        if raw[off + len(word):off + len(word) + 1] != b"(":
            continue
        node = body.named_descendant_for_byte_range(base + off, base + off + len(word))
        call = node.parent if node is not None else None
        if call is not None and call.type == "selector_expression":
            call = call.parent
        if call is None or call.type != "call_expression":
            continue
        target = callee(pkg, call)
        rel = helpers.get(word.decode(), {}).get(target.node.id) if target is not None else None
        got = _bound_to(call)
        if rel is None or got is None:
            continue
        out.append(LockOp("Lock", got + rel[0], call, False, via=text(call)))
    return out


def _bound_to(call: Node) -> str | None:
    """The variable ``v`` of ``v := call`` / ``v = call`` (one value on each side)."""
    lst = call.parent
    st = lst.parent if lst is not None and lst.type == "expression_list" else None
    if st is None or st.type not in ("short_var_declaration", "assignment_statement"):
        return None
    left = expr_list(st.child_by_field_name("left"))
    right = expr_list(st.child_by_field_name("right"))
    if len(left) != 1 or len(right) != 1 or right[0].id != call.id or left[0].type != "identifier":
        return None
    return text(left[0])


def _locking_helpers(pkg: Package) -> dict[str, dict[int, tuple[str]]]:
    """Name -> {declaration node id: (mutex path,)} for package functions that lock a mutex
    of the value they return (``s.mu.Lock(); return s``) and never unlock anything."""
    got = pkg.memo.get("lock_loops.locking_helpers")
    if got is not None:
        return got
    out: dict[str, dict[int, tuple[str]]] = {}
    seen: set[int] = set()
    for f in pkg.files:
        if b".Lock()" not in f.src:
            continue
        for call in file_lock_calls(pkg, f.root):
            fn = func_of(call)
            if fn is None or fn.id in seen or fn.type not in ("function_declaration", "method_declaration"):
                continue
            seen.add(fn.id)
            rel = _returned_locked(pkg, fn)
            if rel is not None:
                out.setdefault(text(fn.child_by_field_name("name")), {})[fn.id] = (rel,)
    pkg.memo["lock_loops.locking_helpers"] = out
    return out


def _returned_locked(pkg: Package, fn: Node) -> str | None:
    """".mu" when every return of ``fn`` returns the one local ``s`` whose ``s.mu`` it
    locked before on the straight path, and it unlocks nothing."""
    body = fn.child_by_field_name("body")
    if body is None:
        return None
    calls = body_lock_calls(pkg, body)
    if len(calls) != 1:
        return None  # an unlock anywhere (closures included), or several locks
    locks = [o for o in lock_ops(pkg, body) if o.name == "Lock" and not o.deferred]
    if len(locks) != 1:
        return None
    lk = locks[0]
    root, _, rest = lk.key.partition(".")
    if not rest or root == receiver_name(fn) or "(" in rest or "[" in rest:
        return None
    if pkg.file_of(fn).src.find(b"return " + root.encode(), lk.call.end_byte, body.end_byte) < 0:
        return None  # cheap test before the query: it never returns the locked value
    rets = own_descendants(body, "return_statement")
    for r in rets:
        vals = [c for c in r.named_children if c.type != "comment"]
        if len(vals) == 1 and vals[0].type == "expression_list":
            vals = [c for c in vals[0].named_children if c.type != "comment"]
        if len(vals) != 1 or text(vals[0]) != root or not dominates(lk.call, r):
            return None
    return "." + rest
