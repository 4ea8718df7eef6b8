"""One Go package: its parsed files, package-level declarations, and name/type resolution.

The resolver is deliberately light: it answers "what type is this expression?" for the
shapes leak rules care about (variables, fields, literals, make/new, calls of package
functions, methods and well-known standard-library functions) and says UNKNOWN otherwise.
"""

from __future__ import annotations

import os
import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tree_sitter import Node, Tree

from goretain.findings import Location
from goretain.source.gomod import Module
from goretain.source.scope import Binding, FuncScope
from goretain.source.syntax import (
    FUNC_KINDS,
    call_name,
    callee_name,
    descendants,
    expr_list,
    strip_parens,
    text,
    word_nodes,
)
from goretain.source.types import (
    BASIC_SIZES,
    STDLIB_FIELDS,
    STDLIB_FUNCS,
    STDLIB_METHODS,
    STDLIB_SIZES,
    UNKNOWN,
    GoType,
    basic,
    const_int,
    named,
    ptr,
    results_of,
    struct_fields,
    type_from_node,
)

GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.MULTILINE)


@dataclass
class SourceFile:
    path: str  # as shown to the user
    abspath: str
    src: bytes
    tree: Tree
    package_name: str
    imports: dict[str, str]  # file-local package name -> import path
    is_test: bool

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @cached_property
    def lines(self) -> list[bytes]:
        return self.src.split(b"\n")


@dataclass
class VarDecl:
    name: str
    file: SourceFile
    name_node: Node
    type_node: Node | None
    values: list[Node]  # the spec's value list
    index: int  # position of this name in the spec


@dataclass
class TypeDecl:
    name: str
    file: SourceFile
    node: Node  # the type_spec / type_alias
    type_node: Node | None


@dataclass
class FuncDecl:
    name: str
    file: SourceFile
    node: Node
    recv_type: str = ""  # receiver's base type name, "" for functions
    recv_name: str = ""

    @property
    def body(self) -> Node | None:
        return self.node.child_by_field_name("body")


@dataclass(frozen=True)
class Size:
    bytes: int
    owns: frozenset[str] = frozenset()  # "slice", "map", "string", "chan"


def import_name(path: str) -> str:
    """The default package name for an import path (last element, major versions skipped)."""
    parts = path.split("/")
    last = parts[-1]
    if re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    return last.replace("-", "_").removeprefix("go_").removeprefix("go.")


def file_imports(root: Node) -> dict[str, str]:
    out: dict[str, str] = {}
    decls = [c for c in root.named_children if c.type == "import_declaration"]
    for spec in (s for d in decls for s in _specs(d, "import_spec", "import_spec_list", None)):
        path = text(spec.child_by_field_name("path")).strip('"`')
        name_node = spec.child_by_field_name("name")
        name = text(name_node) if name_node is not None else import_name(path)
        if name not in ("_", "."):
            out[name] = path
    return out


def _specs(decl: Node, kind: str, list_kind: str, src: bytes | None) -> list[Node]:
    """``descendants(decl, kind)`` without a query in the usual case: specs sit directly in
    the declaration or in its parenthesised list, and only a function literal (``func`` in
    ``src``, when given) or a syntax error can put others deeper."""
    if decl.has_error or (src is not None and src.find(b"func", decl.start_byte, decl.end_byte) >= 0):
        return descendants(decl, kind)
    out: list[Node] = []
    for c in decl.named_children:
        if c.type == kind:
            out.append(c)
        elif c.type == list_kind:
            out.extend(s for s in c.named_children if s.type == kind)
    return out


def display_path(abspath: str) -> str:
    """Relative to the current directory when under it, else absolute."""
    rel = os.path.relpath(abspath)
    return abspath if rel.startswith("..") else rel


