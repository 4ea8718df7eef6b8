"""GR401 goroutine-blocked-lock.

A goroutine waiting on a mutex that is never released, or on a WaitGroup whose counter
never reaches zero, is stuck forever with everything it references. Shapes found within
one function (and one or two levels of same-receiver method calls):

- ``mu.Lock()`` with a path to ``return`` (or ``continue`` back to the Lock) that skips
  the ``Unlock`` the function otherwise performs, and no deferred unlock;
- a second ``Lock``/``RLock`` of the same mutex while it is held (directly or in a method
  of the same receiver the function calls), including ``RLock`` then ``Lock``;
- ``RLock`` then a recursive ``RLock`` of the same RWMutex when the package also
  write-locks it (a writer queued in between blocks both);
- ``x.M()`` that can return (or leave a loop) still holding ``x.mu``, followed by a call
  that locks ``x.mu`` again (or ``x.M()`` again on the next pass of a loop);
- ``wg.Add`` inside the goroutine it accounts for (``Wait`` can return before it runs);
- a goroutine that can ``return`` before its non-deferred ``wg.Done()``;
- ``c.Wait()`` on an unexported Cond that no code of the package Signals/Broadcasts (and,
  inside ``for cond { Wait }``, whose condition reads state nothing changes); ``wg.Wait()``
  on a WaitGroup with Adds and no Done anywhere;
- a callback run while the lock is held (a func field set by an assignment, a setter or a
  constructor argument, a method value, a func parameter) that locks the same mutex of the
  same object again;
- a lock held across a blocking send whose every receiver must take that lock first (on
  its way to the receive, or in the loop around it; callbacks and getters followed);
- lock order (AB-BA) also through callbacks and interface calls whose implementation the
  package stores in the field;
- an inner mutex waited for while holding an outer one and released only under the outer
  one (``l.Lock(); l.m[k].Lock(); l.Unlock()`` + ``l.RLock(); l.m[k].Unlock()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.chanflow import RANGE, RECV, SEND, Chan, collect, goroutine_of, in_loop
from goretain.rules.flow import exits_loop_after, loop_header, own_descendants
from goretain.rules.sync_summary import (
    Acq,
    FuncTarget,
    Region,
    acquisitions,
    body_acquisitions,
    body_lock_calls,
    callee,
    decl_of,
    dominates,
    exported_key,
    file_lock_calls,
    func_fields,
    func_value_call,
    func_values,
    key_uses,
    lock_calls,
    maybe_func_value,
    mutex_class,
    regions,
    sync_key,
    target_acquisitions,
    use_context,
)
from goretain.source.package import FuncDecl, Package, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    FUNC_KINDS,
    call_args,
    contains,
    descendants,
    method_calls,
    strip_parens,
    text,
    word_nodes,
    word_offsets,
)

META = RuleMeta(
    id="GR401",
    name="goroutine-blocked-lock",
    category="goroutine-blocked-lock",
    summary="a mutex is not released on some path or locked twice, or a WaitGroup can never reach zero",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs=(
        "Go mutexes are not reentrant and are not released when a function returns. A path "
        "that returns (or continues a loop) while holding the lock, a second `Lock` of a mutex "
        "the goroutine already holds (often through a method call), or an `RLock` followed by "
        "`Lock` of the same RWMutex leaves every goroutine that wants the lock blocked forever. "
        "A WaitGroup whose `Add` runs inside the new goroutine, or whose `Done` is skipped by "
        "an early return (or missing altogether), makes `Wait` return too early or never; a "
        "`Cond.Wait` nobody Signals or Broadcasts never returns. Holding a lock while running a "
        "callback that locks it again, while sending to a goroutine that must take the same "
        "lock before it receives, or while waiting for an inner mutex whose holder needs the "
        "outer lock to release it, blocks both sides forever. Use `defer mu.Unlock()` right "
        "after `Lock`, call callbacks, sends and lock-free helpers after releasing the lock, "
        "`Add` before `go`, `defer wg.Done()` first thing in the goroutine, and Broadcast after "
        "every change of the state a Cond guards."
    ),
    bad=(
        "package p\n\n"
        "import \"sync\"\n\n"
        "type Cache struct {\n"
        "\tmu sync.Mutex\n"
        "\tm  map[string]int\n"
        "}\n\n"
        "func (c *Cache) Get(k string) (int, bool) {\n"
        "\tc.mu.Lock()\n"
        "\tv, ok := c.m[k]\n"
        "\tif !ok {\n"
        "\t\treturn 0, false // still locked\n"
        "\t}\n"
        "\tc.mu.Unlock()\n"
        "\treturn v, true\n"
        "}\n"
    ),
    good=(
        "package p\n\n"
        "import \"sync\"\n\n"
        "type Cache struct {\n"
        "\tmu sync.Mutex\n"
        "\tm  map[string]int\n"
        "}\n\n"
        "func (c *Cache) Get(k string) (int, bool) {\n"
        "\tc.mu.Lock()\n"
        "\tdefer c.mu.Unlock()\n"
        "\tv, ok := c.m[k]\n"
        "\treturn v, ok\n"
        "}\n"
    ),
    fix="defer the Unlock right after Lock; do not call methods that lock the same mutex while holding it",
)

_LOCKS = {"Lock": "Unlock", "RLock": "RUnlock"}
_UNLOCKS = frozenset(_LOCKS.values())


@dataclass(frozen=True)
class LockOp:
    name: str  # Lock, RLock, Unlock, RUnlock
    key: str  # the mutex expression as written: "s.mu", "fr"
    call: Node
    deferred: bool


@register(META)
def check(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    has_lock = [f for f in pkg.files if b"Lock()" in f.src]
    has_wg = [f for f in pkg.files if b".Done()" in f.src and b".Wait()" in f.src]
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
            ops = _lock_ops(pkg, body)
            if ops:
                yield from _missing_unlock(pkg, ctx, fn, body, ops, leaks)
                yield from _double_lock(pkg, ctx, fn, body, ops, summaries)
    if has_lock:
        yield from _lock_order(pkg, ctx)
    if leaks:
        yield from _relock_after_leak(pkg, ctx, list(leaks.values()))
    for f in has_wg:
        yield from _waitgroups(pkg, ctx, f.root)
        yield from _wait_in_spawn_loop(pkg, ctx, f.root)
    yield from _unreleased_waits(pkg, ctx)
    if has_lock:
        yield from _callback_relock(pkg, ctx)
        yield from _held_across_send(pkg, ctx)
        yield from _inner_released_under_outer(pkg, ctx)
        yield from _held_across_wait(pkg, ctx)


# --- lock operations ------------------------------------------------------------------------

def _lock_ops(pkg: Package, body: Node) -> list[LockOp]:
    memo: dict[int, list[LockOp]] = pkg.__dict__.setdefault("_goretain_lock_ops", {})
    got = memo.get(body.id)
    if got is None:
        got = memo[body.id] = _find_lock_ops(pkg, body)
    return got


def _find_lock_ops(pkg: Package, body: Node) -> list[LockOp]:
    out: list[LockOp] = []
    calls = body_lock_calls(pkg, body)
    for call in calls:
        owner = _func_of(call)
        if owner is None or body.parent is None or owner.id != body.parent.id:
            continue  # in a nested function literal

        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None or fn.type != "selector_expression" or call_args(call):
            continue
        name = text(fn.child_by_field_name("field"))
        if name not in _LOCKS and name not in _UNLOCKS:
            continue
        operand = fn.child_by_field_name("operand")
        p = call.parent
        if p is None or p.type not in ("expression_statement", "defer_statement") or not _is_mutex(pkg, operand):
            continue  # a Lock whose result is used is not a sync mutex
        out.append(LockOp(name, text(operand), call, p is not None and p.type == "defer_statement"))
    return out


def _func_of(n: Node) -> Node | None:
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


# --- missing unlock ---------------------------------------------------------------------------

def _missing_unlock(pkg: Package, ctx: RuleContext, fn: Node, body: Node, ops: list[LockOp],
                    leaks: dict[int, tuple[Node, LockOp, Node]]) -> Iterator[Finding]:
    """A Lock whose function can leave (or continue its loop) without the Unlock it
    otherwise performs; ``leaks`` records the function's exits that still hold it."""
    for lk in ops:
        if lk.name not in _LOCKS or lk.deferred:
            continue
        un = _LOCKS[lk.name]
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
            if any(o.call.start_byte < ex.start_byte for o in later):
                continue  # an unlock comes first in the text: judged released (branches are not modelled)
            if ex.type == "continue_statement" and not dominates(lk.call, ex):
                continue
            if ex.type == "break_statement" and (loop is None or any(o.call.start_byte >= loop.end_byte for o in later)):
                continue  # unlocked after the loop
            what = {"continue_statement": "continues the loop (the next pass locks again)",
                    "break_statement": "leaves the loop"}.get(ex.type, "returns")
            if ex.type != "continue_statement":
                leaks.setdefault(fn.id, (fn, lk, ex))
            yield ctx.finding(
                META, pkg, lk.call,
                f"{lk.key}.{lk.name}() is not released when the function {what} at line {ex.start_point[0] + 1}: "
                f"every later {lk.key}.{lk.name}() blocks forever",
                symbol=f"{lk.key}.{lk.name}",
                related=[Related(pkg.location(ex), f"{lk.key} is still locked here")],
                fix=f"call {lk.key}.{un}() before this exit, or `defer {lk.key}.{un}()` right after locking",
            )
            break


