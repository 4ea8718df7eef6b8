"""GR501: finalizers and cleanups that keep their own object alive.

- ``runtime.SetFinalizer(x, f)`` where the finalizer closure captures x (the closure is
  reachable from the finalizer table, so x is always reachable: never finalized, never
  freed), or where x's type can reach itself through pointer fields (objects in a cycle
  with a finalizer are never collected);
- ``runtime.AddCleanup(ptr, fn, arg)`` where arg is ptr (or points into it), or fn
  captures ptr: the cleanup keeps its own object reachable.
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.source.package import Package, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    descendants,
    expr_list,
    strip_parens,
    text,
)
from goretain.source.types import GoType

GR501 = RuleMeta(
    id="GR501",
    name="finalizer-cycle",
    category="finalizer-cycle",
    summary="a finalizer or cleanup keeps its own object reachable, or is set on an object in a cycle",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs="""
The garbage collector runs a finalizer only once the object is unreachable, and keeps the
finalizer function (and everything it captures) reachable until then. A finalizer closure
that captures the object itself therefore keeps it alive forever: it is never finalized
and never freed. Likewise, objects that sit in a reference cycle are never finalized
(`runtime.SetFinalizer`: "if a cyclic structure includes a block with a finalizer, that
cycle is not guaranteed to be garbage collected"), so `SetFinalizer` on a type that can
point back to itself through its fields is reported, with lower confidence.

`runtime.AddCleanup(ptr, cleanup, arg)` has the same trap: if `arg` is `ptr` (or points
into it) or the cleanup function captures `ptr`, the object stays reachable and the
cleanup never runs.
""",
    bad="""package p

import (
	"os"
	"runtime"
)

type Handle struct {
	f   *os.File
	buf []byte
}

func Open(name string) (*Handle, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	h := &Handle{f: f, buf: make([]byte, 1<<20)}
	runtime.SetFinalizer(h, func(_ *Handle) { h.f.Close() })
	return h, nil
}
""",
    good="""package p

import (
	"os"
	"runtime"
)

type Handle struct {
	f   *os.File
	buf []byte
}

func Open(name string) (*Handle, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	h := &Handle{f: f, buf: make([]byte, 1<<20)}
	runtime.SetFinalizer(h, func(h *Handle) { h.f.Close() })
	return h, nil
}
""",
    fix="use the finalizer's parameter instead of capturing the object; pass AddCleanup only the fields the cleanup needs; break cycles with weak pointers or explicit Close",
)


def _may_finalize(src: bytes) -> bool:
    return b"runtime" in src and (b"SetFinalizer" in src or b"AddCleanup" in src)




@register(GR501)
def check(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    out: list[Finding] = []
    for f in pkg.files:
        if not _may_finalize(f.src):
            continue
        for call, name in pkg.file_package_calls(f, "runtime", ("SetFinalizer", "AddCleanup")):
            args = call_args(call)
            found = _set_finalizer(pkg, ctx, call, args) if name == "SetFinalizer" else _add_cleanup(pkg, ctx, call, args)
            if found is not None:
                out.append(found)
    return out


def _root_ref(pkg: Package, expr: Node | None) -> tuple[Node, object] | None:
    """The variable an expression like ``x``, ``&x``, ``x.f``, ``&x.f`` is rooted at."""
    e = strip_parens(expr)
    while e is not None and e.type in ("unary_expression", "selector_expression", "index_expression"):
        if e.type == "unary_expression" and text(e.child_by_field_name("operator")) != "&":
            return None
        e = strip_parens(e.child_by_field_name("operand"))
    if e is None or e.type != "identifier":
        return None
    ref = pkg.resolve(e)
    return (e, ref) if isinstance(ref, (Binding, VarDecl)) else None


def _captures(pkg: Package, fn: Node | None, ref: object) -> Node | None:
    fn = strip_parens(fn)
    if fn is None or fn.type != "func_literal":
        return None
    for ident in descendants(fn, "identifier"):
        if pkg.resolve(ident) is ref:
            return ident
    return None


def _set_finalizer(pkg: Package, ctx: RuleContext, call: Node, args: list[Node]) -> Finding | None:
    if len(args) != 2:
        return None
    root = _root_ref(pkg, args[0])
    if root is None:
        return None
    ident, ref = root
    name = text(ident)
    cap = _captures(pkg, args[1], ref)
    if cap is not None:
        msg = (f"the finalizer closure captures {name}, the object it is set on: the finalizer keeps {name} reachable, "
               f"so {name} is never finalized and never freed")
        return ctx.finding(GR501, pkg, call, msg, symbol=f"{pkg.name}.{name}",
                           fix=f"use the finalizer's parameter instead of the captured {name}")
    t = pkg.type_of(args[0])
    cycle = _self_reaching(pkg, t.deref())
    if cycle and _links_other(pkg, cycle.split(".")[0]):
        msg = (f"runtime.SetFinalizer on {name} ({t}): {t.deref()} can point back to itself through {cycle}; objects "
               "in a reference cycle with a finalizer are never collected")
        return ctx.finding(GR501, pkg, call, msg, symbol=f"{pkg.name}.{t.deref()}", confidence=Confidence.LOW,
                           fix="break the cycle before the object is dropped (Close), or use runtime.AddCleanup / weak pointers")
    return None


def _add_cleanup(pkg: Package, ctx: RuleContext, call: Node, args: list[Node]) -> Finding | None:
    if len(args) != 3:
        return None
    root = _root_ref(pkg, args[0])
    if root is None:
        return None
    ident, ref = root
    name = text(ident)
    arg_root = _root_ref(pkg, args[2])
    if arg_root is not None and arg_root[1] is ref:
        arg = strip_parens(args[2])
        interior = arg is not None and arg.type == "unary_expression"
        if arg is not None and (arg.type == "identifier" or interior):
            msg = (f"runtime.AddCleanup's argument {text(args[2])} is (or points into) {name} itself: the cleanup "
                   f"keeps {name} reachable, so it is never freed and the cleanup never runs")
            return ctx.finding(GR501, pkg, call, msg, symbol=f"{pkg.name}.{name}")
    cap = _captures(pkg, args[1], ref)
    if cap is not None:
        msg = (f"the cleanup function captures {name}, the object it is attached to: it keeps {name} reachable, "
               "so it is never freed and the cleanup never runs")
        return ctx.finding(GR501, pkg, call, msg, symbol=f"{pkg.name}.{name}")
    return None


def _links_other(pkg: Package, field: str) -> bool:
    """Whether the package ever stores a non-nil value other than the object itself in a
    field named ``field`` (``a.f = b``, ``T{f: b}``). A type that *can* form a cycle is not
    one; and a pointer to itself is no cycle for the collector (it ignores self-references
    when marking from a finalizer), so ``x.f = x`` does not count."""
    word = field.encode()
    for f in pkg.files:
        if word not in f.src:
            continue
        for stmt in descendants(f.root, "assignment_statement"):
            lefts = expr_list(stmt.child_by_field_name("left"))
            rights = expr_list(stmt.child_by_field_name("right"))
            for left, right in zip(lefts, rights, strict=False):
                left = strip_parens(left)
                if left is None or left.type != "selector_expression":
                    continue
                if text(left.child_by_field_name("field")) != field or text(right) == "nil":
                    continue
                if text(strip_parens(right)) != text(strip_parens(left.child_by_field_name("operand"))):
                    return True
        for kv in descendants(f.root, "keyed_element"):
            parts = [c for c in kv.named_children if c.type != "comment"]
            if len(parts) == 2 and text(parts[0]) == field and text(parts[1]) != "nil":
                return True
    return False


def _self_reaching(pkg: Package, start: GoType) -> str:
    """A field path by which a value of named type ``start`` can reach another one
    through pointer fields (same-package struct types only), or "". Containers are not
    followed: a queue of T's inside a T is rarely a cycle back to itself."""
    if start.kind != "named" or start.pkg:
        return ""
    target = start.name
    seen: set[str] = set()
    stack: list[tuple[GoType, str, bool]] = [(start, "", False)]
    while stack:
        t, path, via_ptr = stack.pop()
        if t.kind == "named" and not t.pkg:
            if t.name == target and path and via_ptr:
                return path
            if t.name in seen:
                continue
            seen.add(t.name)
            t = pkg.underlying(t)
        if t.kind == "struct":
            for fname, ft in t.fields:
                stack.append((ft, f"{path}.{fname}" if path else fname, via_ptr))
        elif t.kind == "pointer" and t.elem is not None:
            # Only direct pointer fields: a slice/map/chan of T usually holds *other* Ts.
            stack.append((t.elem, path, True))
        elif t.kind == "array" and t.elem is not None:
            stack.append((t.elem, path, via_ptr))
    return ""
