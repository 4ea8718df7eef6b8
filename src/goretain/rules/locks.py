"""GR401 goroutine-blocked-lock.

A goroutine waiting on a mutex that is never released, or on a WaitGroup whose counter
never reaches zero, is stuck forever with everything it references. Shapes found within
one function (and one or two levels of same-receiver method calls):

- ``mu.Lock()`` with a path to ``return`` (or ``continue`` back to the Lock) that skips
  the ``Unlock`` the function otherwise performs, and no deferred unlock (unlocks in
  other branches that return right after them do not release this path);
- a ``Close``/``Stop``/``Shutdown`` method writing state under a Cond's lock with no
  Signal/Broadcast while another method waits on the Cond in a loop (``lock_closewake``);
- a second ``Lock``/``RLock`` of the same mutex while it is held (directly or in a method
  of the same receiver the function calls), including ``RLock`` then ``Lock``, and
  ``mu.Lock(); defer mu.Unlock()`` in a loop that locks the same mutex on every pass;
- ``s := m.lockShard(k)`` (a helper returning ``s`` with ``s.mu`` locked) counts as a
  Lock of ``s.mu`` for the missing-unlock check;
- ``RLock`` then a recursive ``RLock`` of the same RWMutex when the package also
  write-locks it (a writer queued in between blocks both);
- ``x.M()`` that can return (or leave a loop) still holding ``x.mu``, followed by a call
  that locks ``x.mu`` again (or ``x.M()`` again on the next pass of a loop);
- ``wg.Add`` inside the goroutine it accounts for (``Wait`` can return before it runs);
- a goroutine (a func literal, or a same-package function ``go worker(&wg)`` runs) that
  can ``return`` before its non-deferred ``wg.Done()``;
- ``wg.Add(len(xs))`` before a loop over ``xs`` whose pass can ``continue``/``break``
  before the ``go`` statement it counts;
- ``c.Wait()`` on an unexported Cond that no code of the package Signals/Broadcasts (and,
  inside ``for cond { Wait }``, whose condition reads state nothing changes or that other
  functions change under a lock); ``wg.Wait()`` on a WaitGroup with Adds and no Done anywhere;
- a callback run while the lock is held (a func field set by an assignment, a setter or a
  constructor argument, a method value, a func parameter) that locks the same mutex of the
  same object again;
- a lock held across a blocking send whose every receiver must take that lock first (on
  its way to the receive, or in the loop around it; callbacks and getters followed);
- lock order (AB-BA) also through callbacks and interface calls whose implementation the
  package stores in the field;
- an inner mutex waited for while holding an outer one and released only under the outer
  one (``l.Lock(); l.m[k].Lock(); l.Unlock()`` + ``l.RLock(); l.m[k].Unlock()``).

This module registers the rule, runs every check and holds the per-function ones (missing
unlock, double lock); the other shapes live in ``lock_*`` modules: ``lock_ops`` (the lock
operation model), ``lock_loops`` (deferred unlocks in loops, locking helpers), ``lock_relock``, ``lock_order``, ``lock_waitgroups``, ``lock_waits``,
``lock_sends`` (with ``lock_receivers`` and ``lock_sites``), ``lock_goroutine``; the rule's
metadata is in ``lock_meta``.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext, register
from goretain.rules.chanflow import goroutine_of
from goretain.rules.flow import broken_loop, enclosing_loop, own_descendants
from goretain.rules.lock_closewake import close_without_wake
from goretain.rules.lock_condwait import lost_wakeups
from goretain.rules.lock_loops import helper_lock_ops, relock_next_pass
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import LOCKS, LockOp, lock_ops, receiver_name, writer_of
from goretain.rules.lock_order import inner_released_under_outer, lock_order
from goretain.rules.lock_relock import callback_relock, relock_after_leak
from goretain.rules.lock_sends import held_across_send
from goretain.rules.lock_waitgroups import add_count_skipped, wait_in_spawn_loop, waitgroups
from goretain.rules.lock_waits import held_across_wait, unreleased_waits
from goretain.rules.sync_summary import dominates, file_lock_calls, stmt_of
from goretain.source.package import FuncDecl, Package
from goretain.source.syntax import FUNC_KINDS, contains, descendants, strip_parens, text

__all__ = ["META", "check", "goroutine_of"]


@register(META)
def check(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    has_lock = [f for f in pkg.files if b"Lock()" in f.src]
    any_done = any(b".Done()" in f.src for f in pkg.files)
    has_wg = [f for f in pkg.files if b".Wait()" in f.src] if any_done else []
    if not has_lock and not has_wg:
        return
    summaries: dict[int, set[tuple[str, str]]] = {}
    leaks: dict[int, tuple[Node, LockOp, Node]] = {}
    for f in has_lock:
        funcs: dict[int, Node] = {}
        for call in file_lock_calls(pkg, f.root):
            fn = call.parent
            while fn is not None and fn.type not in FUNC_KINDS:
                fn = fn.parent
            if fn is not None:
                funcs.setdefault(fn.id, fn)
        for fn in sorted(funcs.values(), key=lambda n: n.start_byte):
            body = fn.child_by_field_name("body")
            if body is None:
                continue
            ops = lock_ops(pkg, body)
            if ops:
                helped = helper_lock_ops(pkg, body)
                merged = sorted(ops + helped, key=lambda o: o.call.start_byte) if helped else ops
                yield from _missing_unlock(pkg, ctx, fn, body, merged, leaks)
                yield from _double_lock(pkg, ctx, fn, body, ops, summaries)
                yield from relock_next_pass(pkg, ctx, body, ops)
    if has_lock:
        yield from lock_order(pkg, ctx)
    if leaks:
        yield from relock_after_leak(pkg, ctx, list(leaks.values()))
    for f in has_wg:
        literals = b".Done()" in f.src
        if literals or b"go " in f.src:
            yield from waitgroups(pkg, ctx, f.root, literals=literals)
        yield from wait_in_spawn_loop(pkg, ctx, f.root)
        if b".Add(" in f.src:
            yield from add_count_skipped(pkg, ctx, f.root, f.src)
    yield from unreleased_waits(pkg, ctx)
    if any(b".Signal()" in f.src or b".Broadcast()" in f.src for f in pkg.files):
        yield from lost_wakeups(pkg, ctx)
    if has_lock and any(b".Wait()" in f.src for f in pkg.files):
        yield from close_without_wake(pkg, ctx)
    if has_lock:
        yield from callback_relock(pkg, ctx)
        yield from held_across_send(pkg, ctx)
        yield from inner_released_under_outer(pkg, ctx)
        yield from held_across_wait(pkg, ctx)


# --- missing unlock ---------------------------------------------------------------------------

def _missing_unlock(pkg: Package, ctx: RuleContext, fn: Node, body: Node, ops: list[LockOp],
                    leaks: dict[int, tuple[Node, LockOp, Node]]) -> Iterator[Finding]:
    """A Lock whose function can leave (or continue its loop) without the Unlock it
    otherwise performs; ``leaks`` records the function's exits that still hold it."""
    for lk in ops:
        if lk.name not in LOCKS or lk.deferred:
            continue
        un = LOCKS[lk.name]
        same = [o for o in ops if o.key == lk.key and o.name == un]
        if not same or any(o.deferred for o in same):
            continue
        if any(o.call.start_byte < lk.call.start_byte for o in same):
            continue  # re-locked after an unlock: the function hands the lock back locked
        later = [o for o in same if o.call.start_byte > lk.call.start_byte]
        if not later:
            continue
        for ex, loop in _exits_after(lk.call, body):
            if not dominates(lk.call, ex) and ex.type != "continue_statement":
                continue
            before = [o.call for o in later if o.call.start_byte < ex.start_byte]
            if before and not _skips_dead_end_unlocks(before, ex, later):
                continue  # an unlock that may run before this exit: judged released
            if ex.type == "continue_statement" and not dominates(lk.call, ex):
                continue
            if ex.type == "break_statement" and (loop is None or any(o.call.start_byte >= loop.end_byte for o in later)):
                continue  # unlocked after the loop
            what = {"continue_statement": "continues the loop (the next pass locks again)",
                    "break_statement": "leaves the loop"}.get(ex.type, "returns")
            if ex.type != "continue_statement" and not lk.via:
                leaks.setdefault(fn.id, (fn, lk, ex))
            locked = f"{lk.via} returns with {lk.key} locked, which" if lk.via else f"{lk.key}.{lk.name}()"
            yield ctx.finding(
                META, pkg, lk.call,
                f"{locked} is not released when the function {what} at line {ex.start_point[0] + 1}: "
                f"every later {lk.key}.{lk.name}() blocks forever",
                symbol=f"{lk.key}.{lk.name}",
                related=[Related(pkg.location(ex), f"{lk.key} is still locked here")],
                fix=f"call {lk.key}.{un}() before this exit, or `defer {lk.key}.{un}()` right after locking",
            )
            break


