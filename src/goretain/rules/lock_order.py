"""GR401: deadlocks from the order two mutexes are taken in: AB-BA, and an inner mutex
waited for under an outer one that its releaser must take first."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.lock_goroutine import goroutine_note
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import UNLOCKS, lock_ops, receiver_name
from goretain.rules.sync_summary import (
    Acq,
    Region,
    body_acquisitions,
    dominates,
    lock_calls,
    mutex_class,
    regions,
)
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import strip_parens, text

# --- lock order (AB-BA) -------------------------------------------------------------------------

def lock_order(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """Two mutex classes locked in opposite orders (directly or through same-package calls):
    two goroutines taking them at the same time each wait for the other forever."""
    regs = regions(pkg)
    if len({r.key for r in regs}) < 2:
        return
    edges: dict[tuple[str | None, str], list[tuple[Region, Acq]]] = {}
    for r in regs:
        body = r.fn.child_by_field_name("body")
        if body is None:
            continue
        for a in body_acquisitions(pkg, body, receiver_name(r.fn), within=(r.call.end_byte, r.end)):
            if r.cls is not None and a.cls != r.cls and r.holds(a.site):
                edges.setdefault((r.cls, a.cls), []).append((r, a))
    seen: set[int] = set()
    for (a_cls, b_cls), found in sorted(edges.items()):
        back = edges.get((b_cls, a_cls))
        if not back:
            continue
        for r, a in found:
            other = next((o for o in back if not (r.mode == "RLock" and o[1].mode == "RLock")
                          and not (a.mode == "RLock" and o[0].mode == "RLock")), None)
            if other is None or a.site.id in seen:
                continue
            seen.add(a.site.id)
            o_r, o_a = other
            via = "" if a.site.id == a.node.id else f" (through {pkg.text(a.site.child_by_field_name('function'))}())"
            yield ctx.finding(
                META, pkg, a.site,
                f"locks {b_cls}{via} while holding {r.key} ({a_cls}), but line {o_a.site.start_point[0] + 1} locks "
                f"{a_cls} while holding {b_cls}: two goroutines taking them in opposite orders block each other forever",
                symbol=f"{a_cls}<->{b_cls}",
                related=[Related(pkg.location(r.call), f"{r.key} locked here"),
                         Related(pkg.location(a.node), f"{b_cls} locked here"),
                         Related(pkg.location(o_a.site), f"{a_cls} locked here while {b_cls} is held")],
                fix="always lock the two mutexes in one order, or release one before taking the other",
            )


# --- an inner lock taken under an outer one, released only after taking the outer one ---------------

def inner_released_under_outer(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``l.Lock(); l.m[k].Lock(); l.Unlock()`` (the inner mutex stays locked on return)
    while the function that unlocks ``l.m[k]`` first locks ``l``: a goroutine waiting for
    the inner mutex holds ``l``, and the holder of the inner mutex needs ``l`` to release it."""
    regs = [r for r in regions(pkg) if r.cls is not None]
    if len(regs) < 2:
        return
    releases: dict[str, list[tuple[Region, Node]]] = {}
    for r in regs:
        body = r.fn.child_by_field_name("body")
        for name, operand, call, _deferred in lock_calls(pkg, body) if body is not None else []:
            if name in UNLOCKS and r.call.end_byte <= call.start_byte < r.end and dominates(r.call, call):
                x = _inner_class(pkg, operand)
                if x is not None and x != r.cls:
                    releases.setdefault(x, []).append((r, call))
    if not releases:
        return
    for r in regs:
        if r.mode != "Lock":
            continue
        body = r.fn.child_by_field_name("body")
        ops = lock_ops(pkg, body) if body is not None else []
        for o in ops:
            if o.name != "Lock" or o.deferred or not r.holds(o.call) or o.key == r.key:
                continue
            if any(u.key == o.key and u.name == "Unlock" for u in ops):
                continue  # released in this function: not held past the outer lock
            x = _inner_class(pkg, strip_parens(o.call.child_by_field_name("function")).child_by_field_name("operand"))
            rel = next(((r2, u) for r2, u in releases.get(x or "", ()) if r2.cls == r.cls and r2.fn.id != r.fn.id), None)
            if x is None or rel is None:
                continue
            r2, unlock = rel
            note, where = goroutine_note(pkg, o.call)
            yield ctx.finding(
                META, pkg, o.call,
                f"{o.key}.Lock() waits while holding {r.key} (line {r.call.start_point[0] + 1}), and {o.key} stays locked "
                f"after this function returns; the code that unlocks it (line {unlock.start_point[0] + 1}) first locks "
                f"{r2.key} (line {r2.call.start_point[0] + 1}): a goroutine waiting here keeps the holder from releasing "
                f"{o.key}, and both block forever{note}",
                symbol=f"{r.cls}->{x}",
                related=[Related(pkg.location(r.call), f"{r.key} locked here"),
                         Related(pkg.location(r2.call), f"{r2.key} locked before the release"),
                         Related(pkg.location(unlock), f"{o.key} released here"), *where],
                fix=f"unlock {r.key} before waiting for {o.key} (look the inner mutex up under the lock, then release it)",
            )
            break


def _inner_class(pkg: Package, operand: Node | None) -> str | None:
    """A name for a mutex that may live in a map or slice: ``T.f[]`` for an element of the
    field ``f`` of the package type ``T`` (also through a local bound to such an element),
    else the mutex class."""
    e = strip_parens(operand)
    if e is not None and e.type == "identifier":
        b = pkg.resolve(e)
        if isinstance(b, Binding) and b.kind in ("short", "var") and b.index == 0 and len(b.values) == 1:
            e = strip_parens(b.values[0])  # um, ok := l.m[url]
    if e is not None and e.type == "index_expression":
        base = strip_parens(e.child_by_field_name("operand"))
        if base is not None and base.type == "selector_expression":
            t = pkg.type_of(base.child_by_field_name("operand")).deref()
            if t.kind == "named" and not t.pkg:
                return f"{t.name}.{text(base.child_by_field_name('field'))}[]"
        return None
    return mutex_class(pkg, e)
