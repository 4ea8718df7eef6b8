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
- one local goroutine sends every item bare in a loop while the consuming loop in the same
  function (a range, also a goroutine-backed ``iter.Seq``) returns or breaks on a value;
- goroutines started by a ``Go``-like method send bare on an unbuffered field channel whose
  only receiving loop returns on a tested value (a hand-written errgroup's first error);
- goroutines send and only then call ``wg.Done()`` (or return from a ``wg.Go`` task) while
  every receive comes after ``wg.Wait()``: the sends and the Wait block each other;
- a goroutine ranges over a field channel that nothing in the package closes, although the
  type has a Close/Stop method;
- a goroutine ranges over a local channel that is closed only on some paths: the function
  that started it (or the goroutine that closes it) can ``return`` before its plain close;
- a generator (a function that makes a channel, starts a goroutine sending on it in a loop
  with bare sends, and returns it) whose caller in the package stops receiving early: a
  return/break out of its range, a select case that leaves its receive loop, one receive;
  also when the sends give up only on the generator's ctx parameter and that caller passes a
  ctx it does not cancel (its own parameter, ``context.Background()``).

A channel made by a same-package helper whose every return is ``make(chan T[, n])`` counts as
made at the call (``chanflow``). Every finding names the make as a related location (the
usual fix is a buffer there), and the findings of one channel with the same message are
merged into the first, the other operations becoming related locations.

The finding points at the blocking operation (or, when the operation is in a callee,
at the call inside the goroutine) with the partner or the path that skips it as related.

This module registers the rule, runs every check and holds the core checks on local
channels (the receiver gives up or returns first, more sends than receives, a send twice,
a range nobody closes, a channel nobody receives from); the other shapes live in ``chan_*``
modules: ``chan_fields`` (field channels: ranged but never closed, senders give up, never
fed, receiving loop gone), ``chan_returns`` (the partner returns before its send/close, a
close skipped by a return), ``chan_loops`` (the receiving loop leaves early),
``chan_waitgroups`` (Wait before the drain), ``chan_generators``, ``chan_overfill``,
``chan_locks`` (a mutex held while waiting) and ``chan_ctxwait`` (stuck ``<-ctx.Done()``);
``chan_ops`` and ``chan_tasks`` hold the shared helpers, ``chan_meta`` the rule's metadata
and ``chanflow`` the channel model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext, register
from goretain.rules.chan_ctxwait import stuck_wait_finding
from goretain.rules.chan_fields import never_closed, never_fed_waits, receiver_gone, senders_give_up
from goretain.rules.chan_generators import generator_abandoned
from goretain.rules.chan_locks import held_while_waiting
from goretain.rules.chan_loops import field_collector_quits, receiver_quits
from goretain.rules.chan_meta import META
from goretain.rules.chan_ops import (
    blocking,
    called_now,
    chan_desc,
    chan_finding,
    drains,
    func_of,
    repeats,
    same_goroutine,
    sends_bound,
    top_level,
)
from goretain.rules.chan_overfill import overfilled
from goretain.rules.chan_returns import closed_late, partner_returns
from goretain.rules.chan_timerdrain import stranded_drains
from goretain.rules.chan_waitgroups import wait_before_drain
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
    go_targets,
    goroutine_of,
    in_loop,
)
from goretain.rules.ctxwait import stuck_waits
from goretain.rules.flow import own_descendants, statements_after, terminates
from goretain.source.package import Package
from goretain.source.syntax import contains, descendants


