"""GR202: a fresh object's buffered field channel filled past its capacity on the straight
path (also at the start of methods called on it) before any receiver can exist."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_meta import META
from goretain.rules.flow import const_int, own_descendants, statements_after
from goretain.rules.sync_summary import callee
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import call_args, descendants, expr_list, statements, strip_parens


def overfilled(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``x := &T{ch: make(chan E, N)}`` followed, on the straight path of the same function,
    by more than N sends on ``x.ch`` (its own, or at the start of methods called on ``x``)
    before anything else touches ``x``: no receiver can exist yet, so the last send blocks."""
    for f in pkg.files:
        if b"make(chan" not in f.src or b"<-" not in f.src:
            continue
        start = f.src.find(b"make(chan")
        while start >= 0:
            node = f.root.descendant_for_byte_range(start, start + 4)
            mk = node.parent if node is not None else None
            found = _fill_check(pkg, ctx, mk) if mk is not None and mk.type == "call_expression" else None
            if found is not None:
                yield found
            start = f.src.find(b"make(chan", start + 9)


def _fill_check(pkg: Package, ctx: RuleContext, mk: Node) -> Finding | None:
    field_name, owner = _literal_field_owner(pkg, mk)
    if owner is None or not field_name:
        return None
    args = call_args(mk)
    cap = const_int(pkg, args[1]) if len(args) == 2 else (0 if len(args) == 1 else None)
    if cap is None or cap < 1:
        return None  # unbuffered: the usual partner rules apply
    decl = owner.ident.parent.parent if owner.ident.parent is not None else None
    if decl is None or decl.type != "short_var_declaration":
        return None
    count = 0
    for st in statements_after(decl):
        if st.parent is None or decl.parent is None or st.parent.id != decl.parent.id:
            break  # only the straight path of the declaring block
        sends = _leading_sends(pkg, st, owner, field_name)
        if sends is None:
            break
        for send, via in sends:
            count += 1
            if count > cap:
                return _overfill_finding(pkg, ctx, send, via, owner.name, field_name, cap, mk)
    return None


def _literal_field_owner(pkg: Package, mk: Node) -> tuple[str, Binding | None]:
    """``make(...)`` as the value of ``f:`` in ``x := &T{...}``: (f, x)."""
    le = mk.parent
    ke = le.parent if le is not None and le.type == "literal_element" else None
    if ke is None or ke.type != "keyed_element":
        return "", None
    kids = [c for c in ke.named_children if c.type != "comment"]
    if len(kids) != 2 or kids[1].id != le.id:  # type: ignore[union-attr]
        return "", None
    lit = ke.parent.parent if ke.parent is not None else None
    if lit is None or lit.type != "composite_literal":
        return "", None
    cur = lit.parent
    if cur is not None and cur.type == "unary_expression":
        cur = cur.parent
    decl = cur.parent if cur is not None and cur.type == "expression_list" else None
    if decl is None or decl.type != "short_var_declaration":
        return "", None
    left = expr_list(decl.child_by_field_name("left"))
    b = pkg.resolve(left[0]) if len(left) == 1 else None
    return pkg.text(kids[0]), b if isinstance(b, Binding) else None


def _leading_sends(pkg: Package, st: Node, owner: Binding, fname: str) -> list[tuple[Node, Node | None]] | None:
    """The sends on ``owner.fname`` statement ``st`` surely makes before anything else can
    receive: [] when ``st`` does not mention ``owner``, None when it uses it otherwise."""
    uses = [n for n in descendants(st, "identifier") if n.text == owner.name.encode() and pkg.resolve(n) is owner]
    if not uses:
        return [] if not own_descendants(st, "go_statement") else None
    if st.type == "send_statement" and _is_field_of(pkg, st.child_by_field_name("channel"), owner, fname):
        return [(st, None)] if len(uses) == 1 else None
    call = st.named_children[0] if st.type == "expression_statement" and st.named_children else None
    fsel = strip_parens(call.child_by_field_name("function")) if call is not None and call.type == "call_expression" else None
    if fsel is None or fsel.type != "selector_expression" or len(uses) != 1 or uses[0].parent is None or uses[0].parent.id != fsel.id:
        return None
    target = callee(pkg, call)  # type: ignore[arg-type]
    if target is None or target.body is None or not target.recv_name:
        return None
    out: list[tuple[Node, Node | None]] = []
    for inner in statements(target.body):
        if inner.type != "send_statement":
            break
        ch = strip_parens(inner.child_by_field_name("channel"))
        if ch is None or ch.type != "selector_expression" or pkg.text(ch) != f"{target.recv_name}.{fname}":
            break
        out.append((inner, call))
    return out if out else None


def _is_field_of(pkg: Package, e: Node | None, owner: Binding, fname: str) -> bool:
    e = strip_parens(e)
    if e is None or e.type != "selector_expression" or pkg.text(e.child_by_field_name("field")) != fname:
        return False
    op = strip_parens(e.child_by_field_name("operand"))
    return op is not None and op.type == "identifier" and pkg.resolve(op) is owner


def _overfill_finding(pkg: Package, ctx: RuleContext, send: Node, via: Node | None, owner: str, fname: str,
                      cap: int, mk: Node) -> Finding:
    rel = [Related(pkg.location(mk), f"{owner}.{fname} made with room for {cap}")]
    if via is not None:
        rel.insert(0, Related(pkg.location(via), f"called on {owner} here, before any receiver of {owner}.{fname} exists"))
    return ctx.finding(
        META, pkg, send,
        f"send on {pkg.text(send.child_by_field_name('channel'))} blocks forever: {owner}.{fname} holds {cap} value(s), "
        "all taken by earlier sends on this path, and no receiver has been started yet",
        symbol=f"{owner}.{fname}:overfill",
        related=rel,
        fix=f"start the receiver before sending, or make {owner}.{fname} large enough for every send before it",
    )

