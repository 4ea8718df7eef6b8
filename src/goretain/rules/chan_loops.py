"""GR202: goroutines send on a local channel whose only receiving loop can leave early (on
the first error when several send, or on ``ctx.Done()`` / a timeout / a caller's stop case)
while nothing else drains it."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_ops import (
    case_of,
    chan_desc,
    chan_finding,
    drains,
    func_name,
    func_of,
    looping,
    same_goroutine,
    top_level,
)
from goretain.rules.chan_tasks import goroutine_sends, overflows
from goretain.rules.chanflow import RANGE, RECV, SEND, UNKNOWN_CAP, Chan, Op, in_loop
from goretain.rules.flow import own_descendants, terminates
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import call_args, contains, descendants, expr_list, strip_parens


def receiver_quits(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """Goroutines send on a local channel whose only receiver is one loop, and that loop can
    leave early - on a received error (when several goroutines send), or on a select case on
    ctx.Done() / a timeout / a caller's stop channel - while nothing else drains the channel:
    every sender still to deliver blocks forever."""
    if not c.local or c.cap == UNKNOWN_CAP or c.make is None:
        return
    senders = goroutine_sends(pkg, c)
    if not senders or len(senders) != len(c.of(SEND)):
        return  # a send that waits in a select, or one the maker does itself: not this shape
    gs = list({g.id: g for _, g in senders}.values())
    partners = [r for r in c.of(RECV, RANGE) if not any(same_goroutine(r, g) for g in gs)]
    loop = _one_receiving_loop(partners, c)
    if loop is None or any(contains(loop, g) or g.end_byte > loop.start_byte for g in gs):
        return
    exit_, what = _early_exit(pkg, loop, c, partners)
    if exit_ is None:
        return
    many = len(gs) > 1 or any(looping(g, func_of(g) or top_level(g)) for g in gs)
    if what == "value" and not many and not _streams(gs, senders):
        return  # one producer: the value that ends the loop may well be its last one
    if not overflows(pkg, c, senders):
        return
    verb = "returns" if exit_.type == "return_statement" else "breaks out"
    cause = (f"{verb} early on a value it received (line {exit_.start_point[0] + 1})" if what == "value"
             else f"{verb} on {what} (line {exit_.start_point[0] + 1})")
    who = ("goroutine sends" if not many else "goroutines started in a loop send" if len(gs) == 1
           else f"{len(gs)} goroutines send")
    left = "the remaining senders block" if many else "the sender blocks"
    for s, _ in senders:
        yield chan_finding(
            pkg, ctx, c, s,
            f"{who} on {c.name} ({chan_desc(c)}), but the only receiving loop {cause} before every value is "
            f"received, and nothing else drains {c.name}: {left} forever",
            [Related(pkg.location(exit_), "the receiving loop exits here"),
             Related(pkg.location(partners[0].node), "the only receive")],
            fix=f"make {c.name} buffered with room for every sender ({_buffer_hint(c, gs)}), use errgroup, "
                "or select on ctx.Done() next to the send",
        )


def field_collector_quits(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """A hand-written errgroup: goroutines started by another function (one per call) send
    bare on an unbuffered field channel, and its only receiver is one loop that returns or
    breaks on a received value (the first error): the goroutines still to deliver block."""
    if c.local or c.exposed or c.cap != 0 or c.make is None or not isinstance(c.key, tuple):
        return
    senders = goroutine_sends(pkg, c)
    if not senders or len(senders) != len(c.of(SEND)) or any(g.type != "go_statement" for _, g in senders):
        return
    partners = c.of(RECV, RANGE)
    loop = _one_receiving_loop(partners, c)
    if loop is None or any(s.node.id != s.site.id or contains(loop, g) for s, g in senders):
        return
    owner = func_of(loop)
    if owner is None or any(func_of(g) is not None and func_of(g).id == owner.id for _, g in senders):
        return  # started next to the loop: the local checks' business
    if any(func_of(g) is None or func_of(g).type == "func_literal" for _, g in senders):
        return  # started once by some literal, not once per call of a Go-like method
    exit_, what = _early_exit(pkg, loop, c, partners)
    if exit_ is None or what != "value" or not _tested(exit_, loop):
        return
    verb = "returns" if exit_.type == "return_statement" else "breaks out"
    where = func_name(owner)
    for s, g in senders:
        yield chan_finding(
            pkg, ctx, c, s,
            f"goroutines started by {func_name(func_of(g))} send on {c.name} ({chan_desc(c)}), but the only receiving "
            f"loop, in {where}, {verb} early on a value it received (line {exit_.start_point[0] + 1}) and nothing "
            f"else drains {c.name}: every goroutine still to deliver blocks forever",
            [Related(pkg.location(exit_), "the receiving loop exits here"),
             Related(pkg.location(partners[0].node), "the only receive")],
            fix=f"give each goroutine its own buffered channel (make(chan T, 1)), keep receiving after the first "
                f"error in {where}, or use errgroup",
        )


def _tested(n: Node, loop: Node) -> bool:
    """Is the exit ``n`` under a branch that tests something (an error), not a select case
    or the loop's unconditional end after one value?"""
    if case_of(n, loop) is not None:
        return False
    cur = n.parent
    while cur is not None and cur.id != loop.id:
        if cur.type in _BRANCHES:
            return True
        cur = cur.parent
    return False


def _streams(gs: list[Node], senders: list[tuple[Op, Node]]) -> bool:
    """One go statement whose every send sits in its own loop and is never its last act
    (no ``ch <- err; return``): any value the receiver stops on can be followed by more."""
    if len(gs) != 1 or gs[0].type != "go_statement":
        return False
    return all(s.node.id == s.site.id and looping(s.node, gs[0]) for s, _ in senders)


def _one_receiving_loop(partners: list[Op], c: Chan) -> Node | None:
    """The loop all of ``partners`` (receives written in one function) sit in, directly."""
    if not partners or any(r.node.id != r.site.id for r in partners):
        return None
    fn = func_of(partners[0].node)
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
        case = case_of(n, loop)
        if case is not None and case.type == "communication_case" and not drains(case, c):
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


def _buffer_hint(c: Chan, gs: list[Node]) -> str:
    elem = ""
    args = call_args(c.made) if c.made is not None else []
    if args:
        elem = (args[0].text or b"").decode("utf-8", "replace")
    for g in gs:
        loop = in_loop(g, func_of(g) or top_level(g))
        head = next((h for h in loop.named_children if h.type == "range_clause"), None) if loop is not None else None
        over = head.child_by_field_name("right") if head is not None else None
        if over is not None:
            return f"make({elem}, len({(over.text or b'').decode('utf-8', 'replace')}))"
    return f"make({elem}, N) for N senders"

