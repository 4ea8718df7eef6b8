"""GR202: the goroutines that send on a channel (go statements, ``wg.Go``/errgroup tasks),
the WaitGroup or errgroup a call works on, and whether the senders overflow the buffer."""

from __future__ import annotations

from tree_sitter import Node

from goretain.rules.chan_ops import blocking, func_of, sends_bound
from goretain.rules.chanflow import SEND, Chan, Op, goroutine_of
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import call_args, strip_parens


def goroutine_sends(pkg: Package, c: Chan) -> list[tuple[Op, Node]]:
    """The blocking sends on ``c`` made by started goroutines, with what starts each: a go
    statement, or a ``wg.Go(func(){...})`` / errgroup ``g.Go(...)`` call."""
    out: list[tuple[Op, Node]] = []
    for s in c.of(SEND):
        g = (goroutine_of(s.site) or task_call(pkg, s.site)) if blocking(s) else None
        if g is not None:
            out.append((s, g))
    return out


def task_call(pkg: Package, n: Node) -> Node | None:
    """The ``x.Go(func() ...)`` call whose func literal runs ``n`` (x a sync.WaitGroup or an
    errgroup.Group), else None."""
    lit = func_of(n)
    args = lit.parent if lit is not None and lit.type == "func_literal" else None
    call = args.parent if args is not None and args.type == "argument_list" else None
    if call is None or call.type != "call_expression" or len(call_args(call)) != 1:
        return None
    return call if group_operand(pkg, call, "Go") is not None else None


def group_operand(pkg: Package, call: Node, method: str) -> Node | None:
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


def overflows(pkg: Package, c: Chan, senders: list[tuple[Op, Node]]) -> bool:
    """Can the senders put more values than the buffer holds (an unbuffered channel, or a
    constant buffer below a known number of sends)?"""
    if c.cap == 0:
        return True
    total = 0
    for s, g in senders:
        n = sends_bound(pkg, s, g)
        if n >= 1 << 30:
            return True  # an unknown number of sends (goroutines per item): a fixed buffer runs out
        total += n
    return total > c.cap

