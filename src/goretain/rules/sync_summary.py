"""Per-package mutex, Cond, WaitGroup and callback facts shared by the goroutine rules (GR202, GR401).

- ``mutex_class(pkg, operand)``: a name for the mutex an expression denotes that is the
  same in every method of the package: ``"Store.mu"`` for a field ``mu`` of the package
  type ``Store``, ``"Cacher"`` for a mutex embedded in ``Cacher``; None for locals and
  values of unknown type.
- ``regions(pkg)``: every ``Lock``/``RLock`` of the package with the stretch of its
  function where the mutex is held (up to the first later unlock, or the end of the
  function for a deferred or missing unlock).
- ``acquisitions(pkg, fd)``: the mutexes a function locks, itself or through same-package
  calls (four levels), each with the expression naming it in that function when it can
  be mapped through receivers (``x.M()`` whose ``M`` locks ``recv.mu`` locks ``x.mu``);
  calls through callbacks (func fields, parameters, variables) count with what the package
  installs in them, and ``x.f.M()`` on an interface field with the one concrete type the
  package stores there.
- ``func_values(pkg, expr)``: the func literals, functions and methods a call of a function
  value may run (assignments, setters, constructor arguments, keyed composite literals,
  method values, functions returning literals), with the object they were installed on.
- ``sync_key``/``key_uses``/``use_context``: naming a Cond/WaitGroup the same way at every
  use and classifying each use (method call, method value, store, escape).

Everything is computed lazily and cached on the package.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from goretain.rules.flow import own_descendants
from goretain.source.package import FuncDecl, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    FUNC_KINDS,
    call_args,
    contains,
    descendants,
    param_index,
    strip_parens,
    text,
    up,
    word_nodes,
    word_offsets,
)

if TYPE_CHECKING:
    from goretain.source.package import Package
    from goretain.source.types import GoType

LOCKS = {"Lock": "Unlock", "RLock": "RUnlock"}
_DEPTH = 4


@dataclass(eq=False)
class Acq:
    cls: str  # mutex class, see mutex_class
    key: str | None  # the mutex expression in the summarised function ("s.mu"), None if unmapped
    mode: str  # Lock or RLock
    node: Node  # the Lock call itself (maybe in a callee)
    site: Node  # the Lock call or the call leading to it, in the summarised function


@dataclass(eq=False)
class Region:
    fn: Node  # the function (declaration or literal) holding the lock
    call: Node  # the Lock/RLock call
    key: str  # the mutex expression as written
    operand: Node
    pkg: Package
    mode: str
    end: int  # byte offset where the mutex is released on the straight path
    _cls: str | None = ""

    @property
    def cls(self) -> str | None:
        """The mutex class (computed on first use: it needs the operand's type)."""
        if self._cls == "":
            self._cls = mutex_class(self.pkg, self.operand)
        return self._cls

    def holds(self, node: Node) -> bool:
        """Is the mutex held when ``node`` runs (straight-line approximation)?"""
        return self.call.end_byte <= node.start_byte < self.end and dominates(self.call, node)


_LOCK_WORD = re.compile(rb"\b(?:R?Lock|R?Unlock)\b")


def file_lock_calls(pkg: Package, root: Node) -> list[Node]:
    """The Lock/Unlock-shaped calls of a file (``x.Lock()``, any arguments), in source
    order, found once per package: GR401 and the lock-region summary start from them.
    The words are found in the bytes and checked in the tree, which is much cheaper than
    a query over the whole file."""
    memo: dict[int, list[Node]] | None = pkg.memo.get("sync_summary.file_locks")
    if memo is None:
        memo = {}
        pkg.memo["sync_summary.file_locks"] = memo
    calls = memo.get(root.id)
    if calls is None:
        calls = memo[root.id] = _word_calls(root)
    return calls


def _word_calls(root: Node) -> list[Node]:
    src = root.text or b""
    base = root.start_byte
    out: list[Node] = []
    for m in _LOCK_WORD.finditer(src):
        node = root.descendant_for_byte_range(base + m.start(), base + m.end())
        sel = node.parent if node is not None and node.type == "field_identifier" else None
        if sel is None or sel.type != "selector_expression":
            continue
        field = sel.child_by_field_name("field")
        call = sel.parent
        if field is None or field.id != node.id or call is None or call.type != "call_expression":
            continue
        fn = call.child_by_field_name("function")
        if fn is not None and fn.id == sel.id:
            out.append(call)
    out.sort(key=lambda n: n.start_byte)
    return out


def body_lock_calls(pkg: Package, body: Node) -> list[Node]:
    """``file_lock_calls`` within ``body`` (nested function literals included), in order."""
    calls = file_lock_calls(pkg, _root(body))
    lo = bisect_left(calls, body.start_byte, key=lambda n: n.start_byte)
    hi = bisect_left(calls, body.end_byte, key=lambda n: n.start_byte)
    return calls[lo:hi]


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


def func_of(n: Node) -> Node | None:
    cur = n.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        cur = cur.parent
    return cur


def stmt_of(node: Node) -> Node:
    """The statement directly inside a block that contains ``node``."""
    cur = node
    while cur.parent is not None and cur.parent.type not in ("statement_list", "block") and cur.parent.type not in FUNC_KINDS:
        cur = cur.parent
    return cur


def dominates(a: Node, b: Node) -> bool:
    """``a`` runs before ``b`` on every path to ``b``: the block holding ``a``'s statement
    also holds ``b`` and ``a`` comes first (branches inside are not modelled)."""
    if a.start_byte >= b.start_byte:
        return False
    block = stmt_of(a).parent
    return block is not None and contains(block, b)


def root_of(expr: str) -> str:
    return expr.split(".", 1)[0]


def mutex_class(pkg: Package, operand: Node | None) -> str | None:
    operand = strip_parens(operand)
    if operand is None:
        return None
    t = pkg.type_of(operand).deref()
    is_sync = t.kind == "named" and t.pkg == "sync" and t.name in ("Mutex", "RWMutex")
    if operand.type == "selector_expression":
        base = pkg.type_of(operand.child_by_field_name("operand")).deref()
        field = text(operand.child_by_field_name("field"))
        if base.kind == "named" and not base.pkg and (is_sync or pkg.underlying(t).kind == "struct"):
            return f"{base.name}.{field}"
        return None
    if t.kind == "named" and not t.pkg and pkg.method_decl(t, "Lock") is None and pkg.underlying(t).kind == "struct":
        return t.name  # a package struct embedding its mutex
    return None


def lock_calls(pkg: Package, body: Node) -> list[tuple[str, Node, Node, bool]]:
    """(method, operand, call, deferred) for the Lock/Unlock calls of a body, nested
    function literals excluded, in source order."""
    out: list[tuple[str, Node, Node, bool]] = []
    fn_node = body.parent
    for call in body_lock_calls(pkg, body):
        if fn_node is None or func_of(call) is None or func_of(call).id != fn_node.id or call_args(call):
            continue
        fn = strip_parens(call.child_by_field_name("function"))
        p = call.parent
        if fn is None or p is None or p.type not in ("expression_statement", "defer_statement"):
            continue
        out.append((text(fn.child_by_field_name("field")), fn.child_by_field_name("operand"), call, p.type == "defer_statement"))
    return out


def regions(pkg: Package) -> list[Region]:
    cached = pkg.memo.get("sync_summary.lock_regions")
    if cached is not None:
        return cached
    out: list[Region] = []
    for f in pkg.files:
        if b"Lock()" not in f.src:
            continue
        fns: dict[int, Node] = {}
        for call in file_lock_calls(pkg, f.root):
            fn = func_of(call)
            if fn is not None:
                fns.setdefault(fn.id, fn)
        for fn in sorted(fns.values(), key=lambda n: n.start_byte):
            body = fn.child_by_field_name("body")
            if body is not None:
                out.extend(_fn_regions(pkg, fn, body))
    pkg.memo["sync_summary.lock_regions"] = out
    return out


def _fn_regions(pkg: Package, fn: Node, body: Node) -> list[Region]:
    calls = lock_calls(pkg, body)
    out: list[Region] = []
    for name, operand, call, deferred in calls:
        if name not in LOCKS or deferred:
            continue
        key = text(operand)
        end = body.end_byte
        for n2, o2, c2, d2 in calls:
            if n2 == LOCKS[name] and not d2 and c2.start_byte > call.start_byte and text(o2) == key:
                end = c2.start_byte
                break
        out.append(Region(fn, call, key, operand, pkg, name, end))
    return out


def callee(pkg: Package, call: Node) -> FuncDecl | None:
    """The same-package function or method a call runs (None for other calls)."""
    fn = strip_parens(call.child_by_field_name("function"))
    d: object = None
    if fn is None:
        return None
    if fn.type == "identifier":
        d = pkg.resolve(fn)
    elif fn.type == "selector_expression":
        operand = strip_parens(fn.child_by_field_name("operand"))
        if operand is None or (operand.type == "identifier" and pkg.is_package_name(operand)):
            return None
        d = pkg.method_decl(pkg.type_of(operand), text(fn.child_by_field_name("field")))
    if not isinstance(d, FuncDecl) or not any(d.file is f for f in pkg.files):
        return None  # another package's code (promoted through an embedded type)
    return d


def acquisitions(pkg: Package, fd: FuncDecl, depth: int = _DEPTH) -> list[Acq]:
    """Mutexes ``fd`` locks (not deferred), itself or in the same-package functions it calls."""
    memo: dict[tuple[int, int], list[Acq]] = pkg.memo.setdefault("sync_summary.acqs", {})
    got = memo.get((fd.node.id, depth))
    if got is not None:
        return got
    memo[(fd.node.id, depth)] = []  # recursion guard
    body = fd.body
    out: list[Acq] = [] if body is None else body_acquisitions(pkg, body, fd.recv_name, depth)
    memo[(fd.node.id, depth)] = out
    return out


_CALLED = re.compile(rb"\b(\w+)\(")


def _lock_depths(pkg: Package) -> dict[str, int]:
    """Function/method name -> fewest call levels to a Lock (1: it locks itself), by name
    and text only: a cheap over-approximation that tells which calls are worth resolving."""
    got = pkg.memo.get("sync_summary.lock_depths")
    if got is not None:
        return got
    calls: dict[str, set[bytes]] = {}
    decls = list(pkg.funcs.values()) + [d for ms in pkg.methods.values() for d in ms.values()]
    out: dict[str, int] = {}
    for d in decls:
        raw = d.body.text if d.body is not None else None
        if not raw:
            continue
        if b"Lock()" in raw:
            out[d.name] = 1
        calls.setdefault(d.name, set()).update(_CALLED.findall(raw))
    for level in range(2, _DEPTH + 1):
        known = {n.encode() for n, v in out.items() if v == level - 1}
        if not known:
            break
        for name, called in calls.items():
            if name not in out and not called.isdisjoint(known):
                out[name] = level
    pkg.memo["sync_summary.lock_depths"] = out
    return out


def body_acquisitions(pkg: Package, body: Node, recv: str, depth: int = _DEPTH,
                      within: tuple[int, int] | None = None) -> list[Acq]:
    """Acquisitions of a function body (only those between the byte offsets ``within``)."""
    out: list[Acq] = []
    lo, hi = within if within is not None else (body.start_byte, body.end_byte)
    for name, operand, call, deferred in lock_calls(pkg, body):
        if name in LOCKS and not deferred and lo <= call.start_byte < hi:
            cls = mutex_class(pkg, operand)
            if cls is not None:
                out.append(Acq(cls, text(operand), name, call, call))
    if depth <= 1:
        return out
    depths = _lock_depths(pkg)
    fields = func_fields(pkg)
    for call in own_descendants(body, "call_expression"):
        if not lo <= call.start_byte < hi:
            continue
        p = call.parent
        if p is not None and p.type in ("go_statement", "defer_statement"):
            continue
        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None or fn.type not in ("identifier", "selector_expression"):
            continue
        name = text(fn.child_by_field_name("field") if fn.type == "selector_expression" else fn)
        if (name not in depths and name not in _BUILTINS and name not in pkg.funcs and name not in pkg.types
                and maybe_func_value(call, fields) and func_value_call(pkg, call)):
            out.extend(Acq(a.cls, None, a.mode, a.node, call) for t in func_values(pkg, fn, 3)
                       for a in target_acquisitions(pkg, t, depth - 1))
            continue  # a callback: what the package installs in it
        if depths.get(name, _DEPTH + 1) >= depth:
            continue  # cannot reach a Lock within the remaining levels
        target = callee(pkg, call) or _sole_implementation(pkg, fn)
        if target is None or target.body is None:
            continue
        inner = acquisitions(pkg, target, depth - 1)
        if not inner:
            continue
        base = text(fn.child_by_field_name("operand")) if fn.type == "selector_expression" and target.recv_name else None
        for a in inner:
            key = None
            if base is not None and a.key is not None and target.recv_name and root_of(a.key) == target.recv_name:
                key = base + a.key[len(target.recv_name):]
            out.append(Acq(a.cls, key, a.mode, a.node, call))
    return out


_BUILTINS = frozenset({"append", "len", "cap", "make", "new", "panic", "print", "println", "copy", "delete",
                       "close", "min", "max", "clear", "recover", "complex", "real", "imag", "string", "int",
                       "int64", "int32", "uint", "uint64", "uint32", "uint8", "byte", "rune", "float64", "bool",
                       "uintptr", "any", "error"})


def _sole_implementation(pkg: Package, fn: Node) -> FuncDecl | None:
    """For ``x.f.M()`` with the field ``f`` of a package interface type: M of the one
    concrete package type the package stores in ``f`` (through constructor parameters
    too); without stores, M of the only package type declaring it."""
    if fn.type != "selector_expression":
        return None
    operand = strip_parens(fn.child_by_field_name("operand"))
    t = pkg.type_of(operand)
    if operand is None or t.kind != "named" or t.pkg or pkg.underlying(t).kind != "interface":
        return None
    name = text(fn.child_by_field_name("field"))
    if operand.type == "selector_expression":
        base = pkg.type_of(operand.child_by_field_name("operand")).deref()
        if base.kind == "named" and not base.pkg:
            stores = field_stores(pkg, base.name, text(operand.child_by_field_name("field")))
            found = {id(d): d for v, _o in stores for ct in _concrete_types(pkg, v, 2)
                     if (d := pkg.method_decl(ct, name)) is not None}
            if stores:
                return next(iter(found.values())) if len(found) == 1 else None
    impls = [ms[name] for ms in pkg.methods.values() if name in ms]
    return impls[0] if len(impls) == 1 else None


def _concrete_types(pkg: Package, expr: Node | None, depth: int) -> list[GoType]:
    """The package types a value of interface type may hold, as far as the package shows."""
    e = strip_parens(expr)
    if e is None:
        return []
    t = pkg.type_of(e)
    d = t.deref()
    if d.kind == "named" and not d.pkg and pkg.underlying(d).kind != "interface":
        return [t]
    if depth > 0 and e.type == "identifier":
        b = pkg.resolve(e)
        if isinstance(b, Binding) and b.kind == "param":
            return [ct for arg, _o in param_args(pkg, b) for ct in _concrete_types(pkg, arg, depth - 1)]
    return []


def decl_of(pkg: Package, fn: Node) -> FuncDecl | None:
    """The FuncDecl of a function or method declaration node."""
    if fn.type not in ("function_declaration", "method_declaration"):
        return None
    name = text(fn.child_by_field_name("name"))
    if fn.type == "function_declaration":
        d = pkg.funcs.get(name)
        return d if d is not None and d.node.id == fn.id else None
    for methods in pkg.methods.values():
        d = methods.get(name)
        if d is not None and d.node.id == fn.id:
            return d
    return None



# --- sync objects other than mutexes (Cond, WaitGroup) ------------------------------------------

def sync_key(pkg: Package, operand: Node | None) -> tuple[object, ...] | None:
    """A name for the Cond/WaitGroup/mutex an expression denotes, the same at every use:
    ("field", "T", "f") for a field of the package type T, ("local", binding) for a local
    variable, ("var", name) for a package variable; None when it cannot be named."""
    e = strip_parens(operand)
    if e is None:
        return None
    if e.type == "selector_expression":
        base = pkg.type_of(e.child_by_field_name("operand")).deref()
        if base.kind == "named" and not base.pkg:
            return ("field", base.name, text(e.child_by_field_name("field")))
        return None
    if e.type == "identifier":
        ref = pkg.resolve(e)
        if isinstance(ref, Binding) and ref.kind in ("var", "short"):
            return ("local", ref)
        if isinstance(ref, VarDecl):
            return ("var", ref.name)
    return None


def exported_key(key: tuple[object, ...]) -> bool:
    """Can code outside the package reach the object (an exported field or variable)?"""
    name = key[-1] if key[0] in ("field", "var") else ""
    return isinstance(name, str) and name[:1].isupper()


def key_uses(pkg: Package, key: tuple[object, ...]) -> list[Node]:
    """Every expression of the package that may name the object ``key`` (``p.cond``,
    ``wg``; for a field, any selector of that field name), found by the bytes of its name."""
    if key[0] == "local":
        b = key[1]
        assert isinstance(b, Binding)
        fn = b.func
        top = fn
        while top is not None and top.parent is not None and top.parent.type != "source_file":
            top = top.parent
        if top is None:
            return []
        src = pkg.file_of(top).src
        word = b.name.encode()
        out_l: list[Node] = []
        for off, _w in word_offsets(src[top.start_byte:top.end_byte], [word]):
            i = top.named_descendant_for_byte_range(top.start_byte + off, top.start_byte + off + len(word))
            if i is not None and i.type == "identifier" and i.id != b.ident.id and pkg.resolve(i) is b:
                out_l.append(i)
        return out_l
    name = key[-1]
    assert isinstance(name, str)
    out: list[Node] = []
    for f in pkg.files:
        if name.encode() not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [name.encode()]):
            if key[0] == "var" and node.type == "identifier":
                if pkg.resolve(node) is pkg.vars.get(name):
                    out.append(node)
            elif key[0] == "field" and node.type == "field_identifier":
                sel = node.parent
                if sel is not None and sel.type == "selector_expression":
                    k = sync_key(pkg, sel)
                    # Another type's field of that name counts too: it may be the same
                    # object reached through an embedding struct.
                    if k is None or k[0] == "field":
                        out.append(sel)
    return out


