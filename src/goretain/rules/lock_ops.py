"""The lock-operation model of GR401: which statements lock or unlock which mutex
(``LockOp``, per function body), and the small syntax helpers the lock checks share."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from goretain.rules.sync_summary import body_lock_calls, mutex_class, regions
from goretain.source.package import Package
from goretain.source.syntax import FUNC_KINDS, call_args, descendants, strip_parens, text

LOCKS = {"Lock": "Unlock", "RLock": "RUnlock"}  # lock method -> its release
UNLOCKS = frozenset(LOCKS.values())


@dataclass(frozen=True)
class LockOp:
    name: str  # Lock, RLock, Unlock, RUnlock
    key: str  # the mutex expression as written: "s.mu", "fr"
    call: Node
    deferred: bool
    via: str = ""  # a helper call that returns with the mutex locked ("m.lockShard(k)")


def lock_ops(pkg: Package, body: Node) -> list[LockOp]:
    memo: dict[int, list[LockOp]] = pkg.memo.setdefault("lock_ops.lock_ops", {})
    got = memo.get(body.id)
    if got is None:
        got = memo[body.id] = _find_lock_ops(pkg, body)
    return got


def _find_lock_ops(pkg: Package, body: Node) -> list[LockOp]:
    out: list[LockOp] = []
    calls = body_lock_calls(pkg, body)
    for call in calls:
        owner = func_of(call)
        if owner is None or body.parent is None or owner.id != body.parent.id:
            continue  # in a nested function literal

        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None or fn.type != "selector_expression" or call_args(call):
            continue
        name = text(fn.child_by_field_name("field"))
        if name not in LOCKS and name not in UNLOCKS:
            continue
        operand = fn.child_by_field_name("operand")
        p = call.parent
        if p is None or p.type not in ("expression_statement", "defer_statement") or not _is_mutex(pkg, operand):
            continue  # a Lock whose result is used is not a sync mutex
        out.append(LockOp(name, text(operand), call, p is not None and p.type == "defer_statement"))
    return out


def func_of(n: Node) -> Node | None:
    cur = n.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        cur = cur.parent
    return cur


def _is_mutex(pkg: Package, operand: Node | None) -> bool:
    t = pkg.type_of(operand).deref()
    if t.kind == "named" and t.pkg == "sync":
        return t.name in ("Mutex", "RWMutex")
    if t.kind == "named":
        # A package type embedding a mutex (no Lock method of its own); other packages' types
        # are only mutexes when they are sync's.
        return not t.pkg and pkg.method_decl(t, "Lock") is None and pkg.underlying(t).kind == "struct"
    return t.kind == "unknown"


def receiver_name(fn: Node) -> str:
    if fn.type != "method_declaration":
        return ""
    recv = fn.child_by_field_name("receiver")
    for p in descendants(recv, "parameter_declaration") if recv is not None else []:
        n = p.child_by_field_name("name")
        return text(n) if n is not None else ""
    return ""


def writer_of(pkg: Package, lk: LockOp) -> Node | None:
    """A write Lock of the mutex ``lk`` read-locks, anywhere in the package."""
    fn = strip_parens(lk.call.child_by_field_name("function"))
    cls = mutex_class(pkg, fn.child_by_field_name("operand")) if fn is not None else None
    if cls is None:
        return None
    return next((r.call for r in regions(pkg) if r.mode == "Lock" and r.cls == cls), None)
