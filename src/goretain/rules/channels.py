"""GR202 goroutine-blocked-channel.

A goroutine blocked on a send or receive whose partner will never come keeps its stack
and everything it references forever. For each channel the package can name (see
``chanflow``) the rule looks for the classic shapes:

- the only receiver waits in a ``select`` with a timeout / ``ctx.Done()`` / other case
  that does not drain the channel: a sender in another goroutine blocks when it loses;
- the receiver sits after an early ``return`` (error path) in the function that started
  the sending goroutine;
- more sends than receives: goroutines started in a loop (or a goroutine that sends
  twice on one path) and a single receive;
- a goroutine ranges over a local channel that nobody closes;
- a channel that nobody ever receives from (or sends to / closes);
- a goroutine waiting on ``<-ctx.Done()`` of a ``context.WithCancel`` over a background
  context whose cancel func is only called after that wait, or never, or is kept only in
  an object every caller drops (``ctxwait``);
- a bare send on an unbuffered field channel whose only receiver is a loop that can leave
  on another signal (a stop/done case, ``ctx.Done()``): after it exits the send blocks;
- a one-shot receive waiting for a goroutine that can ``return`` before its send/close;
- a receive on a field channel (also through a receive-only getter) that nothing in the
  package sends on or closes;
- a bare receive on a field channel whose every sender selects on a cancellation case;
- a buffered channel of a fresh object filled past its capacity, on the straight path
  (also at the start of a method called on it), before any receiver exists;
- sends whose only receive is a one-off non-blocking drain (``select`` with ``default``);
- goroutines (go statements, ``wg.Go``/errgroup tasks) send on a local channel whose only
  receiving loop can leave early: on a received error when several goroutines send, or on a
  ``ctx.Done()`` / timeout / caller's stop case; nothing else drains, so the rest block;
- goroutines send and only then call ``wg.Done()`` (or return from a ``wg.Go`` task) while
  every receive comes after ``wg.Wait()``: the sends and the Wait block each other;
- a goroutine ranges over a field channel that nothing in the package closes, although the
  type has a Close/Stop method;
- a goroutine ranges over a local channel that is closed only on some paths: the function
  that started it (or the goroutine that closes it) can ``return`` before its plain close;
- a generator (a function that makes a channel, starts a goroutine sending on it in a loop
  with bare sends, and returns it) whose caller in the package stops receiving early: a
  return/break out of its range, a select case that leaves its receive loop, one receive.

The finding points at the blocking operation (or, when the operation is in a callee,
at the call inside the goroutine) with the partner or the path that skips it as related.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.chanflow import (
    CLOSE,
    RANGE,
    RECV,
    SEND,
    UNKNOWN_CAP,
    Chan,
    Op,
    collect,
    exits,
    go_statement_of,
    go_targets,
    goroutine_of,
    in_loop,
    never_fed,
    never_fed_case,
    select_of,
)
from goretain.rules.ctxwait import StuckWait, stuck_waits
from goretain.rules.flow import (
    exits_loop_after,
    own_descendants,
    statements_after,
    terminates,
    trip_bound,
)
from goretain.rules.sync_summary import body_acquisitions, callee, dominates, regions, root_of
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    contains,
    descendants,
    expr_list,
    statements,
    strip_parens,
)

META = RuleMeta(
    id="GR202",
    name="goroutine-blocked-channel",
    category="goroutine-blocked-channel",
    summary="a goroutine can block forever on a channel send or receive whose partner may not happen",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs=(
        "A goroutine blocked on a channel operation that no other goroutine will ever complete "
        "is never collected: its stack and everything it references stay in memory. The usual "
        "shapes: the receiver gave up (a `select` with a timeout or `ctx.Done()`, an early "
        "`return` on an error path) so the sender on an unbuffered channel blocks forever; N "
        "goroutines send but only one value is received; a goroutine sends twice; a goroutine "
        "ranges over a channel that is never closed; a channel nobody ever receives from. Give "
        "the channel a buffer as large as the number of sends, select on `ctx.Done()` in the "
        "sender, or close the channel (in a defer) when the producer is done. Also flagged: a "
        "send to a server loop that can exit on a stop/ctx case while callers still send; a "
        "goroutine that returns on an error path before its send or close; a channel field "
        "nobody sends on or closes; a bare receive whose senders all give up on cancellation; "
        "a buffered channel filled past its capacity before its receiver is started; goroutines "
        "started per item whose only receiving loop returns on the first error or on `ctx.Done()` / a "
        "timeout (the rest block: buffer the channel to `len(items)` or use errgroup); senders that "
        "call `wg.Done()` after their send while the receiver waits in `wg.Wait()` before receiving; "
        "a goroutine ranging over a field channel that the type's Close/Stop never closes; a goroutine "
        "ranging over a channel that is closed only at the end of the producer, which can `return` "
        "first (close it in a defer); a generator (returns a channel its goroutine fills with bare "
        "sends) whose caller stops ranging early (pass a ctx/done channel and select on it, or drain)."
    ),
    bad=(
        "package p\n\n"
        "import \"time\"\n\n"
        "func fetch(work func() int) int {\n"
        "\tch := make(chan int)\n"
        "\tgo func() { ch <- work() }()\n"
        "\tselect {\n"
        "\tcase v := <-ch:\n"
        "\t\treturn v\n"
        "\tcase <-time.After(time.Second):\n"
        "\t\treturn 0\n"
        "\t}\n"
        "}\n"
    ),
    good=(
        "package p\n\n"
        "import \"time\"\n\n"
        "func fetch(work func() int) int {\n"
        "\tch := make(chan int, 1) // the sender never blocks\n"
        "\tgo func() { ch <- work() }()\n"
        "\tselect {\n"
        "\tcase v := <-ch:\n"
        "\t\treturn v\n"
        "\tcase <-time.After(time.Second):\n"
        "\t\treturn 0\n"
        "\t}\n"
        "}\n"
    ),
    fix="give the channel a buffer for every send, select on ctx.Done() in the sender, or close the channel when done",
)


@register(META)
def check(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    waits = any(b"WithCancel" in f.src and b"Done()" in f.src for f in pkg.files)
    if waits:
        yield from (_stuck_wait(pkg, ctx, w) for w in stuck_waits(pkg))
    if not any(b"chan" in f.src and (b"go " in f.src or b"go\t" in f.src or b"<-" in f.src) for f in pkg.files):
        return
    table = collect(pkg)
    seen: set[int] = set()
    if any(b"Lock()" in f.src for f in pkg.files):
        for f in _held_while_waiting(pkg, ctx, table.chans.values()):
            seen.add(f.location.line * 1000 + f.location.column)
            yield f
    for f in _overfilled(pkg, ctx):
        seen.add(f.location.line * 1000 + f.location.column)
        yield f
    for c in table.chans.values():
        if c.returned and c.make is not None:
            for f in _generator_abandoned(pkg, ctx, c):
                seen.add(f.location.line * 1000 + f.location.column)
                yield f
        if c.escapes or c.make is None:
            continue
        for f in (*_check_chan(pkg, ctx, c), *_receiver_gone(pkg, ctx, c), *_partner_returns(pkg, ctx, c),
                  *_never_fed(pkg, ctx, c), *_senders_give_up(pkg, ctx, c), *_receiver_quits(pkg, ctx, c),
                  *_wait_before_drain(pkg, ctx, c), *_closed_late(pkg, ctx, c)):
            key = f.location.line * 1000 + f.location.column
            if key not in seen:
                seen.add(key)
                yield f


# --- goroutines -----------------------------------------------------------------------------

def _func_of(n: Node) -> Node | None:
    cur = n.parent
    while cur is not None and cur.type not in ("function_declaration", "method_declaration", "func_literal"):
        cur = cur.parent
    return cur


def _spawned(pkg: Package, c: Chan, o: Op) -> Node | None:
    """The go statement (or the go-started function) running ``o``, None for the maker."""
    g = goroutine_of(o.site)
    if g is not None:
        return g
    if c.local:
        return None
    fn = _func_of(o.site)
    while fn is not None and fn.type == "func_literal":
        fn = _func_of(fn)
    if fn is not None:
        name = fn.child_by_field_name("name")
        if name is not None and pkg.text(name) in go_targets(pkg):
            return fn
    return None


def _blocking(o: Op) -> bool:
    """Waits alone (not a select case with other ways out)."""
    return o.kind == RANGE or o.select is None or not o.alternatives


def _repeats(o: Op, owner: Node | None, fresh: Node | None = None) -> bool:
    """Does the operation run many times (in a loop, or a goroutine started in a loop)?
    A loop that always leaves right after the operation runs it once."""
    stop = owner if owner is not None else _top(o.site)
    if _looping(o.site, stop):
        return True
    if owner is not None and owner.type == "go_statement" and _looping(owner, _func_of(owner) or _top(owner)):
        loop = in_loop(owner, _func_of(owner) or _top(owner))
        return not (fresh is not None and loop is not None and contains(loop, fresh))  # a new channel per pass
    return o.node.id != o.site.id and _looping(o.node, _func_of(o.node) or o.node)


def _looping(n: Node, stop: Node) -> bool:
    loop = in_loop(n, stop)
    return loop is not None and not exits_loop_after(n, loop)


def _top(n: Node) -> Node:
    while n.parent is not None and n.parent.type != "source_file":
        n = n.parent
    return n


def _persistent(o: Op, c: Chan) -> bool:
    """A receiver that keeps receiving: a range, or a receive (or select) in a loop that
    outlives the channel (a loop that makes a fresh channel per pass takes one value)."""
    if o.kind == RANGE:
        return True
    fn = _func_of(o.site)
    if fn is not None and fn.type == "func_literal" and goroutine_of(o.site) is None and not _called_now(fn):
        return True  # a callback: it may run any number of times
    loop = in_loop(o.node, _func_of(o.node) or _top(o.node))
    return loop is not None and not (c.make is not None and contains(loop, c.make))


def _called_now(lit: Node) -> bool:
    """A func literal that is called right where it is written (or deferred)."""
    p = lit.parent
    return p is not None and p.type == "call_expression" and (p.child_by_field_name("function") or p).id == lit.id


def _polls_once(o: Op) -> bool:
    """A non-blocking receive (a select with a default case) that is not repeated by a loop."""
    if o.kind != RECV or o.select is None or not any(a.type == "default_case" for a in o.alternatives):
        return False
    fn = _func_of(o.node)
    return fn is not None and fn.type != "func_literal" and in_loop(o.node, fn) is None


def _drains(alt: Node, c: Chan) -> bool:
    return any(contains(alt, o.node) or contains(alt, o.site) for o in c.ops if o.kind in (RECV, RANGE))


# --- the checks -----------------------------------------------------------------------------

def _check_chan(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    sends = [o for o in c.of(SEND)]
    recvs = [o for o in c.of(RECV, RANGE) if not _polls_once(o)]  # a one-off drain takes one value at most
    closes = c.of(CLOSE)
    for s in sends:
        if not _blocking(s):
            continue
        g = _spawned(pkg, c, s)
        if g is None and not recvs and not c.local:
            g = _func_of(s.site)  # nobody receives at all: whoever calls this blocks
        if g is None:
            continue
        f = _check_send(pkg, ctx, c, s, g, sends, recvs)
        if f is not None:
            yield f
    if closes:
        return
    for r in recvs:
        if not _blocking(r):
            continue
        g = _spawned(pkg, c, r)
        if g is None:
            continue
        f = _check_recv(pkg, ctx, c, r, g, sends)
        if f is not None:
            yield f


def _check_send(pkg: Package, ctx: RuleContext, c: Chan, s: Op, g: Node, sends: list[Op], recvs: list[Op]) -> Finding | None:
    if c.exposed:
        return None  # handed out receive-only: receivers may be anywhere
    partners = [r for r in recvs if not _same_goroutine(r, g)]
    if not partners:
        if recvs:
            return None  # the goroutine receives itself: a pattern we do not model
        if c.cap > 0 and not _repeats(s, g, c.make) and len(sends) <= c.cap:
            return None
        polls = [r for r in c.of(RECV) if _polls_once(r)]
        if polls:
            return _finding(pkg, ctx, c, s, f"goroutine sends on {c.name}, but the only receive is a one-off non-blocking "
                            "drain: once the buffer is full the send blocks forever",
                            [Related(pkg.location(polls[0].node), "the only receive, in a select with a default case")],
                            fix=f"receive from {c.name} in a loop that runs while senders exist, or select on a done channel in the sender")
        return _finding(pkg, ctx, c, s, f"goroutine sends on {c.name} but nothing ever receives from it",
                        [Related(pkg.location(c.make), "channel made here")] if c.make is not None else [])
    if any(_persistent(r, c) for r in partners) or not c.local:
        return None  # field channels: partners in other methods may be retried by their callers
    if c.cap == UNKNOWN_CAP:
        return None
    # Every receiver takes one value: can all of them be skipped, or are there more sends?
    skipped = [_skip_reason(pkg, c, r, g) for r in partners]
    many = _repeats(s, g, c.make)
    if all(skipped) and (c.cap == 0 or many):
        node, why = skipped[0]  # type: ignore[misc]
        return _finding(pkg, ctx, c, s, f"goroutine may block forever sending on {c.name}: the receiver {why}",
                        [Related(pkg.location(node), "the receive is skipped here")])
    if many and len(partners) == 1 and c.cap < _sends_bound(pkg, s, g) and not _conditional(s, g):
        r = partners[0]
        return _finding(pkg, ctx, c, s, f"goroutine is started in a loop and sends on {c.name}, but only one value is received;"
                        " the other senders block forever",
                        [Related(pkg.location(r.node), "the single receive")],
                        fix=f"make {c.name} buffered with one slot per goroutine, or receive in a loop")
    second = _second_send(s, sends, g)
    if second is not None and len(partners) == 1 and c.cap < 2 and s is second:
        return _finding(pkg, ctx, c, s, f"goroutine may send twice on {c.name} on one path, but only one value is received",
                        [Related(pkg.location(partners[0].node), "the single receive")],
                        fix="return after the first send, or give the channel room for both values")
    return None


def _conditional(s: Op, g: Node) -> bool:
    """Is the send guarded by a condition inside its goroutine (maybe only one sender fires)?"""
    cur = s.site.parent
    while cur is not None and cur.id != g.id and cur.type not in ("function_declaration", "method_declaration"):
        if cur.type in ("if_statement", "expression_switch_statement", "select_statement"):
            return True
        cur = cur.parent
    return False


def _sends_bound(pkg: Package, s: Op, g: Node) -> int:
    loop = in_loop(g, _top(g)) if g.type in ("go_statement", "call_expression") else None
    loop = loop or in_loop(s.node, _func_of(s.node) or s.node)
    if loop is None:
        return 1
    n = trip_bound(pkg, loop)
    return 1 << 30 if n is None else n


def _second_send(s: Op, sends: list[Op], g: Node) -> Op | None:
    """``s`` when an earlier send of the same goroutine can reach it on one path."""
    fn = _func_of(s.node)
    for first in sends:
        if first is s or not _same_goroutine(first, g) or not _blocking(first):
            continue
        if first.node.start_byte >= s.node.start_byte or fn is None or _func_of(first.node) is None:
            continue
        if _func_of(first.node).id != fn.id:
            continue
        for st in statements_after(first.node):
            if contains(st, s.node):
                return s
            if terminates(st) or own_descendants(st, "return_statement"):
                break
    return None


def _same_goroutine(o: Op, g: Node) -> bool:
    return contains(g, o.site) or contains(g, o.node)


def _skip_reason(pkg: Package, c: Chan, r: Op, g: Node) -> tuple[Node, str] | None:
    """Why the one-shot receive ``r`` may never run: (where, why), or None."""
    if r.select is not None and r.alternatives:
        for alt in r.alternatives:
            if not _drains(alt, c):
                what = "timeout" if b"time." in (alt.text or b"") else "other case"
                if b"Done()" in (alt.text or b""):
                    what = "cancellation"
                if alt.type == "default_case":
                    what = "default case"
                return alt, f"waits in a select whose {what} can win and does not drain the channel"
    if g.type != "go_statement":
        return None
    top = _func_of(g)
    if top is None or _func_of(r.site) is None or _func_of(r.site).id != top.id:
        return None
    for n in own_descendants(top, "return_statement", "call_expression"):
        if g.end_byte <= n.start_byte < r.site.start_byte and exits(n) and not contains(n, r.site):
            return n, "can return early, before it receives"
    return None


def _check_recv(pkg: Package, ctx: RuleContext, c: Chan, r: Op, g: Node, sends: list[Op]) -> Finding | None:
    partners = [s for s in sends if not _same_goroutine(s, g)]
    if r.kind == RANGE:
        if not c.local:
            if not _never_closed(pkg, c, r):
                return None
            return _finding(pkg, ctx, c, r, f"goroutine ranges over {c.name} ({_chan_desc(c)}), which nothing in the package "
                            "ever closes: once its senders stop, it blocks forever with everything it references",
                            [Related(pkg.location(c.make), "channel made here")] if c.make is not None else [],
                            fix=f"close({c.name}) in the owner's Close/Stop method, once nothing sends any more")
        return _finding(pkg, ctx, c, r, f"goroutine ranges over {c.name}, which is never closed: it blocks forever after the last value",
                        [Related(pkg.location(c.make), "channel made here")] if c.make is not None else [],
                        fix=f"close({c.name}) (in a defer) when the producer is done")
    if not sends:
        return _finding(pkg, ctx, c, r, f"goroutine receives from {c.name}, but nothing ever sends on it or closes it",
                        [Related(pkg.location(c.make), "channel made here")] if c.make is not None else [],
                        fix=f"close({c.name}) when the goroutine should stop, or select on ctx.Done()")
    if not partners or any(_repeats(s, None) for s in partners) or not c.local:
        return None
    reasons = [_send_skip(pkg, c, s, g) for s in partners]
    if all(reasons):
        node, why = reasons[0]  # type: ignore[misc]
        return _finding(pkg, ctx, c, r, f"goroutine may block forever receiving from {c.name}: the sender {why}",
                        [Related(pkg.location(node), "the send is skipped here")],
                        fix=f"close({c.name}) in a defer in the sender, or select on ctx.Done() in the receiver")
    return None


def _never_closed(pkg: Package, c: Chan, r: Op) -> bool:
    """A field channel ranged over by a goroutine that nothing in the package can close:
    unexported, made here, never handed out, no close (not even an unattributed one)."""
    if c.exposed or c.of(CLOSE) or any(o.kind == "handoff" for o in c.ops) or r.node.id != r.site.id:
        return False
    from goretain.rules.chanflow import _unattributed_feed

    if not isinstance(c.key, tuple) or _unattributed_feed(pkg, str(c.key[2])) or _lifetime(r.node):
        return False
    # Only for a type with a shutdown method: its author means the goroutine to end (a
    # type without one may be a program-lifetime singleton).
    return any(_SHUTDOWN.match(m) for m in pkg.methods.get(str(c.key[1]), {}))


_SHUTDOWN = re.compile(r"(?i)(close|stop|shutdown|quit|terminate|cancel|release|dispose)$")


def _lifetime(n: Node) -> bool:
    """Is ``n`` (or the go statement running it) written in ``main`` or ``init``?"""
    for m in (n, goroutine_of(n)):
        top = _top(m) if m is not None else None
        if top is not None and top.type == "function_declaration" and _func_name(top) in ("main", "init"):
            return True
    return False


def _send_skip(pkg: Package, c: Chan, s: Op, g: Node) -> tuple[Node, str] | None:
    if s.select is not None and s.alternatives:
        return s.alternatives[0], "sends in a select whose other case can win"
    top = _func_of(g)
    if top is None or (_func_of(s.site) or s.site).id != top.id:
        return None
    for n in own_descendants(top, "return_statement", "call_expression"):
        if g.end_byte <= n.start_byte < s.site.start_byte and exits(n) and not contains(n, s.site):
            return n, "can return early, before it sends"
    return None


# --- a fresh object's buffered channel filled past its capacity before anyone receives ---------

def _overfilled(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``x := &T{ch: make(chan E, N)}`` followed, on the straight path of the same function,
    by more than N sends on ``x.ch`` (its own, or at the start of methods called on ``x``)
    before anything else touches ``x``: no receiver can exist yet, so the last send blocks."""
    for f in pkg.files:
        if b"make(chan" not in f.src or b"<-" not in f.src:
            continue
        start = f.src.find(b"make(chan")
        while start >= 0:
            node = f.root.descendant_for_byte_range(start, start + 4)
            mk = node.parent if node is not None else None
            found = _fill_check(pkg, ctx, mk) if mk is not None and mk.type == "call_expression" else None
            if found is not None:
                yield found
            start = f.src.find(b"make(chan", start + 9)


