"""Long-lived containers: the values that live as long as the process, and their uses.

Shared by GR101/GR102 (maps) and GR103 (slices, value-keyed maps). A "target" is a
package-level variable, or a field of a struct type that a package-level variable holds
(directly, through struct-valued fields, map values, or pointer fields its initialiser
sets), whose type ``kind_of`` accepts. Objects that serve HTTP requests (``served_types``)
are roots too: their targets carry ``served`` and only count growth on paths that run
per request. ``_occurrences`` finds every mention of every target, matching a package var
through name resolution and a field through the static type of the selector's operand
(unknown operand types are reported as ambiguous). The one-time initialisation,
request-derivation and repeated-path (``Paths``) helpers decide whether a use runs once
(init, sync.Once, constructors, Register functions) or per request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from goretain.rules.flow import unbounded_loop
from goretain.source.package import FuncDecl, Package, TypeDecl, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    FUNC_KINDS,
    call_args,
    call_name,
    descendants,
    enclosing,
    enclosing_func,
    expr_list,
    strip_parens,
    text,
    up,
    word_nodes,
)
from goretain.source.types import UNKNOWN, GoType

# (pkg, type) -> (target kind, the type to record) or None when the type is not a target.
KindFn = Callable[[Package, GoType], "tuple[str, GoType] | None"]


@dataclass(eq=False)
class Target:
    kind: str  # MAP or SYNCMAP
    name: str  # var or field name
    owner: str  # struct type of a field (the var name for an anonymous struct var); "" for a var
    decl: Node  # identifier to anchor the finding at
    gotype: GoType  # the declared type (map type's underlying for MAP)
    var: VarDecl | None = None
    exported: bool = False
    uses: list[tuple[str, Node, Node | None, bool]] = field(default_factory=list)  # (use, expr, key, ambiguous)
    inserts: list[tuple[Node, Node | None]] = field(default_factory=list)  # run-time (site, key)
    cleared: bool = False  # removed, reset or handed off somewhere
    cleared_at: Node | None = None  # the first such use (for debugging and tests)
    settled: bool = False
    # Why the owner lives long when no package var holds it: it serves requests (see
    # served_types); such targets only count growth on paths that run per request.
    served: str = ""

    @property
    def label(self) -> str:
        return f"{self.owner}.{self.name}" if self.owner else self.name


@dataclass
class Model:
    pkg: Package
    targets: list[Target]
    kind_of: KindFn  # which types are targets, and how they are named
    names: set[str] | None  # when set, only targets of these names
    # resolved package var -> target; field name -> targets; holder var name -> targets
    by_var: dict[str, Target] = field(default_factory=dict)
    by_field: dict[str, list[Target]] = field(default_factory=dict)
    by_holder: dict[str, list[Target]] = field(default_factory=dict)
    by_struct: dict[str, list[Target]] = field(default_factory=dict)
    anon_vars: dict[str, VarDecl] = field(default_factory=dict)  # vars of anonymous struct type
    _init_funcs: dict[str, bool] = field(default_factory=dict)
    _paths: Paths | None = None

    @property
    def paths(self) -> Paths:
        if self._paths is None:
            self._paths = Paths(self)
        return self._paths


def _local_underlying(pkg: Package, t: GoType) -> GoType:
    """Underlying type of a type declared in this package (others stay as they are: loading
    sibling packages to resolve them costs more than the rule is worth)."""
    return pkg.underlying(t) if t.kind == "named" and not t.pkg else t


def _var_type(pkg: Package, v: VarDecl) -> GoType:
    """A package var's type when it can be a map, sync.Map or local struct; UNKNOWN for
    values produced by other packages (never ours to inspect)."""
    if v.type_node is not None:
        return pkg.type_of_node(v.type_node)
    if v.index >= len(v.values) or len(v.values) == 1 and v.index > 0:
        return UNKNOWN
    value = strip_parens(v.values[v.index])
    core = value
    if core is not None and core.type == "unary_expression":
        core = strip_parens(core.child_by_field_name("operand"))
    if core is None or core.type not in ("composite_literal", "call_expression", "identifier"):
        return UNKNOWN
    if core.type == "call_expression":
        fn = strip_parens(core.child_by_field_name("function"))
        if fn is None or fn.type != "identifier":
            return UNKNOWN  # pkg.F(), x.M(): not a local constructor
    return pkg.type_of(value)


def _struct_decl(pkg: Package, t: GoType) -> TypeDecl | None:
    """The local struct type declaration behind t (through pointers, arrays, slices and
    map values: what a long-lived map holds lives as long as its entry)."""
    for _ in range(4):
        if t.kind in ("pointer", "array", "slice", "map") and t.elem is not None:
            t = t.elem
        else:
            break
    if t.kind != "named" or t.pkg:
        return None
    td = pkg.types.get(t.name)
    if td is None or td.file.is_test or td.type_node is None or td.type_node.type != "struct_type":
        return None
    return td


def _reachable_structs(pkg: Package, t: GoType, seen: dict[str, TypeDecl], init: str) -> None:
    """Collect the local struct types a value of type t holds: itself, its struct-valued
    fields, and pointer fields that its initialisation (``init``, source text) sets."""
    td = _struct_decl(pkg, t)
    if td is None or td.name in seen or len(seen) > 64:
        return
    seen[td.name] = td
    for fd in descendants(td.type_node, "field_declaration"):
        ft = pkg.type_of_node(fd.child_by_field_name("type"))
        if ft.kind == "pointer":
            names = [text(n) for n in fd.children_by_field_name("name")] or [ft.deref().name]
            # A pointer field may be nil or a back-reference: follow it only when set up front.
            if not any(_set_in(init, n) for n in names if n):
                continue
        _reachable_structs(pkg, ft, seen, init)


def _set_in(init: str, name: str) -> bool:
    """Does ``name:`` (a keyed element) or ``name =`` (an assignment) occur in init? A find
    loop: a regex per field name would be compiled again and again."""
    i, n = init.find(name), len(init)
    while i >= 0:
        j = i + len(name)
        if i == 0 or not (init[i - 1].isalnum() or init[i - 1] == "_"):
            while j < n and init[j] in " \t":
                j += 1
            if j + 1 < n and init[j] in ":=" and init[j + 1] != "=":
                return True
        i = init.find(name, i + 1)
    return False


def _anonymous_struct(v: VarDecl) -> Node | None:
    """The struct_type node of a package var of anonymous struct type."""
    t = v.type_node
    if t is None and v.index < len(v.values):
        value = strip_parens(v.values[v.index])
        if value is not None and value.type == "unary_expression":
            value = strip_parens(value.child_by_field_name("operand"))
        t = value.child_by_field_name("type") if value is not None and value.type == "composite_literal" else None
    if t is not None and t.type == "pointer_type" and t.named_children:
        t = t.named_children[0]
    return t if t is not None and t.type == "struct_type" else None


def _init_text(pkg: Package, v: VarDecl) -> str:
    """Source of a package var's initialiser, and of the package function it calls."""
    if v.index >= len(v.values):
        return ""
    value = strip_parens(v.values[v.index])
    out = text(value)
    if value is not None and value.type == "call_expression":
        fn = strip_parens(value.child_by_field_name("function"))
        fd = pkg.funcs.get(text(fn)) if fn is not None and fn.type == "identifier" else None
        if fd is not None:
            out += "\n" + text(fd.body)
    return out