def use_context(use: Node) -> tuple[str, Node | None]:
    """How an expression naming a sync object is used: ("method", call) for ``x.M(...)``,
    ("value", method selector) for a method value ``x.M``, ("field", selector) for
    ``x.L``, ("store", stmt) when it is assigned to, ("escape", node) otherwise."""
    p = up(use)
    if p is None:
        return "escape", None
    if p.type == "selector_expression":
        call = p.parent
        if call is not None and call.type == "call_expression" and (call.child_by_field_name("function") or p).id == p.id:
            return "method", call
        name = text(p.child_by_field_name("field"))
        return ("field" if name == "L" else "value"), p
    if p.type == "expression_list" and p.parent is not None and p.parent.type == "assignment_statement":
        left = p.parent.child_by_field_name("left")
        if left is not None and left.id == p.id:
            return "store", p.parent
    return "escape", p


# --- function values: which code a call through a func field, parameter or variable runs -----------

@dataclass(eq=False)
class FuncTarget:
    node: Node  # a func_literal, function_declaration or method_declaration
    owner: str | None  # the object the calling method's receiver stands for where the value was installed
    site: Node  # where the value was installed (a store, a call passing it, the literal itself)


def func_values(pkg: Package, expr: Node | None, depth: int = 5) -> list[FuncTarget]:
    """The functions a call of the function value ``expr`` may run, as far as the package
    shows them (best effort: unknown sources are left out)."""
    e = strip_parens(expr)
    if e is None or depth <= 0:
        return []
    if e.type == "func_literal":
        return [FuncTarget(e, None, e)]
    if e.type == "identifier":
        ref = pkg.resolve(e)
        if isinstance(ref, FuncDecl):
            return [FuncTarget(ref.node, None, e)]
        if isinstance(ref, Binding) and ref.kind in ("short", "var") and ref.index < len(ref.values):
            return func_values(pkg, ref.values[ref.index], depth - 1)
        if isinstance(ref, Binding) and ref.kind == "param":
            return [FuncTarget(t.node, t.owner if t.owner is not None else owner, arg)
                    for arg, owner in param_args(pkg, ref) for t in func_values(pkg, arg, depth - 1)]
        return []
    if e.type == "selector_expression":
        operand = e.child_by_field_name("operand")
        name = text(e.child_by_field_name("field"))
        if operand is None or (operand.type == "identifier" and pkg.is_package_name(operand)):
            return []
        base = pkg.type_of(operand).deref()
        m = pkg.method_decl(base, name)
        if m is not None:
            return [FuncTarget(m.node, text(operand), e)]
        if base.kind != "named" or base.pkg:
            return []
        out: list[FuncTarget] = []
        for value, owner in field_stores(pkg, base.name, name):
            out.extend(FuncTarget(t.node, t.owner if t.owner is not None else owner, t.site)
                       for t in func_values(pkg, value, depth - 1))
        return out
    if e.type == "call_expression":
        fn = strip_parens(e.child_by_field_name("function"))
        args = call_args(e)
        if fn is not None and fn.type in ("identifier", "type_identifier") and fn.text is not None \
                and text(fn) in pkg.types and len(args) == 1:
            return func_values(pkg, args[0], depth)  # a conversion to a named func type
        target = callee(pkg, e)
        if target is None or target.body is None:
            return []
        return [t for r in own_descendants(target.body, "return_statement")
                for v in _first_result(r) for t in func_values(pkg, v, depth - 1)]
    return []


