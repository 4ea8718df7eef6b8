"""GR101 / GR102: long-lived maps and sync.Maps that gain entries nobody ever removes.

A map reachable from a package-level variable (or from an object serving HTTP requests,
see ``longlived.served_types``) lives as long as the process, and so does every key and
value put in it. The rules find such maps ("targets": package-level vars,
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

Add/remove pairs (``_pair_findings``) need no long-lived owner: a remove method that
deletes an object from one map of its type but not from another the add method filled
with the same object is a missed cleanup whatever the object's lifetime.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.longlived import (
    HANDOFF,
    INSERT,
    READ,
    REMOVE,
    RESET,
    Model,
    Target,
    _build,
    _holder_assigned,
    _init_time,
    _is_init_assign,
    _is_left,
    _local_underlying,
    _occurrences,
    _per_request_key,
    _receiver_resets,
    _registry_insert,
    _request_derived,
    _same,
    _targets_of_struct,
)
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import call_args, call_name, descendants, strip_parens, text, up
from goretain.source.types import GoType

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

Objects that serve HTTP requests live as long as the server: the receiver of `ServeHTTP`
or of a handler method taking `(http.ResponseWriter, *http.Request)` (or a gin, echo or
fiber context), the receiver a middleware's returned handler uses, and the structs their
fields and maps hold. Their maps are checked the same way, counting only inserts made
while serving a request; a value-keyed map there (or in a struct a package-level
variable holds) is reported when the key comes from the request - the remote address,
URL, a header or form value - also through a method the handler calls (a rate limiter's
`l.buckets[host]`).

A type with an add/remove pair is reported too, whatever its lifetime: when its add
method puts an object in two maps (keyed by the object, or by the same key) and another
method deletes it from one of them while nothing in the package ever deletes from the
other, that map keeps every object ever added.
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


def _container_kind(pkg: Package, t: GoType) -> tuple[str, GoType] | None:
    if t.is_named("sync", "Map") or t.deref().is_named("sync", "Map"):
        return SYNCMAP, t
    u = _local_underlying(pkg, t)
    if u.kind == "map":
        return MAP, u
    return None


# --- classifying one use ------------------------------------------------------------------


def _map_use(pkg: Package, x: Node) -> tuple[str, Node | None]:
    """How expression x (denoting a plain map) is used; the second item is the insert key."""
    p = up(x)
    if p is None:
        return HANDOFF, None
    t = p.type
    if t == "index_expression" and _same(p.child_by_field_name("operand"), x):
        g = up(p)
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
    p = up(x)
    if p is None:
        return HANDOFF, None
    if p.type == "selector_expression" and _same(p.child_by_field_name("operand"), x):
        method = text(p.child_by_field_name("field"))
        call = up(p)
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


# Runtime type descriptors: a map keyed by them is bounded by the program's type set.
_TYPE_DESCRIPTORS = frozenset({
    ("reflect", "Type"), ("reflect", "rtype"), ("internal/abi", "Type"), ("runtime", "_type"),
})


def _type_keyed(pkg: Package, t: GoType, depth: int = 0) -> bool:
    """Keys that are types (reflect.Type, *abi.Type, ...) or structs made of them and
    scalars (reflect's cacheKey{kind, t1, t2, extra}): bounded by the program's types."""
    base = t.deref()
    # Inside package reflect its own rtype is spelled without a package.
    if base.kind == "named" and (base.pkg or pkg.import_path, base.name) in _TYPE_DESCRIPTORS:
        return True
    if depth > 0:
        return False
    u = _local_underlying(pkg, t)
    if u.kind != "struct" or not u.fields:
        return False
    kinds = [_type_keyed(pkg, ft, depth + 1) or _local_underlying(pkg, ft).kind == "basic" for _, ft in u.fields]
    return all(kinds) and any(_type_keyed(pkg, ft, depth + 1) for _, ft in u.fields)


def bounded_key_type(pkg: Package, t: GoType | None) -> bool:
    """Key types with few values: type descriptors, bools, bytes, local enums."""
    if t is None:
        return False
    if _type_keyed(pkg, t):
        return True
    u = _local_underlying(pkg, t)
    if u.kind == "basic" and u.name in ("bool", "int8", "uint8", "byte"):
        return True
    return t.kind == "named" and not t.pkg and u.kind == "basic" and u.name != "string"  # an enum


def request_keyed(model: Model, tg: Target) -> str:
    """Why GR101 reports a value-keyed map ("" when it does not): a package-level one whose
    keys are made per request, or a field whose inserts run per request with keys taken
    from the request."""
    pkg = model.pkg
    if _type_keyed(pkg, tg.gotype.key or tg.gotype):
        return ""
    if not tg.owner and tg.var is not None:
        if any(_request_derived(model, k) or _per_request_key(pkg, site, k) for site, k in tg.inserts):
            return "keys are made per request, so the key set is unbounded"
        return ""
    if not open_key_type(pkg, tg.gotype.key):
        return ""
    for site, k in tg.inserts:
        where = model.paths.why(site) if _request_derived(model, k) else ""
        if where:
            return f"keys come from the request ({where}), so the key set is unbounded"
    return ""


def open_key_type(pkg: Package, t: GoType | None) -> bool:
    """Strings and plain integers: what request data makes unbounded keys of (a named
    integer type is more likely flags or an enum; other packages' types are not loaded)."""
    if t is None or (t.kind == "named" and t.pkg):
        return False
    u = _local_underlying(pkg, t)
    return u.kind == "basic" and (u.name == "string" or (t.kind == "basic" and u.name in _WIDE_INTS))


_WIDE_INTS = frozenset({"int", "int32", "int64", "uint", "uint32", "uint64"})


# --- the analysis -----------------------------------------------------------------------------


def _not_read(model: Model) -> Callable[[Node], bool]:
    """A syntax-only filter for _occurrences: reads are dropped anyway, so resolving which
    target they denote (the costly part) is skipped for them."""
    pkg = model.pkg
    syncs = {tg.name for tg in model.targets if tg.kind == SYNCMAP}
    plain = {tg.name for tg in model.targets if tg.kind == MAP}

    def keep(x: Node) -> bool:
        name = text(x.child_by_field_name("field")) if x.type == "selector_expression" else text(x)
        if name in model.by_holder or (name in syncs and _syncmap_use(x)[0] != READ):
            return True
        return name in plain and _map_use(pkg, x)[0] != READ

    return keep


def _analyse(pkg: Package) -> Model:
    """Classify every mention of every target (cheap); the costly checks wait for _settle."""
    model = _build(pkg, _container_kind)
    if not model.targets:
        return model
    for x, targets, ambiguous in _occurrences(model, _not_read(model)):
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
    if tg.served:  # long-lived because it serves: only growth while serving counts
        tg.inserts = [(site, key) for site, key in tg.inserts if model.paths.why(site)]


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
        if kind == MAP and (tg.owner or tg.var is None) and not _pointerish(pkg, tg.gotype.key) \
                and bounded_key_type(pkg, tg.gotype.key):
            continue  # a field keyed by an enum or type: never unbounded
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
    if tg.owner and tg.served:
        return f"field {tg.name} of {tg.owner} ({tg.served})"
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


# --- add/remove pairs ------------------------------------------------------------------------
# A type whose remove method deletes an object from one of its maps but not from another
# map its add method put the same object in: the other map keeps every object ever added,
# whatever the lifetime of the type's values (the remove method says objects come and go).


def _pair_structs(pkg: Package) -> dict[str, set[str]]:
    """Local struct types -> the map fields worth a closer look (by their text): a field a
    method deletes from, and the fields another method indexes next to it that nothing in
    the package visibly deletes from."""
    out: dict[str, set[str]] = {}
    emptied: set[bytes] | None = None
    for name, methods in pkg.methods.items():
        td = pkg.types.get(name)
        if td is None or td.file.is_test or td.type_node is None or td.type_node.type != "struct_type" \
                or (td.type_node.text or b"").count(b"map[") < 2:
            continue
        fields = [text(n) for fd in descendants(td.type_node, "field_declaration")
                  if text(fd.child_by_field_name("type")).startswith("map[") for n in fd.children_by_field_name("name")]
        bodies = [(fd.recv_name, fd.body.text or b"") for fd in methods.values() if fd.body is not None and fd.recv_name]
        deleted = {f for recv, body in bodies for f in fields if f"delete({recv}.{f},".encode() in body}
        wanted: set[str] = set()
        for recv, body in bodies:
            indexed = {f for f in fields if f"{recv}.{f}[".encode() in body}
            if indexed & deleted and len(indexed) >= 2:
                if emptied is None:
                    emptied = {m for f in pkg.files if not f.is_test for m in _emptied_fields(f.src)}
                wanted |= {g for g in indexed - deleted if g.encode() not in emptied}
        if wanted:
            out[name] = wanted | deleted
    return out


_EMPTIED_ARG = re.compile(rb"\s*[\w.]*\.(\w+)\s*[,)]")


def _emptied_fields(src: bytes) -> Iterator[bytes]:
    """Field names in ``delete(x.name,`` and ``clear(x.name)``: fields emptied somewhere
    (bytes.find, then a regex anchored there: much faster than a regex over the file)."""
    for word in (b"delete(", b"clear("):
        i = src.find(word)
        while i >= 0:
            m = _EMPTIED_ARG.match(src, i + len(word))
            if m is not None:
                yield m.group(1)
            i = src.find(word, i + len(word))


def _pair_model(pkg: Package, structs: dict[str, set[str]]) -> Model:
    model = Model(pkg, [], _container_kind, set().union(*structs.values()))
    for name in structs:
        _targets_of_struct(model, pkg.types[name])
    for x, targets, ambiguous in _occurrences(model, _not_read(model)):
        if targets and targets[0].kind == MAP:
            use, key = _map_use(pkg, x)
            if use != READ:
                for tg in targets:
                    tg.uses.append((use, x, key, ambiguous))
    _receiver_resets(model)
    return model


def _method_of(pkg: Package, owner: str, node: Node) -> str:
    """The name of the method of ``owner`` that contains node ("" if none)."""
    for fd in pkg.methods.get(owner, {}).values():
        if fd.node.start_byte <= node.start_byte < fd.node.end_byte and pkg.file_of(fd.node) is pkg.file_of(node):
            return fd.name
    return ""


def _locals_in(pkg: Package, stmt: Node) -> set[int]:
    """ids of the local bindings (receiver aside) a statement mentions."""
    out: set[int] = set()
    for ident in descendants(stmt, "identifier"):
        b = pkg.resolve(ident)
        if isinstance(b, Binding) and b.kind != "receiver":
            out.add(id(b))
    return out


def _pair_leak(model: Model, tg: Target, siblings: list[Target]) -> tuple[Node, str, Target, Node] | None:
    """(insert site, adding method, sibling, its delete) when tg's add method also keys a
    sibling map by the same object, and another method - one that only removes from the
    sibling, while the add method only adds to it - deletes it from there."""
    pkg = model.pkg
    inserts = [(_insert_site(x), key) for use, x, key, amb in tg.uses
               if use == INSERT and not amb and key is not None and not pkg.file_of(x).is_test
               and not _init_time(model, x)]
    for site, key in inserts:
        adder = _method_of(pkg, tg.owner, site)
        for sib in siblings if adder else ():
            by_method: dict[str, set[str]] = {}
            for use, x, _, amb in sib.uses:
                if not amb:
                    by_method.setdefault(_method_of(pkg, sib.owner, x), set()).add(use)
            if by_method.get(adder, set()) & {REMOVE, RESET, HANDOFF}:
                continue  # the add method also drops entries: a state machine, not a pair
            remover = next((x for use, x, _, amb in sib.uses if use == REMOVE and not amb
                            and by_method.get(_method_of(pkg, sib.owner, x)) == {REMOVE}
                            and _method_of(pkg, sib.owner, x) != adder), None)
            if remover is None:
                continue
            for use, x, k, amb in sib.uses:
                if use == INSERT and not amb and k is not None and _method_of(pkg, sib.owner, x) == adder \
                        and _same_object_key(pkg, key, k):
                    return site, adder, sib, remover
    return None


def _same_object_key(pkg: Package, mine: Node, theirs: Node) -> bool:
    """Do both keys stand for the same object: the same expression, or ``p`` itself next to
    ``p.Name()``? (A key made of an attribute, ``perRoom[c.Room]``, is shared by many
    objects: a counter per room, not an entry per object.)"""
    a, b = strip_parens(mine), strip_parens(theirs)
    if a is None or b is None:
        return False
    if text(a) == text(b):
        return bool(_locals_in(pkg, a))
    ref = pkg.resolve(a) if a.type == "identifier" else None
    return isinstance(ref, Binding) and ref.kind != "receiver" and id(ref) in _locals_in(pkg, b)


def _pair_findings(pkg: Package, ctx: RuleContext, done: set[int]) -> list[Finding]:
    if not any(b"delete(" in f.src for f in pkg.files if not f.is_test):
        return []
    structs = _pair_structs(pkg)
    if not structs:
        return []
    model = _pair_model(pkg, structs)
    out: list[Finding] = []
    for owner, targets in model.by_struct.items():
        for tg in targets:
            if tg.kind != MAP or tg.decl.id in done or bounded_key_type(pkg, tg.gotype.key):
                continue
            _settle(model, tg)
            if tg.cleared:
                continue
            got = _pair_leak(model, tg, [s for s in targets if s is not tg and s.kind == MAP])
            if got is None:
                continue
            site, adder, sib, remover = got
            remover_name = _method_of(pkg, owner, remover)
            msg = (f"field {tg.name} of {owner} ({tg.gotype}) gains an entry in {owner}.{adder} (line "
                   f"{pkg.location(site).line}) for the same object it adds to {sib.name}, but {owner}."
                   f"{remover_name} removes that object from {sib.name} only and nothing in package {pkg.name} "
                   f"deletes from {tg.name}: it keeps an entry, and what it references, for every object ever added")
            related = [Related(pkg.location(site), "entry added here"),
                       Related(pkg.location(_insert_site(remover)), f"{remover_name} removes from {sib.name} only")]
            fix = f"delete the entry from {tg.name} in {remover_name} too, next to the delete from {sib.name}"
            out.append(ctx.finding(GR101, pkg, tg.decl, msg, symbol=f"{pkg.name}.{tg.label}", related=related,
                                   confidence=Confidence.MEDIUM, fix=fix))
    return out


@register(GR101)
def check_map(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    model = _model(pkg)
    if model is None:
        return _pair_findings(pkg, ctx, set())
    out: list[Finding] = []
    done: set[int] = set()
    for tg in _candidates(model, MAP):
        key = tg.gotype.key
        if _pointerish(pkg, key):
            conf, why = Confidence.HIGH, _pins(pkg, key)
        elif why := request_keyed(model, tg):
            conf = Confidence.LOW
        else:
            continue
        msg = (
            f"{_where(pkg, tg)} ({tg.gotype}) gains entries at {_lines(pkg, tg)} but nothing in package "
            f"{pkg.name} deletes, clears or replaces them; {why} for the life of the process"
        )
        conf, msg = _exported(pkg, tg, conf, msg)
        out.append(ctx.finding(GR101, pkg, tg.decl, msg, symbol=f"{pkg.name}.{tg.label}",
                               related=_related(pkg, tg), confidence=conf))
        done.add(tg.decl.id)
    return out + _pair_findings(pkg, ctx, done)


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
        if tg.served and not pointer and not any(_request_derived(model, k) for _, k in tg.inserts):
            continue  # a server's cache: bounded unless the request picks the keys
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

