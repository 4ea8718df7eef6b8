"""Where a goroutine takes a given mutex (directly, through same-package calls or a
callback) and whether a held lock is handed to another goroutine; shared by the
held-across-send and held-across-wait checks."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.rules.flow import own_descendants
from goretain.rules.lock_ops import LOCKS, func_of, receiver_name
from goretain.rules.sync_summary import (
    Region,
    body_acquisitions,
    body_lock_calls,
    func_value_call,
    func_values,
    lock_calls,
    mutex_class,
    sync_key,
    target_acquisitions,
)
from goretain.source.package import Package
from goretain.source.syntax import call_args, strip_parens, text


def lock_id(pkg: Package, r: Region) -> object | None:
    if r.cls is not None:
        return r.cls
    k = sync_key(pkg, r.operand)
    return k if k is not None and k[0] == "local" else None


def _acq_id(pkg: Package, operand: Node | None) -> object | None:
    cls = mutex_class(pkg, operand)
    if cls is not None:
        return cls
    k = sync_key(pkg, operand)
    return k if k is not None and k[0] == "local" else None


def acquire_sites(pkg: Package, fn: Node, body: Node, lid: object) -> Iterator[tuple[Node, str]]:
    """Calls of ``fn`` that lock ``lid``: directly, through same-package calls, or through a
    function value (a callback field or parameter)."""
    for name, operand, call, deferred in lock_calls(pkg, body):
        if name in LOCKS and not deferred and _acq_id(pkg, operand) == lid:
            yield call, name
    if not isinstance(lid, str):
        return  # a local mutex is only locked where it is visible
    for a in body_acquisitions(pkg, body, receiver_name(fn), 3):
        if a.cls == lid and a.site.id != a.node.id:
            yield a.site, a.mode
    for call in own_descendants(body, "call_expression"):
        if func_value_call(pkg, call):
            for t in func_values(pkg, call.child_by_field_name("function")):
                a2 = next((a for a in target_acquisitions(pkg, t) if a.cls == lid), None)
                if a2 is not None:
                    yield call, a2.mode
                    break


def handed_off(pkg: Package, r: Region) -> bool:
    """Does a func literal of r's function (another goroutine, a callback) unlock r's mutex
    without locking it first (the lock is handed over)?"""
    body = r.fn.child_by_field_name("body")
    if body is None:
        return False
    un = LOCKS[r.mode]
    calls = [(name, func_of(call), call) for name, operand, call, _d in _all_lock_calls(pkg, body) if text(operand) == r.key]
    for name, owner, call in calls:
        if name != un or owner is None or owner.id == r.fn.id:
            continue
        if not any(n2 == r.mode and o2 is not None and o2.id == owner.id and c2.start_byte < call.start_byte
                   for n2, o2, c2 in calls):
            return True
    return False


def _all_lock_calls(pkg: Package, body: Node) -> list[tuple[str, Node, Node, bool]]:
    """(method, operand, call, deferred) of every Lock/Unlock call in ``body``, nested func
    literals included."""
    out: list[tuple[str, Node, Node, bool]] = []
    for call in body_lock_calls(pkg, body):
        fn = strip_parens(call.child_by_field_name("function"))
        p = call.parent
        if fn is not None and fn.type == "selector_expression" and not call_args(call) and p is not None:
            out.append((text(fn.child_by_field_name("field")), fn.child_by_field_name("operand"), call,
                        p.type == "defer_statement"))
    return out