def _first_result(ret: Node) -> list[Node]:
    vals = [c for c in ret.named_children if c.type != "comment"]
    if len(vals) == 1 and vals[0].type == "expression_list":
        vals = [c for c in vals[0].named_children if c.type != "comment"]
    return vals[:1] if len(vals) == 1 else []


def field_stores(pkg: Package, tname: str, fname: str) -> list[tuple[Node, str | None]]:
    """Values stored into the field ``tname.fname`` (assignments and keyed composite
    literals), each with the object it was stored into: ``x.f = v`` gives ("v", "x"); in a
    setter ``func (r *T) Set(v F) { r.f = v }`` the owner is the receiver, which
    ``func_values`` maps to each caller's operand through ``param_args``."""
    memo: dict[tuple[str, str], list[tuple[Node, str | None]]] = pkg.memo.setdefault("sync_summary.field_stores", {})
    got = memo.get((tname, fname))
    if got is not None:
        return got
    out: list[tuple[Node, str | None]] = []
    word = fname.encode()
    for f in pkg.files:
        if word not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [word]):
            p = node.parent
            if node.type == "field_identifier" and p is not None and p.type == "selector_expression":
                stored = _assigned_value(p)
                base = pkg.type_of(p.child_by_field_name("operand")).deref()
                if stored is not None and base.kind == "named" and base.name == tname:
                    out.append((stored, text(p.child_by_field_name("operand"))))
            elif node.type == "identifier" and p is not None and p.type == "literal_element":
                kv = p.parent
                if kv is None or kv.type != "keyed_element" or kv.named_children[0].id != p.id or len(kv.named_children) < 2:
                    continue
                lit = kv.parent.parent if kv.parent is not None else None
                t = pkg.type_of(lit).deref() if lit is not None and lit.type == "composite_literal" else None
                val = kv.named_children[1]
                if t is not None and t.kind == "named" and t.name == tname and val.named_children:
                    out.append((val.named_children[0], None))
    memo[(tname, fname)] = out
    return out


