"""GR103: long-lived slices and value-keyed maps that grow on every request and never shrink.

The long-lived targets come from ``longlived`` (package-level vars, fields of structs a
package-level var holds). For slices every mention is classified:

- grow: ``x = append(x, ...)``;
- shrink: any other assignment to x (``x = x[:0]``, ``x = x[n:]``, ``x = nil``,
  ``x = slices.Delete(x, ...)``, ``x = append(x[:i], x[i+1:]...)``, a new slice), its
  address taken (code we do not see may truncate it), a method call on a named slice;
- read: everything else (passing a slice header to a function cannot shorten x).

Value-keyed maps reuse GR101's analysis (same model, same remove/reset/hand-off
classification); GR103 only takes the ones GR101 leaves alone and whose keys are
unbounded (from the request, a time stamp, a per-call ID, a received value).

Either way the growth must happen on a path that runs again and again: an HTTP handler,
a function taking a request or connection, the body of an unbounded loop (``for {}``,
``for range ch``), or an unexported function those call. Init-time code, ``Register...``
functions, constructors filling a fresh object and ``main`` outside loops do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules import maps
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.flow import unbounded_loop
from goretain.rules.longlived import (
    HANDOFF,
    INSERT,
    READ,
    RESET,
    Model,
    Target,
    _build,
    _callers,
    _fresh_object,
    _holder_assigned,
    _init_time,
    _is_init_assign,
    _is_left,
    _is_request_type,
    _local_underlying,
    _occurrences,
    _per_request_key,
    _receiver_resets,
    _registry_insert,
    _request_derived,
    _same,
    _up,
)
from goretain.source.package import Package, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    FUNC_KINDS,
    call_args,
    call_name,
    descendants,
    expr_list,
    strip_parens,
    text,
    word_nodes,
)
from goretain.source.types import GoType

MAX_RELATED = 5

GR103 = RuleMeta(
    id="GR103",
    name="unbounded-collection-growth",
    category="unbounded-collection-growth",
    summary="a long-lived slice or map grows on every request or loop pass and is never truncated",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    docs="""
A slice or map held by a package-level variable (directly, or as a field of a struct that
a package-level variable holds) lives as long as the process, and so does everything
appended to it. When a function that runs again and again - an HTTP handler, a function
serving a connection, the body of a `for {}` or `for range ch` loop, or a helper they
call - does `x = append(x, v)` and nothing in the package ever truncates, resets or
replaces x (`x = x[:0]`, `x = x[n:]`, `x = nil`, `x = slices.Delete(x, ...)`, a new
slice), the slice grows with traffic until the process is killed.

Maps keyed by values are reported when GR101 does not already report them, the insert
runs on such a path and the key is unbounded: derived from the request, a time stamp, a
per-call generated ID or a value received from a channel. Bounded keys (constants, enum
values, type names, `reflect.Type`) are not growth.

Appends made during initialisation (`init`, `sync.Once`, functions only called from
there, `Register...` functions, package-level initialisers, `main` outside loops),
appends to a freshly built object (a constructor) and appends guarded by a `len(x)`
check are not reported; taking the slice's address counts as a hand-off to code that
may truncate it. Exported variables get one step less confidence: importing packages may
reset them and are not checked.
""",
    bad="""package p

import "net/http"

var accessLog []string

func handle(w http.ResponseWriter, r *http.Request) {
	accessLog = append(accessLog, r.URL.Path)
	w.WriteHeader(http.StatusOK)
}
""",
    good="""package p

import "net/http"

const maxLog = 1000

var accessLog []string

