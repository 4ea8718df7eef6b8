"""GR401: ``Wait`` calls on a sync.Cond or sync.WaitGroup that nothing can wake: no
Signal/Broadcast or Done anywhere, or every waker must first take a lock the waiter holds."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chanflow import in_loop
from goretain.rules.flow import loop_header, own_descendants
from goretain.rules.lock_goroutine import goroutine_note
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import func_of
from goretain.rules.lock_sites import acquire_sites, handed_off, lock_id
from goretain.rules.sync_summary import (
    Region,
    callee,
    dominates,
    exported_key,
    key_uses,
    regions,
    sync_key,
    use_context,
)
from goretain.source.package import Package, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    contains,
    descendants,
    method_calls,
    strip_parens,
    text,
    up,
)

_RELEASERS = {"Cond": ("Signal", "Broadcast"), "WaitGroup": ("Done", "Go")}


def wait_calls(pkg: Package) -> list[tuple[Node, Node, str, tuple[object, ...] | None]]:
    """(call, operand, "Cond"/"WaitGroup", sync_key) for the package's ``x.Wait()`` on a
    sync.Cond or sync.WaitGroup (found once, shared by the Wait checks)."""
    got = pkg.memo.get("lock_waits.wait_calls")
    if got is not None:
        return got
    out: list[tuple[Node, Node, str, tuple[object, ...] | None]] = []
    for f in pkg.files:
        if b".Wait()" not in f.src:
            continue
        for call in method_calls(f.root, f.src, [b"Wait"]):
            sel = strip_parens(call.child_by_field_name("function"))
            operand = sel.child_by_field_name("operand") if sel is not None else None
            if call_args(call) or operand is None:
                continue
            t = pkg.type_of(operand).deref()
            if t.kind == "named" and t.pkg == "sync" and t.name in _RELEASERS:
                out.append((call, operand, t.name, sync_key(pkg, operand)))
    pkg.memo["lock_waits.wait_calls"] = out
    return out


# --- a Cond nobody signals, a WaitGroup nobody marks Done ------------------------------------------

def unreleased_waits(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``c.Wait()`` on a Cond no code of the package can Signal/Broadcast (and whose waited
    state nothing changes, or only other functions change under a lock), ``wg.Wait()`` on a WaitGroup that gets Adds but no Done: the
    first Wait that blocks never returns. Objects other packages can reach are skipped."""
    for call, operand, kind, key in wait_calls(pkg):
        if key is None or exported_key(key):
            continue
        found = _unreleased(pkg, ctx, call, operand, key, kind)
        if found is not None:
            yield found


def _unreleased(pkg: Package, ctx: RuleContext, wait: Node, operand: Node, key: tuple[object, ...], kind: str) -> Finding | None:
    adds: list[Node] = []
    for use in key_uses(pkg, key):
        how, at = use_context(use)
        if how == "escape" or at is None:
            return None  # passed, copied or its address taken: other code may release it
        if how in ("field", "store"):
            continue
        name = text(at.child_by_field_name("field") if how == "value" else
                    strip_parens(at.child_by_field_name("function")).child_by_field_name("field"))
        if name in _RELEASERS[kind]:
            return None
        if name == "Add":
            args = call_args(at) if how == "method" else []
            if how == "value" or not args or not text(args[0]).isdigit():
                return None  # Add(-1) or Add(n) of an unknown sign releases too
            adds.append(at)
    writes = _cond_unreleased(pkg, wait) if kind == "Cond" else []
    if writes is None:
        return None
    if kind == "WaitGroup" and not adds:
        return None
    name = text(operand)
    what = ".".join(str(k) for k in key[1:]) if key[0] == "field" else name
    if kind == "Cond":
        if writes:
            msg = (f"{name}.Wait() waits for a Signal or Broadcast on {what} (sync.Cond), but no code of the package "
                   f"signals it: {text(writes[0])} changes at line {writes[0].start_point[0] + 1} under a lock, yet a Cond "
                   f"has no spurious wakeups, so the waiter never re-checks the state and blocks forever")
        else:
            msg = (f"{name}.Wait() waits for a Signal or Broadcast on {what} (sync.Cond), but no code of the package "
                   f"signals it and nothing changes the state the loop waits for: the goroutine blocks forever")
        fix = f"call {name}.Broadcast() after every change of the waited-for state, error paths included"
        related: list[Related] = [Related(pkg.location(w), "the waited-for state changes here, without a Signal")
                                  for w in writes[:2]]
    else:
        msg = (f"{name}.Wait() waits for {what} (sync.WaitGroup), which gets Add (line {adds[0].start_point[0] + 1}) "
               f"but no Done anywhere in the package: once an Add has run, Wait blocks forever")
        fix = f"call {name}.Done() (deferred) once for every {name}.Add when the counted work finishes"
        related = [Related(pkg.location(adds[0]), "the count is added here")]
    held = _held_at(pkg, wait) if kind == "WaitGroup" else None  # Cond.Wait releases its L (often that mutex)
    if held is not None:
        msg += f", holding {held[0]} (locked at line {held[1].start_point[0] + 1}), so every goroutine that locks it blocks too"
        related.append(Related(pkg.location(held[1]), f"{held[0]} locked here"))
    note, where = goroutine_note(pkg, wait)
    return ctx.finding(META, pkg, wait, msg + note, symbol=f"{what}.Wait", related=related + where, fix=fix)