def _skips_dead_end_unlocks(before: list[Node], ex: Node, later: list[LockOp]) -> bool:
    """Every unlock ahead of ``ex`` sits in a branch that returns right after it (so it never
    reaches ``ex``), while the function also unlocks after ``ex`` on its fall-through path:
    ``Lock; if a { Unlock; return }; if b { return }; Unlock`` leaves ``b``'s return locked."""
    if not any(o.call.start_byte > ex.end_byte for o in later):
        return False  # no unlock after the exit: the function may hand the lock back on purpose
    return all(_dead_end(u, ex) for u in before)


def _dead_end(unlock: Node, ex: Node) -> bool:
    stmt = stmt_of(unlock)
    block = stmt.parent
    if block is None or contains(block, ex):
        return False
    seen = False
    for s in block.named_children:
        if seen and s.type == "return_statement":
            return True
        if seen and s.type in ("if_statement", "for_statement", "labeled_statement", "goto_statement",
                               "expression_switch_statement", "type_switch_statement", "select_statement"):
            return False  # a re-lock or a jump may hide in there: stay quiet
        seen = seen or s.id == stmt.id
    return False


def _exits_after(lock: Node, body: Node) -> list[tuple[Node, Node | None]]:
    """Returns, continues of a loop around the lock and breaks out of such a loop after
    ``lock``, each with the loop it leaves or repeats."""
    out: list[tuple[Node, Node | None]] = []
    for n in own_descendants(body, "return_statement", "continue_statement", "break_statement"):
        if n.start_byte <= lock.start_byte:
            continue
        loop: Node | None = None
        if n.type != "return_statement":
            loop = enclosing_loop(n) if n.type == "continue_statement" else broken_loop(n)
            if loop is None or not contains(loop, lock) or any(c.type == "label_name" for c in n.named_children):
                continue
        out.append((n, loop))
    return out