def _fill_check(pkg: Package, ctx: RuleContext, mk: Node) -> Finding | None:
    field_name, owner = _literal_field_owner(pkg, mk)
    if owner is None or not field_name:
        return None
    args = call_args(mk)
    from goretain.rules.flow import const_int

    cap = const_int(pkg, args[1]) if len(args) == 2 else (0 if len(args) == 1 else None)
    if cap is None or cap < 1:
        return None  # unbuffered: the usual partner rules apply
    decl = owner.ident.parent.parent if owner.ident.parent is not None else None
    if decl is None or decl.type != "short_var_declaration":
        return None
    count = 0
    for st in statements_after(decl):
        if st.parent is None or decl.parent is None or st.parent.id != decl.parent.id:
            break  # only the straight path of the declaring block
        sends = _leading_sends(pkg, st, owner, field_name)
        if sends is None:
            break
        for send, via in sends:
            count += 1
            if count > cap:
                return _overfill_finding(pkg, ctx, send, via, owner.name, field_name, cap, mk)
    return None


def _literal_field_owner(pkg: Package, mk: Node) -> tuple[str, Binding | None]:
    """``make(...)`` as the value of ``f:`` in ``x := &T{...}``: (f, x)."""
    le = mk.parent
    ke = le.parent if le is not None and le.type == "literal_element" else None
    if ke is None or ke.type != "keyed_element":
        return "", None
    kids = [c for c in ke.named_children if c.type != "comment"]
    if len(kids) != 2 or kids[1].id != le.id:  # type: ignore[union-attr]
        return "", None
    lit = ke.parent.parent if ke.parent is not None else None
    if lit is None or lit.type != "composite_literal":
        return "", None
    cur = lit.parent
    if cur is not None and cur.type == "unary_expression":
        cur = cur.parent
    decl = cur.parent if cur is not None and cur.type == "expression_list" else None
    if decl is None or decl.type != "short_var_declaration":
        return "", None
    left = expr_list(decl.child_by_field_name("left"))
    b = pkg.resolve(left[0]) if len(left) == 1 else None
    return pkg.text(kids[0]), b if isinstance(b, Binding) else None


