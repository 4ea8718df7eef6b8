"""GR202: the goroutine that should send on or close a local channel can ``return`` first: a
one-shot receive waits for it forever, or a range over a channel closed only at the end of
its producer (not in a defer) never ends on the early-return path."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_ops import (
    blocking,
    chan_desc,
    chan_finding,
    func_name,
    func_of,
    same_goroutine,
)
from goretain.rules.chan_tasks import task_call
from goretain.rules.chanflow import (
    CLOSE,
    RANGE,
    RECV,
    SEND,
    Chan,
    Op,
    go_statement_of,
    goroutine_of,
    in_loop,
)
from goretain.rules.flow import own_descendants, terminates
from goretain.rules.sync_summary import dominates
from goretain.source.package import Package
from goretain.source.syntax import contains

# --- the goroutine that should send or close returns before it does ---------------------------

def partner_returns(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """A one-shot receive waits for a goroutine's send or close, and that goroutine has a
    ``return`` before every one of them (an error path, a break-out of its loop)."""
    if not c.local:
        return
    partners = [o for o in c.ops if o.kind in (SEND, CLOSE)]
    recvs = [r for r in c.of(RECV) if blocking(r) and r.node.id == r.site.id]
    if not partners or not recvs or any(o.kind == "handoff" or o.node.id != o.site.id for o in c.ops):
        return
    skips: list[Node] = []
    for p in partners:
        ret = _return_before(p, partners)
        if ret is None:
            return
        skips.append(ret)
    for r in recvs:
        if any(same_goroutine(r, goroutine_of(p.node) or p.node) for p in partners):
            continue
        if in_loop(r.node, func_of(r.node) or r.node) is not None:
            continue
        what = "closes" if partners[0].kind == CLOSE else "sends on"
        yield chan_finding(
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
    lit = func_of(p.node)
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


# --- a goroutine ranges over a channel that a return can leave open ---------------------------

def closed_late(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """A goroutine ranges over a local channel whose only closes are plain (not deferred)
    ``close`` calls in one body - the function that made it and started the goroutine, or a
    goroutine that function starts - and that body has a ``return`` before the close with no
    close on its path: on that path the channel stays open and the range waits forever."""
    closes = c.of(CLOSE)
    fn = func_of(c.make) if c.local and closes and c.make is not None else None
    closer = func_of(closes[0].site) if fn is not None else None
    if fn is None or closer is None or func_name(fn) == "main" or not all(_plain_close(cl, closer) for cl in closes):
        return
    start = closer if closer.id == fn.id else _started_by(pkg, closer, fn)
    body = closer.child_by_field_name("body")
    if start is None or body is None:
        return
    last = max(cl.site.start_byte for cl in closes)
    for r in c.of(RANGE):
        g = goroutine_of(r.site) or task_call(pkg, r.site)
        if closer.id == fn.id and (g is None or (func_of(g) or g).id != fn.id):
            continue  # the maker closes: only the goroutines it starts can be stranded
        if closer.id != fn.id and (contains(closer, r.site) or contains(closer, r.node)):
            continue
        ret = _early_return(c, body, closes, last, g if closer.id == fn.id else None, _range_exits(r))
        if ret is None:
            continue
        close = next(cl for cl in closes if cl.site.start_byte > ret.start_byte)
        who = func_name(fn) if closer.id == fn.id else f"the goroutine started at line {start.start_point[0] + 1}"
        fix = (f"defer close({c.name}) right after starting the goroutines (and drop the close at the end)"
               if closer.id == fn.id else f"defer close({c.name}) at the top of the closing goroutine")
        yield chan_finding(
            pkg, ctx, c, r,
            f"{'goroutine' if g is not None else func_name(func_of(r.site))} ranges over {c.name} ({chan_desc(c)}), "
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
        g = task_call(pkg, body) if body is not None else None
    return g if g is not None and (func_of(g) or g).id == fn.id else None


def _plain_close(cl: Op, fn: Node) -> bool:
    """A close written in ``fn``'s own body (not deferred, not started as a goroutine)."""
    p = cl.site.parent
    return (func_of(cl.site) or cl.site).id == fn.id and (p is None or p.type not in ("defer_statement", "go_statement"))


def _in_sequence(a: Node, b: Node) -> bool:
    """Does ``b`` run after ``a`` on the same path: ``a``'s statement (or one enclosing it)
    precedes the statement holding ``b`` in one block (not in exclusive branches)?"""
    if a.start_byte >= b.start_byte:
        return False
    cur = a
    while cur.parent is not None and not contains(cur.parent, b):
        cur = cur.parent
    return cur.parent is not None and cur.parent.type in ("block", "statement_list")