# --- double lock --------------------------------------------------------------------------------

def _double_lock(pkg: Package, ctx: RuleContext, fn: Node, body: Node, ops: list[LockOp],
                 summaries: dict[int, set[tuple[str, str]]]) -> Iterator[Finding]:
    recv = receiver_name(fn)
    handed = {text(strip_parens(c.child_by_field_name("function")).child_by_field_name("operand"))
              for lit in descendants(body, "func_literal") for c in descendants(lit, "call_expression")
              if text(c.child_by_field_name("function")).endswith((".Unlock", ".RUnlock"))}
    for lk in ops:
        if lk.key in handed:
            continue  # another goroutine (or a callback) releases it: a hand-off, not a re-lock
        if lk.name not in LOCKS or lk.deferred:
            continue
        end = _held_until(lk, ops, body)
        for o in ops:
            if o.key != lk.key or o.name not in LOCKS or o.deferred or o.call.start_byte <= lk.call.start_byte:
                continue
            if o.call.start_byte >= end or not dominates(lk.call, o.call):
                continue
            if lk.name == "RLock" and o.name == "RLock":
                w = writer_of(pkg, lk)  # recursive read locks deadlock with a writer waiting in between
                if w is not None:
                    yield _recursive_read(pkg, ctx, lk, o.call, f"{o.key}.{o.name}()", w)
                    break
                continue
            yield _double(pkg, ctx, lk, o.call, f"{o.key}.{o.name}()")
            break
        if not recv or not (lk.key == recv or lk.key.startswith(recv + ".")):
            continue
        rel = lk.key[len(recv):]
        for call in own_descendants(body, "call_expression"):
            if not (lk.call.start_byte < call.start_byte < end) or not dominates(lk.call, call):
                continue
            target = _same_recv_method(pkg, call, recv)
            if target is None:
                continue
            got = _locks_in(pkg, target, summaries, 2)
            hit = next((m for (r, m) in got if r == rel and not (lk.name == "RLock" and m == "RLock")), None)
            if hit is None and lk.name == "Lock":
                hit = next((m for (r, m) in got if r == rel), None)
            if hit is None and lk.name == "RLock" and any(r == rel for (r, _m) in got):
                w = writer_of(pkg, lk)
                if w is not None:
                    what = f"{pkg.text(call.child_by_field_name('function'))}(), which calls {recv}{rel}.RLock()"
                    yield _recursive_read(pkg, ctx, lk, call, what, w)
                    break
            if hit is not None:
                yield _double(pkg, ctx, lk, call, f"{pkg.text(call.child_by_field_name('function'))}(), which calls {recv}{rel}.{hit}()")
                break