func handle(w http.ResponseWriter, r *http.Request) {
	accessLog = append(accessLog, r.URL.Path)
	if len(accessLog) > maxLog {
		accessLog = accessLog[len(accessLog)-maxLog:]
	}
	w.WriteHeader(http.StatusOK)
}
""",
    fix="bound the collection: truncate or rotate it (x = x[n:], a ring buffer), delete old entries, or reset it periodically",
)

SLICE = "slice"
# Calls a serving loop blocks in between passes.
_WAITS = frozenset({"Accept", "AcceptTCP", "AcceptUnix", "ReadRequest", "ReadMessage", "ReadMsg", "ReadFrom",
                    "ReadFromUDP", "ReadMsgUDP", "Recv", "RecvMsg", "Wait", "Sleep"})
_HANDLER_REGISTRARS = frozenset({"HandleFunc", "Handle", "HandlerFunc"})
_WORD_BEFORE_EQ = re.compile(rb"([A-Za-z_]\w*)\s*=\s*$")


def _slice_kind(pkg: Package, t: GoType) -> tuple[str, GoType] | None:
    u = _local_underlying(pkg, t)
    return (SLICE, u) if u.kind == "slice" else None


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
            call = _up(fn)
            return call is not None and call.type == "call_expression" and call.parent is not None \
                and call.parent.type == "go_statement"
        name = text(fn.child_by_field_name("name"))
        if fn.type == "function_declaration":
            uses = _callers(self.model, name) if self.model.pkg.funcs.get(name) is not None else []
        else:
            uses = self._method_calls(name)
        for u in uses:
            call = _up(u)
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
        """An unexported function or method whose callers here run repeatedly."""
        name = text(fn.child_by_field_name("name")) if fn.type != "func_literal" else ""
        if not name or name[:1].isupper() or name in ("init", "main"):
            return ""
        if fn.type == "function_declaration":
            if self.model.pkg.funcs.get(name) is None:
                return ""
            calls = [u for u in _callers(self.model, name) if _is_call(u)]
        else:
            calls = self._method_calls(name)
        for c in calls:
            if fn.start_byte <= c.start_byte < fn.end_byte:
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
    call = _up(fn)
    return call is not None and call.type == "call_expression" and _same(call.child_by_field_name("function"), fn)


def _registered_handler(use: Node) -> bool:
    """``mux.HandleFunc("/x", f)``, ``http.HandlerFunc(f)``: f serves requests."""
    args = _up(use)
    call = args.parent if args is not None and args.type == "argument_list" else None
    return call is not None and call.type == "call_expression" and call_name(call)[1] in _HANDLER_REGISTRARS


# --- slices ---------------------------------------------------------------------------------------

def _append_targets(src: bytes) -> Iterator[str]:
    """Names X in ``X = append(`` (bytes.find and a short look-behind: a regex over the
    whole file is much slower)."""
    i = src.find(b"append(")
    while i >= 0:
        m = _WORD_BEFORE_EQ.search(src, max(0, i - 64), i)
        if m is not None:
            yield m.group(1).decode()
        i = src.find(b"append(", i + 7)


def _slice_model(pkg: Package) -> Model | None:
    appended: set[str] = set()
    for f in pkg.files:
        if not f.is_test and b"append(" in f.src:
            appended.update(_append_targets(f.src))
    if not appended:
        return None
    model = _build(pkg, _slice_kind, appended)  # only slices something appends to can grow
    if not model.targets:
        return None
    for x, targets, ambiguous in _occurrences(model, _not_read):
        if not targets:
            if _holder_assigned(x):
                for tg in model.by_holder.get(text(x), ()):
                    tg.uses.append((RESET, x, None, False))
            continue
        use = _slice_use(x)
        if use != READ:
            for tg in targets:
                tg.uses.append((use, x, None, ambiguous))
    _receiver_resets(model)
    return model


def _not_read(x: Node) -> bool:
    return _slice_use(x) != READ


def _slice_use(x: Node) -> str:
    p = _up(x)
    if p is None:
        return READ
    if p.type == "unary_expression" and text(p.child_by_field_name("operator")) == "&":
        return HANDOFF  # &x: whoever gets the pointer may truncate
    if p.type == "selector_expression" and _same(p.child_by_field_name("operand"), x):
        return HANDOFF  # a method of a named slice type (pointer receivers may truncate)
    if p.type == "expression_list" and p.parent is not None and p.parent.type == "assignment_statement" \
            and _is_left(p.parent, p):
        return INSERT if _self_append(p.parent, p, x) else RESET
    return READ


def _self_append(assign: Node, left: Node, x: Node) -> bool:
    """``x = append(x, ...)`` (x on both sides, spelled the same)."""
    if text(assign.child_by_field_name("operator")) != "=":
        return False
    lefts = [n.id for n in expr_list(left)]
    rights = expr_list(assign.child_by_field_name("right"))
    if x.id not in lefts or len(rights) != len(lefts):
        return False
    value = strip_parens(rights[lefts.index(x.id)])
    if value is None or value.type != "call_expression" or call_name(value) != ("", "append"):
        return False
    args = call_args(value)
    return bool(args) and text(strip_parens(args[0])) == text(x)


def _len_guarded(x: Node, site: Node) -> bool:
    """A ``len(x)`` test in the function before the append bounds it (``if len(x) < max``)."""
    fn = _enclosing_fn(site)
    if fn is None:
        return False
    want = re.compile(r"\blen\(\s*" + re.escape(text(x)) + r"\s*\)")
    for stmt in descendants(fn, "if_statement"):
        if stmt.start_byte < site.start_byte and want.search(text(stmt.child_by_field_name("condition"))):
            return True
    return False


def _enclosing_fn(node: Node) -> Node | None:
    n = node.parent
    while n is not None and n.type not in FUNC_KINDS:
        n = n.parent
    return n


def _settle_slice(model: Model, paths: Paths, tg: Target) -> list[tuple[Node, str]]:
    """The run-time, repeated appends of an uncleared slice target."""
    pkg = model.pkg
    for use, x, _, _ in tg.uses:
        if use == HANDOFF or (use == RESET and not _is_init_assign(model, x)):
            return []
    out: list[tuple[Node, str]] = []
    for use, x, _, amb in tg.uses:
        if use != INSERT or amb or pkg.file_of(x).is_test or _init_time(model, x) or _registry_insert(x):
            continue
        if x.type == "selector_expression" and _fresh_object(pkg, x):
            continue
        site = x.parent.parent if x.parent is not None and x.parent.parent is not None else x
        if _len_guarded(x, site):
            continue
        why = paths.why(site)
        if why:
            out.append((site, why))
    return out


# --- value-keyed maps ----------------------------------------------------------------------------

_ID_FUNCS = frozenset({("time", "Now"), ("rand", "Int"), ("rand", "Int63"), ("rand", "Uint64"), ("rand", "Int64"),
                       ("rand", "Uint32"), ("rand", "Text"), ("uuid", "New"), ("uuid", "NewString")})


def _unbounded_key(model: Model, site: Node, key: Node | None, depth: int = 0) -> str:
    """Why the key set grows without bound, or ""."""
    if key is None or depth > 2:
        return ""
    pkg = model.pkg
    if _request_derived(model, key) or (depth == 0 and _per_request_key(pkg, site, key)):
        return "keys come from the request"
    for call in descendants(key, "call_expression"):
        q, name = call_name(call)
        if (q, name) in _ID_FUNCS or (q in ("atomic", "") and name.startswith("Add")) \
                or (name == "Add" and call_args(call) and text(call_args(call)[0]) == "1"):
            return "keys are generated per call" if name != "Now" else "keys are time stamps"
    if pkg.type_of(key).deref().is_named("time", "Time"):
        return "keys are time stamps"
    for ident in descendants(key, "identifier"):
        ref = pkg.resolve(ident)
        if isinstance(ref, VarDecl):
            if _counter(pkg, ref, site):
                return "keys are a counter incremented per call"
        elif isinstance(ref, Binding) and ref.kind in ("short", "var") and ref.values:
            v = ref.values[ref.index] if ref.index < len(ref.values) else ref.values[0]
            if not (v.start_byte >= ident.start_byte and v.end_byte <= ident.end_byte):
                why = _unbounded_key(model, site, v, depth + 1)
                if why:
                    return why
        elif isinstance(ref, Binding) and ref.kind in ("range", "recv") and _received(pkg, ref):
            return "keys are values received from a channel"
    return ""


def _counter(pkg: Package, v: VarDecl, site: Node) -> bool:
    """A package-level integer the enclosing function increments (``nextID++``)."""
    fn = _enclosing_fn(site)
    if fn is None:
        return False
    for inc in descendants(fn, "inc_statement"):
        target = inc.named_children[0] if inc.named_children else None
        if target is not None and target.type == "identifier" and pkg.resolve(target) is v:
            return True
    return False


def _received(pkg: Package, b: Binding) -> bool:
    if b.kind == "recv":
        return True
    decl = b.decl
    over = decl.child_by_field_name("right") if decl is not None and decl.type == "range_clause" else None
    return over is not None and pkg.underlying(pkg.type_of(over)).kind == "chan"


def _gr101_flags(model: Model, tg: Target) -> bool:
    """Exactly the value-keyed maps GR101 reports (they must not be reported twice)."""
    pkg = model.pkg
    if tg.owner or tg.var is None or maps._type_keyed(pkg, tg.gotype.key or tg.gotype):
        return False
    return any(_request_derived(model, k) or _per_request_key(pkg, site, k) for site, k in tg.inserts)


def _bounded_key_type(pkg: Package, t: GoType | None) -> bool:
    if t is None:
        return False
    if maps._type_keyed(pkg, t):
        return True
    u = _local_underlying(pkg, t)
    if u.kind == "basic" and u.name in ("bool", "int8", "uint8", "byte"):
        return True
    return t.kind == "named" and not t.pkg and u.kind == "basic" and u.name != "string"  # an enum


def _map_growth(model: Model, paths: Paths, tg: Target) -> list[tuple[Node, str]]:
    pkg = model.pkg
    if tg.kind != maps.MAP or maps._pointerish(pkg, tg.gotype.key) or _bounded_key_type(pkg, tg.gotype.key):
        return []
    maps._settle(model, tg)
    if not tg.inserts or tg.cleared or _gr101_flags(model, tg):
        return []
    out: list[tuple[Node, str]] = []
    for site, key in tg.inserts:
        if _fresh_insert(pkg, site):
            continue
        why = _unbounded_key(model, site, key)
        where = paths.why(site) if why else ""
        if where:
            out.append((site, f"{where}; {why}"))
    return out


def _fresh_insert(pkg: Package, site: Node) -> bool:
    """``v.m[k] = x`` on an object just built (a constructor)."""
    for sel in descendants(site, "selector_expression"):
        return _fresh_object(pkg, sel)
    return False


# --- the rule ----------------------------------------------------------------------------------

def _message(pkg: Package, tg: Target, growth: list[tuple[Node, str]], kind: str) -> str:
    lines = sorted({pkg.location(s).line for s, _ in growth})
    at = ", ".join(str(n) for n in lines[:3]) + (", ..." if len(lines) > 3 else "")
    where = maps._where(pkg, tg)
    first = growth[0][1]
    if kind == SLICE:
        return (f"{where} ({tg.gotype}) is appended to at line{'s' if len(lines) > 1 else ''} {at} ({first}) "
                f"but nothing in package {pkg.name} truncates, resets or replaces it; it grows with every pass "
                f"and keeps every element reachable for the life of the process")
    return (f"{where} ({tg.gotype}) gains entries at line{'s' if len(lines) > 1 else ''} {at} ({first}) but "
            f"nothing in package {pkg.name} deletes, clears or replaces them; the key set is unbounded, so the "
            f"map grows for the life of the process")


@register(GR103)
def check(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    if all(f.is_test for f in pkg.files):
        return []
    out: list[Finding] = []
    found: list[tuple[Model, Target, list[tuple[Node, str]], str]] = []
    smodel = _slice_model(pkg)
    if smodel is not None:
        paths = Paths(smodel)
        for tg in smodel.targets:
            growth = _settle_slice(smodel, paths, tg)
            if growth:
                found.append((smodel, tg, growth, SLICE))
    mmodel = maps._model(pkg)
    if mmodel is not None:
        paths = Paths(mmodel)
        for tg in mmodel.targets:
            growth = _map_growth(mmodel, paths, tg)
            if growth:
                found.append((mmodel, tg, growth, maps.MAP))
    for _, tg, growth, kind in found:
        conf = Confidence.MEDIUM if kind == SLICE else Confidence.LOW
        msg = _message(pkg, tg, growth, kind)
        conf, msg = maps._exported(pkg, tg, conf, msg)
        verb = "appended here" if kind == SLICE else "entry added here"
        related = [Related(pkg.location(s), verb) for s, _ in growth[:MAX_RELATED]]
        out.append(ctx.finding(GR103, pkg, tg.decl, msg, symbol=f"{pkg.name}.{tg.label}", related=related,
                               confidence=conf))
    return out


__all__ = ["GR103", "check"]
