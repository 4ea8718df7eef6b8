"""Per-package mutex facts shared by the goroutine rules (GR202, GR401).

- ``mutex_class(pkg, operand)``: a name for the mutex an expression denotes that is the
  same in every method of the package: ``"Store.mu"`` for a field ``mu`` of the package
  type ``Store``, ``"Cacher"`` for a mutex embedded in ``Cacher``; None for locals and
  values of unknown type.
- ``regions(pkg)``: every ``Lock``/``RLock`` of the package with the stretch of its
  function where the mutex is held (up to the first later unlock, or the end of the
  function for a deferred or missing unlock).
- ``acquisitions(pkg, fd)``: the mutexes a function locks, itself or through same-package
  calls (four levels), each with the expression naming it in that function when it can
  be mapped through receivers (``x.M()`` whose ``M`` locks ``recv.mu`` locks ``x.mu``).

Everything is computed lazily and cached on the package.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from goretain.rules.flow import own_descendants
from goretain.source.package import FuncDecl
from goretain.source.syntax import FUNC_KINDS, call_args, contains, strip_parens, text

if TYPE_CHECKING:
    from goretain.source.package import Package

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
    memo: dict[int, list[Node]] | None = getattr(pkg, "_goretain_file_locks", None)
    if memo is None:
        memo = {}
        pkg._goretain_file_locks = memo  # type: ignore[attr-defined]
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
    cached = getattr(pkg, "_goretain_lock_regions", None)
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
    pkg._goretain_lock_regions = out  # type: ignore[attr-defined]
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
    memo: dict[tuple[int, int], list[Acq]] = pkg.__dict__.setdefault("_goretain_acqs", {})
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
    got = getattr(pkg, "_goretain_lock_depths", None)
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
    pkg._goretain_lock_depths = out  # type: ignore[attr-defined]
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
    for call in own_descendants(body, "call_expression"):
        if not lo <= call.start_byte < hi:
            continue
        p = call.parent
        if p is not None and p.type in ("go_statement", "defer_statement"):
            continue
        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None or fn.type not in ("identifier", "selector_expression"):
            continue
        if depths.get(text(fn.child_by_field_name("field") if fn.type == "selector_expression" else fn), _DEPTH + 1) >= depth:
            continue  # cannot reach a Lock within the remaining levels
        target = callee(pkg, call)
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


__all__ = ["LOCKS", "Acq", "Region", "acquisitions", "body_acquisitions", "body_lock_calls", "callee", "decl_of", "dominates",
           "func_of", "lock_calls", "mutex_class", "regions", "root_of", "stmt_of"]