def _field_targets(pkg: Package, struct_node: Node, owner: str, kind_of: KindFn,
                   names: set[str] | None = None) -> Iterator[Target]:
    for fd in descendants(struct_node, "field_declaration"):
        if fd.parent is None or fd.parent.parent is None or fd.parent.parent.id != struct_node.id:
            continue  # a field of a nested anonymous struct
        idents = fd.children_by_field_name("name")
        if not idents or names is not None and not any(text(n) in names for n in idents):
            continue  # embedded, or not asked for
        ft = pkg.type_of_node(fd.child_by_field_name("type"))
        kind = kind_of(pkg, ft)
        if kind is None:
            continue
        for n in idents:
            name = text(n)
            if names is not None and name not in names:
                continue
            yield Target(kind[0], name, owner, n, kind[1], exported=name[:1].isupper() and owner[:1].isupper())


@dataclass
class _Shape:
    """What a package var is, independent of the rule asking: its type, the anonymous
    struct type it has (if any) and the local structs it holds."""

    var: VarDecl
    gotype: GoType
    anon: Node | None
    structs: dict[str, TypeDecl] | None = None  # computed on demand


_SHAPES: list[tuple[Package, list[_Shape]]] = []


def _shapes(pkg: Package) -> list[_Shape]:
    """Per-package var shapes, shared by every model built for the package."""
    if _SHAPES and _SHAPES[0][0] is pkg:
        return _SHAPES[0][1]
    out = [_Shape(v, _var_type(pkg, v), _anonymous_struct(v)) for v in pkg.vars.values() if not v.file.is_test]
    _SHAPES[:] = [(pkg, out)]
    return out


