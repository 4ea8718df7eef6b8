"""GR202: a generator (makes a channel, starts a goroutine filling it with bare sends in a
loop, returns it) whose caller in the package stops receiving before the channel is closed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_meta import META
from goretain.rules.chan_ops import (
    blocking,
    called_now,
    case_of,
    chan_desc,
    chan_finding,
    func_name,
    func_of,
    repeats,
    sends_bound,
    with_make,
)
from goretain.rules.chanflow import (
    RANGE,
    RECV,
    SEND,
    UNKNOWN_CAP,
    Chan,
    Op,
    go_statement_of,
    goroutine_of,
    in_loop,
    select_of,
)
from goretain.rules.flow import own_descendants, statements_after, terminates
from goretain.rules.sync_summary import callee
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    contains,
    descendants,
    expr_list,
    param_index,
    strip_parens,
    text,
    up,
)


def generator_abandoned(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
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
    guards: set[int] = set()  # the maker's ctx parameters the sends give up on
    for s in sends:
        g = goroutine_of(s.site)
        if g is None or (func_of(g) or g).id != fn.id:
            return  # the maker sends itself: not this shape
        if not blocking(s):
            k = _ctx_only(pkg, s, fn)
            if k < 0:
                return  # a send that can give up on something else
            guards.add(k)
        if (repeats(s, g, c.make) or _in_callback(s, g)) and (c.cap == 0 or sends_bound(pkg, s, g) > c.cap):
            loops.append(s)
    idx = _result_index(c)
    if guards:
        if len(guards) == 1 and loops and all(not blocking(s) and not _final(s) for s in sends):
            yield from _ctx_not_cancelled(pkg, ctx, c, fn, gen, loops, idx, guards.pop())
        return
    found = next((a for call in _calls_of(pkg, fn, gen) if (a := _abandons(pkg, call, idx)) is not None), None) if loops else None
    if found is None:
        return
    exit_, recv, how = found
    caller = func_name(func_of(exit_))
    for s in loops:
        yield chan_finding(
            pkg, ctx, c, s,
            f"goroutine started by {gen}() sends on {c.name} ({chan_desc(c)}) in a loop with no way to give up, and "
            f"{gen} returns the channel; its caller {caller}() {how} (line {exit_.start_point[0] + 1}) before the channel "
            "is closed, so the producer blocks forever on its next send, with everything it references",
            [Related(pkg.location(exit_), "the caller stops receiving here"),
             Related(pkg.location(recv), f"receives from the channel {gen}() returns"),
             Related(pkg.location(c.returned[0]), "the channel is handed to the caller here")],
            fix=f"pass a ctx (or done channel) to {gen} and select on ctx.Done() next to the send, cancelling it when "
                "the caller stops early; or drain the channel before leaving",
        )


def _ctx_not_cancelled(pkg: Package, ctx: RuleContext, c: Chan, fn: Node, gen: str, loops: list[Op], idx: int,
                       k: int) -> Iterator[Finding]:
    """The producer gives up only when the ctx passed to the generator ends, but a caller
    passes a ctx it does not cancel itself (its own caller's, or a background one) and stops
    receiving early on another path: the producer waits until that ctx ends, maybe never."""
    for call in _calls_of(pkg, fn, gen):
        args = call_args(call)
        arg = strip_parens(args[k]) if k < len(args) else None
        if arg is None or not _uncancelled(pkg, arg):
            continue
        found = _abandons(pkg, call, idx, pkg.text(arg))
        if found is None:
            continue
        exit_, recv, how = found
        caller = func_name(func_of(exit_))
        given = pkg.text(arg)
        ends = ("forever: that context is never cancelled" if arg.type != "identifier" else
                f"until {caller}'s own caller cancels {given}, maybe never")
        yield ctx.finding(
            META, pkg, call,
            f"{caller}() {how} (line {exit_.start_point[0] + 1}) without cancelling {given}, the context it gives "
            f"{gen}(); the goroutine started by {gen}() gives up its send on {c.name} ({chan_desc(c)}) only when that "
            f"context ends, so it blocks with everything it references {ends}",
            symbol=f"{c.name}:{gen}:ctx",
            related=with_make(pkg, c, [Related(pkg.location(exit_), "the caller stops receiving here"),
                                       Related(pkg.location(loops[0].node), "the producer's send, which waits for the context"),
                                       Related(pkg.location(recv), f"receives from the channel {gen}() returns")]),
            fix=f"derive `ctx, cancel := context.WithCancel({given})` with `defer cancel()` in {caller} and pass that "
                f"to {gen}, or drain the channel before leaving",
        )


def _final(s: Op) -> bool:
    """Is the send followed by a return (the producer's last value, e.g. an error): a
    consumer that stops on such a value leaves nothing behind."""
    stmt = s.select if s.select is not None else s.node
    after = next(iter(statements_after(stmt)), None)
    return after is not None and after.type == "return_statement"


def _uncancelled(pkg: Package, arg: Node) -> bool:
    """A context argument its caller cannot cancel: the caller's own parameter, or
    ``context.Background()`` / ``context.TODO()``."""
    if arg.type == "identifier":
        b = pkg.resolve(arg)
        return isinstance(b, Binding) and b.kind == "param"
    return pkg.text(arg) in ("context.Background()", "context.TODO()")


def _ctx_only(pkg: Package, s: Op, fn: Node) -> int:
    """The index of the maker's ``context.Context`` parameter when the send's select gives
    up only on ``<-ctx.Done()`` (returning), else -1."""
    if s.select is None or not s.alternatives:
        return -1
    k = -1
    for alt in s.alternatives:
        comm = alt.child_by_field_name("communication") if alt.type == "communication_case" else None
        u = next(iter(descendants(comm, "unary_expression")), None) if comm is not None else None
        call = strip_parens(u.child_by_field_name("operand")) if u is not None else None
        sel = strip_parens(call.child_by_field_name("function")) if call is not None and call.type == "call_expression" else None
        if sel is None or sel.type != "selector_expression" or pkg.text(sel.child_by_field_name("field")) != "Done":
            return -1
        x = strip_parens(sel.child_by_field_name("operand"))
        b = pkg.resolve(x) if x is not None and x.type == "identifier" else None
        if not isinstance(b, Binding) or b.kind != "param" or b.func is None or b.func.id != fn.id:
            return -1
        if not pkg.type_of(x).is_named("context", "Context"):
            return -1
        i = param_index(fn, text(b.ident))
        if i < 0 or (k >= 0 and i != k) or not own_descendants(alt, "return_statement"):
            return -1
        k = i
    return k




def _generator_name(pkg: Package, fn: Node) -> str | None:
    """The name callers use for ``fn``: a declared function or method, or a func literal
    bound once by ``gen := func(...) ...``."""
    if fn.type in ("function_declaration", "method_declaration"):
        return func_name(fn)
    b = _literal_binding(pkg, fn)
    return b.name if b is not None else None


def _literal_binding(pkg: Package, lit: Node) -> Binding | None:
    p = up(lit)
    decl = p.parent if p is not None and p.type == "expression_list" else None
    if decl is None or decl.type != "short_var_declaration":
        return None
    left, right = expr_list(decl.child_by_field_name("left")), expr_list(decl.child_by_field_name("right"))
    b = pkg.resolve(left[0]) if len(left) == 1 and len(right) == 1 and left[0].type == "identifier" else None
    return b if isinstance(b, Binding) else None


def _in_callback(s: Op, g: Node) -> bool:
    """Is the send in a func literal handed to a call inside the goroutine (a walk callback,
    which may run any number of times)?"""
    fn = func_of(s.node)
    return (fn is not None and fn.type == "func_literal" and contains(g, fn) and go_statement_of(fn) is None
            and not called_now(fn) and fn.parent is not None and fn.parent.type == "argument_list")


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


def _abandons(pkg: Package, call: Node, idx: int, ctx_name: str = "") -> tuple[Node, Node, str] | None:
    """Where a caller stops receiving from the channel ``call`` returns (result ``idx``)
    before it is closed: (exit, its receive, how); None when it drains it or hands it on.
    With ``ctx_name``, exits taken because that context ended do not count."""
    use: Node = call
    p = up(call)
    if p is not None and p.type == "expression_list" and p.parent is not None and p.parent.type == "short_var_declaration":
        decl = p.parent
        left, right = expr_list(decl.child_by_field_name("left")), expr_list(decl.child_by_field_name("right"))
        b = pkg.resolve(left[idx]) if len(right) == 1 and idx < len(left) and left[idx].type == "identifier" else None
        fn = func_of(call)
        if not isinstance(b, Binding) or fn is None:
            return None
        uses = [i for i in descendants(fn, "identifier") if i.id != b.ident.id and i.text == b.ident.text and pkg.resolve(i) is b]
        if len(uses) != 1:
            return None  # drained, passed on, or stored somewhere: the caller may finish it
        use = uses[0]
        p = up(use)
    elif idx:
        return None
    if p is None:
        return None
    if p.type == "range_clause" and (p.child_by_field_name("right") or p).id == use.id and p.parent is not None:
        loop = p.parent
        body = loop.child_by_field_name("body")
        for n in own_descendants(body, "return_statement", "break_statement") if body is not None else []:
            if (n.type == "return_statement" or terminates(n, loop)) and not _on_ctx(n, loop, ctx_name):
                return n, p, f"can {'return' if n.type == 'return_statement' else 'break'} out of its range"
        return None
    if p.type == "unary_expression" and pkg.text(p.child_by_field_name("operator")) == "<-":
        fn = func_of(p)
        loop = in_loop(p, fn) if fn is not None else None
        if loop is None:
            return p, p, "takes a single value"
        out = _other_case_exit(p, loop)
        if out is None or _on_ctx(out, loop, ctx_name):
            return None
        return out, p, "leaves its receive loop on another select case"
    return None


def _on_ctx(n: Node, stop: Node, ctx_name: str) -> bool:
    """Is the exit ``n`` taken under a test of the context ``ctx_name`` (``if ctx.Err() != nil``,
    ``case <-ctx.Done():``)? Then that context has ended and the producer gives up too."""
    if not ctx_name:
        return False
    word = re.compile(rb"\b" + re.escape(ctx_name.encode()) + rb"\b")
    cur = n.parent
    while cur is not None and cur.id != stop.id:
        head = cur.child_by_field_name("condition") if cur.type == "if_statement" else (
            cur.child_by_field_name("communication") if cur.type == "communication_case" else None)
        if head is not None and word.search(head.text or b""):
            return True
        cur = cur.parent
    return False


def _other_case_exit(recv: Node, loop: Node) -> Node | None:
    """A return/break out of ``loop`` taken in a select case other than the one that
    receives ``recv`` (ctx.Done(), a timeout, a stop channel)."""
    sel, _ = select_of(recv)
    if sel is None:
        return None
    for n in own_descendants(loop, "return_statement", "break_statement"):
        if n.type == "break_statement" and not terminates(n, loop):
            continue
        other = case_of(n, loop)
        if (other is not None and other.type == "communication_case" and other.parent is not None
                and other.parent.id == sel.id and not contains(other, recv)):
            return n
    return None