def _leading_sends(pkg: Package, st: Node, owner: Binding, fname: str) -> list[tuple[Node, Node | None]] | None:
    """The sends on ``owner.fname`` statement ``st`` surely makes before anything else can
    receive: [] when ``st`` does not mention ``owner``, None when it uses it otherwise."""
    uses = [n for n in descendants(st, "identifier") if n.text == owner.name.encode() and pkg.resolve(n) is owner]
    if not uses:
        return [] if not own_descendants(st, "go_statement") else None
    if st.type == "send_statement" and _is_field_of(pkg, st.child_by_field_name("channel"), owner, fname):
        return [(st, None)] if len(uses) == 1 else None
    call = st.named_children[0] if st.type == "expression_statement" and st.named_children else None
    fsel = strip_parens(call.child_by_field_name("function")) if call is not None and call.type == "call_expression" else None
    if fsel is None or fsel.type != "selector_expression" or len(uses) != 1 or uses[0].parent is None or uses[0].parent.id != fsel.id:
        return None
    target = callee(pkg, call)  # type: ignore[arg-type]
    if target is None or target.body is None or not target.recv_name:
        return None
    out: list[tuple[Node, Node | None]] = []
    for inner in statements(target.body):
        if inner.type != "send_statement":
            break
        ch = strip_parens(inner.child_by_field_name("channel"))
        if ch is None or ch.type != "selector_expression" or pkg.text(ch) != f"{target.recv_name}.{fname}":
            break
        out.append((inner, call))
    return out if out else None


def _is_field_of(pkg: Package, e: Node | None, owner: Binding, fname: str) -> bool:
    e = strip_parens(e)
    if e is None or e.type != "selector_expression" or pkg.text(e.child_by_field_name("field")) != fname:
        return False
    op = strip_parens(e.child_by_field_name("operand"))
    return op is not None and op.type == "identifier" and pkg.resolve(op) is owner


def _overfill_finding(pkg: Package, ctx: RuleContext, send: Node, via: Node | None, owner: str, fname: str,
                      cap: int, mk: Node) -> Finding:
    rel = [Related(pkg.location(mk), f"{owner}.{fname} made with room for {cap}")]
    if via is not None:
        rel.insert(0, Related(pkg.location(via), f"called on {owner} here, before any receiver of {owner}.{fname} exists"))
    return ctx.finding(
        META, pkg, send,
        f"send on {pkg.text(send.child_by_field_name('channel'))} blocks forever: {owner}.{fname} holds {cap} value(s), "
        "all taken by earlier sends on this path, and no receiver has been started yet",
        symbol=f"{owner}.{fname}:overfill",
        related=rel,
        fix=f"start the receiver before sending, or make {owner}.{fname} large enough for every send before it",
    )


# --- every sender of a field channel gives up on cancellation, the receiver does not ----------