@dataclass
class Package:
    name: str
    directory: str
    files: list[SourceFile]
    module: Module | None = None
    # Resolves other packages of the same module by import path (set by the analyser).
    sibling_loader: object = None
    vars: dict[str, VarDecl] = field(default_factory=dict)
    consts: dict[str, Node] = field(default_factory=dict)
    int_consts: dict[str, int] = field(default_factory=dict)
    types: dict[str, TypeDecl] = field(default_factory=dict)
    funcs: dict[str, FuncDecl] = field(default_factory=dict)
    methods: dict[str, dict[str, FuncDecl]] = field(default_factory=dict)
    ambiguous_types: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._by_root = {f.root.id: f for f in self.files}
        self._roots = tuple(f.root for f in self.files)
        self._last_root: Node | None = None
        self._scopes: dict[int, FuncScope] = {}
        self._tnode_cache: dict[tuple[int, int, int, int], GoType] = {}
        self._underlying_cache: dict[tuple[str, str], GoType] = {}
        # Results that depend on this package alone, shared by the rules and computed once;
        # keyed "<module>.<what>" after the module that computes them.
        self.memo: dict[str, Any] = {}
        for f in self.files:
            self._collect(f)

    # --- identity -------------------------------------------------------------------
    @property
    def import_path(self) -> str:
        if self.module is None:
            return self.name
        return self.module.import_path_of(self.directory)

    def in_module(self, import_path: str) -> bool:
        return self.module is not None and self.module.dir_for(import_path) is not None

    # --- collecting declarations ----------------------------------------------------
    def _collect(self, f: SourceFile) -> None:
        for top in f.root.named_children:
            t = top.type
            if t == "function_declaration":
                name = text(top.child_by_field_name("name"))
                self.funcs.setdefault(name, FuncDecl(name, f, top))
            elif t == "method_declaration":
                name = text(top.child_by_field_name("name"))
                recv_type, recv_name = _receiver(top)
                self.methods.setdefault(recv_type, {}).setdefault(
                    name, FuncDecl(name, f, top, recv_type, recv_name)
                )
            elif t == "var_declaration":
                for spec in _specs(top, "var_spec", "var_spec_list", f.src):
                    self._collect_var(f, spec)
            elif t == "const_declaration":
                self._collect_consts(top, f.src)
            elif t == "type_declaration":
                for spec in top.named_children:
                    if spec.type in ("type_spec", "type_alias"):
                        name = text(spec.child_by_field_name("name"))
                        if name in self.types and self.types[name].file is not f:
                            # Declared per platform (build tags): which one applies is unknown.
                            self.ambiguous_types.add(name)
                        self.types.setdefault(name, TypeDecl(name, f, spec, spec.child_by_field_name("type")))

    def _collect_var(self, f: SourceFile, spec: Node) -> None:
        values = expr_list(spec.child_by_field_name("value"))
        for i, n in enumerate(spec.children_by_field_name("name")):
            name = text(n)
            if name != "_":
                self.vars.setdefault(name, VarDecl(name, f, n, spec.child_by_field_name("type"), values, i))

    def _collect_consts(self, decl: Node, src: bytes | None = None) -> None:
        for spec in _specs(decl, "const_spec", "", src) if src is not None else descendants(decl, "const_spec"):
            values = expr_list(spec.child_by_field_name("value"))
            for i, n in enumerate(spec.children_by_field_name("name")):
                name = text(n)
                self.consts[name] = n
                if i < len(values):
                    v = const_int(values[i], self.int_consts)
                    if v is not None:
                        self.int_consts[name] = v

    # --- navigation -------------------------------------------------------------------
    def file_of(self, node: Node) -> SourceFile:
        root = node
        while root.parent is not None:
            root = root.parent
        return self._by_root[root.id]

    def location(self, node: Node) -> Location:
        f = self.file_of(node)
        (l1, c1), (l2, c2) = node.start_point, node.end_point
        return Location(f.path, l1 + 1, c1 + 1, l2 + 1, c2 + 1)

    def text(self, node: Node | None) -> str:
        return text(node)

    def functions(self) -> Iterator[FuncDecl]:
        """Every function and method declaration (not literals), in file order."""
        for f in self.files:
            for top in f.root.named_children:
                if top.type == "function_declaration":
                    yield FuncDecl(text(top.child_by_field_name("name")), f, top)
                elif top.type == "method_declaration":
                    rt, rn = _receiver(top)
                    yield FuncDecl(text(top.child_by_field_name("name")), f, top, rt, rn)

    def _top_fast(self, node: Node) -> Node | None:
        """The top-level declaration holding ``node`` without walking up parent by parent
        (each step re-descends from the root): find the tree whose node at that byte range
        is ``node`` itself (ids are unique among live trees), then ask the root."""
        start, end = node.start_byte, node.end_byte
        last = self._last_root
        roots = self._roots if last is None else (last, *self._roots)
        for root in roots:
            if root.start_byte <= start and end <= root.end_byte:
                d = root.descendant_for_byte_range(start, end)
                if d is not None and d.id == node.id:
                    self._last_root = root
                    if root.type != "source_file" or node.id == root.id:
                        return None
                    return root.child_with_descendant(node)
        return None

    def package_calls(self, root: Node, import_path: str, names: Container[str]) -> Iterator[tuple[Node, str]]:
        """Calls ``p.Name(...)`` under ``root`` where ``p`` names the imported package
        ``import_path`` and Name is one of ``names``: (call, Name)."""
        for call in descendants(root, "call_expression"):
            name = callee_name(call)
            if name not in names:
                continue
            q = call_name(call)[0]
            if not q or "." in q:
                continue
            fn = strip_parens(call.child_by_field_name("function"))
            operand = fn.child_by_field_name("operand") if fn is not None else None
            if operand is not None and self.is_package_name(operand) == import_path:
                yield call, name

    def file_package_calls(self, f: SourceFile, import_path: str, names: Iterable[str]) -> list[tuple[Node, str]]:
        """``package_calls(f.root, ...)`` found from the names' bytes (a walk over every
        call of the file costs far more): the same calls, in the same order."""
        found: list[tuple[Node, str]] = []
        for node in word_nodes(f.root, f.src, [n.encode() for n in names]):
            sel = node.parent
            if sel is None or sel.type != "selector_expression":
                continue
            fld = sel.child_by_field_name("field")
            call = sel.parent
            while call is not None and call.type == "parenthesized_expression":
                call = call.parent
            fn = strip_parens(call.child_by_field_name("function")) if call is not None and call.type == "call_expression" else None
            if fld is None or fld.id != node.id or fn is None or fn.id != sel.id:
                continue
            operand = sel.child_by_field_name("operand")
            q = text(operand)
            if q and "." not in q and operand is not None and self.is_package_name(operand) == import_path:
                found.append((call, text(node)))  # type: ignore[arg-type]
        found.sort(key=lambda cn: (cn[0].start_byte, -cn[0].end_byte))
        return found

    def field_selectors(self, type_name: str, field: str) -> Iterator[Node]:
        """Every ``x.field`` selector in the package whose operand may be of the named
        type ``type_name`` (its type is that type, or unknown), found by the field's bytes."""
        word = field.encode()
        for f in self.files:
            if word not in f.src:
                continue
            for node in word_nodes(f.root, f.src, [word]):
                sel = node.parent
                if node.type != "field_identifier" or sel is None or sel.type != "selector_expression":
                    continue
                base = self.type_of(sel.child_by_field_name("operand")).deref()
                if base.kind == "named" and base.name != type_name:
                    continue
                yield sel

    def scope(self, node: Node) -> FuncScope:
        """The local scope of the top-level function containing ``node``."""
        top = self._top_fast(node)
        if top is None:
            top = node
            while top.parent is not None and top.parent.type != "source_file":
                top = top.parent
        sc = self._scopes.get(top.id)
        if sc is None:
            sc = self._scopes[top.id] = FuncScope(top)
        return sc

    def resolve(self, ident: Node) -> Binding | VarDecl | FuncDecl | None:
        """What an identifier refers to: a local binding, a package var or a function."""
        name = text(ident)
        if ident.parent is not None and ident.parent.type != "source_file":
            b = self.scope(ident).lookup(name, ident.start_byte)
            if b is not None:
                return b
        return self.vars.get(name) or self.funcs.get(name)

    def imports_of(self, node: Node) -> dict[str, str]:
        return self.file_of(node).imports

    def is_package_name(self, ident: Node) -> str:
        """The import path when ``ident`` names an imported package here, else ""."""
        name = text(ident)
        if self.scope(ident).lookup(name, ident.start_byte) is not None and ident.parent.type != "source_file":
            return ""
        return self.imports_of(ident).get(name, "")

    # --- types ------------------------------------------------------------------------
    def type_of_node(self, type_node: Node | None) -> GoType:
        if type_node is None:
            return UNKNOWN
        # Memoised: rules ask for the same declared types over and over. The key carries
        # the span too, so a node id reused by another (freed) tree cannot alias.
        key = (type_node.id, type_node.start_byte, type_node.end_byte, type_node.kind_id)
        t = self._tnode_cache.get(key)
        if t is None:
            t = self._tnode_cache[key] = type_from_node(type_node, self.imports_of(type_node), self.int_consts)
        return t

    def var_type(self, v: VarDecl) -> GoType:
        if v.type_node is not None:
            return self.type_of_node(v.type_node)
        if len(v.values) == 1 and v.index > 0:
            t = self.type_of(v.values[0])
            return t.results[v.index] if t.kind == "tuple" and v.index < len(t.results) else UNKNOWN
        if v.index < len(v.values):
            return self.single(self.type_of(v.values[v.index]))
        return UNKNOWN

    def binding_type(self, b: Binding) -> GoType:
        if b.type_node is not None:
            t = self.type_of_node(b.type_node)
            return GoType("slice", elem=t) if b.variadic else t
        if b.kind == "range":
            return self._range_type(b)
        if b.kind == "typeswitch":
            return UNKNOWN
        values = b.values
        if not values:
            return UNKNOWN
        if len(values) == 1 and b.index > 0:
            v = strip_parens(values[0])
            if v is not None and v.type == "index_expression":  # v, ok := m[k]
                return basic("bool")
            if v is not None and v.type == "type_assertion_expression":
                return basic("bool")
            if v is not None and v.type == "unary_expression":  # v, ok := <-ch
                return basic("bool")
            t = self.type_of(values[0])
            return t.results[b.index] if t.kind == "tuple" and b.index < len(t.results) else UNKNOWN
        if b.index < len(values):
            return self.single(self.type_of(values[b.index]))
        return UNKNOWN

    def _range_type(self, b: Binding) -> GoType:
        over = self.underlying(self.type_of(b.values[0])) if b.values else UNKNOWN
        if over.kind == "pointer":
            over = self.underlying(over.deref())
        k = over.kind
        if k in ("slice", "array"):
            return basic("int") if b.index == 0 else (over.elem or UNKNOWN)
        if k == "map":
            return (over.key if b.index == 0 else over.elem) or UNKNOWN
        if k == "chan":
            return over.elem or UNKNOWN
        if over.kind == "basic" and over.name == "string":
            return basic("int") if b.index == 0 else basic("rune")
        if over.kind == "basic":
            return over
        return UNKNOWN

    @staticmethod
    def single(t: GoType) -> GoType:
        return (t.results[0] if t.results else UNKNOWN) if t.kind == "tuple" else t

    def type_of(self, expr: Node | None) -> GoType:  # noqa: C901 - one case per expression kind
        """Best-effort static type of an expression (UNKNOWN when unsure)."""
        e = strip_parens(expr)
        if e is None:
            return UNKNOWN
        k = e.type
        if k == "identifier":
            ref = self.resolve(e)
            if isinstance(ref, Binding):
                return self.binding_type(ref)
            if isinstance(ref, VarDecl):
                return self.var_type(ref)
            if isinstance(ref, FuncDecl):
                return GoType("func", results=results_of(ref.node, ref.file.imports))
            name = text(e)
            if name in ("true", "false"):
                return basic("bool")
            return UNKNOWN
        if k in ("interpreted_string_literal", "raw_string_literal"):
            return basic("string")
        if k == "int_literal":
            return basic("int")
        if k == "float_literal":
            return basic("float64")
        if k == "composite_literal":
            return self.type_of_node(e.child_by_field_name("type"))
        if k == "func_literal":
            return GoType("func", results=results_of(e, self.imports_of(e)))
        if k == "unary_expression":
            op = text(e.child_by_field_name("operator"))
            inner = self.type_of(e.child_by_field_name("operand"))
            if op == "&":
                return ptr(inner)
            if op == "*":
                return inner.elem if inner.kind == "pointer" and inner.elem else UNKNOWN
            if op == "<-":
                u = self.underlying(inner)
                return u.elem if u.kind == "chan" and u.elem else UNKNOWN
            return inner
        if k == "index_expression":
            over = self.underlying(self.type_of(e.child_by_field_name("operand")))
            if over.kind == "pointer":
                over = self.underlying(over.deref())
            if over.kind in ("map", "slice", "array") and over.elem is not None:
                return over.elem
            if over.kind == "basic" and over.name == "string":
                return basic("byte")
            return UNKNOWN
        if k == "slice_expression":
            t = self.type_of(e.child_by_field_name("operand"))
            u = self.underlying(t)
            if u.kind == "array" or (u.kind == "pointer" and self.underlying(u.deref()).kind == "array"):
                arr = u if u.kind == "array" else self.underlying(u.deref())
                return GoType("slice", elem=arr.elem)
            return t
        if k == "type_assertion_expression":
            return self.type_of_node(e.child_by_field_name("type"))
        if k == "selector_expression":
            return self._selector_type(e)
        if k == "call_expression":
            return self._call_type(e)
        if k == "binary_expression":
            op = text(e.child_by_field_name("operator"))
            if op in ("==", "!=", "<", "<=", ">", ">=", "&&", "||"):
                return basic("bool")
            return self.type_of(e.child_by_field_name("left"))
        return UNKNOWN

    def _selector_type(self, e: Node) -> GoType:
        operand = strip_parens(e.child_by_field_name("operand"))
        fname = text(e.child_by_field_name("field"))
        if operand is not None and operand.type == "identifier":
            pkg_path = self.is_package_name(operand)
            if pkg_path:
                other = self.sibling(pkg_path)
                if other is not None:
                    if fname in other.vars:
                        return _qualify_one(other.var_type(other.vars[fname]), pkg_path)
                    if fname in other.funcs:
                        fd = other.funcs[fname]
                        return GoType("func", results=_qualify(results_of(fd.node, fd.file.imports), pkg_path))
                elif f"{pkg_path}.{fname}" in STDLIB_FUNCS:
                    return GoType("func", results=STDLIB_FUNCS[f"{pkg_path}.{fname}"])
                return UNKNOWN
        return self.field_type(self.type_of(operand), fname)

    def _call_type(self, e: Node) -> GoType:
        fn = strip_parens(e.child_by_field_name("function"))
        if fn is None:
            return UNKNOWN
        args = e.child_by_field_name("arguments")
        argv = [c for c in args.named_children if c.type != "comment"] if args is not None else []
        if fn.type == "identifier":
            name = text(fn)
            ref = self.resolve(fn)
            if ref is None:
                if name == "new" and argv:
                    return ptr(self.type_of_node(argv[0]))
                if name == "make" and argv:
                    return self.type_of_node(argv[0])
                if name == "append" and argv:
                    return self.type_of(argv[0])
                if name in ("len", "cap", "copy"):
                    return basic("int")
                if name in self.types:
                    return named("", name)
                if name in BASIC_SIZES:
                    return basic(name)
                return UNKNOWN
            if isinstance(ref, FuncDecl):
                return _tuple(results_of(ref.node, ref.file.imports))
            t = self.type_of(fn)
            return _tuple(t.results) if t.kind == "func" else UNKNOWN
        if fn.type in ("slice_type", "array_type", "map_type", "pointer_type", "channel_type", "qualified_type", "generic_type", "parenthesized_type"):
            return self.type_of_node(fn)  # a conversion
        if fn.type == "func_literal":
            return _tuple(results_of(fn, self.imports_of(fn)))
        if fn.type == "selector_expression":
            operand = strip_parens(fn.child_by_field_name("operand"))
            mname = text(fn.child_by_field_name("field"))
            if operand is not None and operand.type == "identifier":
                pkg_path = self.is_package_name(operand)
                if pkg_path:
                    other = self.sibling(pkg_path)
                    if other is not None:
                        if mname in other.funcs:
                            fd = other.funcs[mname]
                            return _tuple(_qualify(results_of(fd.node, fd.file.imports), pkg_path))
                        if mname in other.types:
                            return named(pkg_path, mname)
                        return UNKNOWN
                    return _tuple(STDLIB_FUNCS.get(f"{pkg_path}.{mname}", ()))
            recv = self.type_of(operand)
            fd = self.method_decl(recv, mname)
            if fd is not None:
                base = recv.deref()
                res = results_of(fd.node, fd.file.imports)
                return _tuple(_qualify(res, base.pkg) if base.pkg else res)
            base = recv.deref()
            if base.kind == "named" and base.pkg:
                return _tuple(STDLIB_METHODS.get(f"{base.pkg}.{base.name}.{mname}", ()))
            ft = self.field_type(recv, mname)
            if ft.kind == "func":
                return _tuple(ft.results)
        return UNKNOWN

    def sibling(self, import_path: str) -> Package | None:
        """Another package of the same module, loaded on demand (None outside the module)."""
        if import_path == self.import_path:
            return self
        if not self.in_module(import_path) or self.sibling_loader is None:
            return None
        return self.sibling_loader(self.module, import_path)  # type: ignore[operator]

    def _decl_pkg(self, t: GoType) -> Package | None:
        if t.kind != "named":
            return None
        return self if not t.pkg else self.sibling(t.pkg)

    def underlying(self, t: GoType, depth: int = 0) -> GoType:
        """Follow named types to their definition (struct, map, ...), within reach."""
        if t.kind != "named" or depth > 8:
            return t
        key = (t.pkg, t.name)
        hit = self._underlying_cache.get(key)
        if hit is None:
            hit = self._underlying_cache[key] = self._underlying(t, depth)
        return hit

    def _underlying(self, t: GoType, depth: int) -> GoType:
        pkg = self._decl_pkg(t)
        if pkg is None:
            return t
        td = pkg.types.get(t.name)
        if td is None or td.type_node is None or t.name in pkg.ambiguous_types:
            return t
        u = pkg.type_of_node(td.type_node)
        if pkg is not self:
            u = _qualify_one(u, pkg.import_path)
        return self.underlying(u, depth + 1) if u.kind == "named" else u

    def field_type(self, t: GoType, fname: str, depth: int = 0) -> GoType:
        base = t.deref()
        if base.kind == "named" and base.pkg and not self.in_module(base.pkg):
            return STDLIB_FIELDS.get(f"{base.pkg}.{base.name}.{fname}", UNKNOWN)
        u = self.underlying(base)
        if u.kind != "struct":
            return UNKNOWN
        for name, ft in u.fields:
            if name == fname:
                return ft
        if depth < 3:  # promoted through embedded fields
            for name, ft in u.fields:
                if name == ft.deref().name:
                    found = self.field_type(ft, fname, depth + 1)
                    if found is not UNKNOWN:
                        return found
        return UNKNOWN

    def method_decl(self, t: GoType, mname: str) -> FuncDecl | None:
        base = t.deref()
        pkg = self._decl_pkg(base)
        if pkg is None:
            return None
        return pkg.methods.get(base.name, {}).get(mname)

    def size_of(self, t: GoType, depth: int = 0) -> Size:
        """Approximate in-memory size of a value of type t (not what it points to)."""
        k = t.kind
        if depth > 6:
            return Size(0)
        if k == "basic":
            return Size(BASIC_SIZES.get(t.name, 8), frozenset({"string"}) if t.name == "string" else frozenset())
        if k in ("pointer", "func"):
            return Size(8)
        if k == "map":
            return Size(8, frozenset({"map"}))
        if k == "chan":
            return Size(8, frozenset({"chan"}))
        if k == "slice":
            return Size(24, frozenset({"slice"}))
        if k == "interface":
            return Size(16)
        if k == "array":
            inner = self.size_of(t.elem or UNKNOWN, depth + 1)
            return Size((t.length or 0) * inner.bytes, inner.owns)
        if k == "struct":
            total, owns = 0, set()
            for _, ft in t.fields:
                s = self.size_of(ft, depth + 1)
                total += s.bytes
                owns |= s.owns
            return Size(total, frozenset(owns))
        if k == "named":
            key = f"{t.pkg}.{t.name}"
            if key in STDLIB_SIZES:
                b, owns = STDLIB_SIZES[key]
                return Size(b, owns)
            u = self.underlying(t)
            return Size(0) if u.kind in ("named", "unknown") else self.size_of(u, depth + 1)
        return Size(0)


