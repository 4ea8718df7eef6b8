"""The package's blocking channel sends, each with every receive that can take its value
(following a field channel through getters, aliases and parameters)."""

from __future__ import annotations

from tree_sitter import Node

from goretain.rules.chanflow import RANGE, RECV, SEND, Chan, collect
from goretain.rules.flow import own_descendants
from goretain.rules.lock_ops import func_of
from goretain.rules.sync_summary import callee, decl_of
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    contains,
    descendants,
    method_calls,
    strip_parens,
    text,
    up,
)


def blocking_sends(pkg: Package) -> list[tuple[Node, Chan, list[Node]]]:
    """Sends that wait alone (not a select with other ways out), each with every receive
    of its channel, for channels whose receivers the package shows."""
    got = pkg.memo.get("lock_receivers.blocking_sends")
    if got is not None:
        return got
    out: list[tuple[Node, Chan, list[Node]]] = []
    if any(b"<-" in f.src for f in pkg.files):
        for c in collect(pkg).chans.values():
            sends = [o.node for o in c.of(SEND) if o.node.id == o.site.id and not o.alternatives]
            if not sends:
                continue
            recvs = _handed_receivers(pkg, c) if c.escapes else [o.node for o in c.of(RECV, RANGE)]
            if recvs:
                out.extend((n, c, recvs) for n in sends)
    pkg.memo["lock_receivers.blocking_sends"] = out
    return out


def _handed_receivers(pkg: Package, c: Chan) -> list[Node] | None:
    """The receives of a field channel that leaves its methods only as an argument of
    same-package functions (directly or through a getter ``func (h *T) Ch() chan X``):
    the callee's receives on that parameter. None when it goes anywhere else."""
    key = c.key
    if not (isinstance(key, tuple) and len(key) == 3 and key[0] == "field"):
        return None
    tname, fname = str(key[1]), str(key[2])
    recorded = {o.node.id for o in c.ops}
    out = [o.node for o in c.of(RECV, RANGE)]
    for sel in pkg.field_selectors(tname, fname):
        got = _value_receivers(pkg, sel, recorded, tname)
        if got is None:
            return None
        out.extend(got)
    return out


def _value_receivers(pkg: Package, e: Node, recorded: set[int], tname: str, depth: int = 3) -> list[Node] | None:
    """Receives reached by the channel value ``e`` (a field selector, a getter call, a
    local alias): [] for uses that receive nothing (operations recorded elsewhere, nil
    checks, stores), None when it escapes."""
    p = up(e)
    if p is None or depth <= 0:
        return None
    if p.id in recorded or p.type == "binary_expression":
        return []
    if p.type == "argument_list" and p.parent is not None:
        call = p.parent
        if call.id in recorded or text(call.child_by_field_name("function")) in ("len", "cap"):
            return []
        return _param_receivers(pkg, call, e)
    if p.type == "expression_list" and p.parent is not None:
        st = p.parent
        left = st.child_by_field_name("left")
        if st.type == "assignment_statement" and left is not None and left.id == p.id:
            return []  # a store into the field: its value is judged where it is made
        if st.type == "return_statement" and e.type == "selector_expression":
            return _getter_receivers(pkg, st, recorded, tname, depth)
        if st.type == "short_var_declaration" and left is not None and len(left.named_children) == 1:
            b = pkg.resolve(left.named_children[0])
            return _alias_receivers(pkg, b, recorded, tname, depth) if isinstance(b, Binding) else None
    return None


def _getter_receivers(pkg: Package, ret: Node, recorded: set[int], tname: str, depth: int) -> list[Node] | None:
    fn = func_of(ret)
    fd = decl_of(pkg, fn) if fn is not None else None
    if fd is None or fd.recv_type != tname:
        return None
    out: list[Node] = []
    for f in pkg.files:
        if fd.name.encode() + b"(" not in f.src:
            continue
        for call in method_calls(f.root, f.src, [fd.name.encode()]):
            target = callee(pkg, call)
            if target is None:
                return None
            if target is not fd:
                continue  # another type's method of that name
            got = _value_receivers(pkg, call, recorded, tname, depth - 1)
            if got is None:
                return None
            out.extend(got)
    return out


def _alias_receivers(pkg: Package, b: Binding, recorded: set[int], tname: str, depth: int) -> list[Node] | None:
    fn = b.func
    body = fn.child_by_field_name("body") if fn is not None else None
    if body is None:
        return None
    out: list[Node] = []
    for ident in descendants(body, "identifier"):
        if text(ident) != b.name or ident.id == b.ident.id or pkg.resolve(ident) is not b:
            continue
        got = _value_receivers(pkg, ident, recorded, tname, depth - 1)
        if got is None:
            return None
        out.extend(got)
    return out


def _param_receivers(pkg: Package, call: Node, arg: Node) -> list[Node] | None:
    """Receives of the same-package callee on the parameter ``arg`` is passed for."""
    target = callee(pkg, call)
    params = target.node.child_by_field_name("parameters") if target is not None else None
    body = target.body if target is not None else None
    if target is None or params is None or body is None:
        return None
    idx = next((i for i, a in enumerate(call_args(call)) if a.id == arg.id or contains(a, arg) and strip_parens(a).id == arg.id), -1)
    names = [n for p in params.named_children if p.type == "parameter_declaration" for n in p.children_by_field_name("name")]
    if idx < 0 or idx >= len(names) or len(names) != len(call_args(call)):
        return None
    b = pkg.resolve(names[idx])
    if not isinstance(b, Binding):
        return None
    out: list[Node] = []
    for ident in own_descendants(body, "identifier"):
        if text(ident) != b.name or ident.id == b.ident.id or pkg.resolve(ident) is not b:
            continue
        p = up(ident)
        if p is None:
            return None
        if p.type == "unary_expression" and text(p.child_by_field_name("operator")) == "<-" or p.type == "range_clause":
            out.append(p)
        elif p.type == "send_statement" and (p.child_by_field_name("channel") or p).id == ident.id or p.type == "binary_expression" or p.type == "argument_list" and text(p.parent.child_by_field_name("function") if p.parent else None) in ("close", "len", "cap"):
            continue
        else:
            return None
    return out