def _senders_give_up(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """Every send on the field channel sits in a select that can take a stop/cancel/timeout
    case instead; a bare receive then waits forever once that case wins."""
    if c.local or c.cap != 0 or c.of(CLOSE) or any(o.kind == "handoff" for o in c.ops):
        return
    sends = c.of(SEND)
    if not sends:
        return
    outs: list[Node] = []
    for snd in sends:
        out = _give_up_case(pkg, snd, c)
        if out is None:
            return
        outs.append(out)
    for r in c.of(RECV):
        if not _blocking(r) or r.node.id != r.site.id or any(contains(_func_of(snd.node) or snd.node, r.node) for snd in sends):
            continue
        yield _finding(
            pkg, ctx, c, r,
            f"receive from {c.name} can block forever: every sender selects on another case and gives up "
            f"(line {outs[0].start_point[0] + 1}) without sending, while this receive waits alone",
            [Related(pkg.location(outs[0]), "the sender gives up here")],
            fix=f"select on the same cancellation (ctx.Done() / stop channel) next to the receive from {c.name}",
        )


def _give_up_case(pkg: Package, snd: Op, c: Chan) -> Node | None:
    """The select case on a cancellation/stop/timeout receive that lets ``snd`` be skipped."""
    if snd.select is None or not snd.alternatives or snd.node.id != snd.site.id:
        return None
    for alt in snd.alternatives:
        if alt.type != "communication_case":
            return None  # a default case: a dropped notification, which receivers expect
        comm = alt.child_by_field_name("communication")
        if comm is not None and not _names_chan(pkg, comm, c) and comm.type != "send_statement":
            return alt
    return None


# --- a field channel nothing ever sends on or closes ------------------------------------------

def _never_fed(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """Every wait on a channel field that no code of the package sends on or closes (and
    that never leaves the package) blocks forever."""
    if c.local or not never_fed(pkg, c):
        return
    for r in c.of(RECV, RANGE):
        if not _blocking(r) or r.node.id != r.site.id:
            continue
        yield _finding(
            pkg, ctx, c, r,
            f"receive from {c.name} blocks forever: nothing in the package ever sends on or closes this channel",
            [Related(pkg.location(c.make), "channel made here")] if c.make is not None else [],
            fix=f"close {c.name} when its owner stops (e.g. in Stop/Close), or select on another way out",
        )


# --- the goroutine that should send or close returns before it does ---------------------------

def _partner_returns(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """A one-shot receive waits for a goroutine's send or close, and that goroutine has a
    ``return`` before every one of them (an error path, a break-out of its loop)."""
    if not c.local:
        return
    partners = [o for o in c.ops if o.kind in (SEND, CLOSE)]
    recvs = [r for r in c.of(RECV) if _blocking(r) and r.node.id == r.site.id]
    if not partners or not recvs or any(o.kind == "handoff" or o.node.id != o.site.id for o in c.ops):
        return
    skips: list[Node] = []
    for p in partners:
        ret = _return_before(p, partners)
        if ret is None:
            return
        skips.append(ret)
    for r in recvs:
        if any(_same_goroutine(r, goroutine_of(p.node) or p.node) for p in partners):
            continue
        if in_loop(r.node, _func_of(r.node) or r.node) is not None:
            continue
        what = "closes" if partners[0].kind == CLOSE else "sends on"
        yield _finding(
            pkg, ctx, c, r,
            f"receive from {c.name} can block forever: the goroutine that {what} it can return first "
            f"(line {skips[0].start_point[0] + 1}) and skip it",
            [Related(pkg.location(skips[0]), "this return skips the send/close"),
             Related(pkg.location(partners[0].node), f"the only {partners[0].kind}")],
            fix=f"defer close({c.name}) at the top of the goroutine (or send before every return)",
        )
        return


def _return_before(p: Op, partners: list[Op]) -> Node | None:
    """A return in ``p``'s goroutine (a go func literal) that runs before ``p`` and after no
    other send/close of the channel; None when ``p`` is deferred or not in a goroutine."""
    g = goroutine_of(p.node)
    lit = _func_of(p.node)
    if g is None or lit is None or lit.type != "func_literal" or not contains(g, lit):
        return None
    if p.node.parent is not None and p.node.parent.type == "defer_statement":
        return None
    first = min(o.node.start_byte for o in partners if contains(lit, o.node))
    body = lit.child_by_field_name("body")
    for n in own_descendants(body, "return_statement") if body is not None else []:
        if n.end_byte <= first:
            return n
    return None


# --- the only receiver is a loop that can stop receiving ------------------------------------

def _receiver_gone(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """A bare send on an unbuffered field channel whose every receive sits in a loop that
    can leave on another signal (a stop/done case, ctx.Done(), an early return): once that
    loop is gone, the send blocks forever."""
    if c.local or c.exposed or c.cap != 0:
        return  # a buffer is usually sized to the senders left after the loop: not modelled
    sends = [s for s in c.of(SEND) if _blocking(s) and s.node.id == s.site.id]
    recvs = c.of(RECV, RANGE)
    if not sends or not recvs:
        return
    loops: dict[int, tuple[Node, Node]] = {}
    primary: set[int] = set()
    for r in recvs:
        loop = _receiving_loop(r)
        if loop is None:
            return
        if _primary(r, loop):
            primary.add(loop.id)
        if loop.id not in loops:
            way_out = _loop_exit(pkg, loop, c)
            if way_out is None:
                return
            loops[loop.id] = (loop, way_out)
    if primary != set(loops):
        return  # a receive nested in a case body answers a request: a handshake, not a server loop
    loop, way_out = next(iter(loops.values()))
    for s in sends:
        if any(contains(lp, s.node) for lp, _ in loops.values()):
            continue  # the loop feeds itself: a different problem
        fn = _func_name(_func_of(loop))
        yield _finding(
            pkg, ctx, c, s,
            f"send on {c.name} can block forever: its only receiver is the loop in {fn}, which can stop "
            f"receiving (line {way_out.start_point[0] + 1}) while senders still call this",
            [Related(pkg.location(way_out), "the receiving loop exits here"),
             Related(pkg.location(recvs[0].node), "the receive")],
            fix=f"select on the loop's stop/done channel (or ctx.Done()) next to the send on {c.name}",
        )


def _receiving_loop(r: Op) -> Node | None:
    """The for statement that runs the receive ``r`` again and again (None if none)."""
    if r.node.id != r.site.id:
        return None
    fn = _func_of(r.node)
    if fn is None:
        return None
    loop = in_loop(r.node, fn)
    while loop is not None:
        outer = in_loop(loop, fn)
        if outer is None:
            return loop
        loop = outer  # the outermost loop of the function keeps receiving
    return None


def _primary(r: Op, loop: Node) -> bool:
    """Is ``r`` what the loop waits on each pass: a range, a case of a select directly in the
    loop body, or a receive statement directly in the loop body?"""
    if r.kind == RANGE:
        return True
    if r.select is not None:
        return _stmt_parent(r.select) is not None and _stmt_parent(r.select).id == loop.id  # type: ignore[union-attr]
    return _stmt_parent(r.node) is not None and _stmt_parent(r.node).id == loop.id  # type: ignore[union-attr]


def _stmt_parent(n: Node) -> Node | None:
    """The statement-level construct (loop, if, select, ...) directly holding ``n``."""
    cur = n.parent
    while cur is not None and cur.type in ("expression_list", "expression_statement", "short_var_declaration",
                                            "assignment_statement", "receive_statement", "parenthesized_expression",
                                            "block", "statement_list"):
        cur = cur.parent
    return cur


def _loop_exit(pkg: Package, loop: Node, c: Chan) -> Node | None:
    """A return/break that leaves ``loop`` on a signal other than ``c`` being closed."""
    closed_check = False
    for rs in own_descendants(loop, "receive_statement", "short_var_declaration", "assignment_statement"):
        left = rs.child_by_field_name("left")
        right = rs.child_by_field_name("right")
        if left is not None and len(left.named_children) == 2 and right is not None and _names_chan(pkg, right, c):
            closed_check = True  # `v, ok := <-c`: the loop may leave only once c is closed
    for n in own_descendants(loop, "return_statement", "break_statement", "call_expression"):
        if n.type == "call_expression" and not exits(n):
            continue
        if n.type == "break_statement" and not _breaks_out(n, loop):
            continue
        case = _case_of(n, loop)
        if case is not None and never_fed_case(pkg, case) is not None:
            continue  # that case never fires
        if case is not None and case.type == "communication_case":
            comm = case.child_by_field_name("communication")
            if comm is not None and _names_chan(pkg, comm, c):
                continue  # leaves when c itself says so (closed, or a value asks for it)
            return n
        if not closed_check:
            return n
    return None


def _names_chan(pkg: Package, n: Node, c: Chan) -> bool:
    for u in descendants(n, "unary_expression"):
        op = u.child_by_field_name("operand")
        if op is not None and pkg.text(u.child_by_field_name("operator")) == "<-" and _same_field(pkg, op, c):
            return True
    return False


def _same_field(pkg: Package, e: Node, c: Chan) -> bool:
    e2 = strip_parens(e)
    if e2 is None or e2.type != "selector_expression" or not isinstance(c.key, tuple):
        return False
    return pkg.text(e2.child_by_field_name("field")) == c.key[2]


def _case_of(n: Node, loop: Node) -> Node | None:
    cur = n.parent
    while cur is not None and cur.id != loop.id:
        if cur.type in ("communication_case", "default_case"):
            return cur
        cur = cur.parent
    return None


def _breaks_out(brk: Node, loop: Node) -> bool:
    from goretain.rules.flow import terminates

    return terminates(brk, loop)


def _func_name(fn: Node | None) -> str:
    if fn is None:
        return "a function"
    name = fn.child_by_field_name("name")
    return (name.text or b"").decode("utf-8", "replace") if name is not None else "a func literal"


# --- the receiving loop leaves before every sender has delivered ------------------------------

def _goroutine_sends(pkg: Package, c: Chan) -> list[tuple[Op, Node]]:
    """The blocking sends on ``c`` made by started goroutines, with what starts each: a go
    statement, or a ``wg.Go(func(){...})`` / errgroup ``g.Go(...)`` call."""
    out: list[tuple[Op, Node]] = []
    for s in c.of(SEND):
        g = (goroutine_of(s.site) or _task_call(pkg, s.site)) if _blocking(s) else None
        if g is not None:
            out.append((s, g))
    return out


def _task_call(pkg: Package, n: Node) -> Node | None:
    """The ``x.Go(func() ...)`` call whose func literal runs ``n`` (x a sync.WaitGroup or an
    errgroup.Group), else None."""
    lit = _func_of(n)
    args = lit.parent if lit is not None and lit.type == "func_literal" else None
    call = args.parent if args is not None and args.type == "argument_list" else None
    if call is None or call.type != "call_expression" or len(call_args(call)) != 1:
        return None
    return call if _group_operand(pkg, call, "Go") is not None else None


def _group_operand(pkg: Package, call: Node, method: str) -> Node | None:
    """``x`` of ``x.<method>(...)`` when ``x`` is a sync.WaitGroup or an errgroup.Group."""
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None or fn.type != "selector_expression" or pkg.text(fn.child_by_field_name("field")) != method:
        return None
    x = fn.child_by_field_name("operand")
    t = pkg.type_of(x).deref()
    if t.is_named("sync", "WaitGroup") or (t.kind == "named" and t.name == "Group" and t.pkg.endswith("errgroup")):
        return x
    b = pkg.resolve(x) if x is not None and x.type == "identifier" else None
    if isinstance(b, Binding) and b.kind == "short" and b.index == 0 and len(b.values) == 1:
        v = strip_parens(b.values[0])  # g, ctx := errgroup.WithContext(ctx)
        f = strip_parens(v.child_by_field_name("function")) if v is not None and v.type == "call_expression" else None
        q = f.child_by_field_name("operand") if f is not None and f.type == "selector_expression" else None
        if q is not None and q.type == "identifier" and pkg.is_package_name(q).endswith("errgroup"):
            return x
    return None


def _receiver_quits(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """Goroutines send on a local channel whose only receiver is one loop, and that loop can
    leave early - on a received error (when several goroutines send), or on a select case on
    ctx.Done() / a timeout / a caller's stop channel - while nothing else drains the channel:
    every sender still to deliver blocks forever."""
    if not c.local or c.cap == UNKNOWN_CAP or c.make is None:
        return
    senders = _goroutine_sends(pkg, c)
    if not senders or len(senders) != len(c.of(SEND)):
        return  # a send that waits in a select, or one the maker does itself: not this shape
    gs = list({g.id: g for _, g in senders}.values())
    partners = [r for r in c.of(RECV, RANGE) if not any(_same_goroutine(r, g) for g in gs)]
    loop = _one_receiving_loop(partners, c)
    if loop is None or any(contains(loop, g) or g.end_byte > loop.start_byte for g in gs):
        return
    exit_, what = _early_exit(pkg, loop, c, partners)
    if exit_ is None:
        return
    many = len(gs) > 1 or any(_looping(g, _func_of(g) or _top(g)) for g in gs)
    if what == "value" and not many:
        return  # one producer: the value that ends the loop may well be its last one
    if not _overflows(pkg, c, senders):
        return
    verb = "returns" if exit_.type == "return_statement" else "breaks out"
    cause = (f"{verb} early on a value it received (line {exit_.start_point[0] + 1})" if what == "value"
             else f"{verb} on {what} (line {exit_.start_point[0] + 1})")
    who = ("goroutine sends" if not many else "goroutines started in a loop send" if len(gs) == 1
           else f"{len(gs)} goroutines send")
    left = "the remaining senders block" if many else "the sender blocks"
    for s, _ in senders:
        yield _finding(
            pkg, ctx, c, s,
            f"{who} on {c.name} ({_chan_desc(c)}), but the only receiving loop {cause} before every value is "
            f"received, and nothing else drains {c.name}: {left} forever",
            [Related(pkg.location(exit_), "the receiving loop exits here"),
             Related(pkg.location(partners[0].node), "the only receive")],
            fix=f"make {c.name} buffered with room for every sender ({_buffer_hint(c, gs)}), use errgroup, "
                "or select on ctx.Done() next to the send",
        )


def _one_receiving_loop(partners: list[Op], c: Chan) -> Node | None:
    """The loop all of ``partners`` (receives written in one function) sit in, directly."""
    if not partners or any(r.node.id != r.site.id for r in partners):
        return None
    fn = _func_of(partners[0].node)
    loop = in_loop(partners[0].node, fn) if fn is not None else None
    if loop is None or (c.make is not None and contains(loop, c.make)):
        return None
    for r in partners[1:]:
        other = in_loop(r.node, fn) if fn is not None else None
        if other is None or other.id != loop.id:
            return None
    return loop


def _early_exit(pkg: Package, loop: Node, c: Chan, partners: list[Op]) -> tuple[Node | None, str]:
    """A return/break leaving ``loop`` before the channel is drained: on a select case
    that waits for something outside (what it waits for), or on a received value ("value")."""
    received = _received_vars(pkg, partners)
    value_exit: Node | None = None
    for n in own_descendants(loop, "return_statement", "break_statement"):
        if n.type == "break_statement" and not terminates(n, loop):
            continue
        case = _case_of(n, loop)
        if case is not None and case.type == "communication_case" and not _drains(case, c):
            what = _external_stop(pkg, case)
            if what:
                return n, what
            continue
        if value_exit is None and _value_guarded(pkg, n, loop, received, partners):
            value_exit = n
    return (value_exit, "value") if value_exit is not None else (None, "")


def _external_stop(pkg: Package, case: Node) -> str:
    """What a select case waits for when it is cancellation from outside: ctx.Done(), a
    timeout, a stop channel the caller passed in ("" otherwise)."""
    comm = case.child_by_field_name("communication")
    if comm is None or comm.type == "send_statement":
        return ""
    recv = next((u for u in descendants(comm, "unary_expression") if pkg.text(u.child_by_field_name("operator")) == "<-"), None)
    return _stop_source(pkg, recv.child_by_field_name("operand") if recv is not None else None, 0)


def _stop_source(pkg: Package, e: Node | None, depth: int) -> str:
    e = strip_parens(e)
    if e is None:
        return ""
    if e.type == "call_expression":
        fn = strip_parens(e.child_by_field_name("function"))
        name = pkg.text(fn.child_by_field_name("field")) if fn is not None and fn.type == "selector_expression" else ""
        return {"Done": "cancellation", "After": "a timeout"}.get(name, "")
    if e.type == "selector_expression" and pkg.text(e.child_by_field_name("field")) == "C":
        t = pkg.type_of(e.child_by_field_name("operand")).deref()
        return "a timer" if t.is_named("time", "Timer") or t.is_named("time", "Ticker") else ""
    if e.type == "identifier" and depth == 0:
        b = pkg.resolve(e)
        if isinstance(b, Binding) and b.kind == "param":
            return f"the caller's {b.name}"
        if isinstance(b, Binding) and b.kind in ("short", "var") and len(b.values) == 1 and b.index == 0:
            return _stop_source(pkg, b.values[0], 1)  # done := ctx.Done()
    return ""


def _received_vars(pkg: Package, partners: list[Op]) -> set[int]:
    """Ids of the bindings that hold the values received by ``partners`` (not ``ok``)."""
    out: set[int] = set()
    for r in partners:
        if r.kind == RANGE:
            left = expr_list(r.node.child_by_field_name("left"))
        else:
            st = r.node.parent
            while st is not None and st.type in ("parenthesized_expression", "expression_list"):
                st = st.parent
            if st is None or st.type not in ("receive_statement", "short_var_declaration", "assignment_statement"):
                continue
            left = expr_list(st.child_by_field_name("left"))
            right = expr_list(st.child_by_field_name("right"))
            idx = next((i for i, v in enumerate(right) if contains(v, r.node)), 0) if len(right) == len(left) else 0
            left = left[idx:idx + 1]
        for ident in left[:1]:
            b = pkg.resolve(ident) if ident.type == "identifier" else None
            if isinstance(b, Binding):
                out.add(id(b))
    return out


_BRANCHES = ("if_statement", "expression_switch_statement", "type_switch_statement")


def _value_guarded(pkg: Package, n: Node, loop: Node, received: set[int], partners: list[Op]) -> bool:
    """Is the exit ``n`` taken because of a received value: unconditional after a receive,
    or under a branch that tests the received value (``if err := <-errc; err != nil``)?"""
    cur = n.parent
    while cur is not None and cur.id != loop.id and cur.type not in _BRANCHES:
        cur = cur.parent
    if cur is None or cur.id == loop.id:
        return any(r.node.end_byte <= n.start_byte for r in partners)  # leaves after the first value
    for part in cur.named_children:
        if part.type in ("block", "expression_case", "default_case", "type_case", "if_statement", "comment"):
            continue
        if any(contains(part, r.node) for r in partners):
            return True
        if any(id(pkg.resolve(i)) in received for i in descendants(part, "identifier") if pkg.resolve(i) is not None):
            return True
    return False


def _overflows(pkg: Package, c: Chan, senders: list[tuple[Op, Node]]) -> bool:
    """Can the senders put more values than the buffer holds (an unbuffered channel, or a
    constant buffer below a known number of sends)?"""
    if c.cap == 0:
        return True
    total = 0
    for s, g in senders:
        n = _sends_bound(pkg, s, g)
        if n >= 1 << 30:
            return True  # an unknown number of sends (goroutines per item): a fixed buffer runs out
        total += n
    return total > c.cap


def _chan_desc(c: Chan) -> str:
    args = call_args(c.make) if c.make is not None else []
    t = (args[0].text or b"").decode("utf-8", "replace") if args else "chan"
    return f"an unbuffered {t}" if c.cap == 0 else f"a {t} with room for {c.cap}"


def _buffer_hint(c: Chan, gs: list[Node]) -> str:
    elem = ""
    args = call_args(c.make) if c.make is not None else []
    if args:
        elem = (args[0].text or b"").decode("utf-8", "replace")
    for g in gs:
        loop = in_loop(g, _func_of(g) or _top(g))
        head = next((h for h in loop.named_children if h.type == "range_clause"), None) if loop is not None else None
        over = head.child_by_field_name("right") if head is not None else None
        if over is not None:
            return f"make({elem}, len({(over.text or b'').decode('utf-8', 'replace')}))"
    return f"make({elem}, N) for N senders"


# --- senders signal a WaitGroup after sending; the receiver waits for it before receiving -----

def _wait_before_drain(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """Goroutines send on a local channel and only then call ``wg.Done()`` (deferred or after
    the send); every receive of the channel comes after ``wg.Wait()`` in its goroutine: the
    sends block, Done never runs, and Wait never returns."""
    if not c.local or c.cap == UNKNOWN_CAP or c.make is None or b"Wait()" not in (_top(c.make).text or b""):
        return
    senders = _goroutine_sends(pkg, c)
    gs = [g for _, g in senders]
    partners = [r for r in c.of(RECV, RANGE) if not any(_same_goroutine(r, g) for g in gs)]
    if not senders or not partners or not _overflows(pkg, c, senders):
        return
    for s, g in senders:
        wg = _done_after(pkg, s, g)
        wait = _wait_before_all(pkg, wg, partners, gs) if wg is not None else None
        if wait is None:
            continue
        name = pkg.text(wait.child_by_field_name("function"))[: -len(".Wait")]
        done = f"its {name}.Go task returns" if g.type == "call_expression" else f"it calls {name}.Done()"
        yield _finding(
            pkg, ctx, c, s,
            f"goroutine sends on {c.name} ({_chan_desc(c)}) before {done}, but the only receiver first waits in "
            f"{name}.Wait() (line {wait.start_point[0] + 1}): the send blocks forever, so {name}.Wait() never "
            "returns either",
            [Related(pkg.location(wait), "waits for the senders before receiving"),
             Related(pkg.location(partners[0].node), "the receive, reached only after Wait")],
            fix=f"receive from {c.name} in another goroutine started before {name}.Wait() (close it after Wait), "
                "or buffer it with room for every sender",
        )


def _done_after(pkg: Package, s: Op, g: Node) -> object | None:
    """The WaitGroup (as a key) the sending goroutine marks done after the send: a deferred
    ``wg.Done()`` (also inside a deferred func literal) or one written after the send; for a
    ``wg.Go``/``g.Go`` task, the group it runs in."""
    fn = _func_of(s.node)
    if g.type == "call_expression":
        x = _group_operand(pkg, g, "Go")
        return _wg_key(pkg, x, fn, None) if x is not None and fn is not None else None
    body = fn.child_by_field_name("body") if fn is not None else None
    if fn is None or body is None or b"Done()" not in (body.text or b""):
        return None
    for call in descendants(body, "call_expression"):
        x = _group_operand(pkg, call, "Done")
        if x is None:
            continue
        owner = _func_of(call)
        deferred = call.parent is not None and call.parent.type == "defer_statement" and owner is not None and owner.id == fn.id
        if not deferred and owner is not None and owner.id != fn.id:
            lit_call = owner.parent
            deferred = (owner.type == "func_literal" and lit_call is not None and lit_call.parent is not None
                        and lit_call.parent.type == "defer_statement" and _func_of(lit_call) is not None
                        and _func_of(lit_call).id == fn.id)  # type: ignore[union-attr]
        after = owner is not None and owner.id == fn.id and dominates(s.node, call)
        if deferred or after:
            return _wg_key(pkg, x, fn, g)
    return None


def _wg_key(pkg: Package, x: Node, fn: Node, g: Node | None) -> object | None:
    """Which WaitGroup ``x`` names: its binding, or the argument bound to a parameter of the
    function ``g`` starts (``go worker(&wg, ch)``), or the text of a field selector."""
    x = strip_parens(x)
    if x is not None and x.type == "unary_expression" and pkg.text(x.child_by_field_name("operator")) == "&":
        x = strip_parens(x.child_by_field_name("operand"))
    if x is None:
        return None
    if x.type == "selector_expression":
        return pkg.text(x)
    b = pkg.resolve(x) if x.type == "identifier" else None
    if not isinstance(b, Binding):
        return None
    if b.kind == "param" and g is not None and b.func is not None and b.func.id == fn.id:
        call = g.named_children[0] if g.named_children else None
        idx = _param_index(fn, b.name)
        args = call_args(call) if call is not None and call.type == "call_expression" else []
        return _wg_key(pkg, args[idx], fn, None) if 0 <= idx < len(args) else None
    return b


def _param_index(fn: Node, name: str) -> int:
    params = fn.child_by_field_name("parameters")
    i = 0
    for p in params.named_children if params is not None else []:
        if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        for n in p.children_by_field_name("name") or [None]:
            if n is not None and (n.text or b"").decode() == name:
                return i
            i += 1
    return -1


def _wait_before_all(pkg: Package, wg: object, partners: list[Op], gs: list[Node]) -> Node | None:
    """A ``wg.Wait()`` that runs before every receive in ``partners``, after the senders start."""
    first: Node | None = None
    for r in partners:
        fn = _func_of(r.site)
        body = fn.child_by_field_name("body") if fn is not None else None
        if fn is None or body is None:
            return None
        found = None
        for call in own_descendants(body, "call_expression"):
            x = _group_operand(pkg, call, "Wait")
            if (x is not None and dominates(call, r.site) and all(g.end_byte <= call.start_byte for g in gs)
                    and _wg_key(pkg, x, fn, None) == wg):
                found = call
                break
        if found is None:
            return None
        first = first or found
    return first


# --- a goroutine ranges over a channel that a return can leave open ---------------------------

def _closed_late(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """A goroutine ranges over a local channel whose only closes are plain (not deferred)
    ``close`` calls in one body - the function that made it and started the goroutine, or a
    goroutine that function starts - and that body has a ``return`` before the close with no
    close on its path: on that path the channel stays open and the range waits forever."""
    closes = c.of(CLOSE)
    fn = _func_of(c.make) if c.local and closes and c.make is not None else None
    closer = _func_of(closes[0].site) if fn is not None else None
    if fn is None or closer is None or _func_name(fn) == "main" or not all(_plain_close(cl, closer) for cl in closes):
        return
    start = closer if closer.id == fn.id else _started_by(pkg, closer, fn)
    body = closer.child_by_field_name("body")
    if start is None or body is None:
        return
    last = max(cl.site.start_byte for cl in closes)
    for r in c.of(RANGE):
        g = goroutine_of(r.site) or _task_call(pkg, r.site)
        if closer.id == fn.id and (g is None or (_func_of(g) or g).id != fn.id):
            continue  # the maker closes: only the goroutines it starts can be stranded
        if closer.id != fn.id and (contains(closer, r.site) or contains(closer, r.node)):
            continue
        ret = _early_return(c, body, closes, last, g if closer.id == fn.id else None, _range_exits(r))
        if ret is None:
            continue
        close = next(cl for cl in closes if cl.site.start_byte > ret.start_byte)
        who = _func_name(fn) if closer.id == fn.id else f"the goroutine started at line {start.start_point[0] + 1}"
        fix = (f"defer close({c.name}) right after starting the goroutines (and drop the close at the end)"
               if closer.id == fn.id else f"defer close({c.name}) at the top of the closing goroutine")
        yield _finding(
            pkg, ctx, c, r,
            f"{'goroutine' if g is not None else _func_name(_func_of(r.site))} ranges over {c.name} ({_chan_desc(c)}), "
            f"which {who} closes only at line "
            f"{close.site.start_point[0] + 1}: the return at line {ret.start_point[0] + 1} leaves without closing it, "
            "so on that path the range blocks forever, with everything its goroutine references",
            [Related(pkg.location(ret), f"returns without closing {c.name}"),
             Related(pkg.location(close.site), "the close this path skips")],
            fix=fix,
        )


def _early_return(c: Chan, body: Node, closes: list[Op], last: int, after: Node | None, value_exit: bool) -> Node | None:
    """A return of ``body`` before the last close, after ``after`` (the go statement) when
    given, with no close - nor, when the ranger can stop on a value, a send - on its path."""
    sends = c.of(SEND) if value_exit else []
    for n in own_descendants(body, "return_statement"):
        if n.start_byte >= last or (after is not None and not (after.end_byte <= n.start_byte and _in_sequence(after, n))):
            continue
        if not any(dominates(o.site, n) for o in (*closes, *sends)):
            return n
    return None


def _range_exits(r: Op) -> bool:
    """Can the range loop of ``r`` stop on a value (a return or break out of it)?"""
    loop = r.node.parent
    body = loop.child_by_field_name("body") if loop is not None else None
    return body is not None and any(n.type == "return_statement" or terminates(n, loop)  # type: ignore[arg-type]
                                    for n in own_descendants(body, "return_statement", "break_statement"))


def _started_by(pkg: Package, lit: Node, fn: Node) -> Node | None:
    """The go statement (or ``wg.Go``/errgroup call) in ``fn``'s own body that runs ``lit``."""
    g = go_statement_of(lit)
    if g is None:
        body = lit.child_by_field_name("body")
        g = _task_call(pkg, body) if body is not None else None
    return g if g is not None and (_func_of(g) or g).id == fn.id else None


def _plain_close(cl: Op, fn: Node) -> bool:
    """A close written in ``fn``'s own body (not deferred, not started as a goroutine)."""
    p = cl.site.parent
    return (_func_of(cl.site) or cl.site).id == fn.id and (p is None or p.type not in ("defer_statement", "go_statement"))


def _in_sequence(a: Node, b: Node) -> bool:
    """Does ``b`` run after ``a`` on the same path: ``a``'s statement (or one enclosing it)
    precedes the statement holding ``b`` in one block (not in exclusive branches)?"""
    if a.start_byte >= b.start_byte:
        return False
    cur = a
    while cur.parent is not None and not contains(cur.parent, b):
        cur = cur.parent
    return cur.parent is not None and cur.parent.type in ("block", "statement_list")


# --- a generator's producer blocks once an in-package caller stops receiving -----------------

def _generator_abandoned(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """A function makes a channel, starts a goroutine that sends on it in a loop with bare
    sends (no select on a done/ctx case), and returns the channel; a caller in the package
    stops receiving before the channel is closed (a return/break out of its range, a select
    case that leaves its receive loop, a single receive): the producer blocks forever on its
    next send."""
    fn = c.key.func if isinstance(c.key, Binding) else None
    gen = _generator_name(pkg, fn) if fn is not None and c.cap != UNKNOWN_CAP else None
    sends = c.of(SEND)
    if fn is None or gen is None or not sends or c.of(RECV, RANGE):
        return
    loops: list[Op] = []
    for s in sends:
        g = goroutine_of(s.site)
        if g is None or (_func_of(g) or g).id != fn.id or not _blocking(s):
            return  # the maker sends itself, or a send can give up: not this shape
        if (_repeats(s, g, c.make) or _in_callback(s, g)) and (c.cap == 0 or _sends_bound(pkg, s, g) > c.cap):
            loops.append(s)
    idx = _result_index(c)
    found = next((a for call in _calls_of(pkg, fn, gen) if (a := _abandons(pkg, call, idx)) is not None), None) if loops else None
    if found is None:
        return
    exit_, recv, how = found
    caller = _func_name(_func_of(exit_))
    for s in loops:
        yield _finding(
            pkg, ctx, c, s,
            f"goroutine started by {gen}() sends on {c.name} ({_chan_desc(c)}) in a loop with no way to give up, and "
            f"{gen} returns the channel; its caller {caller}() {how} (line {exit_.start_point[0] + 1}) before the channel "
            "is closed, so the producer blocks forever on its next send, with everything it references",
            [Related(pkg.location(exit_), "the caller stops receiving here"),
             Related(pkg.location(recv), f"receives from the channel {gen}() returns"),
             Related(pkg.location(c.returned[0]), "the channel is handed to the caller here")],
            fix=f"pass a ctx (or done channel) to {gen} and select on ctx.Done() next to the send, cancelling it when "
                "the caller stops early; or drain the channel before leaving",
        )


def _generator_name(pkg: Package, fn: Node) -> str | None:
    """The name callers use for ``fn``: a declared function or method, or a func literal
    bound once by ``gen := func(...) ...``."""
    if fn.type in ("function_declaration", "method_declaration"):
        return _func_name(fn)
    b = _literal_binding(pkg, fn)
    return b.name if b is not None else None


def _literal_binding(pkg: Package, lit: Node) -> Binding | None:
    p = _up(lit)
    decl = p.parent if p is not None and p.type == "expression_list" else None
    if decl is None or decl.type != "short_var_declaration":
        return None
    left, right = expr_list(decl.child_by_field_name("left")), expr_list(decl.child_by_field_name("right"))
    b = pkg.resolve(left[0]) if len(left) == 1 and len(right) == 1 and left[0].type == "identifier" else None
    return b if isinstance(b, Binding) else None


def _in_callback(s: Op, g: Node) -> bool:
    """Is the send in a func literal handed to a call inside the goroutine (a walk callback,
    which may run any number of times)?"""
    fn = _func_of(s.node)
    return (fn is not None and fn.type == "func_literal" and contains(g, fn) and go_statement_of(fn) is None
            and not _called_now(fn) and fn.parent is not None and fn.parent.type == "argument_list")


def _result_index(c: Chan) -> int:
    """The position of the channel among the results its maker returns."""
    vals = expr_list(c.returned[0].named_children[0]) if c.returned and c.returned[0].named_children else []
    b = c.key
    for i, v in enumerate(vals):
        v = strip_parens(v)
        if v is not None and v.type == "identifier" and isinstance(b, Binding) and v.text == b.name.encode():
            return i
    return 0


def _calls_of(pkg: Package, fn: Node, name: str) -> Iterator[Node]:
    """Calls in the package of the function, method or bound func literal ``fn``."""
    if fn.type == "func_literal":
        b = _literal_binding(pkg, fn)
        outer = b.func if b is not None else None
        for i in descendants(outer, "identifier") if outer is not None else []:
            p = i.parent
            if (i.text == name.encode() and p is not None and p.type == "call_expression"
                    and (p.child_by_field_name("function") or p).id == i.id and pkg.resolve(i) is b):
                yield p
        return
    word = re.compile(rb"\b" + re.escape(name.encode()) + rb"\s*\(")
    for f in pkg.files:
        if name.encode() not in f.src:
            continue
        for m in word.finditer(f.src):
            n = f.root.descendant_for_byte_range(m.start(), m.start() + len(name))
            p = n.parent if n is not None else None
            if p is not None and p.type == "selector_expression":
                p = p.parent
            if p is None or p.type != "call_expression":
                continue
            target = callee(pkg, p)
            if target is not None and target.node.id == fn.id:
                yield p


def _abandons(pkg: Package, call: Node, idx: int) -> tuple[Node, Node, str] | None:
    """Where a caller stops receiving from the channel ``call`` returns (result ``idx``)
    before it is closed: (exit, its receive, how); None when it drains it or hands it on."""
    use: Node = call
    p = _up(call)
    if p is not None and p.type == "expression_list" and p.parent is not None and p.parent.type == "short_var_declaration":
        decl = p.parent
        left, right = expr_list(decl.child_by_field_name("left")), expr_list(decl.child_by_field_name("right"))
        b = pkg.resolve(left[idx]) if len(right) == 1 and idx < len(left) and left[idx].type == "identifier" else None
        fn = _func_of(call)
        if not isinstance(b, Binding) or fn is None:
            return None
        uses = [i for i in descendants(fn, "identifier") if i.id != b.ident.id and i.text == b.ident.text and pkg.resolve(i) is b]
        if len(uses) != 1:
            return None  # drained, passed on, or stored somewhere: the caller may finish it
        use = uses[0]
        p = _up(use)
    elif idx:
        return None
    if p is None:
        return None
    if p.type == "range_clause" and (p.child_by_field_name("right") or p).id == use.id and p.parent is not None:
        loop = p.parent
        body = loop.child_by_field_name("body")
        for n in own_descendants(body, "return_statement", "break_statement") if body is not None else []:
            if n.type == "return_statement" or terminates(n, loop):
                return n, p, f"can {'return' if n.type == 'return_statement' else 'break'} out of its range"
        return None
    if p.type == "unary_expression" and pkg.text(p.child_by_field_name("operator")) == "<-":
        fn = _func_of(p)
        loop = in_loop(p, fn) if fn is not None else None
        if loop is None:
            return p, p, "takes a single value"
        out = _other_case_exit(p, loop)
        return (out, p, "leaves its receive loop on another select case") if out is not None else None
    return None


def _other_case_exit(recv: Node, loop: Node) -> Node | None:
    """A return/break out of ``loop`` taken in a select case other than the one that
    receives ``recv`` (ctx.Done(), a timeout, a stop channel)."""
    sel, _ = select_of(recv)
    if sel is None:
        return None
    for n in own_descendants(loop, "return_statement", "break_statement"):
        if n.type == "break_statement" and not terminates(n, loop):
            continue
        other = _case_of(n, loop)
        if (other is not None and other.type == "communication_case" and other.parent is not None
                and other.parent.id == sel.id and not contains(other, recv)):
            return n
    return None


def _up(n: Node) -> Node | None:
    p = n.parent
    while p is not None and p.type == "parenthesized_expression":
        p = p.parent
    return p


# --- a mutex held while waiting on a channel whose partner needs that mutex --------------------

def _held_while_waiting(pkg: Package, ctx: RuleContext, chans: Iterable[Chan]) -> Iterator[Finding]:
    """A goroutine holds ``x.mu`` and blocks on ``x.ch``; every partner operation on that
    field channel comes after locking ``x.mu`` in its own goroutine: neither can move."""
    fields = [c for c in chans if not c.local and not c.escapes and c.make is not None]
    if not fields:
        return
    regs = [r for r in regions(pkg) if "." in r.key or r.key.isidentifier()]
    if not regs:
        return
    for c in fields:
        for o in c.ops:
            if o.kind not in (SEND, RECV, RANGE) or o.node.id != o.site.id or not _blocking(o):
                continue
            if o.kind == SEND and c.cap != 0:
                continue  # a buffer may take the value without the receiver
            root = root_of(_chan_text(pkg, o))
            held = next((r for r in regs if root_of(r.key) == root and r.holds(o.node)
                         and (_func_of(o.node) or o.node).id == r.fn.id and r.cls is not None), None)
            if held is None or held.cls is None:
                continue
            want = (RECV, RANGE) if o.kind == SEND else (SEND, CLOSE)
            partners = [p for p in c.ops if p.kind in want and p.node.id == p.site.id]
            if not partners or any((_func_of(p.node) or p.node).id == held.fn.id for p in partners):
                continue
            needs = [_needs_lock(pkg, p, held.cls) for p in partners]
            if not all(needs):
                continue
            first = needs[0]
            assert first is not None
            verb = "send on" if o.kind == SEND else "receive from"
            who = "receiver" if o.kind == SEND else "sender"
            yield ctx.finding(
                META, pkg, o.node,
                f"goroutine holds {held.key} while it waits to {verb} {c.name}, but every {who} must lock "
                f"{held.cls} first (line {first.start_point[0] + 1}): both block forever",
                symbol=f"{c.name}:{o.kind}:{held.key}",
                related=[Related(pkg.location(held.call), f"{held.key} locked here"),
                         Related(pkg.location(first), f"the {who} locks {held.cls} here"),
                         Related(pkg.location(partners[0].node), f"the {who}'s operation")],
                fix=f"release {held.key} before the channel operation, or select on it with a done channel",
            )


def _chan_text(pkg: Package, o: Op) -> str:
    """The channel expression of an operation, through a local alias of a field."""
    n = o.node
    if n.type == "send_statement":
        e = n.child_by_field_name("channel")
    elif n.type == "unary_expression":
        e = n.child_by_field_name("operand")
    elif n.type == "range_clause":
        e = n.child_by_field_name("right")
    else:
        args = call_args(n)
        e = args[0] if args else None
    e = strip_parens(e)
    if e is not None and e.type == "identifier":
        b = pkg.resolve(e)
        if isinstance(b, Binding) and len(b.values) == 1 and b.index == 0:
            v = strip_parens(b.values[0])
            if v is not None and v.type == "selector_expression":
                return pkg.text(v)
    return pkg.text(e) if e is not None else ""


def _needs_lock(pkg: Package, p: Op, cls: str) -> Node | None:
    """Where the goroutine performing ``p`` must lock a mutex of class ``cls`` (of the same
    object as the channel) before it can perform ``p``: before it on the straight path, in
    the loop that repeats it, anywhere when ``p`` is deferred; or after it in a function that
    is called in a loop."""
    fn = _func_of(p.node)
    body = fn.child_by_field_name("body") if fn is not None else None
    if fn is None or body is None:
        return None
    root = root_of(_chan_text(pkg, p))
    recv = ""
    if fn.type == "method_declaration":
        from goretain.rules.locks import _receiver_name

        recv = _receiver_name(fn)
    acqs = [a for a in body_acquisitions(pkg, body, recv) if a.cls == cls and a.key is not None and root_of(a.key) == root]
    if not acqs:
        return None
    deferred = p.node.parent is not None and (p.node.parent.type == "defer_statement" or (
        p.node.parent.parent is not None and p.node.parent.parent.type == "defer_statement"))
    loop = in_loop(p.node, fn)
    for a in acqs:
        if deferred or dominates(a.site, p.node) or (loop is not None and contains(loop, a.site)):
            return a.site
    if loop is None and any(a.site.start_byte > p.node.end_byte for a in acqs) and _called_in_loop(pkg, fn):
        return next(a.site for a in acqs if a.site.start_byte > p.node.end_byte)
    return None


def _called_in_loop(pkg: Package, fn: Node) -> bool:
    name = pkg.text(fn.child_by_field_name("name")) if fn.type != "func_literal" else ""
    if not name:
        return False
    for f in pkg.files:
        if name.encode() + b"(" not in f.src:
            continue
        for loop in descendants(f.root, "for_statement"):
            for call in own_descendants(loop, "call_expression"):
                callee_fn = call.child_by_field_name("function")
                called = callee_fn.child_by_field_name("field") if callee_fn is not None and callee_fn.type == "selector_expression" else callee_fn
                if pkg.text(called) == name and callee(pkg, call) is not None and callee(pkg, call).node.id == fn.id:  # type: ignore[union-attr]
                    return True
    return False


def _stuck_wait(pkg: Package, ctx: RuleContext, w: StuckWait) -> Finding:
    done = pkg.text(w.wait.child_by_field_name("operand"))
    if w.dropped is not None:
        why = (f"its cancel func is only kept in {w.cancel}, and the caller drops that object "
               f"(line {w.dropped.start_point[0] + 1}), so nothing can ever call it")
        rel = [Related(pkg.location(w.dropped), "the owner of the cancel func is discarded here")]
    elif w.called is None:
        why = f"its cancel func {w.cancel} is never called"
        rel = []
    else:
        why = f"its cancel func {w.cancel} is only called after this wait returns (line {w.called.start_point[0] + 1})"
        rel = [Related(pkg.location(w.called), "the only cancel, reached after the wait")]
    return ctx.finding(
        META, pkg, w.wait,
        f"goroutine blocks forever on <-{done}: the context comes from context.WithCancel over a context that is "
        f"never cancelled, and {why}",
        symbol=f"{done}:recv",
        related=[Related(pkg.location(w.make), "context made here"), *rel],
        fix=f"call {w.cancel}() when the owner is closed (or in a defer), or derive the context from one that ends",
    )


def _finding(pkg: Package, ctx: RuleContext, c: Chan, o: Op, message: str, related: list[Related], *,
             fix: str | None = None) -> Finding:
    rel = list(related)
    if o.node.id != o.site.id:
        rel.insert(0, Related(pkg.location(o.node), f"the {o.kind} on the parameter happens here"))
    return ctx.finding(META, pkg, o.site, message, symbol=f"{c.name}:{o.kind}", related=rel, fix=fix)


__all__ = ["META", "check", "descendants"]