def _receiver(method: Node) -> tuple[str, str]:
    recv = method.child_by_field_name("receiver")
    if recv is None:
        return "", ""
    for p in recv.named_children:
        if p.type == "parameter_declaration":
            t = p.child_by_field_name("type")
            while t is not None and t.type in ("pointer_type", "generic_type", "parenthesized_type"):
                t = t.child_by_field_name("type") if t.type == "generic_type" else (t.named_children[0] if t.named_children else None)
            name_node = p.child_by_field_name("name")
            return text(t), text(name_node)
    return "", ""


def _tuple(results: tuple[GoType, ...]) -> GoType:
    if len(results) == 1:
        return results[0]
    return GoType("tuple", results=results) if results else UNKNOWN


def _qualify_one(t: GoType, pkg: str) -> GoType:
    """Give package-local named types inside t the import path of the package that declared them."""
    if t.kind == "named":
        return t if t.pkg else named(pkg, t.name)
    if t.kind in ("pointer", "slice", "array", "chan", "map"):
        return GoType(
            t.kind, elem=_qualify_one(t.elem, pkg) if t.elem else None,
            key=_qualify_one(t.key, pkg) if t.key else None, length=t.length,
        )
    if t.kind == "struct":
        return GoType("struct", fields=tuple((n, _qualify_one(ft, pkg)) for n, ft in t.fields))
    return t


def _qualify(results: tuple[GoType, ...], pkg: str) -> tuple[GoType, ...]:
    return tuple(_qualify_one(t, pkg) for t in results)


__all__ = [
    "FUNC_KINDS", "GENERATED", "FuncDecl", "Package", "Size", "SourceFile", "TypeDecl",
    "VarDecl", "display_path", "file_imports", "struct_fields",
]
