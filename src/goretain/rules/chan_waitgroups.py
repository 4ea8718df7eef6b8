"""GR202: goroutines send and only then call ``wg.Done()`` (or return from a ``wg.Go`` task)
while every receive of the channel comes after ``wg.Wait()``: the sends and the Wait block
each other."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_ops import chan_desc, chan_finding, func_of, same_goroutine, top_level
from goretain.rules.chan_tasks import goroutine_sends, group_operand, overflows
from goretain.rules.chanflow import RANGE, RECV, UNKNOWN_CAP, Chan, Op
from goretain.rules.flow import own_descendants
from goretain.rules.sync_summary import dominates
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import call_args, descendants, param_index, strip_parens


def wait_before_drain(pkg: Package, ctx: RuleContext, c: Chan) -> Iterator[Finding]:
    """Goroutines send on a local channel and only then call ``wg.Done()`` (deferred or after
    the send); every receive of the channel comes after ``wg.Wait()`` in its goroutine: the
    sends block, Done never runs, and Wait never returns."""
    if not c.local or c.cap == UNKNOWN_CAP or c.make is None or b"Wait()" not in (top_level(c.make).text or b""):
        return
    senders = goroutine_sends(pkg, c)
    gs = [g for _, g in senders]
    partners = [r for r in c.of(RECV, RANGE) if not any(same_goroutine(r, g) for g in gs)]
    if not senders or not partners or not overflows(pkg, c, senders):
        return
    for s, g in senders:
        wg = _done_after(pkg, s, g)
        wait = _wait_before_all(pkg, wg, partners, gs) if wg is not None else None
        if wait is None:
            continue
        name = pkg.text(wait.child_by_field_name("function"))[: -len(".Wait")]
        done = f"its {name}.Go task returns" if g.type == "call_expression" else f"it calls {name}.Done()"
        yield chan_finding(
            pkg, ctx, c, s,
            f"goroutine sends on {c.name} ({chan_desc(c)}) before {done}, but the only receiver first waits in "
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
    fn = func_of(s.node)
    if g.type == "call_expression":
        x = group_operand(pkg, g, "Go")
        return _wg_key(pkg, x, fn, None) if x is not None and fn is not None else None
    body = fn.child_by_field_name("body") if fn is not None else None
    if fn is None or body is None or b"Done()" not in (body.text or b""):
        return None
    for call in descendants(body, "call_expression"):
        x = group_operand(pkg, call, "Done")
        if x is None:
            continue
        owner = func_of(call)
        deferred = call.parent is not None and call.parent.type == "defer_statement" and owner is not None and owner.id == fn.id
        if not deferred and owner is not None and owner.id != fn.id:
            lit_call = owner.parent
            deferred = (owner.type == "func_literal" and lit_call is not None and lit_call.parent is not None
                        and lit_call.parent.type == "defer_statement" and func_of(lit_call) is not None
                        and func_of(lit_call).id == fn.id)  # type: ignore[union-attr]
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
        idx = param_index(fn, b.name)
        args = call_args(call) if call is not None and call.type == "call_expression" else []
        return _wg_key(pkg, args[idx], fn, None) if 0 <= idx < len(args) else None
    return b




def _wait_before_all(pkg: Package, wg: object, partners: list[Op], gs: list[Node]) -> Node | None:
    """A ``wg.Wait()`` that runs before every receive in ``partners``, after the senders start."""
    first: Node | None = None
    for r in partners:
        fn = func_of(r.site)
        body = fn.child_by_field_name("body") if fn is not None else None
        if fn is None or body is None:
            return None
        found = None
        for call in own_descendants(body, "call_expression"):
            x = group_operand(pkg, call, "Wait")
            if (x is not None and dominates(call, r.site) and all(g.end_byte <= call.start_byte for g in gs)
                    and _wg_key(pkg, x, fn, None) == wg):
                found = call
                break
        if found is None:
            return None
        first = first or found
    return first