def _double(pkg: Package, ctx: RuleContext, lk: LockOp, at: Node, what: str) -> Finding:
    verb = "locks" if lk.name == "Lock" else "read-locks"
    return ctx.finding(
        META, pkg, at,
        f"{what} while this goroutine already {verb} {lk.key}: Go mutexes are not reentrant, so it blocks forever",
        symbol=f"{lk.key}.{lk.name}",
        related=[Related(pkg.location(lk.call), f"{lk.key} locked here")],
        fix=f"release {lk.key} first, or call a variant that expects the lock to be held",
    )



def _recursive_read(pkg: Package, ctx: RuleContext, lk: LockOp, at: Node, what: str, writer: Node) -> Finding:
    return ctx.finding(
        META, pkg, at,
        f"{what} while this goroutine already read-locks {lk.key}: a writer's Lock (line {writer.start_point[0] + 1}) "
        f"waiting in between blocks the second RLock, and the writer waits for the first: both block forever",
        symbol=f"{lk.key}.RLock",
        related=[Related(pkg.location(lk.call), f"{lk.key} read-locked here"),
                 Related(pkg.location(writer), "the writer that can queue in between")],
        fix=f"do not read-lock {lk.key} twice: call a variant that expects the lock to be held",
    )


def _held_until(lk: LockOp, ops: list[LockOp], body: Node) -> int:
    """Byte offset where the lock is released on the straight path (end of body if never)."""
    un = LOCKS[lk.name]
    for o in ops:
        if o.key == lk.key and o.name == un and not o.deferred and o.call.start_byte > lk.call.start_byte:
            return o.call.start_byte
    return body.end_byte


def _same_recv_method(pkg: Package, call: Node, recv: str) -> FuncDecl | None:
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None or fn.type != "selector_expression":
        return None
    operand = fn.child_by_field_name("operand")
    if text(operand) != recv or (call.parent is not None and call.parent.type in ("go_statement", "defer_statement")):
        return None
    return pkg.method_decl(pkg.type_of(operand), text(fn.child_by_field_name("field")))


def _locks_in(pkg: Package, fd: FuncDecl, summaries: dict[int, set[tuple[str, str]]], depth: int) -> set[tuple[str, str]]:
    """(mutex path relative to the receiver, Lock/RLock) that ``fd`` takes before releasing."""
    cached = summaries.get(fd.node.id)
    if cached is not None:
        return cached
    summaries[fd.node.id] = set()
    out: set[tuple[str, str]] = set()
    body = fd.body
    recv = fd.recv_name
    if body is None or not recv:
        return out
    first: dict[str, str] = {}
    for o in lock_ops(pkg, body):
        if o.key == recv or o.key.startswith(recv + "."):
            first.setdefault(o.key[len(recv):], o.name)
    out |= {(r, m) for r, m in first.items() if m in LOCKS}
    if depth > 1:
        for call in own_descendants(body, "call_expression"):
            target = _same_recv_method(pkg, call, recv)
            if target is not None and target.node.id != fd.node.id:
                out |= {(r, m) for r, m in _locks_in(pkg, target, summaries, depth - 1) if r not in first}
    summaries[fd.node.id] = out
    return out
