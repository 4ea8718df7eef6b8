"""GR103: long-lived slices and value-keyed maps that grow on every request and never shrink.

The long-lived targets come from ``longlived`` (package-level vars, fields of structs a
package-level var or an object serving HTTP requests holds). For slices every mention is
classified:

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
``for range ch``), or a function those call (``Paths`` in ``longlived``; an exported one
only through calls that resolve to it). Init-time code, ``Register...``
functions, constructors filling a fresh object and ``main`` outside loops do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules import maps
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.longlived import (
    HANDOFF,
    INSERT,
    READ,
    RESET,
    Model,
    Paths,
    Target,
    _build,
    _enclosing_fn,
    _fresh_object,
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
)
from goretain.source.package import Package, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    call_name,
    descendants,
    expr_list,
    strip_parens,
    text,
    up,
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
a package-level variable holds) or by an object serving HTTP requests (the receiver of a
handler method or of a middleware's handler, and the structs its fields and maps hold)
lives as long as the process, and so does everything appended to it. When a function
that runs again and again - an HTTP handler, a function serving a connection, the body of
a `for {}` or `for range ch` loop, or a function or method they call here (the
`Default.Add(...)` a handler calls) - does `x = append(x, v)` and nothing in the package
ever truncates, resets or replaces x (`x = x[:0]`, `x = x[n:]`, `x = nil`,
`x = slices.Delete(x, ...)`, a new slice), the slice grows with traffic until the
process is killed.

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
_WORD_BEFORE_EQ = re.compile(rb"([A-Za-z_]\w*)\s*=\s*$")


def _slice_kind(pkg: Package, t: GoType) -> tuple[str, GoType] | None:
    u = _local_underlying(pkg, t)
    return (SLICE, u) if u.kind == "slice" else None


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
    p = up(x)
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


def _map_growth(model: Model, paths: Paths, tg: Target) -> list[tuple[Node, str]]:
    pkg = model.pkg
    if tg.kind != maps.MAP or maps._pointerish(pkg, tg.gotype.key):
        return []
    if _slice_values(pkg, tg.gotype):
        grown = _value_growth(model, paths, tg)
        if grown:
            return grown
    if maps.bounded_key_type(pkg, tg.gotype.key):
        return []
    if tg.served and not maps.open_key_type(pkg, tg.gotype.key):
        return []  # a server's map keyed by another package's type: too little known
    maps._settle(model, tg)
    if not tg.inserts or tg.cleared or maps.request_keyed(model, tg):
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


_IN_PLACE = "; each entry's slice is appended to in place and never trimmed"


def _slice_values(pkg: Package, t: GoType) -> bool:
    return t.elem is not None and _local_underlying(pkg, t.elem).kind == "slice"


def _value_growth(model: Model, paths: Paths, tg: Target) -> list[tuple[Node, str]]:
    """``m[k] = append(m[k], v)`` on a repeated path, with every insert of that form and no
    delete or reset: even with few keys, each key's slice only grows."""
    maps._settle(model, tg)
    if not tg.inserts or tg.cleared or (tg.served and not maps.open_key_type(model.pkg, tg.gotype.key)) \
            or maps.request_keyed(model, tg):
        return []
    if not all(_appends_in_place(site) for site, _ in tg.inserts):
        return []
    out: list[tuple[Node, str]] = []
    for site, _ in tg.inserts:
        if _fresh_insert(model.pkg, site):
            continue
        where = paths.why(site)
        if where:
            out.append((site, where + _IN_PLACE))
    return out


def _appends_in_place(site: Node) -> bool:
    """site is ``m[k] = append(m[k], ...)``."""
    if site.type != "assignment_statement" or text(site.child_by_field_name("operator")) != "=":
        return False
    lefts, rights = expr_list(site.child_by_field_name("left")), expr_list(site.child_by_field_name("right"))
    if len(lefts) != 1 or len(rights) != 1 or lefts[0].type != "index_expression":
        return False
    call = strip_parens(rights[0])
    if call is None or call.type != "call_expression" or call_name(call) != ("", "append"):
        return False
    args = call_args(call)
    return bool(args) and text(strip_parens(args[0])) == text(lefts[0])


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
    if first.endswith(_IN_PLACE):
        return (f"{where} ({tg.gotype}) has its entries' slices appended to at line{'s' if len(lines) > 1 else ''} "
                f"{at} ({first.removesuffix(_IN_PLACE)}) but nothing in package {pkg.name} deletes entries or trims "
                f"the slices; every element appended stays reachable for the life of the process")
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
        paths = smodel.paths
        for tg in smodel.targets:
            growth = _settle_slice(smodel, paths, tg)
            if growth:
                found.append((smodel, tg, growth, SLICE))
    mmodel = maps._model(pkg)
    if mmodel is not None:
        paths = mmodel.paths
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