def _held_at(pkg: Package, node: Node) -> tuple[str, Node] | None:
    """A mutex (other than a Cond's L) the function holds when ``node`` runs."""
    fn = func_of(node)
    for r in regions(pkg):
        if fn is not None and r.fn.id == fn.id and r.holds(node) and not r.key.endswith(".L"):
            return r.key, r.call
    return None


def _cond_unreleased(pkg: Package, wait: Node) -> list[Node] | None:
    """None when a Wait nobody signals may still be fine; otherwise the changes of the
    waited-for state that would need a Signal ([] when nothing changes it). The Wait runs
    outside a loop (nothing can end it), or in ``for cond { Wait() }`` whose condition reads
    fields nothing changes, or that other functions change under a lock (concurrently with
    the waiter, which no Signal wakes to re-check). Set-before-waiting code is left alone."""
    fn = func_of(wait)
    loop = in_loop(wait, fn) if fn is not None else None
    if loop is None:
        return []
    head = loop_header(loop)
    if head is None or head.type in ("for_clause", "range_clause"):
        return None
    pairs = _state_fields(pkg, head)
    if pairs is None:
        return None
    changes = [n for p in sorted(pairs) for n in _field_changes(pkg, p)]
    if not changes:
        return []
    concurrent = [n for n in changes if _locked_elsewhere(pkg, n, fn)]
    return concurrent or None


def _locked_elsewhere(pkg: Package, node: Node, waiter: Node | None) -> bool:
    """Does ``node`` run in another function than ``waiter``, holding a mutex?"""
    fn = func_of(node)
    if fn is None or (waiter is not None and fn.id == waiter.id):
        return False
    return any(r.fn.id == fn.id and r.holds(node) for r in regions(pkg))


def _state_fields(pkg: Package, cond: Node) -> set[tuple[str, str]] | None:
    """(type, field) pairs a loop condition reads, itself or in a same-package function it
    calls (None when it reads something else that may change: a local, a call we cannot see)."""
    out: set[tuple[str, str]] = set()
    for n in [cond, *descendants(cond, "selector_expression", "identifier", "call_expression")]:
        if n.type == "call_expression":
            if text(n.child_by_field_name("function")) in ("len", "cap"):
                continue
            target = callee(pkg, n)
            if target is None or target.body is None:
                return None
            for r in own_descendants(target.body, "return_statement"):
                for sel in descendants(r, "selector_expression"):
                    if _field_pair(pkg, sel, out) is None:
                        return None
        elif n.type == "selector_expression" and not (n.parent is not None and n.parent.type == "call_expression"):
            if _field_pair(pkg, n, out) is None:
                return None
        elif n.type == "identifier" and isinstance(pkg.resolve(n), (Binding, VarDecl)) and (
                n.parent is None or n.parent.type != "selector_expression"):
            return None
    return out or None


def _field_pair(pkg: Package, sel: Node, out: set[tuple[str, str]]) -> bool | None:
    if sel.parent is not None and sel.parent.type == "call_expression":
        return True  # a method call: its receiver's fields were judged by the caller
    base = pkg.type_of(sel.child_by_field_name("operand")).deref()
    if base.kind != "named" or base.pkg:
        return None
    out.add((base.name, text(sel.child_by_field_name("field"))))
    return True