def _build(pkg: Package, kind_of: KindFn, names: set[str] | None = None) -> Model:
    """The targets kind_of accepts; only those called one of ``names`` when given."""
    targets: list[Target] = []
    model = Model(pkg, targets, kind_of, names)
    for sh in _shapes(pkg):
        v = sh.var
        kind = kind_of(pkg, sh.gotype) if names is None or v.name in names else None
        if kind is not None:
            tg = Target(kind[0], v.name, "", v.name_node, kind[1], v, v.name[:1].isupper())
            targets.append(tg)
            model.by_var[v.name] = tg
            continue
        if sh.anon is not None:  # var x = struct{ mu sync.Mutex; m map[..]..}{...}
            held = list(_field_targets(pkg, sh.anon, v.name, kind_of, names))
            for tg in held:
                model.by_field.setdefault(tg.name, []).append(tg)
                targets.append(tg)
            if held:
                model.anon_vars[v.name] = v
            continue
        if sh.structs is None:
            sh.structs = {}
            _reachable_structs(pkg, sh.gotype, sh.structs, _init_text(pkg, v))
        held = [tg for td in sh.structs.values() for tg in _targets_of_struct(model, td)]
        if held:
            model.by_holder[v.name] = held
    if names is None or names:
        _add_served(model)
    return model


def _add_served(model: Model) -> None:
    """Targets in the structs that serving objects hold (a struct a package var holds too
    keeps the package var's treatment)."""
    for tname, how in served_types(model.pkg).items():
        for td in _served_structs(model.pkg, tname).values():
            fresh = td.name not in model.by_struct
            for tg in _targets_of_struct(model, td):
                if fresh:
                    tg.served = how if td.name == tname else f"reachable from {tname}: {how}"


def _targets_of_struct(model: Model, td: TypeDecl) -> list[Target]:
    out = model.by_struct.get(td.name)
    if out is None:
        out = model.by_struct[td.name] = list(_field_targets(model.pkg, td.type_node, td.name, model.kind_of, model.names))
        for t in out:
            model.by_field.setdefault(t.name, []).append(t)
            model.targets.append(t)
    return out


# --- objects that serve requests ---------------------------------------------------------------

def handler_signature(pkg: Package, fn: Node) -> bool:
    """fn (a declaration or literal) takes an http.ResponseWriter and an *http.Request, or
    a web framework's request context (gin, echo, fiber, fasthttp) alone."""
    params = fn.child_by_field_name("parameters")
    raw = (params.text or b"") if params is not None else b""
    if b"ResponseWriter" not in raw and b"Ctx" not in raw and b"Context" not in raw:
        return False
    writer = request = False
    decls = [p for p in params.named_children if p.type == "parameter_declaration"]
    for p in decls:
        t = pkg.type_of_node(p.child_by_field_name("type"))
        if len(decls) == 1 and len(p.children_by_field_name("name")) <= 1 and t.deref().kind == "named" \
                and (t.deref().pkg, t.deref().name) in FRAMEWORK_CONTEXTS:
            return True
        writer = writer or t.is_named("net/http", "ResponseWriter")
        request = request or t.deref().is_named("net/http", "Request")
    return writer and request


_SERVED: list[tuple[Package, dict[str, str]]] = []


def served_types(pkg: Package) -> dict[str, str]:
    """Local struct types whose values serve HTTP requests -> how: the receiver of a handler
    method (``ServeHTTP``, or one taking (http.ResponseWriter, *http.Request)) or of a method
    whose handler func literal uses it (middleware: ``func (l *L) Wrap(next) http.Handler``).
    Such a value lives as long as the server does."""
    if _SERVED and _SERVED[0][0] is pkg:
        return _SERVED[0][1]
    out: dict[str, str] = {}
    for rt, methods in pkg.methods.items():
        if pkg.types.get(rt) is None or _struct_decl(pkg, GoType("named", name=rt)) is None:
            continue
        for fd in methods.values():
            how = _serves(pkg, fd) if not fd.file.is_test \
                and any(p == "net/http" or p.startswith(_FRAMEWORKS) for p in fd.file.imports.values()) else ""
            if how:
                out[rt] = how
                break
    _SERVED[:] = [(pkg, out)]
    return out