def _exits_after(lock: Node, body: Node) -> list[tuple[Node, Node | None]]:
    """Returns, continues of a loop around the lock and breaks out of such a loop after
    ``lock``, each with the loop it leaves or repeats."""
    out: list[tuple[Node, Node | None]] = []
    for n in own_descendants(body, "return_statement", "continue_statement", "break_statement"):
        if n.start_byte <= lock.start_byte:
            continue
        loop: Node | None = None
        if n.type != "return_statement":
            loop = _loop_of(n) if n.type == "continue_statement" else _broken(n)
            if loop is None or not contains(loop, lock) or any(c.type == "label_name" for c in n.named_children):
                continue
        out.append((n, loop))
    return out


def _broken(brk: Node) -> Node | None:
    """The for loop an unlabelled ``break`` leaves (None when it leaves a switch/select)."""
    cur = brk.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        if cur.type in ("expression_switch_statement", "type_switch_statement", "select_statement"):
            return None
        if cur.type == "for_statement":
            return cur
        cur = cur.parent
    return None


def _loop_of(n: Node) -> Node | None:
    cur = n.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        if cur.type == "for_statement":
            return cur
        cur = cur.parent
    return None


# --- double lock --------------------------------------------------------------------------------

def _double_lock(pkg: Package, ctx: RuleContext, fn: Node, body: Node, ops: list[LockOp],
                 summaries: dict[int, set[tuple[str, str]]]) -> Iterator[Finding]:
    recv = _receiver_name(fn)
    handed = {text(strip_parens(c.child_by_field_name("function")).child_by_field_name("operand"))
              for lit in descendants(body, "func_literal") for c in descendants(lit, "call_expression")
              if text(c.child_by_field_name("function")).endswith((".Unlock", ".RUnlock"))}
    for lk in ops:
        if lk.key in handed:
            continue  # another goroutine (or a callback) releases it: a hand-off, not a re-lock
        if lk.name not in _LOCKS or lk.deferred:
            continue
        end = _held_until(lk, ops, body)
        for o in ops:
            if o.key != lk.key or o.name not in _LOCKS or o.deferred or o.call.start_byte <= lk.call.start_byte:
                continue
            if o.call.start_byte >= end or not dominates(lk.call, o.call):
                continue
            if lk.name == "RLock" and o.name == "RLock":
                w = _writer(pkg, lk)  # recursive read locks deadlock with a writer waiting in between
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
                w = _writer(pkg, lk)
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


