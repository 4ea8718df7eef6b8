"""GR101 / GR102: long-lived maps and sync.Maps that gain entries nobody ever removes.

A map reachable from a package-level variable lives as long as the process, and so does
every key and value put in it. The rules find such maps ("targets": package-level vars,
and map fields of struct types that a package-level var holds), then classify every use
of each target in the package:

- insert: ``m[k] = v``, ``m[k] op= v``, ``m[k]++``; ``Store``/``LoadOrStore``/``Swap``;
- remove: ``delete``, ``clear``, ``maps.DeleteFunc``; ``Delete``/``LoadAndDelete``/...;
- reset: the map itself is assigned (outside one-time initialisation);
- hand-off: the map escapes (call argument, return, alias, address, method value), so
  code we do not see may remove entries;
- read: anything harmless (index read, range, len, comparison).

A target is reported when it has run-time inserts and no remove, reset or hand-off.
Identity matters: a package var is matched through name resolution (a shadowing local is
another map) and a field through the static type of the selector's operand; a selector
whose operand type is unknown counts against every field of that name, but only to
*clear* it (remove/reset/hand-off), never to flag it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.source.package import Package, TypeDecl, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    call_name,
    descendants,
    enclosing,
    enclosing_func,
    expr_list,
    strip_parens,
    text,
)
from goretain.source.types import UNKNOWN, GoType

CATEGORY = "map-entry-never-deleted"
MAX_RELATED = 5

GR101 = RuleMeta(
    id="GR101",
    name="map-entry-never-deleted",
    category=CATEGORY,
    summary="a long-lived map keyed by pointers gains entries that are never deleted",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs="""
A map held by a package-level variable (directly, or as a field of a struct that a
package-level variable holds) lives as long as the process. Every entry put in it keeps
its key and its value reachable: with a pointer key the whole object graph behind the
pointer stays on the heap even after the rest of the program has forgotten it. When the
package adds entries at run time but never deletes them, never clears the map and never
replaces it, the map only grows: a leak proportional to the number of objects (sessions,
connections, requests) ever seen.

The rule looks at every use of the map in the package. It stays quiet when entries are
removed anywhere (`delete`, `clear`, a `for k := range m { delete(m, k) }` loop), when
the map is replaced (`m = make(...)`, a method that resets the field), or when the map
escapes to code it cannot see (passed to a function, returned, aliased, its address
taken). Inserts made only during initialisation (`init`, `sync.Once`, functions only
called from there, `Register...` functions) do not count. Maps keyed by values (strings,
ints) are reported, with low confidence, only when they are package-level and the key is
made per request: it comes from an `*http.Request` or `net.Conn` (also through a helper
the handler calls), or is a value computed inside a handler (a generated session ID).
Exported maps are reported with one step less confidence: importing packages may delete
from them and are not checked.
""",
    bad="""package p

type Session struct {
	ID   string
	Data []byte
}

var lastSeen = map[*Session]int64{}

func Touch(s *Session, now int64) {
	lastSeen[s] = now
}
""",
    good="""package p

type Session struct {
	ID   string
	Data []byte
}

var lastSeen = map[*Session]int64{}

func Touch(s *Session, now int64) {
	lastSeen[s] = now
}

func Close(s *Session) {
	delete(lastSeen, s)
}
""",
    fix="delete the entry when its key's owner is done with (e.g. on Close), or key the map by a small value ID and bound it",
)

GR102 = RuleMeta(
    id="GR102",
    name="sync-map-entry-never-deleted",
    category=CATEGORY,
    summary="a long-lived sync.Map gains entries that are never deleted",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    docs="""