def _serves(pkg: Package, fd: FuncDecl) -> str:
    """How method fd makes its receiver serve requests ("" if it does not)."""
    if fd.name == "ServeHTTP" or handler_signature(pkg, fd.node):
        return f"{fd.recv_type}.{fd.name} serves HTTP requests"
    body = fd.body
    raw = (body.text or b"") if body is not None else b""
    if body is None or not fd.recv_name or (b"ResponseWriter" not in raw and b"Ctx" not in raw and b"Context" not in raw):
        return ""
    word = re.compile(rb"\b" + re.escape(fd.recv_name.encode()) + rb"\b")
    for lit in descendants(body, "func_literal"):
        inner = lit.child_by_field_name("body")
        if handler_signature(pkg, lit) and inner is not None and word.search(inner.text or b""):
            return f"the HTTP handler made by {fd.recv_type}.{fd.name} uses it"
    return ""


def _served_structs(pkg: Package, tname: str) -> dict[str, TypeDecl]:
    """The structs a serving value of type tname holds; pointer fields count when one of
    its constructors (package functions returning it) sets them."""
    ctor = re.compile(rf"\b{re.escape(tname)}\b")
    init = "\n".join(text(fd.body) for fd in pkg.funcs.values()
                     if ctor.search(text(fd.node.child_by_field_name("result"))))
    seen: dict[str, TypeDecl] = {}
    _reachable_structs(pkg, GoType("named", name=tname), seen, init)
    return seen


def method_call_sites(model: Model, fn: Node) -> list[Node]:
    """Calls ``x.M(...)`` in the package (tests aside) where x's type has method declaration fn."""
    pkg = model.pkg
    memo = pkg.memo.setdefault("longlived.method_call_sites", {})  # the same for every rule's model
    found = memo.get(fn.id)  # type: ignore[assignment]
    if found is not None:
        return found
    found = memo[fn.id] = []
    name = text(fn.child_by_field_name("name"))
    word = name.encode()
    for f in pkg.files:
        if f.is_test or word not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [word]):
            sel = node.parent if node.type == "field_identifier" else None
            if sel is None or sel.type != "selector_expression" or not _is_call(sel):
                continue
            fd = pkg.method_decl(pkg.type_of(sel.child_by_field_name("operand")), name)
            if fd is not None and fd.node.id == fn.id:
                found.append(up(sel))  # type: ignore[arg-type]
    return found


_AMBIGUOUS = "ambiguous"



def _owner_of_field(pkg: Package, t: GoType, fname: str, depth: int = 0) -> str:
    """Which local struct type (t itself or one embedded in it) declares field fname."""
    base = t.deref()
    if base.kind != "named" or base.pkg:
        return ""
    u = pkg.underlying(base)
    if u.kind != "struct":
        return ""
    for name, _ in u.fields:
        if name == fname:
            return base.name
    if depth < 3:
        for name, ft in u.fields:
            if name == ft.deref().name:
                found = _owner_of_field(pkg, ft, fname, depth + 1)
                if found:
                    return found
    return ""


def _match_selector(model: Model, sel: Node, fname: str) -> list[Target] | str:
    operand = strip_parens(sel.child_by_field_name("operand"))
    if operand is not None and operand.type == "identifier" and operand.text.decode() in model.anon_vars:
        owner = operand.text.decode()
        if model.pkg.resolve(operand) is model.anon_vars[owner]:
            return [tg for tg in model.by_field.get(fname, ()) if tg.owner == owner]
        return []
    t = model.pkg.type_of(operand)
    if t.kind == "unknown":
        return _AMBIGUOUS
    owner = _owner_of_field(model.pkg, t, fname)
    return [tg for tg in model.by_field.get(fname, ()) if tg.owner == owner] if owner else []


def _occurrences(model: Model, keep: Callable[[Node], bool] | None = None) -> Iterator[tuple[Node, list[Target], bool]]:
    """(expression, targets it denotes, ambiguous?) for every mention of a target; with
    ``keep``, only for expressions it accepts (checked before the costly resolution)."""
    names = set(model.by_var) | set(model.by_field) | set(model.by_holder)
    if not names:
        return
    pkg = model.pkg
    words = [n.encode() for n in sorted(names)]
    for f in pkg.files:
        for node in word_nodes(f.root, f.src, words):
            name = text(node)
            if keep is not None and not keep(node if node.type == "identifier" else node.parent):
                continue
            if node.type == "identifier":
                ref = pkg.resolve(node)
                if isinstance(ref, VarDecl) and ref is pkg.vars.get(name):
                    if name in model.by_var and ref is model.by_var[name].var:
                        yield node, [model.by_var[name]], False
                    if name in model.by_holder:
                        yield node, [], False  # holder use; see _holder_use
            elif node.type == "field_identifier" and name in model.by_field:
                sel = node.parent
                if sel is None or sel.type != "selector_expression" or sel.child_by_field_name("field") != node:
                    continue
                got = _match_selector(model, sel, name)
                if got == _AMBIGUOUS:
                    yield sel, list(model.by_field[name]), True
                elif got:
                    yield sel, list(got), False