def _writer(pkg: Package, lk: LockOp) -> Node | None:
    """A write Lock of the mutex ``lk`` read-locks, anywhere in the package."""
    fn = strip_parens(lk.call.child_by_field_name("function"))
    cls = mutex_class(pkg, fn.child_by_field_name("operand")) if fn is not None else None
    if cls is None:
        return None
    return next((r.call for r in regions(pkg) if r.mode == "Lock" and r.cls == cls), None)


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
    un = _LOCKS[lk.name]
    for o in ops:
        if o.key == lk.key and o.name == un and not o.deferred and o.call.start_byte > lk.call.start_byte:
            return o.call.start_byte
    return body.end_byte


def _receiver_name(fn: Node) -> str:
    if fn.type != "method_declaration":
        return ""
    recv = fn.child_by_field_name("receiver")
    for p in descendants(recv, "parameter_declaration") if recv is not None else []:
        n = p.child_by_field_name("name")
        return text(n) if n is not None else ""
    return ""


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
    for o in _lock_ops(pkg, body):
        if o.key == recv or o.key.startswith(recv + "."):
            first.setdefault(o.key[len(recv):], o.name)
    out |= {(r, m) for r, m in first.items() if m in _LOCKS}
    if depth > 1:
        for call in own_descendants(body, "call_expression"):
            target = _same_recv_method(pkg, call, recv)
            if target is not None and target.node.id != fd.node.id:
                out |= {(r, m) for r, m in _locks_in(pkg, target, summaries, depth - 1) if r not in first}
    summaries[fd.node.id] = out
    return out


# --- a call that can return holding the lock, then a call that locks it again ------------------

def _relock_after_leak(pkg: Package, ctx: RuleContext, leaks: list[tuple[Node, LockOp, Node]]) -> Iterator[Finding]:
    """``x.M()`` can return with ``x.mu`` still locked (an exit skips its Unlock); a later
    call on ``x`` that locks ``x.mu`` again, or ``x.M()`` itself on the next pass of a loop,
    blocks this goroutine forever."""
    for fn, lk, ex in leaks:
        recv = _receiver_name(fn)
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
                fix=f"release {lk.key} on every exit of {name} (`defer {lk.key}.{_LOCKS[lk.name]}()`)",
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
    caller = _func_of(call)
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
        if op == key and m in _UNLOCKS:
            return None  # the caller releases it: the lock is handed back on purpose
        if op == key and m in _LOCKS:
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


# --- lock order (AB-BA) -------------------------------------------------------------------------

