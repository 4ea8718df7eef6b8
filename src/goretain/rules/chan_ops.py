"""The small helpers the GR202 channel checks share: where an operation runs (its function,
its top-level declaration, its goroutine), whether it blocks or repeats, how many sends a
loop can make, how a channel is described, and the finding builder."""

from __future__ import annotations

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_meta import META
from goretain.rules.chanflow import RANGE, RECV, Chan, Op, in_loop
from goretain.rules.flow import exits_loop_after, trip_bound
from goretain.source.package import Package
from goretain.source.syntax import call_args, contains


def func_of(n: Node) -> Node | None:
    """The function (declaration or literal) whose body holds ``n``."""
    cur = n.parent
    while cur is not None and cur.type not in ("function_declaration", "method_declaration", "func_literal"):
        cur = cur.parent
    return cur


def blocking(o: Op) -> bool:
    """Waits alone (not a select case with other ways out)."""
    return o.kind == RANGE or o.select is None or not o.alternatives


def repeats(o: Op, owner: Node | None, fresh: Node | None = None) -> bool:
    """Does the operation run many times (in a loop, or a goroutine started in a loop)?
    A loop that always leaves right after the operation runs it once."""
    stop = owner if owner is not None else top_level(o.site)
    if looping(o.site, stop):
        return True
    if owner is not None and owner.type == "go_statement" and looping(owner, func_of(owner) or top_level(owner)):
        loop = in_loop(owner, func_of(owner) or top_level(owner))
        return not (fresh is not None and loop is not None and contains(loop, fresh))  # a new channel per pass
    return o.node.id != o.site.id and looping(o.node, func_of(o.node) or o.node)


def looping(n: Node, stop: Node) -> bool:
    """Is ``n`` in a loop below ``stop`` that does not always leave right after it?"""
    loop = in_loop(n, stop)
    return loop is not None and not exits_loop_after(n, loop)


def top_level(n: Node) -> Node:
    """The top-level declaration of the file that holds ``n``."""
    while n.parent is not None and n.parent.type != "source_file":
        n = n.parent
    return n


def called_now(lit: Node) -> bool:
    """A func literal that is called right where it is written (or deferred)."""
    p = lit.parent
    return p is not None and p.type == "call_expression" and (p.child_by_field_name("function") or p).id == lit.id


def drains(alt: Node, c: Chan) -> bool:
    """Does the select case ``alt`` receive from ``c``?"""
    return any(contains(alt, o.node) or contains(alt, o.site) for o in c.ops if o.kind in (RECV, RANGE))


def sends_bound(pkg: Package, s: Op, g: Node) -> int:
    """How many times the send ``s`` (run by ``g``) can happen: a loop's trip bound, 1, or "many"."""
    loop = in_loop(g, top_level(g)) if g.type in ("go_statement", "call_expression") else None
    loop = loop or in_loop(s.node, func_of(s.node) or s.node)
    if loop is None:
        return 1
    n = trip_bound(pkg, loop)
    return 1 << 30 if n is None else n


def same_goroutine(o: Op, g: Node) -> bool:
    """Is ``o`` run by ``g`` (the go statement or function that performs it)?"""
    return contains(g, o.site) or contains(g, o.node)


def case_of(n: Node, loop: Node) -> Node | None:
    """The select case inside ``loop`` that holds ``n``, if any."""
    cur = n.parent
    while cur is not None and cur.id != loop.id:
        if cur.type in ("communication_case", "default_case"):
            return cur
        cur = cur.parent
    return None


def func_name(fn: Node | None) -> str:
    """The name of ``fn`` for messages."""
    if fn is None:
        return "a function"
    name = fn.child_by_field_name("name")
    return (name.text or b"").decode("utf-8", "replace") if name is not None else "a func literal"


def chan_desc(c: Chan) -> str:
    """``c`` for messages: "an unbuffered chan T" or "a chan T with room for N"."""
    args = call_args(c.made) if c.made is not None else []
    t = (args[0].text or b"").decode("utf-8", "replace") if args else "chan"
    return f"an unbuffered {t}" if c.cap == 0 else f"a {t} with room for {c.cap}"


def chan_finding(pkg: Package, ctx: RuleContext, c: Chan, o: Op, message: str, related: list[Related], *,
             fix: str | None = None) -> Finding:
    rel = list(related)
    if o.node.id != o.site.id:
        rel.insert(0, Related(pkg.location(o.node), f"the {o.kind} on the parameter happens here"))
    return ctx.finding(META, pkg, o.site, message, symbol=f"{c.name}:{o.kind}", related=with_make(pkg, c, rel), fix=fix)


def made_here(pkg: Package, c: Chan) -> list[Related]:
    """Where ``c`` is made (the helper's ``make`` too), as related locations."""
    out = [Related(pkg.location(c.made), "channel made here")] if c.made is not None else []
    if c.origin is not None and c.make is not None:
        out.append(Related(pkg.location(c.make), f"{c.name} gets the channel from this call"))
    return out


def with_make(pkg: Package, c: Chan, related: list[Related]) -> list[Related]:
    """``related`` plus where the channel is made (the fix of a stranded operation usually
    changes the make: a buffer), unless it is already there."""
    have = {(r.location.path, r.location.line) for r in related}
    return related + [r for r in made_here(pkg, c) if (r.location.path, r.location.line) not in have]

