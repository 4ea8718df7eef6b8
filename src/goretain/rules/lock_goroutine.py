"""Which goroutine runs a GR401 finding: the ``go`` statement that starts it, for the
message suffix and related location."""

from __future__ import annotations

from tree_sitter import Node

from goretain.findings import Related
from goretain.rules.chanflow import goroutine_of
from goretain.rules.flow import own_descendants
from goretain.rules.lock_ops import func_of
from goretain.source.package import Package
from goretain.source.syntax import descendants, strip_parens, text, word_offsets


def goroutine_note(pkg: Package, node: Node) -> tuple[str, list[Related]]:
    """A message suffix and related location naming the ``go`` statement that starts the
    goroutine running ``node`` (directly, or one or two same-package calls down)."""
    g = goroutine_of(node)
    if g is None:
        fn = func_of(node)
        while fn is not None and fn.type == "func_literal":
            fn = func_of(fn)
        name = text(fn.child_by_field_name("name")) if fn is not None else ""
        names = {name} if name else set()
        for _level in range(2):
            g = _go_calling(pkg, names)
            if g is not None or not names:
                break
            names = callers_of(pkg, names) - names
    if g is None:
        return "", []
    line = g.start_point[0] + 1
    return (f" (in the goroutine started at line {line})",
            [Related(pkg.location(g), "the goroutine that blocks is started here")])


def _go_calling(pkg: Package, names: set[str]) -> Node | None:
    """A go statement whose function, or a call in its func literal, is one of ``names``."""
    gos: list[Node] | None = pkg.memo.get("lock_goroutine.go_stmts")
    if gos is None:
        gos = [g for f in pkg.files if b"go " in f.src for g in descendants(f.root, "go_statement")]
        pkg.memo["lock_goroutine.go_stmts"] = gos
    for direct in (True, False):
        for g in gos:
            call = g.named_children[0] if g.named_children else None
            fn = strip_parens(call.child_by_field_name("function")) if call is not None and call.type == "call_expression" else None
            if fn is None or (fn.type == "func_literal") == direct:
                continue
            calls = [c for c in own_descendants(fn, "call_expression")
                     if c.parent is None or c.parent.type != "go_statement"] if not direct else [call]
            for c in calls:
                f = strip_parens(c.child_by_field_name("function"))
                if text(f.child_by_field_name("field") if f is not None and f.type == "selector_expression" else f) in names:
                    return g
    return None


def callers_of(pkg: Package, names: set[str]) -> set[str]:
    """Names of the package's functions whose bodies call one of ``names`` (found by the
    bytes of the names, mapped to the enclosing declaration)."""
    out: set[str] = set()
    words = [n.encode() for n in names]
    for f in pkg.files:
        for off, w in word_offsets(f.src, words):
            if f.src[off + len(w):off + len(w) + 1] != b"(":
                continue
            node = f.root.named_descendant_for_byte_range(off, off + len(w))
            fn = func_of(node) if node is not None else None
            while fn is not None and fn.type == "func_literal":
                fn = func_of(fn)
            if fn is not None:
                out.add(text(fn.child_by_field_name("name")))
    return out