def _field_changes(pkg: Package, pair: tuple[str, str]) -> list[Node]:
    """Where the field is assigned, incremented, passed, address-taken or used as a method
    receiver anywhere in the package (the selector expressions)."""
    tname, name = pair
    out: list[Node] = []
    for sel in pkg.field_selectors(tname, name):
        p = up(sel)
        if p is not None and p.type in ("binary_expression", "if_statement", "for_statement", "return_statement",
                                        "expression_switch_statement", "index_expression"):
            continue
        if p is not None and p.type == "unary_expression" and text(p.child_by_field_name("operator")) != "&":
            continue
        if p is not None and p.type == "selector_expression" and (p.parent is None or p.parent.type != "call_expression"):
            continue  # reads a field of it
        out.append(sel)
    return out


# --- waiting (receive, wg.Wait) while holding a lock the waker must take first -------------------

def held_across_wait(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``mu.Lock(); wg.Wait()`` while every goroutine that would call ``wg.Done()`` must
    lock ``mu`` first: the waiter holds the lock its waker needs, and both block forever.
    (The same shape with a channel receive is GR202's.)"""
    waits = [(call, operand, key) for call, operand, kind, key in wait_calls(pkg) if kind == "WaitGroup" and key is not None]
    if not waits:
        return
    by_fn: dict[int, list[Region]] = {}
    for r in regions(pkg):
        by_fn.setdefault(r.fn.id, []).append(r)
    for call, operand, key in waits:
        fn = func_of(call)
        held = [r for r in by_fn.get(fn.id, ()) if r.holds(call)] if fn is not None else []
        if not held:
            continue
        dones = _done_calls(pkg, key)
        for r in held if dones else []:
            lid = lock_id(pkg, r)
            need = _wakers_need(pkg, dones, lid, r) if lid is not None and not handed_off(pkg, r) else None
            if need is None:
                continue
            waker, acq = need
            note, where = goroutine_note(pkg, call)
            yield ctx.finding(
                META, pkg, call,
                f"{text(operand)}.Wait() waits while holding {r.key} (locked at line {r.call.start_point[0] + 1}), but the "
                f"goroutine that would call Done (line {waker.start_point[0] + 1}) must lock {r.key} first (line "
                f"{acq.start_point[0] + 1}): the waiter holds the lock its waker needs, and both block forever{note}",
                symbol=f"{r.key}.{r.mode}->{text(operand)}.Wait",
                related=[Related(pkg.location(r.call), f"{r.key} locked here"),
                         Related(pkg.location(waker), "the Done that never comes"),
                         Related(pkg.location(acq), "the goroutine locks it here"), *where],
                fix=f"release {r.key} before {text(operand)}.Wait(), or let the goroutines finish without {r.key}",
            )
            break


def _done_calls(pkg: Package, key: tuple[object, ...]) -> list[tuple[Node, bool]] | None:
    """The Done calls of a WaitGroup (None when it escapes or is released another way)."""
    out: list[tuple[Node, bool]] = []
    for use in key_uses(pkg, key):
        how, at = use_context(use)
        if how == "escape" or at is None or how == "value":
            return None
        if how != "method":
            continue
        name = text(strip_parens(at.child_by_field_name("function")).child_by_field_name("field"))
        if name == "Done":
            out.append((at, _is_deferred(at)))
        elif name == "Go" or (name == "Add" and not all(text(a).isdigit() for a in call_args(at))):
            return None
    return out


def _is_deferred(node: Node) -> bool:
    p = node.parent
    return p is not None and p.type == "defer_statement"


def _wakers_need(pkg: Package, wakers: list[tuple[Node, bool]], lid: object, r: Region) -> tuple[Node, Node] | None:
    """(a waker, its lock) when every waker must lock ``lid`` before it wakes the waiter."""
    first: tuple[Node, Node] | None = None
    for node, deferred in wakers:
        if contains(r.fn, node) and func_of(node) is not None and func_of(node).id == r.fn.id:
            return None  # the waiting function wakes itself: another shape
        acq = _lock_before_waker(pkg, node, deferred, lid, r.mode)
        if acq is None:
            return None
        first = first or (node, acq)
    return first


def _lock_before_waker(pkg: Package, node: Node, deferred: bool, lid: object, mode: str) -> Node | None:
    fn = func_of(node)
    body = fn.child_by_field_name("body") if fn is not None else None
    if fn is None or body is None:
        return None
    loop = in_loop(node, fn)
    for site, amode in acquire_sites(pkg, fn, body, lid):
        if mode == "RLock" and amode == "RLock":
            continue
        if deferred or (loop is not None and contains(loop, site)):
            return site  # a deferred wake runs after everything the function does
        if site.end_byte <= node.start_byte and dominates(site, node):
            return site
    return None
