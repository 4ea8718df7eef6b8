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
- a goroutine that can ``return`` before its non-deferred ``wg.Done()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.chanflow import goroutine_of, in_loop
from goretain.rules.flow import exits_loop_after, own_descendants
from goretain.rules.sync_summary import (
    Acq,
    Region,
    acquisitions,
    body_acquisitions,
    body_lock_calls,
    callee,
    dominates,
    file_lock_calls,
    mutex_class,
    regions,
)
from goretain.source.package import FuncDecl, Package
from goretain.source.syntax import (
    FUNC_KINDS,
    call_args,
    contains,
    descendants,
    method_calls,
    strip_parens,
    text,
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
        "an early return, makes `Wait` return too early or never. Use `defer mu.Unlock()` right "
        "after `Lock`, call lock-free helpers while holding the lock, `Add` before `go`, and "
        "`defer wg.Done()` first thing in the goroutine."
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