def _assigned_value(target: Node) -> Node | None:
    """The value assigned to ``target`` when it is the left side of ``=``."""
    lst = target.parent
    st = lst.parent if lst is not None and lst.type == "expression_list" else None
    if st is None or st.type != "assignment_statement" or text(st.child_by_field_name("operator")) != "=":
        return None
    left, right = st.child_by_field_name("left"), st.child_by_field_name("right")
    if left is None or right is None or left.id != lst.id:
        return None
    lefts = [c for c in left.named_children if c.type != "comment"]
    rights = [c for c in right.named_children if c.type != "comment"]
    idx = next((i for i, c in enumerate(lefts) if c.id == target.id), -1)
    return rights[idx] if 0 <= idx < len(rights) and len(lefts) == len(rights) else None


def param_args(pkg: Package, b: Binding) -> list[tuple[Node, str | None]]:
    """For a parameter of a package function or method: the argument each same-package
    call passes for it, with the call's receiver operand (None for plain functions)."""
    fn = b.func
    if fn is None or fn.type not in ("function_declaration", "method_declaration") or b.variadic:
        return []
    idx = param_index(fn, b.name)
    fd = decl_of(pkg, fn)
    if idx < 0 or fd is None:
        return []
    out: list[tuple[Node, str | None]] = []
    word = fd.name.encode()
    for f in pkg.files:
        if word + b"(" not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [word]):
            p = node.parent
            call = p.parent if p is not None and p.type == "selector_expression" else p
            if call is None or call.type != "call_expression":
                continue
            fnode = strip_parens(call.child_by_field_name("function"))
            if fnode is None or (fnode.id != node.id and fnode.id != (p.id if p is not None else -1)):
                continue
            if callee(pkg, call) is not fd:
                continue
            args = call_args(call)
            if idx < len(args):
                owner = text(fnode.child_by_field_name("operand")) if fnode.type == "selector_expression" else None
                out.append((args[idx], owner))
    return out




