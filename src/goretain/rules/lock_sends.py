"""GR401: a lock held across a blocking send whose every receiver must take that lock
before it can receive."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chanflow import Chan, goroutine_of, in_loop
from goretain.rules.flow import own_descendants
from goretain.rules.lock_goroutine import callers_of, goroutine_note
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import func_of
from goretain.rules.lock_receivers import blocking_sends
from goretain.rules.lock_sites import acquire_sites, handed_off, lock_id
from goretain.rules.sync_summary import Region, callee, dominates, regions
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import contains, strip_parens, text


def held_across_send(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``mu.Lock(); ch <- v`` (or a same-package call that sends) while every receiver of
    ``ch`` must take ``mu`` before it can receive (it locks ``mu`` on its way to the
    receive, or in the loop around it): the sender waits for a receiver that waits for
    the sender's lock. Buffered channels count only when every receiver is such a loop
    (repeated sends fill the buffer)."""
    sends = blocking_sends(pkg)
    if not sends:
        return
    by_fn: dict[int, list[tuple[Node, Chan, list[Node]]]] = {}
    for node, c, recvs in sends:
        fn = func_of(node)
        if fn is not None:
            by_fn.setdefault(fn.id, []).append((node, c, recvs))
    names = {_decl_name(node) for lst in by_fn.values() for node, _c, _r in lst[:1]}
    names.discard("")
    names |= callers_of(pkg, names)
    reported: set[int] = set()
    for r in regions(pkg):
        lid = lock_id(pkg, r)
        if lid is None or handed_off(pkg, r):
            continue
        for site, send, c, recvs in _sends_in_region(pkg, r, by_fn, names):
            if site.id in reported:
                continue
            need = _receivers_need(pkg, c, recvs, lid, r, send)
            if need is None:
                continue
            reported.add(site.id)
            via = "" if site.id == send.id else f" through {pkg.text(site.child_by_field_name('function'))}()"
            recv_op, acq = need
            note, where = goroutine_note(pkg, site)
            yield ctx.finding(
                META, pkg, site,
                f"sends on {c.name}{via} while holding {r.key} (locked at line {r.call.start_point[0] + 1}), but the "
                f"receiver at line {recv_op.start_point[0] + 1} must lock {r.key} (line {acq.start_point[0] + 1}) before it "
                f"can receive: the sender waits for the receiver, the receiver for the lock, and both block forever{note}",
                symbol=f"{r.key}.{r.mode}->{c.name}",
                related=[Related(pkg.location(r.call), f"{r.key} locked here"),
                         Related(pkg.location(send), "the blocking send"),
                         Related(pkg.location(recv_op), "the only receiver"),
                         Related(pkg.location(acq), "the receiver's goroutine locks it here"), *where],
                fix=f"release {r.key} before sending (copy what the message needs under the lock), "
                    "or send in a select that also watches a stop channel",
            )


_SMALL_BUFFER = 4


def _decl_name(node: Node) -> str:
    fn = func_of(node)
    if fn is None or fn.type == "func_literal":
        return ""
    return text(fn.child_by_field_name("name"))


def _sends_in_region(pkg: Package, r: Region, by_fn: dict[int, list[tuple[Node, Chan, list[Node]]]],
                     names: set[str]) -> Iterator[tuple[Node, Node, Chan, list[Node]]]:
    """(site in r's function, send, channel, receivers) for the blocking sends r's lock is
    held across: in the function itself or in same-package callees (two levels)."""
    for node, c, recvs in by_fn.get(r.fn.id, ()):
        if r.holds(node):
            yield node, node, c, recvs
    src = pkg.file_of(r.call).src
    if not names or not any(n.encode() + b"(" in src[r.call.end_byte:r.end] for n in names):
        return
    for call in _named_calls(pkg, r.fn, names):
        if r.holds(call):
            for node, c, recvs in _callee_sends(pkg, call, by_fn, names, 2):
                yield call, node, c, recvs


def _named_calls(pkg: Package, fn: Node, names: set[str]) -> list[Node]:
    body = fn.child_by_field_name("body")
    out: list[Node] = []
    for call in own_descendants(body, "call_expression") if body is not None else []:
        if call.parent is not None and call.parent.type in ("go_statement", "defer_statement"):
            continue
        f = strip_parens(call.child_by_field_name("function"))
        if text(f.child_by_field_name("field") if f is not None and f.type == "selector_expression" else f) in names:
            out.append(call)
    return out


def _callee_sends(pkg: Package, call: Node, by_fn: dict[int, list[tuple[Node, Chan, list[Node]]]],
                  names: set[str], depth: int) -> Iterator[tuple[Node, Chan, list[Node]]]:
    target = callee(pkg, call)
    if target is None:
        return
    for node, c, recvs in by_fn.get(target.node.id, ()):
        if not isinstance(c.key, Binding):  # a local of the callee is another channel per call
            yield node, c, recvs
    if depth > 1:
        for inner in _named_calls(pkg, target.node, names):
            yield from _callee_sends(pkg, inner, by_fn, names, depth - 1)


def _receivers_need(pkg: Package, c: Chan, recvs: list[Node], lid: object, r: Region, send: Node) -> tuple[Node, Node] | None:
    """(a receive, the lock it waits behind) when every receive of ``c`` can only run after
    its goroutine locks ``lid``; None when some receiver does not need the lock."""
    if c.cap < 0 or c.cap > _SMALL_BUFFER:
        return None  # a buffer sized at run time or generously: the sends are meant to fit
    first: tuple[Node, Node] | None = None
    for node in recvs:
        if contains(r.fn, node):
            return None  # received by the locking function itself: not this shape
        acq = _lock_before(pkg, node, lid, r.mode, c.cap != 0, c.make, goroutine_of(send))
        if acq is None:
            return None
        first = first or (node, acq)
    return first


def _lock_before(pkg: Package, recv: Node, lid: object, mode: str, loops_only: bool, made: Node | None,
                 spawn: Node | None) -> Node | None:
    """Where the goroutine running ``recv`` locks ``lid`` before it reaches ``recv``: on
    the way to it in its function (after it starts the sender's goroutine ``spawn``, when
    it does), or anywhere in the loop around it (when the channel outlives one pass)."""
    fn = func_of(recv)
    body = fn.child_by_field_name("body") if fn is not None else None
    if fn is None or body is None:
        return None
    loop = in_loop(recv, fn)
    if loop is not None and made is not None and contains(loop, made):
        loop = None  # a new channel every pass
    if loops_only and loop is None:
        return None
    for site, amode in acquire_sites(pkg, fn, body, lid):
        if mode == "RLock" and amode == "RLock":
            continue
        if loop is not None and contains(loop, site):
            return site
        after_spawn = spawn is None or not contains(fn, spawn) or site.start_byte > spawn.end_byte
        if site.end_byte <= recv.start_byte and dominates(site, recv) and not loops_only and after_spawn:
            return site
    return None