INSERT, REMOVE, RESET, HANDOFF, READ, INIT = "insert", "remove", "reset", "handoff", "read", "init"


def _is_left(assign: Node, expr_list: Node) -> bool:
    left = assign.child_by_field_name("left")
    return left is not None and left.id == expr_list.id


def _same(a: Node | None, b: Node) -> bool:
    return strip_parens(a) is not None and strip_parens(a).id == b.id  # type: ignore[union-attr]


def _top_func(node: Node) -> Node | None:
    n: Node | None = node
    while n is not None and n.parent is not None and n.parent.type != "source_file":
        n = n.parent
    return n if n is not None and n.type in ("function_declaration", "method_declaration") else None


def _in_once(node: Node) -> bool:
    """Inside a func literal passed to a ``.Do(...)`` call (sync.Once)."""
    n = node.parent
    while n is not None and n.type not in ("function_declaration", "method_declaration"):
        if n.type == "func_literal":
            args = up(n)
            call = args.parent if args is not None and args.type == "argument_list" else None
            if call is not None and call.type == "call_expression" and call_name(call)[1] == "Do":
                return True
        n = n.parent
    return False


def _callers(model: Model, name: str) -> list[Node]:
    """Mentions of package function ``name`` outside its declaration."""
    pkg = model.pkg
    memo = pkg.memo.setdefault("longlived.callers", {})  # the same for every rule's model
    found = memo.get(name)  # type: ignore[assignment]
    if found is None:
        found = memo[name] = []
        fd = pkg.funcs.get(name)
        word = name.encode()
        for f in pkg.files if fd is not None else ():
            for node in word_nodes(f.root, f.src, [word]):
                if node.type == "identifier" and node.parent is not None and node.parent.id != fd.node.id \
                        and pkg.resolve(node) is fd:
                    found.append(node)
    return found


def _init_time(model: Model, node: Node, depth: int = 0) -> bool:
    """True when node only runs during package initialisation (or once)."""
    top = _top_func(node)
    if top is None:
        return True  # a package-level initialiser
    if _in_once(node):
        return True
    if top.type != "function_declaration":
        return False
    name = text(top.child_by_field_name("name"))
    if name == "init":
        return True
    if name[:1].isupper() or name == "main" or depth >= 2:
        return False
    cached = model._init_funcs.get(name)
    if cached is not None:
        return cached
    model._init_funcs[name] = False  # recursion guard
    uses = _callers(model, name)
    # Only direct calls count: a function used as a value may run at any time.
    res = bool(uses) and all(_is_callee(u) and _init_time(model, u, depth + 1) for u in uses)
    model._init_funcs[name] = res
    return res


def _is_callee(ident: Node) -> bool:
    call = up(ident)
    return call is not None and call.type == "call_expression" and _same(call.child_by_field_name("function"), ident)


def _nil_guarded(x: Node) -> bool:
    """An assignment to x inside ``if x == nil { ... }``: lazy initialisation."""
    want = re.compile(re.escape(text(x)) + r"\s*==\s*nil")
    n = x.parent
    while n is not None and n.type not in ("function_declaration", "method_declaration", "func_literal"):
        if n.type == "if_statement" and want.search(text(n.child_by_field_name("condition"))):
            return True
        n = n.parent
    return False


def _fresh_object(pkg: Package, sel: Node) -> bool:
    """``v.f = ...`` where v was just built from a literal or new(T): a constructor."""
    operand = strip_parens(sel.child_by_field_name("operand"))
    if operand is None or operand.type != "identifier":
        return False
    b = pkg.resolve(operand)
    if not isinstance(b, Binding) or b.kind not in ("short", "var"):
        return False
    if not b.values:
        return b.kind == "var"  # var t T: a zero struct being filled in
    v = strip_parens(b.values[b.index] if b.index < len(b.values) else b.values[0])
    if v is not None and v.type == "unary_expression":
        v = strip_parens(v.child_by_field_name("operand"))
    if v is None:
        return False
    return v.type == "composite_literal" or (v.type == "call_expression" and call_name(v) == ("", "new"))


