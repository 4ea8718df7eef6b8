"""GR202: a goroutine holds a mutex while it blocks on a field channel whose every partner
must lock that mutex first: neither side can move."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_meta import META
from goretain.rules.chan_ops import blocking, func_of, with_make
from goretain.rules.chanflow import CLOSE, RANGE, RECV, SEND, Chan, Op, in_loop
from goretain.rules.flow import own_descendants
from goretain.rules.lock_ops import receiver_name
from goretain.rules.sync_summary import body_acquisitions, callee, dominates, regions, root_of
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import call_args, contains, descendants, strip_parens


def held_while_waiting(pkg: Package, ctx: RuleContext, chans: Iterable[Chan]) -> Iterator[Finding]:
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
            if o.kind not in (SEND, RECV, RANGE) or o.node.id != o.site.id or not blocking(o):
                continue
            if o.kind == SEND and c.cap != 0:
                continue  # a buffer may take the value without the receiver
            root = root_of(_chan_text(pkg, o))
            held = next((r for r in regs if root_of(r.key) == root and r.holds(o.node)
                         and (func_of(o.node) or o.node).id == r.fn.id and r.cls is not None), None)
            if held is None or held.cls is None:
                continue
            want = (RECV, RANGE) if o.kind == SEND else (SEND, CLOSE)
            partners = [p for p in c.ops if p.kind in want and p.node.id == p.site.id]
            if not partners or any((func_of(p.node) or p.node).id == held.fn.id for p in partners):
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
                related=with_make(pkg, c, [Related(pkg.location(held.call), f"{held.key} locked here"),
                                           Related(pkg.location(first), f"the {who} locks {held.cls} here"),
                                           Related(pkg.location(partners[0].node), f"the {who}'s operation")]),
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
    fn = func_of(p.node)
    body = fn.child_by_field_name("body") if fn is not None else None
    if fn is None or body is None:
        return None
    root = root_of(_chan_text(pkg, p))
    recv = ""
    if fn.type == "method_declaration":
        recv = receiver_name(fn)
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