A `sync.Map` held by a package-level variable (directly, or as a field of a struct that
a package-level variable holds) lives as long as the process, and so does everything
stored in it. When the package calls `Store`, `LoadOrStore` or `Swap` on it but never
`Delete`, `LoadAndDelete`, `CompareAndDelete` or `Clear` (nor replaces the map or hands
it to code that could), every stored key and value stays reachable forever. Confidence
is high when the stored key is a pointer (each new object adds an entry that pins it).
The same hand-offs as for plain maps are respected (the map passed to a function, its
address taken, a method that replaces it). Type caches keyed by `reflect.Type` (bounded
by the program's types) and registries filled by `Register...` functions are not
reported.
""",
    bad="""package p

import "sync"

type Conn struct {
	buf []byte
}

var active sync.Map

func Track(c *Conn) {
	active.Store(c, struct{}{})
}
""",
    good="""package p

import "sync"

type Conn struct {
	buf []byte
}

var active sync.Map

func Track(c *Conn) {
	active.Store(c, struct{}{})
}

func Untrack(c *Conn) {
	active.Delete(c)
}
""",
    fix="call Delete when the entry's owner is done with (e.g. on Close), or bound the cache",
)

# --- model ------------------------------------------------------------------------------

MAP, SYNCMAP = "map", "syncmap"
_SYNC_INSERT = frozenset({"Store", "LoadOrStore", "Swap"})
_SYNC_REMOVE = frozenset({"Delete", "LoadAndDelete", "CompareAndDelete", "Clear"})
_SYNC_READ = frozenset({"Load", "Range", "CompareAndSwap"})
_READ_BUILTINS = frozenset({"len", "cap", "print", "println"})
_MAPS_READ = frozenset({"Keys", "Values", "All", "Clone", "Equal", "EqualFunc"})
_MAPS_REMOVE = frozenset({"DeleteFunc"})


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

    @property
    def label(self) -> str:
        return f"{self.owner}.{self.name}" if self.owner else self.name


@dataclass
class Model:
    pkg: Package
    targets: list[Target]
    # resolved package var -> target; field name -> targets; holder var name -> targets
    by_var: dict[str, Target] = field(default_factory=dict)
    by_field: dict[str, list[Target]] = field(default_factory=dict)
    by_holder: dict[str, list[Target]] = field(default_factory=dict)
    by_struct: dict[str, list[Target]] = field(default_factory=dict)
    anon_vars: dict[str, VarDecl] = field(default_factory=dict)  # vars of anonymous struct type
    _callers: dict[str, list[Node]] = field(default_factory=dict)
    _init_funcs: dict[str, bool] = field(default_factory=dict)


def _local_underlying(pkg: Package, t: GoType) -> GoType:
    """Underlying type of a type declared in this package (others stay as they are: loading
    sibling packages to resolve them costs more than the rule is worth)."""
    return pkg.underlying(t) if t.kind == "named" and not t.pkg else t


def _container_kind(pkg: Package, t: GoType) -> tuple[str, GoType] | None:
    if t.is_named("sync", "Map") or t.deref().is_named("sync", "Map"):
        return SYNCMAP, t
    u = _local_underlying(pkg, t)
    if u.kind == "map":
        return MAP, u
    return None


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
    """The local struct type declaration behind t (through pointers, arrays, slices)."""
    for _ in range(4):
        if t.kind in ("pointer", "array", "slice") and t.elem is not None:
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
            if not any(re.search(rf"\b{re.escape(n)}\s*(?::[^=]|=[^=])", init) for n in names if n):
                continue
        _reachable_structs(pkg, ft, seen, init)


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


def _field_targets(pkg: Package, struct_node: Node, owner: str) -> Iterator[Target]:
    for fd in descendants(struct_node, "field_declaration"):
        if fd.parent is None or fd.parent.parent is None or fd.parent.parent.id != struct_node.id:
            continue  # a field of a nested anonymous struct
        names = fd.children_by_field_name("name")
        if not names:
            continue  # embedded
        ft = pkg.type_of_node(fd.child_by_field_name("type"))
        kind = _container_kind(pkg, ft)
        if kind is None:
            continue
        for n in names:
            name = text(n)
            yield Target(kind[0], name, owner, n, kind[1], exported=name[:1].isupper() and owner[:1].isupper())


def _build(pkg: Package) -> Model:
    targets: list[Target] = []
    model = Model(pkg, targets)
    for v in pkg.vars.values():
        if v.file.is_test:
            continue
        t = _var_type(pkg, v)
        kind = _container_kind(pkg, t)
        if kind is not None:
            tg = Target(kind[0], v.name, "", v.name_node, kind[1], v, v.name[:1].isupper())
            targets.append(tg)
            model.by_var[v.name] = tg
            continue
        anon = _anonymous_struct(v)
        if anon is not None:  # var x = struct{ mu sync.Mutex; m map[..]..}{...}
            held = list(_field_targets(pkg, anon, v.name))
            for tg in held:
                model.by_field.setdefault(tg.name, []).append(tg)
                targets.append(tg)
            if held:
                model.anon_vars[v.name] = v
            continue
        structs: dict[str, TypeDecl] = {}
        _reachable_structs(pkg, t, structs, _init_text(pkg, v))
        held = [tg for td in structs.values() for tg in _targets_of_struct(model, td)]
        if held:
            model.by_holder[v.name] = held
    return model


def _targets_of_struct(model: Model, td: TypeDecl) -> list[Target]:
    out = model.by_struct.get(td.name)
    if out is None:
        out = model.by_struct[td.name] = list(_field_targets(model.pkg, td.type_node, td.name))
        for t in out:
            model.by_field.setdefault(t.name, []).append(t)
            model.targets.append(t)
    return out


# --- matching uses to targets -------------------------------------------------------------

_AMBIGUOUS = "ambiguous"


def _up(node: Node) -> Node | None:
    p = node.parent
    while p is not None and p.type == "parenthesized_expression":
        p = p.parent
    return p


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


def _is_word_byte(b: int) -> bool:
    return b == 95 or 48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b >= 128


def _find_words(src: bytes, words: list[bytes]) -> Iterator[tuple[int, bytes]]:
    """Offsets of whole-word occurrences (bytes.find is much faster than a \\b regex)."""
    n = len(src)
    for w in words:
        i = src.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not _is_word_byte(src[i - 1])) and (j >= n or not _is_word_byte(src[j])):
                yield i, w
            i = src.find(w, j)


def _occurrences(model: Model) -> Iterator[tuple[Node, list[Target], bool]]:
    """(expression, targets it denotes, ambiguous?) for every mention of a target."""
    names = set(model.by_var) | set(model.by_field) | set(model.by_holder)
    if not names:
        return
    pkg = model.pkg
    words = [n.encode() for n in sorted(names)]
    for f in pkg.files:
        root = f.root
        for start, word in _find_words(f.src, words):
            node = root.named_descendant_for_byte_range(start, start + len(word))
            if node is None or node.start_byte != start or node.end_byte != start + len(word):
                continue
            name = word.decode()
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


# --- classifying one use ------------------------------------------------------------------

INSERT, REMOVE, RESET, HANDOFF, READ, INIT = "insert", "remove", "reset", "handoff", "read", "init"


def _is_left(assign: Node, expr_list: Node) -> bool:
    left = assign.child_by_field_name("left")
    return left is not None and left.id == expr_list.id


def _map_use(pkg: Package, x: Node) -> tuple[str, Node | None]:
    """How expression x (denoting a plain map) is used; the second item is the insert key."""
    p = _up(x)
    if p is None:
        return HANDOFF, None
    t = p.type
    if t == "index_expression" and _same(p.child_by_field_name("operand"), x):
        g = _up(p)
        if g is not None and g.type in ("inc_statement", "dec_statement"):
            return INSERT, p.child_by_field_name("index")
        if g is not None and g.type == "expression_list" and g.parent is not None \
                and g.parent.type == "assignment_statement" and _is_left(g.parent, g):
            return INSERT, p.child_by_field_name("index")
        return READ, None
    if t == "argument_list" and p.parent is not None and p.parent.type == "call_expression":
        return _map_call_use(pkg, p.parent, x), None
    if t == "selector_expression":
        return HANDOFF, None  # a method of a named map type may delete
    return _common_use(x, p), None


def _same(a: Node | None, b: Node) -> bool:
    return strip_parens(a) is not None and strip_parens(a).id == b.id  # type: ignore[union-attr]


def _map_call_use(pkg: Package, call: Node, x: Node) -> str:
    qual, name = call_name(call)
    args = call_args(call)
    first = bool(args) and _same(args[0], x)
    if not qual:
        fn = strip_parens(call.child_by_field_name("function"))
        if fn is not None and fn.type == "identifier" and pkg.resolve(fn) is not None:
            return HANDOFF  # a local function or variable named like a builtin
        if name in ("delete", "clear") and first:
            return REMOVE
        if name in _READ_BUILTINS:
            return READ
        return HANDOFF
    if qual == "maps" and "maps" in pkg.imports_of(call):
        if name in _MAPS_REMOVE:
            return REMOVE
        if name in _MAPS_READ or (name == "Copy" and not first):
            return READ
    if qual == "fmt" and pkg.imports_of(call).get("fmt") == "fmt":
        return READ
    return HANDOFF


def _common_use(x: Node, p: Node) -> str:
    t = p.type
    if t == "range_clause":
        return READ
    if t == "binary_expression":
        return READ  # comparison with nil
    if t == "expression_list" and p.parent is not None and p.parent.type == "assignment_statement":
        return RESET if _is_left(p.parent, p) else HANDOFF
    if t == "var_spec":
        return READ if any(n.id == x.id for n in p.children_by_field_name("name")) else HANDOFF
    if t == "literal_element" and p.parent is not None and p.parent.type == "keyed_element" \
            and p.parent.child_by_field_name("key") == p:
        return READ  # a field name in a composite literal
    return HANDOFF


def _syncmap_use(x: Node) -> tuple[str, Node | None]:
    p = _up(x)
    if p is None:
        return HANDOFF, None
    if p.type == "selector_expression" and _same(p.child_by_field_name("operand"), x):
        method = text(p.child_by_field_name("field"))
        call = _up(p)
        is_call = call is not None and call.type == "call_expression" and _same(call.child_by_field_name("function"), p)
        if method in _SYNC_REMOVE:
            return REMOVE, None
        if method in _SYNC_INSERT and is_call:
            args = call_args(call)  # type: ignore[arg-type]
            return INSERT, (args[0] if args else None)
        if method in _SYNC_READ:
            return READ, None
        return HANDOFF, None
    return _common_use(x, p), None


# --- one-time initialisation -------------------------------------------------------------

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
            args = _up(n)
            call = args.parent if args is not None and args.type == "argument_list" else None
            if call is not None and call.type == "call_expression" and call_name(call)[1] == "Do":
                return True
        n = n.parent
    return False


def _callers(model: Model, name: str) -> list[Node]:
    """Mentions of package function ``name`` outside its declaration."""
    found = model._callers.get(name)
    if found is None:
        found = model._callers[name] = []
        pkg = model.pkg
        fd = pkg.funcs.get(name)
        word = name.encode()
        for f in pkg.files if fd is not None else ():
            for start, _ in _find_words(f.src, [word]):
                node = f.root.named_descendant_for_byte_range(start, start + len(word))
                if node is not None and node.type == "identifier" and node.start_byte == start \
                        and node.parent is not None and node.parent.id != fd.node.id and pkg.resolve(node) is fd:
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
    call = _up(ident)
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


# --- request-derived keys (value-keyed maps) ------------------------------------------------

def _is_request_type(t: GoType) -> bool:
    b = t.deref()
    return b.is_named("net/http", "Request") or b.is_named("net", "Conn") or b.is_named("net/http", "Header")


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
    if fn is None or fn.type != "function_declaration":
        return False
    name = text(fn.child_by_field_name("name"))
    if name[:1].isupper():
        return False  # callers elsewhere: unknown, and mostly bounded (see the docs)
    # An unexported helper: request-derived when a caller here passes request data.
    params = [text(p) for p in _func_params(fn)]
    if b.name not in params:
        return False
    pos = params.index(b.name)
    for use in _callers(model, name):
        call = _up(use)
        if call is None or call.type != "call_expression":
            continue
        args = call_args(call)
        if pos < len(args) and _request_derived(model, args[pos], depth + 1):
            return True
    return False


# --- key kinds --------------------------------------------------------------------------------

def _pointerish(pkg: Package, t: GoType | None) -> bool:
    if t is None:
        return False
    u = _local_underlying(pkg, t)
    return u.kind in ("pointer", "chan") or (u.kind == "basic" and u.name == "unsafe.Pointer")


def _pins(pkg: Package, key: GoType | None) -> str:
    u = _local_underlying(pkg, key) if key is not None else None
    if u is not None and u.kind == "chan":
        return "each key is a channel that keeps its buffer and blocked goroutines' data alive"
    if u is not None and u.kind == "pointer":
        return f"each key is a pointer that pins its {u.deref()} object"
    return "each key is a pointer that pins what it points to"


def _type_keyed(pkg: Package, t: GoType) -> bool:
    """Keys that are types (reflect.Type): bounded by the program's type set."""
    return t.is_named("reflect", "Type") or t.deref().is_named("reflect", "rtype") or t.deref().is_named(
        "internal/abi", "Type"
    )


# --- the analysis -----------------------------------------------------------------------------

def _holder_assigned(ident: Node) -> bool:
    """A package var holding long-lived structs that is itself replaced resets their maps."""
    p = _up(ident)
    return p is not None and p.type == "expression_list" and p.parent is not None \
        and p.parent.type == "assignment_statement" and _is_left(p.parent, p)


def _analyse(pkg: Package) -> Model:
    """Classify every mention of every target (cheap); the costly checks wait for _settle."""
    model = _build(pkg)
    if not model.targets:
        return model
    for x, targets, ambiguous in _occurrences(model):
        if not targets:
            if _holder_assigned(x):
                for tg in model.by_holder.get(text(x), ()):
                    tg.uses.append((RESET, x, None, False))
            continue
        use, key = _syncmap_use(x) if targets[0].kind == SYNCMAP else _map_use(pkg, x)
        if use != READ:
            for tg in targets:
                tg.uses.append((use, x, key, ambiguous))
    _receiver_resets(model)
    return model


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


def _settle(model: Model, tg: Target) -> None:
    """Decide whether tg is cleared and which inserts happen at run time."""
    if tg.settled:
        return
    tg.settled = True
    for use, x, _, _ in tg.uses:
        if use in (REMOVE, HANDOFF):
            tg.cleared, tg.cleared_at = True, x
            return
    pkg = model.pkg
    inserts = [(x, key) for use, x, key, amb in tg.uses
               if use == INSERT and not amb and not pkg.file_of(x).is_test]
    if not inserts:
        return
    for use, x, _, _ in tg.uses:
        if use == RESET and not _is_init_assign(model, x):
            tg.cleared, tg.cleared_at = True, x
            return
    tg.inserts = [(_insert_site(x), key) for x, key in inserts
                  if not _init_time(model, x) and not _registry_insert(x)]


def _insert_site(x: Node) -> Node:
    n: Node | None = x
    while n is not None and n.type not in ("assignment_statement", "inc_statement", "dec_statement", "call_expression"):
        n = n.parent
    return n or x


_LAST: list[tuple[Package, Model]] = []


def _model(pkg: Package) -> Model | None:
    """The package's analysis, shared by GR101 and GR102 (one package at a time)."""
    if _LAST and _LAST[0][0] is pkg:
        return _LAST[0][1]
    if all(f.is_test for f in pkg.files) or not any(b"map[" in f.src or b"sync.Map" in f.src for f in pkg.files):
        return None
    model = _analyse(pkg)
    _LAST[:] = [(pkg, model)]
    return model


def _candidates(model: Model, kind: str) -> Iterator[Target]:
    pkg = model.pkg
    for tg in model.targets:
        if tg.kind != kind:
            continue
        if kind == MAP and not _pointerish(pkg, tg.gotype.key) and (tg.owner or tg.var is None):
            continue  # value keys: package-level maps only
        _settle(model, tg)
        if tg.inserts and not tg.cleared:
            yield tg


_LOWER = {Confidence.HIGH: Confidence.MEDIUM, Confidence.MEDIUM: Confidence.LOW, Confidence.LOW: Confidence.LOW}


def _exported(pkg: Package, tg: Target, conf: Confidence, msg: str) -> tuple[Confidence, str]:
    """Importers of a library may delete from an exported map: say so, lower confidence."""
    if not tg.exported or pkg.name == "main":
        return conf, msg
    return _LOWER[conf], msg + " (it is exported; deletes in importing packages are not checked)"


def _related(pkg: Package, tg: Target) -> list[Related]:
    return [Related(pkg.location(site), "entry added here") for site, _ in tg.inserts[:MAX_RELATED]]


def _where(pkg: Package, tg: Target) -> str:
    if tg.owner in pkg.vars:  # a var of anonymous struct type
        return f"field {tg.name} of package-level {tg.owner}"
    if tg.owner:
        return f"field {tg.name} of {tg.owner} (held by a package-level variable)"
    return f"package-level {tg.name}"


def _lines(pkg: Package, tg: Target) -> str:
    home = pkg.file_of(tg.decl).path
    spots: list[tuple[int, str]] = []
    for site, _ in tg.inserts:
        loc = pkg.location(site)
        where = str(loc.line) if loc.path == home else f"{os.path.basename(loc.path)}:{loc.line}"
        if (loc.line, where) not in spots:
            spots.append((loc.line, where))
    shown = ", ".join(w for _, w in spots[:3]) + (", ..." if len(spots) > 3 else "")
    return f"line{'s' if len(spots) > 1 else ''} {shown}"


@register(GR101)
def check_map(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    model = _model(pkg)
    if model is None:
        return []
    out: list[Finding] = []
    for tg in _candidates(model, MAP):
        key = tg.gotype.key
        if _pointerish(pkg, key):
            conf, why = Confidence.HIGH, _pins(pkg, key)
        elif tg.owner or tg.var is None or _type_keyed(pkg, key or tg.gotype):
            continue
        elif any(_request_derived(model, k) or _per_request_key(pkg, site, k) for site, k in tg.inserts):
            conf, why = Confidence.LOW, "keys are made per request, so the key set is unbounded"
        else:
            continue
        msg = (
            f"{_where(pkg, tg)} ({tg.gotype}) gains entries at {_lines(pkg, tg)} but nothing in package "
            f"{pkg.name} deletes, clears or replaces them; {why} for the life of the process"
        )
        conf, msg = _exported(pkg, tg, conf, msg)
        out.append(ctx.finding(GR101, pkg, tg.decl, msg, symbol=f"{pkg.name}.{tg.label}",
                               related=_related(pkg, tg), confidence=conf))
    return out


@register(GR102)
def check_sync_map(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    model = _model(pkg)
    if model is None:
        return []
    out: list[Finding] = []
    for tg in _candidates(model, SYNCMAP):
        keys = [pkg.type_of(k) for _, k in tg.inserts if k is not None]
        if keys and all(_type_keyed(pkg, t) for t in keys):
            continue
        pointer = any(_pointerish(pkg, t) for t in keys)
        conf = Confidence.HIGH if pointer else Confidence.MEDIUM
        why = "the stored keys are pointers that pin their objects" if pointer else "every stored key and value stays reachable"
        msg = (
            f"{_where(pkg, tg)} (sync.Map) gets Store/LoadOrStore/Swap at {_lines(pkg, tg)} but nothing in "
            f"package {pkg.name} calls Delete, LoadAndDelete, CompareAndDelete or Clear on it; {why} "
            f"for the life of the process"
        )
        conf, msg = _exported(pkg, tg, conf, msg)
        out.append(ctx.finding(GR102, pkg, tg.decl, msg, symbol=f"{pkg.name}.{tg.label}",
                               related=_related(pkg, tg), confidence=conf))
    return out


__all__ = ["GR101", "GR102", "check_map", "check_sync_map"]