@register(META)
def check(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    waits = any(b"WithCancel" in f.src and b"Done()" in f.src for f in pkg.files)
    if waits:
        yield from (stuck_wait_finding(pkg, ctx, w) for w in stuck_waits(pkg))
    yield from stranded_drains(pkg, ctx)
    if not any(b"chan" in f.src and (b"go " in f.src or b"go\t" in f.src or b"<-" in f.src) for f in pkg.files):
        return
    table = collect(pkg)
    seen: set[int] = set()
    if any(b"Lock()" in f.src for f in pkg.files):
        for f in held_while_waiting(pkg, ctx, table.chans.values()):
            seen.add(f.location.line * 1000 + f.location.column)
            yield f
    for f in overfilled(pkg, ctx):
        seen.add(f.location.line * 1000 + f.location.column)
        yield f
    for c in table.chans.values():
        if c.returned and c.make is not None:
            for f in merged(generator_abandoned(pkg, ctx, c)):
                seen.add(f.location.line * 1000 + f.location.column)
                yield f
        if c.escapes or c.make is None:
            continue
        found: list[Finding] = []
        for f in (*_check_chan(pkg, ctx, c), *receiver_gone(pkg, ctx, c), *partner_returns(pkg, ctx, c),
                  *never_fed_waits(pkg, ctx, c), *senders_give_up(pkg, ctx, c), *receiver_quits(pkg, ctx, c), *field_collector_quits(pkg, ctx, c),
                  *wait_before_drain(pkg, ctx, c), *closed_late(pkg, ctx, c)):
            key = f.location.line * 1000 + f.location.column
            if key not in seen:
                seen.add(key)
                found.append(f)
        yield from merged(found)


def merged(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per channel and shape: operations of one channel that block for the same
    reason (the same message) become related locations of the first one."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.message, []).append(f)
    out: list[Finding] = []
    for same in groups.values():
        same.sort(key=lambda f: (f.location.line, f.location.column))
        first = same[0]
        if len(same) > 1:
            kind = first.symbol.rsplit(":", 1)[-1] or "operation"
            more = tuple(Related(f.location, f"another {kind} with the same problem") for f in same[1:])
            first = first.with_changes(related=first.related[:1] + more + first.related[1:])
        out.append(first)
    return out


# --- goroutines -----------------------------------------------------------------------------

def _spawned(pkg: Package, c: Chan, o: Op) -> Node | None:
    """The go statement (or the go-started function) running ``o``, None for the maker."""
    g = goroutine_of(o.site)
    if g is not None:
        return g
    if c.local:
        return None
    fn = func_of(o.site)
    while fn is not None and fn.type == "func_literal":
        fn = func_of(fn)
    if fn is not None:
        name = fn.child_by_field_name("name")
        if name is not None and pkg.text(name) in go_targets(pkg):
            return fn
    return None


def _persistent(o: Op, c: Chan) -> bool:
    """A receiver that keeps receiving: a range, or a receive (or select) in a loop that
    outlives the channel (a loop that makes a fresh channel per pass takes one value)."""
    if o.kind == RANGE:
        return True
    fn = func_of(o.site)
    if (fn is not None and fn.type == "func_literal" and goroutine_of(o.site) is None and not called_now(fn)
            and not (c.make is not None and contains(fn, c.make))):
        return True  # a callback: it may run any number of times (each run of one that makes the channel takes one value)
    loop = in_loop(o.node, func_of(o.node) or top_level(o.node))
    return loop is not None and not (c.make is not None and contains(loop, c.make))


def _polls_once(o: Op) -> bool:
    """A non-blocking receive (a select with a default case) that is not repeated by a loop."""
    if o.kind != RECV or o.select is None or not any(a.type == "default_case" for a in o.alternatives):
        return False
    fn = func_of(o.node)
    return fn is not None and fn.type != "func_literal" and in_loop(o.node, fn) is None


# --- the checks -----------------------------------------------------------------------------

def _check_chan(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    sends = [o for o in c.of(SEND)]
    recvs = [o for o in c.of(RECV, RANGE) if not _polls_once(o)]  # a one-off drain takes one value at most
    closes = c.of(CLOSE)
    for s in sends:
        if not blocking(s):
            continue
        g = _spawned(pkg, c, s)
        if g is None and not recvs and not c.local:
            g = func_of(s.site)  # nobody receives at all: whoever calls this blocks
        if g is None:
            continue
        f = _check_send(pkg, ctx, c, s, g, sends, recvs)
        if f is not None:
            yield f
    if closes:
        return
    for r in recvs:
        if not blocking(r):
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
    partners = [r for r in recvs if not same_goroutine(r, g)]
    if not partners:
        if recvs:
            return None  # the goroutine receives itself: a pattern we do not model
        if c.cap > 0 and not repeats(s, g, c.make) and len(sends) <= c.cap:
            return None
        polls = [r for r in c.of(RECV) if _polls_once(r)]
        if polls:
            return chan_finding(pkg, ctx, c, s, f"goroutine sends on {c.name}, but the only receive is a one-off non-blocking "
                            "drain: once the buffer is full the send blocks forever",
                            [Related(pkg.location(polls[0].node), "the only receive, in a select with a default case")],
                            fix=f"receive from {c.name} in a loop that runs while senders exist, or select on a done channel in the sender")
        return chan_finding(pkg, ctx, c, s, f"goroutine sends on {c.name} but nothing ever receives from it",
                        [])
    if any(_persistent(r, c) for r in partners) or not c.local:
        return None  # field channels: partners in other methods may be retried by their callers
    if c.cap == UNKNOWN_CAP:
        return None
    # Every receiver takes one value: can all of them be skipped, or are there more sends?
    skipped = [_skip_reason(pkg, c, r, g) for r in partners]
    many = repeats(s, g, c.make)
    if all(skipped) and (c.cap == 0 or many):
        node, why = skipped[0]  # type: ignore[misc]
        return chan_finding(pkg, ctx, c, s, f"goroutine may block forever sending on {c.name}: the receiver {why}",
                        [Related(pkg.location(node), "the receive is skipped here")])
    if many and len(partners) == 1 and c.cap < sends_bound(pkg, s, g) and not _conditional(s, g):
        r = partners[0]
        return chan_finding(pkg, ctx, c, s, f"goroutine is started in a loop and sends on {c.name}, but only one value is received;"
                        " the other senders block forever",
                        [Related(pkg.location(r.node), "the single receive")],
                        fix=f"make {c.name} buffered with one slot per goroutine, or receive in a loop")
    second = _second_send(s, sends, g)
    if second is not None and len(partners) == 1 and c.cap < 2 and s is second:
        return chan_finding(pkg, ctx, c, s, f"goroutine may send twice on {c.name} on one path, but only one value is received",
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


def _second_send(s: Op, sends: list[Op], g: Node) -> Op | None:
    """``s`` when an earlier send of the same goroutine can reach it on one path."""
    fn = func_of(s.node)
    for first in sends:
        if first is s or not same_goroutine(first, g) or not blocking(first):
            continue
        if first.node.start_byte >= s.node.start_byte or fn is None or func_of(first.node) is None:
            continue
        if func_of(first.node).id != fn.id:
            continue
        for st in statements_after(first.node):
            if contains(st, s.node):
                return s
            if terminates(st) or own_descendants(st, "return_statement"):
                break
    return None


def _skip_reason(pkg: Package, c: Chan, r: Op, g: Node) -> tuple[Node, str] | None:
    """Why the one-shot receive ``r`` may never run: (where, why), or None."""
    if r.select is not None and r.alternatives:
        for alt in r.alternatives:
            if not drains(alt, c):
                comm = alt.child_by_field_name("communication")
                timer = comm is not None and (comm.text or b"").rstrip().endswith(b".C")
                what = "timeout" if b"time." in (alt.text or b"") or timer else "other case"
                if b"Done()" in (alt.text or b""):
                    what = "cancellation"
                if alt.type == "default_case":
                    what = "default case"
                return alt, f"waits in a select whose {what} can win and does not drain the channel"
    if g.type != "go_statement":
        return None
    top = func_of(g)
    if top is None or func_of(r.site) is None or func_of(r.site).id != top.id:
        return None
    for n in own_descendants(top, "return_statement", "call_expression"):
        if g.end_byte <= n.start_byte < r.site.start_byte and exits(n) and not contains(n, r.site):
            return n, "can return early, before it receives"
    return None


def _check_recv(pkg: Package, ctx: RuleContext, c: Chan, r: Op, g: Node, sends: list[Op]) -> Finding | None:
    partners = [s for s in sends if not same_goroutine(s, g)]
    if r.kind == RANGE:
        if not c.local:
            if not never_closed(pkg, c, r):
                return None
            return chan_finding(pkg, ctx, c, r, f"goroutine ranges over {c.name} ({chan_desc(c)}), which nothing in the package "
                            "ever closes: once its senders stop, it blocks forever with everything it references",
                            [],
                            fix=f"close({c.name}) in the owner's Close/Stop method, once nothing sends any more")
        return chan_finding(pkg, ctx, c, r, f"goroutine ranges over {c.name}, which is never closed: it blocks forever after the last value",
                        [],
                        fix=f"close({c.name}) (in a defer) when the producer is done")
    if not sends:
        return chan_finding(pkg, ctx, c, r, f"goroutine receives from {c.name}, but nothing ever sends on it or closes it",
                        [],
                        fix=f"close({c.name}) when the goroutine should stop, or select on ctx.Done()")
    if not partners or any(repeats(s, None) for s in partners) or not c.local:
        return None
    reasons = [_send_skip(pkg, c, s, g) for s in partners]
    if all(reasons):
        node, why = reasons[0]  # type: ignore[misc]
        return chan_finding(pkg, ctx, c, r, f"goroutine may block forever receiving from {c.name}: the sender {why}",
                        [Related(pkg.location(node), "the send is skipped here")],
                        fix=f"close({c.name}) in a defer in the sender, or select on ctx.Done() in the receiver")
    return None


def _send_skip(pkg: Package, c: Chan, s: Op, g: Node) -> tuple[Node, str] | None:
    if s.select is not None and s.alternatives:
        return s.alternatives[0], "sends in a select whose other case can win"
    top = func_of(g)
    if top is None or (func_of(s.site) or s.site).id != top.id:
        return None
    for n in own_descendants(top, "return_statement", "call_expression"):
        if g.end_byte <= n.start_byte < s.site.start_byte and exits(n) and not contains(n, s.site):
            return n, "can return early, before it sends"
    return None


__all__ = ["META", "check", "descendants"]
