"""Local scopes of one top-level function (closures included).

Each declaration becomes a Binding with the syntax node that bounds its scope and the
byte offset from which it is visible; lookup picks the innermost visible binding. A
`:=` that re-declares a name already bound in the same scope is an assignment in Go,
so it does not create a binding here either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from goretain.source.syntax import FUNC_KINDS, descendants, expr_list, text

_SCOPE_STMTS = frozenset({
    "if_statement", "for_statement", "expression_switch_statement", "type_switch_statement",
    "communication_case", "expression_case", "type_case", "default_case", "select_statement",
})


@dataclass(eq=False)
class Binding:
    name: str
    ident: Node  # the declaring identifier
    kind: str  # param, result, receiver, var, short, range, recv, typeswitch
    scope_start: int
    scope_end: int
    visible_from: int
    decl: Node  # the declaring statement / parameter
    type_node: Node | None = None
    values: list[Node] = field(default_factory=list)
    index: int = 0
    variadic: bool = False

    @property
    def func(self) -> Node | None:
        """The function (declaration or literal) whose local this is."""
        n: Node | None = self.ident
        while n is not None and n.type not in FUNC_KINDS:
            n = n.parent
        return n


def _scope_of(stmt: Node) -> Node:
    """The node bounding the scope of a declaration made by ``stmt``."""
    p = stmt.parent
    while p is not None:
        if p.type == "for_clause":
            return p.parent or p
        if p.type in _SCOPE_STMTS or p.type == "block" or p.type in FUNC_KINDS:
            return p
        p = p.parent
    return stmt


_DECL_KINDS = (
    "parameter_declaration", "variadic_parameter_declaration", "short_var_declaration",
    "var_spec", "range_clause", "type_switch_statement", "receive_statement",
)


class FuncScope:
    """Bindings are made per name on the first lookup of that name: most scopes are
    asked about a few names only, and a name's bindings never depend on other names'."""

    def __init__(self, top: Node) -> None:
        self.top = top
        self.by_name: dict[str, list[Binding]] = {}
        self._decls = descendants(top, *_DECL_KINDS)
        self._done: set[str] = set()
        self._want: str | None = None  # while building one name: skip the others
        self._src: bytes | None = None

    def _add(self, b: Binding) -> None:
        if self._want is not None and b.name != self._want:
            return
        same = self.by_name.setdefault(b.name, [])
        if b.kind == "short":
            for other in same:
                if other.scope_start == b.scope_start and other.scope_end == b.scope_end:
                    return  # re-declaration: an assignment to `other`
        same.append(b)

    def _build_name(self, name: str) -> None:
        """Bindings of ``name``: only declarations whose text holds it can make one."""
        self._done.add(name)
        if self._src is None:
            self._src = self.top.text or b""
        src, base, word = self._src, self.top.start_byte, name.encode()
        self._want = name
        try:
            for n in self._decls:
                if src.find(word, n.start_byte - base, n.end_byte - base) >= 0:
                    self._decl(n)
        except BaseException:
            self._done.discard(name)  # half built: start over next time
            self.by_name.pop(name, None)
            raise
        finally:
            self._want = None

    def _decl(self, n: Node) -> None:
        t = n.type
        if t in ("parameter_declaration", "variadic_parameter_declaration"):
            self._param(n)
        elif t == "short_var_declaration":
            self._decl_list(n, "short", expr_list(n.child_by_field_name("left")), n.child_by_field_name("right"), None)
        elif t == "var_spec":
            self._decl_list(n, "var", n.children_by_field_name("name"), n.child_by_field_name("value"), n.child_by_field_name("type"))
        elif t == "range_clause":
            if not any(c.type == ":=" for c in n.children):
                return
            left = expr_list(n.child_by_field_name("left"))
            scope = n.parent or n
            right = n.child_by_field_name("right")
            for i, ident in enumerate(left):
                if ident.type == "identifier" and text(ident) != "_":
                    self._add(Binding(text(ident), ident, "range", scope.start_byte, scope.end_byte,
                                      n.end_byte, n, None, [right] if right else [], i))
        elif t == "type_switch_statement":
            alias = n.child_by_field_name("alias")
            for ident in expr_list(alias):
                if ident.type == "identifier":
                    self._add(Binding(text(ident), ident, "typeswitch", n.start_byte, n.end_byte,
                                      ident.end_byte, n))
        elif t == "receive_statement" and any(c.type == ":=" for c in n.children):
            left = expr_list(n.child_by_field_name("left"))
            scope = _scope_of(n)
            right = n.child_by_field_name("right")
            for i, ident in enumerate(left):
                if ident.type == "identifier" and text(ident) != "_":
                    self._add(Binding(text(ident), ident, "recv", scope.start_byte, scope.end_byte,
                                      n.end_byte, n, None, [right] if right else [], i))

    def _param(self, p: Node) -> None:
        plist = p.parent
        fn = plist.parent if plist is not None else None
        if fn is None or fn.type not in FUNC_KINDS:
            return  # a parameter of a function *type*, not a binding
        field_name = None
        for i, c in enumerate(fn.children):
            if c.id == plist.id:
                field_name = fn.field_name_for_child(i)
                break
        kind = {"receiver": "receiver", "result": "result"}.get(field_name or "", "param")
        body = fn.child_by_field_name("body")
        start = body.start_byte if body is not None else fn.end_byte
        for ident in p.children_by_field_name("name"):
            name = text(ident)
            if name and name != "_":
                self._add(Binding(name, ident, kind, fn.start_byte, fn.end_byte, start, p,
                                  p.child_by_field_name("type"), variadic=p.type == "variadic_parameter_declaration"))

    def _decl_list(self, stmt: Node, kind: str, names: list[Node], value: Node | None, type_node: Node | None) -> None:
        want = self._want
        if want is not None and not any(ident.type == "identifier" and text(ident) == want for ident in names):
            return  # declares other names only
        decl = stmt
        while decl.parent is not None and decl.parent.type in ("var_declaration", "var_spec_list"):
            decl = decl.parent  # a var spec's scope is that of its declaration statement
        scope = _scope_of(decl)
        values = expr_list(value)
        for i, ident in enumerate(names):
            if ident.type != "identifier":
                continue
            name = text(ident)
            if name == "_":
                continue
            self._add(Binding(name, ident, kind, scope.start_byte, scope.end_byte, stmt.end_byte,
                              stmt, type_node, values, i))

    def lookup(self, name: str, at: int) -> Binding | None:
        if name not in self._done:
            self._build_name(name)
        best: Binding | None = None
        for b in self.by_name.get(name, ()):
            if b.ident.start_byte == at:
                return b  # the declaring identifier itself
            if b.scope_start <= at < b.scope_end and b.visible_from <= at and (
                best is None
                or b.scope_start > best.scope_start
                or (b.scope_start == best.scope_start and b.visible_from > best.visible_from)
            ):
                best = b
        return best