def _is_init_assign(model: Model, x: Node) -> bool:
    if _nil_guarded(x) or (x.type == "selector_expression" and _fresh_object(model.pkg, x)):
        return True
    return _init_time(model, x) or _main_setup(x)


def _main_setup(x: Node) -> bool:
    """An assignment in main() outside any loop or closure runs once, at start-up."""
    top = _top_func(x)
    if top is None or top.type != "function_declaration" or text(top.child_by_field_name("name")) != "main":
        return False
    return enclosing(x, ("for_statement", "func_literal")) is None


# Request contexts of the common web frameworks: a handler takes one of these alone.
FRAMEWORK_CONTEXTS = frozenset({
    ("github.com/gin-gonic/gin", "Context"), ("github.com/labstack/echo/v4", "Context"),
    ("github.com/labstack/echo", "Context"), ("github.com/gofiber/fiber/v2", "Ctx"),
    ("github.com/gofiber/fiber/v3", "Ctx"), ("github.com/valyala/fasthttp", "RequestCtx"),
})


_FRAMEWORKS = tuple(sorted({p for p, _ in FRAMEWORK_CONTEXTS}))


def _is_request_type(t: GoType) -> bool:
    b = t.deref()
    return b.is_named("net/http", "Request") or b.is_named("net", "Conn") or b.is_named("net/http", "Header") \
        or (b.kind == "named" and (b.pkg, b.name) in FRAMEWORK_CONTEXTS)


def _func_params(fn: Node) -> list[Node]:
    params = fn.child_by_field_name("parameters")
    out: list[Node] = []
    if params is None:
        return out
    for p in params.named_children:
        if p.type in ("parameter_declaration", "variadic_parameter_declaration"):
            names = p.children_by_field_name("name")
            out.extend(names if names else [p])
    return out


def _registry_insert(x: Node) -> bool:
    """An insert made by a registration function: one named ``Register...``, or an exported
    one that panics when the key is already in the map (the duplicate check of the idiom).
    Importers call these at init time with a fixed set of keys."""
    fn = _top_func(x)
    if fn is None:
        return False
    name = text(fn.child_by_field_name("name"))
    if name.startswith(("Register", "register", "MustRegister")):
        return True
    body = fn.child_by_field_name("body")
    if not name[:1].isupper() or body is None:
        return False
    mention = re.compile(re.escape(text(x)) + r"\s*[\[.]")
    for stmt in descendants(body, "if_statement"):
        head = text(stmt.child_by_field_name("initializer")) + text(stmt.child_by_field_name("condition"))
        cons = stmt.child_by_field_name("consequence")
        if mention.search(head) and cons is not None and any(
                call_name(c) == ("", "panic") for c in descendants(cons, "call_expression")):
            return True
    return False


def _request_derived(model: Model, expr: Node | None, depth: int = 0) -> bool:
    if expr is None or depth > 2:
        return False
    pkg = model.pkg
    for ident in descendants(expr, "identifier"):
        if _bounded_request_field(ident):
            continue
        ref = pkg.resolve(ident)
        if not isinstance(ref, Binding):
            continue
        if ref.kind == "param":
            if _param_request_derived(model, ref, depth):
                return True
        elif ref.kind in ("short", "var") and ref.values and depth < 2:
            v = ref.values[ref.index] if ref.index < len(ref.values) else ref.values[0]
            if v.start_byte >= ident.start_byte and v.end_byte <= ident.end_byte:
                continue
            if _request_derived(model, v, depth + 1):
                return True
    return False


# Request fields with a handful of values: keys made of them are bounded.
_BOUNDED_REQUEST_FIELDS = frozenset({"Method", "Proto", "ProtoMajor", "ProtoMinor", "Close"})


def _bounded_request_field(ident: Node) -> bool:
    sel = ident.parent
    return sel is not None and sel.type == "selector_expression" and _same(sel.child_by_field_name("operand"), ident) \
        and text(sel.child_by_field_name("field")) in _BOUNDED_REQUEST_FIELDS


def _computed_local(ref: object) -> bool:
    # Parameters are excluded: callers often pass constants (a name, a kind).
    return isinstance(ref, Binding) and ref.kind in ("short", "var", "range", "recv")


