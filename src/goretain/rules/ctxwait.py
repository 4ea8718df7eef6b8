"""A goroutine waiting on ``<-ctx.Done()`` of a context nothing can cancel (for GR202).

The shape: ``ctx, x.cancel = context.WithCancel(parent)`` and ``go x.wait(ctx)`` where
``wait`` blocks on ``<-ctx.Done()``, while

- ``parent`` is ``context.Background()``/``TODO()`` (directly, or through a parameter of
  an unexported function every caller passes one to), so only the cancel func can end it;
- the cancel func is kept in an unexported field that is only ever called, and every call
  runs after the wait itself (in the waiting function after the receive, or in unexported
  functions only called from there), or nowhere at all.

A second shape: ``ctx, cancel := context.WithCancel(bg)`` stored with the context in a
fresh object ``x := &T{ctx: ctx, cancel: cancel}``, ``go x.wait()`` blocking on
``<-x.ctx.Done()``, ``x`` returned, and every caller of that unexported function dropping
the result: nothing can ever reach the cancel func.

Everything is found by bytes first (``WithCancel``), so packages without it cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from goretain.rules.chanflow import select_of
from goretain.rules.flow import own_descendants
from goretain.rules.sync_summary import callee, dominates
from goretain.source.package import FuncDecl, Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    expr_list,
    strip_parens,
    text,
    word_nodes,
)

_DEPTH = 3


@dataclass(frozen=True)
class StuckWait:
    wait: Node  # the <-ctx.Done() receive
    make: Node  # the context.WithCancel call
    cancel: str  # the cancel func as written where it is stored: "rs.cancel"
    called: Node | None  # a call of the cancel func (all of them run after the wait), None if none
    dropped: Node | None = None  # a call of the constructor whose result (the cancel's owner) is discarded


def stuck_waits(pkg: Package) -> Iterator[StuckWait]:
    for f in pkg.files:
        if b"WithCancel" not in f.src or b"Done()" not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [b"WithCancel"]):
            sel = node.parent if node.type == "field_identifier" else None
            call = sel.parent if sel is not None and sel.type == "selector_expression" else None
            if call is None or call.type != "call_expression" or sel is None:
                continue
            operand = sel.child_by_field_name("operand")
            if operand is None or operand.type != "identifier" or pkg.is_package_name(operand) != "context":
                continue
            found = _check(pkg, call)
            if found is not None:
                yield found


def _check(pkg: Package, call: Node) -> StuckWait | None:
    right = call.parent
    decl = right.parent if right is not None and right.type == "expression_list" else None
    if decl is None or decl.type not in ("assignment_statement", "short_var_declaration"):
        return None
    left = expr_list(decl.child_by_field_name("left"))
    args = call_args(call)
    if len(left) != 2 or len(expr_list(right)) != 1 or len(args) != 1:
        return None
    ctx_e, cancel_e = strip_parens(left[0]), strip_parens(left[1])
    if ctx_e is not None and cancel_e is not None and ctx_e.type == cancel_e.type == "identifier":
        return _owner_dropped(pkg, call, ctx_e, cancel_e)
    if ctx_e is None or cancel_e is None or cancel_e.type != "selector_expression":
        return None
    field = text(cancel_e.child_by_field_name("field"))
    if not field or not field[0].islower() or not _background(pkg, args[0], _DEPTH):
        return None
    fn = _top_func(call)
    body = fn.child_by_field_name("body") if fn is not None else None
    if body is None:
        return None
    for g in own_descendants(body, "go_statement"):
        if g.start_byte < call.end_byte or not g.named_children:
            continue
        wait, target = _wait_in(pkg, g.named_children[0], ctx_e)
        if wait is None or target is None:
            continue
        calls = _cancel_calls(pkg, field, cancel_e)
        if calls is None or not all(_after_wait(pkg, c, wait, target, _DEPTH) for c in calls):
            continue
        return StuckWait(wait, call, text(cancel_e), calls[0] if calls else None)
    return None


def _owner_dropped(pkg: Package, call: Node, ctx_e: Node, cancel_e: Node) -> StuckWait | None:
    """``ctx, cancel := context.WithCancel(bg)``; ``x := &T{ctx: ctx, cancel: cancel}``;
    ``go x.wait()`` blocks on ``<-x.ctx.Done()``; the function returns ``x`` and every caller
    drops it: nothing can ever reach the cancel func."""
    args = call_args(call)
    fn = _top_func(call)
    body = fn.child_by_field_name("body") if fn is not None else None
    name = text(fn.child_by_field_name("name")) if fn is not None else ""
    if body is None or fn is None or not name or not name[0].islower() or not _background(pkg, args[0], _DEPTH):
        return None
    lit = _only_literal_use(pkg, body, cancel_e)
    owner = _literal_var(pkg, lit) if lit is not None else None
    fields = _keyed_fields(lit) if lit is not None else {}
    ctx_field = next((k for k, v in fields.items() if v == text(ctx_e)), "")
    cancel_field = next((k for k, v in fields.items() if v == text(cancel_e)), "")
    if owner is None or not ctx_field or not cancel_field:
        return None
    for g in own_descendants(body, "go_statement"):
        gcall = g.named_children[0] if g.named_children else None
        fsel = strip_parens(gcall.child_by_field_name("function")) if gcall is not None and gcall.type == "call_expression" else None
        if fsel is None or fsel.type != "selector_expression" or text(fsel.child_by_field_name("operand")) != owner.name:
            continue
        target = callee(pkg, gcall)  # type: ignore[arg-type]
        if target is None or target.body is None or not target.recv_name:
            continue
        if f"{target.recv_name}.{cancel_field}" in text(target.body):
            continue  # the goroutine may cancel by itself
        wait = _bare_done(target.body, f"{target.recv_name}.{ctx_field}")
        calls = _calls_of(pkg, name, fn)
        if wait is None or not calls or not all(_dropped(c) for c in calls) or not _only_returned(pkg, body, owner, lit, g):
            continue
        return StuckWait(wait, call, f"{owner.name}.{cancel_field}", None, calls[0])
    return None


def _only_literal_use(pkg: Package, body: Node, ident: Node) -> Node | None:
    """The composite literal that is the only use of the variable ``ident``."""
    b = pkg.resolve(ident)
    found: Node | None = None
    for n in _words_in(pkg, body, text(ident)):
        if n.type != "identifier" or n.id == ident.id or pkg.resolve(n) is not b:
            continue
        cur = n.parent
        while cur is not None and cur.type in ("literal_element", "keyed_element", "literal_value"):
            cur = cur.parent
        if cur is None or cur.type != "composite_literal" or (found is not None and found.id != cur.id):
            return None
        found = cur
    return found


def _words_in(pkg: Package, body: Node, word: str) -> Iterator[Node]:
    f = pkg.file_of(body)
    if f is None:
        return
    for n in word_nodes(f.root, f.src, [word.encode()]):
        if body.start_byte <= n.start_byte < body.end_byte:
            yield n


def _keyed_fields(lit: Node) -> dict[str, str]:
    body = lit.child_by_field_name("body")
    out: dict[str, str] = {}
    for ke in body.named_children if body is not None else []:
        kids = [c for c in ke.named_children if c.type != "comment"] if ke.type == "keyed_element" else []
        if len(kids) == 2:
            out[text(kids[0])] = text(kids[1])
    return out


def _literal_var(pkg: Package, lit: Node) -> Binding | None:
    """``x := &T{...}`` / ``x := T{...}``: the variable x."""
    cur = lit.parent
    if cur is not None and cur.type == "unary_expression":
        cur = cur.parent
    decl = cur.parent if cur is not None and cur.type == "expression_list" else None
    if decl is None or decl.type != "short_var_declaration":
        return None
    left = expr_list(decl.child_by_field_name("left"))
    b = pkg.resolve(left[0]) if len(left) == 1 else None
    return b if isinstance(b, Binding) else None


def _only_returned(pkg: Package, body: Node, owner: Binding, lit: Node, g: Node) -> bool:
    """Every use of ``owner`` is its declaration, the go statement, or a plain return."""
    for n in _words_in(pkg, body, owner.name):
        if n.type != "identifier" or n.id == owner.ident.id or pkg.resolve(n) is not owner:
            continue
        p = n.parent
        if p is not None and p.type == "selector_expression" and g.start_byte <= n.start_byte < g.end_byte:
            continue
        if p is not None and p.type == "expression_list" and p.parent is not None and p.parent.type == "return_statement":
            continue
        return False
    return True


def _dropped(c: Node) -> bool:
    p = c.parent
    return p is not None and p.type in ("expression_statement", "go_statement", "defer_statement")


def _bare_done(body: Node, want: str) -> Node | None:
    for u in own_descendants(body, "unary_expression"):
        op = u.child_by_field_name("operator")
        if (op is not None and text(op) == "<-" and select_of(u)[0] is None
                and text(strip_parens(u.child_by_field_name("operand"))) == want + ".Done()"):
            return u
    return None


def _wait_in(pkg: Package, gcall: Node, ctx_e: Node) -> tuple[Node | None, FuncDecl | None]:
    """The bare ``<-ctx.Done()`` in the same-package function ``go`` runs, and that function."""
    if gcall.type != "call_expression":
        return None, None
    target = callee(pkg, gcall)
    if target is None or target.body is None:
        return None, None
    want = ""
    if ctx_e.type == "identifier":
        idx = next((i for i, a in enumerate(call_args(gcall)) if text(strip_parens(a)) == text(ctx_e)), -1)
        names = _param_names(target)
        want = names[idx] if 0 <= idx < len(names) else ""
    elif ctx_e.type == "selector_expression":
        fn = strip_parens(gcall.child_by_field_name("function"))
        base = text(ctx_e.child_by_field_name("operand"))
        if fn is not None and fn.type == "selector_expression" and text(fn.child_by_field_name("operand")) == base and target.recv_name:
            want = f"{target.recv_name}.{text(ctx_e.child_by_field_name('field'))}"
    if not want or want == "_":
        return None, None
    for u in own_descendants(target.body, "unary_expression"):
        op = u.child_by_field_name("operator")
        if op is None or text(op) != "<-" or text(strip_parens(u.child_by_field_name("operand"))) != want + ".Done()":
            continue
        if select_of(u)[0] is None:
            return u, target
    return None, None


def _param_names(fd: FuncDecl) -> list[str]:
    return _param_names_of(fd.node)


def _background(pkg: Package, arg: Node | None, depth: int) -> bool:
    """``arg`` is context.Background()/TODO(), directly or as a parameter of an unexported
    function whose every same-package caller passes one."""
    a = strip_parens(arg)
    if a is None:
        return False
    if a.type == "call_expression":
        fn = strip_parens(a.child_by_field_name("function"))
        if fn is None or fn.type != "selector_expression" or call_args(a):
            return False
        op = fn.child_by_field_name("operand")
        return (op is not None and op.type == "identifier" and pkg.is_package_name(op) == "context"
                and text(fn.child_by_field_name("field")) in ("Background", "TODO"))
    if a.type != "identifier" or depth <= 0:
        return False
    b = pkg.resolve(a)
    fn = _top_func(a)
    if not isinstance(b, Binding) or b.kind != "param" or fn is None or b.func is None or b.func.id != fn.id:
        return False
    name = text(fn.child_by_field_name("name"))
    names = _param_names_of(fn)
    if not name or not name[0].islower() or b.name not in names:
        return False
    idx = names.index(b.name)
    calls = _calls_of(pkg, name, fn)
    return bool(calls) and all(idx < len(call_args(c)) and _background(pkg, call_args(c)[idx], depth - 1) for c in calls)


def _param_names_of(fn: Node) -> list[str]:
    params = fn.child_by_field_name("parameters")
    out: list[str] = []
    for p in params.named_children if params is not None else []:
        if p.type in ("parameter_declaration", "variadic_parameter_declaration"):
            out.extend(text(n) for n in p.children_by_field_name("name") or [p])
    return out


def _calls_of(pkg: Package, name: str, fn: Node) -> list[Node] | None:
    """Every reference to the function ``fn`` in the package, all calls of it (None when it
    is used otherwise, e.g. as a value, or a reference cannot be resolved to it)."""
    out: list[Node] = []
    for f in pkg.files:
        if name.encode() not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [name.encode()]):
            if node.type not in ("identifier", "field_identifier"):
                continue
            p = node.parent
            if p is not None and p.id == fn.id:
                continue  # the declaration's own name
            ref = p if p is not None and p.type == "selector_expression" else node
            c = ref.parent
            if c is None or c.type != "call_expression" or (c.child_by_field_name("function") or c).id != ref.id:
                if ref.type == "selector_expression" or node.type == "identifier":
                    return None  # a method value or function value: called from anywhere
                continue
            target = callee(pkg, c)
            if target is None or target.node.id != fn.id:
                return None
            out.append(c)
    return out


def _cancel_calls(pkg: Package, field: str, store: Node) -> list[Node] | None:
    """The calls ``x.field()`` of the package; None when the field is used any other way."""
    out: list[Node] = []
    for f in pkg.files:
        if field.encode() not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [field.encode()]):
            if node.type != "field_identifier":
                continue
            sel = node.parent
            if sel is None or sel.id == store.id or sel.type != "selector_expression":
                continue  # the store itself, or a struct field declaration / keyed literal
            c = sel.parent
            if c is None or c.type != "call_expression" or (c.child_by_field_name("function") or c).id != sel.id:
                return None
            out.append(c)
    return out


def _after_wait(pkg: Package, call: Node, wait: Node, target: FuncDecl, depth: int) -> bool:
    """Can ``call`` only run after ``wait`` has returned?"""
    fn = _top_func(call)
    if fn is None or _in_literal(call, fn):
        return False
    if fn.id == target.node.id:
        return dominates(_stmt(wait), call)
    name = text(fn.child_by_field_name("name"))
    if depth <= 0 or not name or not name[0].islower() or name in ("init", "main"):
        return False
    calls = _calls_of(pkg, name, fn)
    return calls is not None and all(_after_wait(pkg, c, wait, target, depth - 1) for c in calls)


def _stmt(n: Node) -> Node:
    cur = n
    while cur.parent is not None and cur.parent.type not in ("block", "statement_list"):
        cur = cur.parent
    return cur


def _top_func(n: Node) -> Node | None:
    cur = n.parent
    while cur is not None and cur.type not in ("function_declaration", "method_declaration"):
        cur = cur.parent
    return cur


def _in_literal(n: Node, top: Node) -> bool:
    cur = n.parent
    while cur is not None and cur.id != top.id:
        if cur.type == "func_literal":
            return True
        cur = cur.parent
    return False


__all__ = ["StuckWait", "stuck_waits"]
