"""GR202 on channels stored in struct fields: a goroutine ranging over a field nothing closes,
senders that all give up on cancellation while a receive waits alone, a field nothing ever
sends on or closes, and a send whose only receiver is a loop that can stop receiving."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_ops import blocking, case_of, chan_finding, func_name, func_of, top_level
from goretain.rules.chanflow import (
    CLOSE,
    RANGE,
    RECV,
    SEND,
    Chan,
    Op,
    exits,
    goroutine_of,
    in_loop,
    never_fed,
    never_fed_case,
    unattributed_feed,
)
from goretain.rules.flow import own_descendants, terminates
from goretain.source.package import Package
from goretain.source.syntax import contains, descendants, strip_parens

# --- a goroutine ranges over a field channel that nothing closes -----------------------------

def never_closed(pkg: Package, c: Chan, r: Op) -> bool:
    """A field channel ranged over by a goroutine that nothing in the package can close:
    unexported, made here, never handed out, no close (not even an unattributed one)."""
    if c.exposed or c.of(CLOSE) or any(o.kind == "handoff" for o in c.ops) or r.node.id != r.site.id:
        return False
    if not isinstance(c.key, tuple) or unattributed_feed(pkg, str(c.key[2])) or _lifetime(r.node):
        return False
    # Only for a type with a shutdown method: its author means the goroutine to end (a
    # type without one may be a program-lifetime singleton).
    return any(_SHUTDOWN.match(m) for m in pkg.methods.get(str(c.key[1]), {}))


_SHUTDOWN = re.compile(r"(?i)(close|stop|shutdown|quit|terminate|cancel|release|dispose)$")


def _lifetime(n: Node) -> bool:
    """Is ``n`` (or the go statement running it) written in ``main`` or ``init``?"""
    for m in (n, goroutine_of(n)):
        top = top_level(m) if m is not None else None
        if top is not None and top.type == "function_declaration" and func_name(top) in ("main", "init"):
            return True
    return False


# --- every sender of a field channel gives up on cancellation, the receiver does not ----------

def senders_give_up(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
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
        if not blocking(r) or r.node.id != r.site.id or any(contains(func_of(snd.node) or snd.node, r.node) for snd in sends):
            continue
        yield chan_finding(
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

def never_fed_waits(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """Every wait on a channel field that no code of the package sends on or closes (and
    that never leaves the package) blocks forever."""
    if c.local or not never_fed(pkg, c):
        return
    for r in c.of(RECV, RANGE):
        if not blocking(r) or r.node.id != r.site.id:
            continue
        yield chan_finding(
            pkg, ctx, c, r,
            f"receive from {c.name} blocks forever: nothing in the package ever sends on or closes this channel",
            [Related(pkg.location(c.make), "channel made here")] if c.make is not None else [],
            fix=f"close {c.name} when its owner stops (e.g. in Stop/Close), or select on another way out",
        )


# --- the only receiver is a loop that can stop receiving ------------------------------------

def receiver_gone(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """A bare send on an unbuffered field channel whose every receive sits in a loop that
    can leave on another signal (a stop/done case, ctx.Done(), an early return): once that
    loop is gone, the send blocks forever."""
    if c.local or c.exposed or c.cap != 0:
        return  # a buffer is usually sized to the senders left after the loop: not modelled
    sends = [s for s in c.of(SEND) if blocking(s) and s.node.id == s.site.id]
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
        fn = func_name(func_of(loop))
        yield chan_finding(
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
    fn = func_of(r.node)
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
        case = case_of(n, loop)
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


def _breaks_out(brk: Node, loop: Node) -> bool:
    return terminates(brk, loop)