def _per_request_key(pkg: Package, site: Node, key: Node | None) -> bool:
    """A variable key inserted while serving a request (inside a handler): a fresh key per
    request (a generated session ID, a counter) grows the map with traffic."""
    if key is None or not any(_computed_local(pkg.resolve(i)) for i in descendants(key, "identifier")):
        return False
    fn = enclosing_func(site)
    while fn is not None:
        params = fn.child_by_field_name("parameters")
        for p in params.named_children if params is not None else ():
            if p.type == "parameter_declaration" and _is_request_type(pkg.type_of_node(p.child_by_field_name("type"))):
                return True
        fn = enclosing_func(fn)
    return False


def _param_request_derived(model: Model, b: Binding, depth: int) -> bool:
    pkg = model.pkg
    if _is_request_type(pkg.binding_type(b)):
        return True
    fn = b.func
    if fn is None or fn.type not in ("function_declaration", "method_declaration"):
        return False
    name = text(fn.child_by_field_name("name"))
    if name[:1].isupper() and fn.type == "function_declaration":
        return False  # callers elsewhere: unknown, and mostly bounded (see the docs)
    # A helper (or a method, called on an object here): request-derived when a caller
    # here passes request data.
    params = [text(p) for p in _func_params(fn)]
    if b.name not in params:
        return False
    pos = params.index(b.name)
    calls = method_call_sites(model, fn) if fn.type == "method_declaration" else \
        [up(use) for use in _callers(model, name)]
    for call in calls:
        if call is None or call.type != "call_expression":
            continue
        args = call_args(call)
        if pos < len(args) and _request_derived(model, args[pos], depth + 1):
            return True
    return False


def _holder_assigned(ident: Node) -> bool:
    """A package var holding long-lived structs that is itself replaced resets their maps."""
    p = up(ident)
    return p is not None and p.type == "expression_list" and p.parent is not None \
        and p.parent.type == "assignment_statement" and _is_left(p.parent, p)


def _receiver_resets(model: Model) -> None:
    """``*r = T{}`` in a method of T replaces every map field of that T."""
    pkg = model.pkg
    for owner, targets in model.by_struct.items():
        if not targets:
            continue
        for fd in pkg.methods.get(owner, {}).values():
            body = fd.body
            if body is None or not fd.recv_name or b"*" + fd.recv_name.encode() not in (body.text or b""):
                continue
            for a in descendants(body, "assignment_statement"):
                for left in expr_list(a.child_by_field_name("left")):
                    left = strip_parens(left)
                    if left is not None and left.type == "unary_expression" \
                            and text(left.child_by_field_name("operand")) == fd.recv_name:
                        for tg in targets:
                            tg.uses.append((RESET, left, None, False))


# Calls a serving loop blocks in between passes.
_WAITS = frozenset({"Accept", "AcceptTCP", "AcceptUnix", "ReadRequest", "ReadMessage", "ReadMsg", "ReadFrom",
                    "ReadFromUDP", "ReadMsgUDP", "Recv", "RecvMsg", "Wait", "Sleep"})
_HANDLER_REGISTRARS = frozenset({"HandleFunc", "Handle", "HandlerFunc"})


# --- repeated paths -----------------------------------------------------------------------------