def func_fields(pkg: Package) -> frozenset[str]:
    """Names of the package's struct fields whose type is a function (by the declaration)."""
    got = pkg.memo.get("sync_summary.func_fields")
    if got is not None:
        return got
    func_types = {n for n, td in pkg.types.items() if td.type_node is not None and td.type_node.type == "function_type"}
    out: set[str] = set()
    for td in pkg.types.values():
        if td.type_node is None or td.type_node.type != "struct_type":
            continue
        for fd in descendants(td.type_node, "field_declaration"):
            t = fd.child_by_field_name("type")
            if t is not None and (t.type == "function_type" or (t.type == "type_identifier" and text(t) in func_types)):
                out.update(text(n) for n in fd.children_by_field_name("name"))
    res = frozenset(out)
    pkg.memo["sync_summary.func_fields"] = res
    return res


def maybe_func_value(call: Node, fields: frozenset[str]) -> bool:
    """Cheap syntactic filter for ``func_value_call``: ``f(...)`` or ``x.f(...)`` with a
    func field name."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    if fn.type == "identifier":
        return True
    return fn.type == "selector_expression" and text(fn.child_by_field_name("field")) in fields


def func_value_call(pkg: Package, call: Node) -> bool:
    """A call through a function value (a func field, parameter or variable), not of a
    declared function or method."""
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None:
        return False
    if fn.type == "identifier":
        ref = pkg.resolve(fn)
        return isinstance(ref, Binding) and ref.kind in ("param", "short", "var")
    if fn.type != "selector_expression":
        return False
    operand = fn.child_by_field_name("operand")
    if operand is None or (operand.type == "identifier" and pkg.is_package_name(operand)):
        return False
    base = pkg.type_of(operand).deref()
    if base.kind != "named" or base.pkg:
        return False
    name = text(fn.child_by_field_name("field"))
    return pkg.method_decl(base, name) is None and pkg.underlying(pkg.field_type(base, name)).kind == "func"


def target_acquisitions(pkg: Package, t: FuncTarget, depth: int = 3) -> list[Acq]:
    """The locks the function a FuncTarget names takes, keys mapped to the target's owner."""
    if t.node.type == "func_literal":
        body = t.node.child_by_field_name("body")
        return body_acquisitions(pkg, body, "", depth) if body is not None else []
    fd = decl_of(pkg, t.node)
    if fd is None:
        return []
    out: list[Acq] = []
    for a in acquisitions(pkg, fd, depth):
        key = a.key
        if key is not None and t.owner is not None and fd.recv_name and (key == fd.recv_name or key.startswith(fd.recv_name + ".")):
            key = t.owner + key[len(fd.recv_name):]
        out.append(Acq(a.cls, key, a.mode, a.node, a.site))
    return out


__all__ = ["LOCKS", "Acq", "FuncTarget", "Region", "acquisitions", "body_acquisitions", "body_lock_calls", "callee",
           "decl_of", "dominates", "exported_key", "field_stores", "func_fields", "func_of", "func_value_call",
           "func_values", "key_uses", "lock_calls", "maybe_func_value", "mutex_class", "param_args", "regions", "root_of",
           "stmt_of", "sync_key", "target_acquisitions", "use_context"]