def _lock_order(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
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
        for a in body_acquisitions(pkg, body, _receiver_name(r.fn), within=(r.call.end_byte, r.end)):
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


# --- Wait inside the loop that starts the goroutines ----------------------------------------------

def _wait_in_spawn_loop(pkg: Package, ctx: RuleContext, root: Node) -> Iterator[Finding]:
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
        fn = _func_of(loop)
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


# --- WaitGroups ----------------------------------------------------------------------------------

def _waitgroups(pkg: Package, ctx: RuleContext, root: Node) -> Iterator[Finding]:
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


__all__ = ["META", "check", "goroutine_of"]


# --- a Cond nobody signals, a WaitGroup nobody marks Done ------------------------------------------

_RELEASERS = {"Cond": ("Signal", "Broadcast"), "WaitGroup": ("Done", "Go")}


def _unreleased_waits(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``c.Wait()`` on a Cond no code of the package can Signal/Broadcast (and whose waited
    state nothing changes), ``wg.Wait()`` on a WaitGroup that gets Adds but no Done: the
    first Wait that blocks never returns. Objects other packages can reach are skipped."""
    for call, operand, kind, key in _wait_calls(pkg):
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
    if kind == "Cond" and not _cond_unreleased(pkg, wait):
        return None
    if kind == "WaitGroup" and not adds:
        return None
    name = text(operand)
    what = ".".join(str(k) for k in key[1:]) if key[0] == "field" else name
    if kind == "Cond":
        msg = (f"{name}.Wait() waits for a Signal or Broadcast on {what} (sync.Cond), but no code of the package "
               f"signals it and nothing changes the state the loop waits for: the goroutine blocks forever")
        fix = f"call {name}.Broadcast() after every change of the waited-for state, error paths included"
        related: list[Related] = []
    else:
        msg = (f"{name}.Wait() waits for {what} (sync.WaitGroup), which gets Add (line {adds[0].start_point[0] + 1}) "
               f"but no Done anywhere in the package: once an Add has run, Wait blocks forever")
        fix = f"call {name}.Done() (deferred) once for every {name}.Add when the counted work finishes"
        related = [Related(pkg.location(adds[0]), "the count is added here")]
    held = _held_at(pkg, wait) if kind == "WaitGroup" else None  # Cond.Wait releases its L (often that mutex)
    if held is not None:
        msg += f", holding {held[0]} (locked at line {held[1].start_point[0] + 1}), so every goroutine that locks it blocks too"
        related.append(Related(pkg.location(held[1]), f"{held[0]} locked here"))
    note, where = _goroutine_note(pkg, wait)
    return ctx.finding(META, pkg, wait, msg + note, symbol=f"{what}.Wait", related=related + where, fix=fix)


def _held_at(pkg: Package, node: Node) -> tuple[str, Node] | None:
    """A mutex (other than a Cond's L) the function holds when ``node`` runs."""
    fn = _func_of(node)
    for r in regions(pkg):
        if fn is not None and r.fn.id == fn.id and r.holds(node) and not r.key.endswith(".L"):
            return r.key, r.call
    return None


def _cond_unreleased(pkg: Package, wait: Node) -> bool:
    """The Wait runs outside a loop (nothing can end it), or in ``for cond { Wait() }``
    whose condition reads only fields nothing in the package ever changes."""
    fn = _func_of(wait)
    loop = in_loop(wait, fn) if fn is not None else None
    if loop is None:
        return True
    head = loop_header(loop)
    if head is None or head.type in ("for_clause", "range_clause"):
        return False
    pairs = _state_fields(pkg, head)
    return pairs is not None and not any(_field_changed(pkg, p) for p in pairs)


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


def _field_changed(pkg: Package, pair: tuple[str, str]) -> bool:
    """Is the field assigned, incremented, passed, address-taken or used as a method
    receiver anywhere in the package?"""
    tname, name = pair
    for f in pkg.files:
        if name.encode() not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [name.encode()]):
            sel = node.parent
            if node.type != "field_identifier" or sel is None or sel.type != "selector_expression":
                continue
            base = pkg.type_of(sel.child_by_field_name("operand")).deref()
            if base.kind == "named" and base.name != tname:
                continue
            p = sel.parent
            while p is not None and p.type == "parenthesized_expression":
                p = p.parent
            if p is None:
                return True
            if p.type in ("binary_expression", "if_statement", "for_statement", "return_statement",
                          "expression_switch_statement", "index_expression"):
                continue
            if p.type == "unary_expression" and text(p.child_by_field_name("operator")) != "&":
                continue
            if p.type == "selector_expression" and (p.parent is None or p.parent.type != "call_expression"):
                continue  # reads a field of it
            return True
    return False


# --- a callback run while the lock is held locks it again ------------------------------------------

def _callback_relock(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
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
            note, where = _goroutine_note(pkg, call)
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
    un = _LOCKS[r.mode]
    for t in func_values(pkg, call.child_by_field_name("function"), 2):
        body = t.node.child_by_field_name("body")
        if t.node.type == "func_literal" and body is not None and any(
                o.name == un and o.key == r.key and not o.deferred for o in _lock_ops(pkg, body)):
            return True
    return False


def _relocking_target(pkg: Package, r: Region, call: Node) -> tuple[FuncTarget, Acq] | None:
    recv = _receiver_name(r.fn)
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


# --- a lock held across a send whose receivers need that lock ----------------------------------------

def _held_across_send(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``mu.Lock(); ch <- v`` (or a same-package call that sends) while every receiver of
    ``ch`` must take ``mu`` before it can receive (it locks ``mu`` on its way to the
    receive, or in the loop around it): the sender waits for a receiver that waits for
    the sender's lock. Buffered channels count only when every receiver is such a loop
    (repeated sends fill the buffer)."""
    sends = _blocking_sends(pkg)
    if not sends:
        return
    by_fn: dict[int, list[tuple[Node, Chan, list[Node]]]] = {}
    for node, c, recvs in sends:
        fn = _func_of(node)
        if fn is not None:
            by_fn.setdefault(fn.id, []).append((node, c, recvs))
    names = {_decl_name(node) for lst in by_fn.values() for node, _c, _r in lst[:1]}
    names.discard("")
    names |= _callers_of(pkg, names)
    reported: set[int] = set()
    for r in regions(pkg):
        lid = _lock_id(pkg, r)
        if lid is None or _handed_off(pkg, r):
            continue
        for site, send, c, recvs in _sends_in_region(pkg, r, by_fn, names):
            if site.id in reported:
                continue
            need = _receivers_need(pkg, c, recvs, lid, r, send)
            if need is None:
                continue
            reported.add(site.id)
            via = "" if site.id == send.id else f" through {pkg.text(site.child_by_field_name('function'))}()"
            recv_op, acq = need
            note, where = _goroutine_note(pkg, site)
            yield ctx.finding(
                META, pkg, site,
                f"sends on {c.name}{via} while holding {r.key} (locked at line {r.call.start_point[0] + 1}), but the "
                f"receiver at line {recv_op.start_point[0] + 1} must lock {r.key} (line {acq.start_point[0] + 1}) before it "
                f"can receive: the sender waits for the receiver, the receiver for the lock, and both block forever{note}",
                symbol=f"{r.key}.{r.mode}->{c.name}",
                related=[Related(pkg.location(r.call), f"{r.key} locked here"),
                         Related(pkg.location(send), "the blocking send"),
                         Related(pkg.location(recv_op), "the only receiver"),
                         Related(pkg.location(acq), "the receiver's goroutine locks it here"), *where],
                fix=f"release {r.key} before sending (copy what the message needs under the lock), "
                    "or send in a select that also watches a stop channel",
            )


_SMALL_BUFFER = 4


def _callers_of(pkg: Package, names: set[str]) -> set[str]:
    """Names of the package's functions whose bodies call one of ``names`` (found by the
    bytes of the names, mapped to the enclosing declaration)."""
    out: set[str] = set()
    words = [n.encode() for n in names]
    for f in pkg.files:
        for off, w in word_offsets(f.src, words):
            if f.src[off + len(w):off + len(w) + 1] != b"(":
                continue
            node = f.root.named_descendant_for_byte_range(off, off + len(w))
            fn = _func_of(node) if node is not None else None
            while fn is not None and fn.type == "func_literal":
                fn = _func_of(fn)
            if fn is not None:
                out.add(text(fn.child_by_field_name("name")))
    return out


def _decl_name(node: Node) -> str:
    fn = _func_of(node)
    if fn is None or fn.type == "func_literal":
        return ""
    return text(fn.child_by_field_name("name"))


def _blocking_sends(pkg: Package) -> list[tuple[Node, Chan, list[Node]]]:
    """Sends that wait alone (not a select with other ways out), each with every receive
    of its channel, for channels whose receivers the package shows."""
    got = getattr(pkg, "_goretain_blocking_sends", None)
    if got is not None:
        return got
    out: list[tuple[Node, Chan, list[Node]]] = []
    if any(b"<-" in f.src for f in pkg.files):
        for c in collect(pkg).chans.values():
            sends = [o.node for o in c.of(SEND) if o.node.id == o.site.id and not o.alternatives]
            if not sends:
                continue
            recvs = _handed_receivers(pkg, c) if c.escapes else [o.node for o in c.of(RECV, RANGE)]
            if recvs:
                out.extend((n, c, recvs) for n in sends)
    pkg._goretain_blocking_sends = out  # type: ignore[attr-defined]
    return out


def _handed_receivers(pkg: Package, c: Chan) -> list[Node] | None:
    """The receives of a field channel that leaves its methods only as an argument of
    same-package functions (directly or through a getter ``func (h *T) Ch() chan X``):
    the callee's receives on that parameter. None when it goes anywhere else."""
    key = c.key
    if not (isinstance(key, tuple) and len(key) == 3 and key[0] == "field"):
        return None
    tname, fname = str(key[1]), str(key[2])
    recorded = {o.node.id for o in c.ops}
    out = [o.node for o in c.of(RECV, RANGE)]
    for f in pkg.files:
        if fname.encode() not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [fname.encode()]):
            sel = node.parent
            if node.type != "field_identifier" or sel is None or sel.type != "selector_expression":
                continue
            base = pkg.type_of(sel.child_by_field_name("operand")).deref()
            if base.kind == "named" and base.name != tname:
                continue
            got = _value_receivers(pkg, sel, recorded, tname)
            if got is None:
                return None
            out.extend(got)
    return out


def _value_receivers(pkg: Package, e: Node, recorded: set[int], tname: str, depth: int = 3) -> list[Node] | None:
    """Receives reached by the channel value ``e`` (a field selector, a getter call, a
    local alias): [] for uses that receive nothing (operations recorded elsewhere, nil
    checks, stores), None when it escapes."""
    p = e.parent
    while p is not None and p.type == "parenthesized_expression":
        p = p.parent
    if p is None or depth <= 0:
        return None
    if p.id in recorded or p.type == "binary_expression":
        return []
    if p.type == "argument_list" and p.parent is not None:
        call = p.parent
        if call.id in recorded or text(call.child_by_field_name("function")) in ("len", "cap"):
            return []
        return _param_receivers(pkg, call, e)
    if p.type == "expression_list" and p.parent is not None:
        st = p.parent
        left = st.child_by_field_name("left")
        if st.type == "assignment_statement" and left is not None and left.id == p.id:
            return []  # a store into the field: its value is judged where it is made
        if st.type == "return_statement" and e.type == "selector_expression":
            return _getter_receivers(pkg, st, recorded, tname, depth)
        if st.type == "short_var_declaration" and left is not None and len(left.named_children) == 1:
            b = pkg.resolve(left.named_children[0])
            return _alias_receivers(pkg, b, recorded, tname, depth) if isinstance(b, Binding) else None
    return None


def _getter_receivers(pkg: Package, ret: Node, recorded: set[int], tname: str, depth: int) -> list[Node] | None:
    fn = _func_of(ret)
    fd = decl_of(pkg, fn) if fn is not None else None
    if fd is None or fd.recv_type != tname:
        return None
    out: list[Node] = []
    for f in pkg.files:
        if fd.name.encode() + b"(" not in f.src:
            continue
        for call in method_calls(f.root, f.src, [fd.name.encode()]):
            target = callee(pkg, call)
            if target is None:
                return None
            if target is not fd:
                continue  # another type's method of that name
            got = _value_receivers(pkg, call, recorded, tname, depth - 1)
            if got is None:
                return None
            out.extend(got)
    return out


def _alias_receivers(pkg: Package, b: Binding, recorded: set[int], tname: str, depth: int) -> list[Node] | None:
    fn = b.func
    body = fn.child_by_field_name("body") if fn is not None else None
    if body is None:
        return None
    out: list[Node] = []
    for ident in descendants(body, "identifier"):
        if text(ident) != b.name or ident.id == b.ident.id or pkg.resolve(ident) is not b:
            continue
        got = _value_receivers(pkg, ident, recorded, tname, depth - 1)
        if got is None:
            return None
        out.extend(got)
    return out


def _param_receivers(pkg: Package, call: Node, arg: Node) -> list[Node] | None:
    """Receives of the same-package callee on the parameter ``arg`` is passed for."""
    target = callee(pkg, call)
    params = target.node.child_by_field_name("parameters") if target is not None else None
    body = target.body if target is not None else None
    if target is None or params is None or body is None:
        return None
    idx = next((i for i, a in enumerate(call_args(call)) if a.id == arg.id or contains(a, arg) and strip_parens(a).id == arg.id), -1)
    names = [n for p in params.named_children if p.type == "parameter_declaration" for n in p.children_by_field_name("name")]
    if idx < 0 or idx >= len(names) or len(names) != len(call_args(call)):
        return None
    b = pkg.resolve(names[idx])
    if not isinstance(b, Binding):
        return None
    out: list[Node] = []
    for ident in own_descendants(body, "identifier"):
        if text(ident) != b.name or ident.id == b.ident.id or pkg.resolve(ident) is not b:
            continue
        p = ident.parent
        while p is not None and p.type == "parenthesized_expression":
            p = p.parent
        if p is None:
            return None
        if p.type == "unary_expression" and text(p.child_by_field_name("operator")) == "<-" or p.type == "range_clause":
            out.append(p)
        elif p.type == "send_statement" and (p.child_by_field_name("channel") or p).id == ident.id or p.type == "binary_expression" or p.type == "argument_list" and text(p.parent.child_by_field_name("function") if p.parent else None) in ("close", "len", "cap"):
            continue
        else:
            return None
    return out


def _lock_id(pkg: Package, r: Region) -> object | None:
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


def _sends_in_region(pkg: Package, r: Region, by_fn: dict[int, list[tuple[Node, Chan, list[Node]]]],
                     names: set[str]) -> Iterator[tuple[Node, Node, Chan, list[Node]]]:
    """(site in r's function, send, channel, receivers) for the blocking sends r's lock is
    held across: in the function itself or in same-package callees (two levels)."""
    for node, c, recvs in by_fn.get(r.fn.id, ()):
        if r.holds(node):
            yield node, node, c, recvs
    src = pkg.file_of(r.call).src
    if not names or not any(n.encode() + b"(" in src[r.call.end_byte:r.end] for n in names):
        return
    for call in _named_calls(pkg, r.fn, names):
        if r.holds(call):
            for node, c, recvs in _callee_sends(pkg, call, by_fn, names, 2):
                yield call, node, c, recvs


def _named_calls(pkg: Package, fn: Node, names: set[str]) -> list[Node]:
    body = fn.child_by_field_name("body")
    out: list[Node] = []
    for call in own_descendants(body, "call_expression") if body is not None else []:
        if call.parent is not None and call.parent.type in ("go_statement", "defer_statement"):
            continue
        f = strip_parens(call.child_by_field_name("function"))
        if text(f.child_by_field_name("field") if f is not None and f.type == "selector_expression" else f) in names:
            out.append(call)
    return out


def _callee_sends(pkg: Package, call: Node, by_fn: dict[int, list[tuple[Node, Chan, list[Node]]]],
                  names: set[str], depth: int) -> Iterator[tuple[Node, Chan, list[Node]]]:
    target = callee(pkg, call)
    if target is None:
        return
    for node, c, recvs in by_fn.get(target.node.id, ()):
        if not isinstance(c.key, Binding):  # a local of the callee is another channel per call
            yield node, c, recvs
    if depth > 1:
        for inner in _named_calls(pkg, target.node, names):
            yield from _callee_sends(pkg, inner, by_fn, names, depth - 1)


def _receivers_need(pkg: Package, c: Chan, recvs: list[Node], lid: object, r: Region, send: Node) -> tuple[Node, Node] | None:
    """(a receive, the lock it waits behind) when every receive of ``c`` can only run after
    its goroutine locks ``lid``; None when some receiver does not need the lock."""
    if c.cap < 0 or c.cap > _SMALL_BUFFER:
        return None  # a buffer sized at run time or generously: the sends are meant to fit
    first: tuple[Node, Node] | None = None
    for node in recvs:
        if contains(r.fn, node):
            return None  # received by the locking function itself: not this shape
        acq = _lock_before(pkg, node, lid, r.mode, c.cap != 0, c.make, goroutine_of(send))
        if acq is None:
            return None
        first = first or (node, acq)
    return first


def _lock_before(pkg: Package, recv: Node, lid: object, mode: str, loops_only: bool, made: Node | None,
                 spawn: Node | None) -> Node | None:
    """Where the goroutine running ``recv`` locks ``lid`` before it reaches ``recv``: on
    the way to it in its function (after it starts the sender's goroutine ``spawn``, when
    it does), or anywhere in the loop around it (when the channel outlives one pass)."""
    fn = _func_of(recv)
    body = fn.child_by_field_name("body") if fn is not None else None
    if fn is None or body is None:
        return None
    loop = in_loop(recv, fn)
    if loop is not None and made is not None and contains(loop, made):
        loop = None  # a new channel every pass
    if loops_only and loop is None:
        return None
    for site, amode in _acquire_sites(pkg, fn, body, lid):
        if mode == "RLock" and amode == "RLock":
            continue
        if loop is not None and contains(loop, site):
            return site
        after_spawn = spawn is None or not contains(fn, spawn) or site.start_byte > spawn.end_byte
        if site.end_byte <= recv.start_byte and dominates(site, recv) and not loops_only and after_spawn:
            return site
    return None


def _acquire_sites(pkg: Package, fn: Node, body: Node, lid: object) -> Iterator[tuple[Node, str]]:
    """Calls of ``fn`` that lock ``lid``: directly, through same-package calls, or through a
    function value (a callback field or parameter)."""
    for name, operand, call, deferred in lock_calls(pkg, body):
        if name in _LOCKS and not deferred and _acq_id(pkg, operand) == lid:
            yield call, name
    if not isinstance(lid, str):
        return  # a local mutex is only locked where it is visible
    for a in body_acquisitions(pkg, body, _receiver_name(fn), 3):
        if a.cls == lid and a.site.id != a.node.id:
            yield a.site, a.mode
    for call in own_descendants(body, "call_expression"):
        if func_value_call(pkg, call):
            for t in func_values(pkg, call.child_by_field_name("function")):
                a2 = next((a for a in target_acquisitions(pkg, t) if a.cls == lid), None)
                if a2 is not None:
                    yield call, a2.mode
                    break


# --- an inner lock taken under an outer one, released only after taking the outer one ---------------

def _inner_released_under_outer(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
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
            if name in _UNLOCKS and r.call.end_byte <= call.start_byte < r.end and dominates(r.call, call):
                x = _inner_class(pkg, operand)
                if x is not None and x != r.cls:
                    releases.setdefault(x, []).append((r, call))
    if not releases:
        return
    for r in regs:
        if r.mode != "Lock":
            continue
        body = r.fn.child_by_field_name("body")
        ops = _lock_ops(pkg, body) if body is not None else []
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
            note, where = _goroutine_note(pkg, o.call)
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


# --- which goroutine runs a finding -------------------------------------------------------------

def _goroutine_note(pkg: Package, node: Node) -> tuple[str, list[Related]]:
    """A message suffix and related location naming the ``go`` statement that starts the
    goroutine running ``node`` (directly, or one or two same-package calls down)."""
    g = goroutine_of(node)
    if g is None:
        fn = _func_of(node)
        while fn is not None and fn.type == "func_literal":
            fn = _func_of(fn)
        name = text(fn.child_by_field_name("name")) if fn is not None else ""
        names = {name} if name else set()
        for _level in range(2):
            g = _go_calling(pkg, names)
            if g is not None or not names:
                break
            names = _callers_of(pkg, names) - names
    if g is None:
        return "", []
    line = g.start_point[0] + 1
    return (f" (in the goroutine started at line {line})",
            [Related(pkg.location(g), "the goroutine that blocks is started here")])


def _go_calling(pkg: Package, names: set[str]) -> Node | None:
    """A go statement whose function, or a call in its func literal, is one of ``names``."""
    gos: list[Node] | None = getattr(pkg, "_goretain_go_stmts", None)
    if gos is None:
        gos = [g for f in pkg.files if b"go " in f.src for g in descendants(f.root, "go_statement")]
        pkg._goretain_go_stmts = gos  # type: ignore[attr-defined]
    for direct in (True, False):
        for g in gos:
            call = g.named_children[0] if g.named_children else None
            fn = strip_parens(call.child_by_field_name("function")) if call is not None and call.type == "call_expression" else None
            if fn is None or (fn.type == "func_literal") == direct:
                continue
            calls = [c for c in own_descendants(fn, "call_expression")
                     if c.parent is None or c.parent.type != "go_statement"] if not direct else [call]
            for c in calls:
                f = strip_parens(c.child_by_field_name("function"))
                if text(f.child_by_field_name("field") if f is not None and f.type == "selector_expression" else f) in names:
                    return g
    return None


# --- waiting (receive, wg.Wait) while holding a lock the waker must take first -------------------

def _held_across_wait(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``mu.Lock(); wg.Wait()`` while every goroutine that would call ``wg.Done()`` must
    lock ``mu`` first: the waiter holds the lock its waker needs, and both block forever.
    (The same shape with a channel receive is GR202's.)"""
    waits = [(call, operand, key) for call, operand, kind, key in _wait_calls(pkg) if kind == "WaitGroup" and key is not None]
    if not waits:
        return
    by_fn: dict[int, list[Region]] = {}
    for r in regions(pkg):
        by_fn.setdefault(r.fn.id, []).append(r)
    for call, operand, key in waits:
        fn = _func_of(call)
        held = [r for r in by_fn.get(fn.id, ()) if r.holds(call)] if fn is not None else []
        if not held:
            continue
        dones = _done_calls(pkg, key)
        for r in held if dones else []:
            lid = _lock_id(pkg, r)
            need = _wakers_need(pkg, dones, lid, r) if lid is not None and not _handed_off(pkg, r) else None
            if need is None:
                continue
            waker, acq = need
            note, where = _goroutine_note(pkg, call)
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


def _wait_calls(pkg: Package) -> list[tuple[Node, Node, str, tuple[object, ...] | None]]:
    """(call, operand, "Cond"/"WaitGroup", sync_key) for the package's ``x.Wait()`` on a
    sync.Cond or sync.WaitGroup (found once, shared by the Wait checks)."""
    got = getattr(pkg, "_goretain_wait_calls", None)
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
    pkg._goretain_wait_calls = out  # type: ignore[attr-defined]
    return out


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
        if contains(r.fn, node) and _func_of(node) is not None and _func_of(node).id == r.fn.id:
            return None  # the waiting function wakes itself: another shape
        acq = _lock_before_waker(pkg, node, deferred, lid, r.mode)
        if acq is None:
            return None
        first = first or (node, acq)
    return first


def _lock_before_waker(pkg: Package, node: Node, deferred: bool, lid: object, mode: str) -> Node | None:
    fn = _func_of(node)
    body = fn.child_by_field_name("body") if fn is not None else None
    if fn is None or body is None:
        return None
    loop = in_loop(node, fn)
    for site, amode in _acquire_sites(pkg, fn, body, lid):
        if mode == "RLock" and amode == "RLock":
            continue
        if deferred or (loop is not None and contains(loop, site)):
            return site  # a deferred wake runs after everything the function does
        if site.end_byte <= node.start_byte and dominates(site, node):
            return site
    return None


def _handed_off(pkg: Package, r: Region) -> bool:
    """Does a func literal of r's function (another goroutine, a callback) unlock r's mutex
    without locking it first (the lock is handed over)?"""
    body = r.fn.child_by_field_name("body")
    if body is None:
        return False
    un = _LOCKS[r.mode]
    calls = [(name, _func_of(call), call) for name, operand, call, _d in _all_lock_calls(pkg, body) if text(operand) == r.key]
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