@dataclass
class Paths:
    """Answers "does this code run again and again?", memoised per function."""

    model: Model
    _funcs: dict[int, str] = field(default_factory=dict)
    _methods: dict[str, list[Node]] = field(default_factory=dict)

    def why(self, node: Node, depth: int = 0) -> str:
        """A short reason when node runs repeatedly (per request, per loop pass), else ""."""
        pkg = self.model.pkg
        n: Node | None = node.parent
        while n is not None and n.type != "source_file":
            if n.type == "for_statement" and self._serving_loop(n):
                return f"inside the loop at line {pkg.location(n).line}"
            if n.type in FUNC_KINDS:
                why = self._func_why(n, depth)
                if why:
                    return why
                if n.type != "func_literal":
                    break
            n = n.parent
        return ""

    def _serving_loop(self, loop: Node) -> bool:
        """An unbounded loop that serves: over a channel, waiting for events or connections,
        or in a goroutine. A ``for {}`` reading a file to its end in one-shot code is not."""
        run = unbounded_loop(self.model.pkg, loop)
        if run is None:
            return False
        if run.what.startswith("a for range over channel"):
            return True
        body = loop.child_by_field_name("body")
        if body is None:
            return False
        for n in descendants(body, "select_statement", "unary_expression", "call_expression"):
            if n.type == "select_statement" or (n.type == "unary_expression" and text(n.child_by_field_name("operator")) == "<-"):
                return True
            if n.type == "call_expression" and call_name(n)[1] in _WAITS:
                return True
        return self._goroutine(loop)

    def _goroutine(self, node: Node) -> bool:
        """node runs in a goroutine: inside ``go func() {...}()`` or a function started with go."""
        fn = _enclosing_fn(node)
        if fn is None:
            return False
        if fn.type == "func_literal":
            call = up(fn)
            return call is not None and call.type == "call_expression" and call.parent is not None \
                and call.parent.type == "go_statement"
        name = text(fn.child_by_field_name("name"))
        if fn.type == "function_declaration":
            uses = _callers(self.model, name) if self.model.pkg.funcs.get(name) is not None else []
        else:
            uses = self._method_calls(name)
        for u in uses:
            call = up(u)
            if call is not None and call.type == "call_expression" and call.parent is not None \
                    and call.parent.type == "go_statement":
                return True
        return False

    def _func_why(self, fn: Node, depth: int) -> str:
        cached = self._funcs.get(fn.id)
        if cached is not None:
            return cached
        self._funcs[fn.id] = ""  # recursion guard
        why = self._handler(fn) or (self._via_callers(fn, depth) if depth < 2 else "")
        self._funcs[fn.id] = why
        return why

    def _handler(self, fn: Node) -> str:
        pkg = self.model.pkg
        name = text(fn.child_by_field_name("name")) if fn.type != "func_literal" else ""
        if fn.type == "method_declaration" and name == "ServeHTTP":
            return "in HTTP handler ServeHTTP"
        params = fn.child_by_field_name("parameters")
        for p in params.named_children if params is not None else ():
            if p.type != "parameter_declaration":
                continue
            t = pkg.type_of_node(p.child_by_field_name("type"))
            if t.deref().is_named("net/http", "Request") or t.is_named("net/http", "ResponseWriter"):
                return f"in HTTP handler {name}" if name else "in an HTTP handler"
            if _is_request_type(t):
                return f"in {name or 'a function'}, which serves a {t}"
        if fn.type == "function_declaration" and pkg.funcs.get(name) is not None:
            for use in _callers(self.model, name):
                if _registered_handler(use):
                    return f"in HTTP handler {name}"
        return ""

    def _via_callers(self, fn: Node, depth: int) -> str:
        """A function or method whose callers here run repeatedly. For an exported one
        only calls that resolve to it count (a handler calling ``Default.Add(...)`` or
        ``Record(...)``: whoever else calls it, this call runs per request)."""
        name = text(fn.child_by_field_name("name")) if fn.type != "func_literal" else ""
        if not name or name in ("init", "main"):
            return ""
        if name[:1].isupper() and fn.type == "method_declaration":
            calls = [c.child_by_field_name("function") for c in method_call_sites(self.model, fn)]
        elif fn.type == "function_declaration":
            if self.model.pkg.funcs.get(name) is None:
                return ""
            calls = [u for u in _callers(self.model, name) if _is_call(u)]
        else:
            calls = self._method_calls(name)
        for c in calls:
            if c is None or fn.start_byte <= c.start_byte < fn.end_byte:
                continue  # recursion
            why = self.why(c, depth + 1)
            if why:
                return f"in {name}, called {why}" if why.startswith("inside") else \
                    f"in {name}, called from {why.removeprefix('in ')}"
        return ""

    def _method_calls(self, name: str) -> list[Node]:
        found = self._methods.get(name)
        if found is None:
            found = self._methods[name] = []
            word = name.encode()
            for f in self.model.pkg.files:
                if f.is_test:
                    continue
                for node in word_nodes(f.root, f.src, [word]):
                    sel = node.parent if node.type == "field_identifier" else None
                    if sel is not None and sel.type == "selector_expression" and _is_call(sel):
                        found.append(sel)
        return found


def _is_call(fn: Node) -> bool:
    call = up(fn)
    return call is not None and call.type == "call_expression" and _same(call.child_by_field_name("function"), fn)


def _registered_handler(use: Node) -> bool:
    """``mux.HandleFunc("/x", f)``, ``http.HandlerFunc(f)``: f serves requests."""
    args = up(use)
    call = args.parent if args is not None and args.type == "argument_list" else None
    return call is not None and call.type == "call_expression" and call_name(call)[1] in _HANDLER_REGISTRARS


def _enclosing_fn(node: Node) -> Node | None:
    n = node.parent
    while n is not None and n.type not in FUNC_KINDS:
        n = n.parent
    return n
