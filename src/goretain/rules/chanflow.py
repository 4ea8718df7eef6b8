"""Channel facts of one package, shared by the goroutine rules (GR202, GR203).

For every channel the analysis can name - a local variable made with ``make(chan ...)``
or an unexported struct field of channel type - it collects the sends, receives, ranges
and closes, which goroutine performs each (a ``go func(){...}()`` literal, a function
started with ``go f(ch)``, or the function that made the channel), whether the
operation waits alone or inside a ``select`` that has other ways out, and whether the
channel escapes the analysis (returned, stored, passed to code we cannot see). A
channel passed to a same-package function is followed one level: the callee's
operations on that parameter count as operations at the call site. A method that only
returns a channel field receive-only (``func (s *T) Done() <-chan struct{} { return s.done }``)
is a getter: receiving from its result counts as receiving from the field. The elements of
a ``[]chan T`` field, reached by ``for _, ch := range s.chans``, are one channel ``chans[]``.
``never_fed`` / ``never_fed_case`` tell when nothing in the package can ever feed a channel
(no send, no close, no hand-off): a select case on it never fires. A local set from a
same-package helper whose every return is ``make(chan ...)`` is tracked like a make: ``make``
is then the call and ``origin`` the helper's make (its type and capacity).

Everything is computed once per package with tree-sitter queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    expr_list,
    has_keyword,
    strip_parens,
    text,
    up,
)

if TYPE_CHECKING:
    from goretain.source.package import Package

SEND, RECV, RANGE, CLOSE = "send", "recv", "range", "close"
UNKNOWN_CAP = -1  # buffered with a size computed at run time

# Calls that never return: a goroutine that reaches them stops there.
_EXIT_CALLS = frozenset({"panic", "Fatal", "Fatalf", "FailNow", "Exit", "Goexit", "Skip", "Skipf", "SkipNow"})


@dataclass(eq=False)
class Op:
    kind: str  # SEND, RECV, RANGE, CLOSE
    node: Node  # the operation itself (maybe inside a callee)
    site: Node  # where it happens in the analysed function: the op, or the call passing the channel
    select: Node | None = None  # the select statement when the op is one of its cases
    alternatives: list[Node] = field(default_factory=list)  # the select's other cases


@dataclass(eq=False)
class Chan:
    key: object  # Binding for locals, ("field", type, name) for fields
    name: str  # as written: "ch", "w.results"
    make: Node | None  # the make(chan ...) call
    cap: int  # 0 unbuffered, n buffered, UNKNOWN_CAP
    ops: list[Op] = field(default_factory=list)
    escapes: bool = False
    exposed: bool = False  # a method hands it out receive-only: receivers may be anywhere
    # A local whose only escape is being returned by its maker (a generator): those returns.
    returned: list[Node] = field(default_factory=list)
    # The ``make(chan ...)`` itself when a same-package helper makes the channel (``make`` is
    # then the call of the helper, where the channel appears in the analysed function).
    origin: Node | None = None

    @property
    def made(self) -> Node | None:
        """The ``make(chan ...)`` expression: its type and capacity."""
        return self.origin or self.make

    @property
    def local(self) -> bool:
        return isinstance(self.key, Binding)

    def of(self, *kinds: str) -> list[Op]:
        return [o for o in self.ops if o.kind in kinds]


def go_statement_of(fn: Node) -> Node | None:
    """The ``go`` statement that starts the func literal ``fn`` (None when it is not one)."""
    call = fn.parent
    if fn.type != "func_literal" or call is None or call.type != "call_expression":
        return None
    g = call.parent
    return g if g is not None and g.type == "go_statement" else None


def goroutine_of(node: Node, stop: Node | None = None) -> Node | None:
    """The go statement whose goroutine runs ``node`` (None: the function's own goroutine).

    A call ``go f(ch)`` counts as run by that go statement too."""
    cur: Node | None = node
    while cur is not None and (stop is None or cur.id != stop.id):
        p = cur.parent
        if cur.type == "call_expression" and p is not None and p.type == "go_statement":
            return p
        if cur.type == "func_literal":
            g = go_statement_of(cur)
            if g is not None:
                return g
        elif cur.type in ("function_declaration", "method_declaration"):
            return None
        cur = p
    return None


def in_loop(node: Node, stop: Node) -> Node | None:
    """The innermost for statement between ``node`` and ``stop`` (a function or go statement)."""
    cur = node.parent
    while cur is not None and cur.id != stop.id and cur.type not in FUNC_KINDS:
        if cur.type == "for_statement":
            return cur
        cur = cur.parent
    return None


def select_of(op_node: Node) -> tuple[Node | None, list[Node]]:
    """When ``op_node`` is the communication of a select case: (select, other cases)."""
    cur = op_node.parent
    # A receive case is `case v := <-ch:` (receive_statement) or `case <-ch:`; a send case
    # is `case ch <- v:`.
    while cur is not None and cur.type in ("receive_statement", "expression_list", "expression_statement", "parenthesized_expression"):
        cur = cur.parent
    if cur is None or cur.type != "communication_case":
        return None, []
    comm = cur.child_by_field_name("communication")
    if comm is not None and not (comm.start_byte <= op_node.start_byte and op_node.end_byte <= comm.end_byte):
        return None, []
    sel = cur.parent
    if sel is None or sel.type != "select_statement":
        return None, []
    others = [c for c in sel.named_children if c.type in ("communication_case", "default_case") and c.id != cur.id]
    return sel, others


def exits(stmt: Node) -> bool:
    """A return or a call that never returns (panic, t.Fatal, os.Exit)."""
    if stmt.type == "return_statement":
        return True
    if stmt.type == "call_expression":
        fn = strip_parens(stmt.child_by_field_name("function"))
        if fn is not None:
            name = text(fn.child_by_field_name("field")) if fn.type == "selector_expression" else text(fn)
            return name in _EXIT_CALLS
    return False


# --- collecting ------------------------------------------------------------------------------

@dataclass
class PackageChans:
    chans: dict[object, Chan] = field(default_factory=dict)
    # Field channels: struct type name -> field name -> True when the field is a channel.
    chan_fields: dict[str, set[str]] = field(default_factory=dict)


def _cap_of(pkg: Package, mk: Node) -> int:
    args = call_args(mk)
    if len(args) < 2:
        return 0
    from goretain.rules.flow import const_int

    v = const_int(pkg, args[1])
    return UNKNOWN_CAP if v is None else v


def is_make_chan(node: Node | None) -> bool:
    node = strip_parens(node)
    if node is None or node.type != "call_expression":
        return False
    fn = node.child_by_field_name("function")
    if fn is None or text(fn) != "make":
        return False
    args = call_args(node)
    return bool(args) and args[0].type == "channel_type"


def _chan_fields(pkg: Package) -> dict[str, set[str]]:
    """Struct type -> its unexported channel fields; a slice of channels ``f []chan T``
    is listed as ``f[]`` (its elements, reached by ranging over it)."""
    out: dict[str, set[str]] = {}
    for name, td in pkg.types.items():
        if td.type_node is None or td.type_node.type != "struct_type":
            continue
        for fd in descendants(td.type_node, "field_declaration"):
            t = fd.child_by_field_name("type")
            suffix = ""
            if t is not None and t.type == "slice_type":
                t, suffix = t.child_by_field_name("element"), "[]"
            if t is None or t.type != "channel_type":
                continue
            for n in fd.children_by_field_name("name"):
                fname = text(n)
                if fname and fname[0].islower():  # exported fields are reachable from other packages
                    out.setdefault(name, set()).add(fname + suffix)
    return out


class Collector:
    """Builds the channel table of one package."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.out = PackageChans(chan_fields=_chan_fields(pkg))
        self._field_owner: dict[str, str | None] = {}
        for tname, fields in self.out.chan_fields.items():
            for f in fields:
                self._field_owner[f] = None if f in self._field_owner else tname
        self._getters = _getters(pkg, self.out.chan_fields)
        self._elem_aliases: dict[Binding, object] = {}
        self._summaries: dict[int, dict[int, list[Op]]] = {}
        self._idents: dict[int, dict[str, list[Node]]] = {}  # top-level function -> name -> identifiers
        self._chan_methods: set[str] | None = None  # methods whose result is a channel

    # Which channel an expression names.
    def key_of(self, expr: Node | None) -> tuple[object, str] | None:
        e = strip_parens(expr)
        if e is None:
            return None
        if e.type == "identifier":
            ref = self.pkg.resolve(e)
            if isinstance(ref, Binding) and ref.kind == "range" and ref.index == 1 and ref.values:
                k = self.key_of_elems(ref.values[0])
                if k is not None:
                    self._elem_aliases[ref] = k
                    return k, f"{text(e)} (an element of {text(ref.values[0])})"
            if isinstance(ref, Binding):
                alias = self._field_alias(ref)
                return alias if alias is not None else (ref, text(e))
            return None
        if e.type == "selector_expression":
            fname = text(e.child_by_field_name("field"))
            owner = self._owner(e.child_by_field_name("operand"), fname)
            if owner is not None:
                return ("field", owner, fname), text(e)
        if e.type == "call_expression" and self._getters:
            return self._getter_call(e)
        return None

    def key_of_elems(self, expr: Node | None) -> object | None:
        """``s.chans`` of type ``[]chan T``: the key of its elements."""
        e = strip_parens(expr)
        if e is None or e.type != "selector_expression":
            return None
        fname = text(e.child_by_field_name("field")) + "[]"
        owner = self._owner(e.child_by_field_name("operand"), fname)
        return ("field", owner, fname) if owner is not None else None

    def _getter_call(self, call: Node) -> tuple[object, str] | None:
        """``s.Done()`` where the method only returns the field channel ``s.done``."""
        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None or fn.type != "selector_expression" or call_args(call):
            return None
        mname = text(fn.child_by_field_name("field"))
        if not any(m == mname for _, m in self._getters):
            return None
        fd = self.pkg.method_decl(self.pkg.type_of(fn.child_by_field_name("operand")), mname)
        fname = self._getters.get((fd.recv_type, mname)) if fd is not None else None
        return (("field", fd.recv_type, fname), text(call)) if fd is not None and fname else None

    def _field_alias(self, b: Binding) -> tuple[object, str] | None:
        """``ch := s.ch`` (declared once, never reassigned by ``=``): the field channel itself."""
        if b.kind not in ("short", "var") or len(b.values) != 1 or b.index != 0:
            return None
        v = strip_parens(b.values[0])
        if v is None or v.type != "selector_expression":
            return None
        k = self.key_of(v)
        return (k[0], text(v)) if k is not None and not isinstance(k[0], Binding) else None

    def _aliased(self, use: Node, sel: Node) -> bool:
        decl = use.parent if use.type == "expression_list" else use
        if decl is None or decl.type not in ("short_var_declaration", "var_spec"):
            return False
        right = decl.child_by_field_name("right") or decl.child_by_field_name("value")
        names = decl.child_by_field_name("left")
        idents = [n for n in (names.named_children if names is not None else decl.children_by_field_name("name"))
                  if n.type == "identifier"]
        if right is None or len(idents) != 1 or not contains(right, sel):
            return False
        b = self.pkg.resolve(idents[0])
        return isinstance(b, Binding) and self._field_alias(b) is not None

    def _owner(self, operand: Node | None, fname: str) -> str | None:
        if fname not in self._field_owner:
            return None
        t = self.pkg.type_of(operand).deref()
        if t.kind == "named" and not t.pkg and fname in self.out.chan_fields.get(t.name, ()):
            return t.name
        return self._field_owner.get(fname)  # promoted through embedding, or the type is unknown  # unique owner when the operand's type is unknown

    def chan(self, key: object, name: str) -> Chan:
        c = self.out.chans.get(key)
        if c is None:
            c = self.out.chans[key] = Chan(key, name, None, 0)
            if isinstance(key, Binding):
                self._init_local(c, key)
            elif isinstance(key, tuple):
                c.exposed = key[1:] in {(t, f) for (t, _), f in self._getters.items()}
        return c

    def _init_local(self, c: Chan, b: Binding) -> None:
        v = _made_value(b)
        if v is not None:
            c.make = v
            c.cap = _cap_of(self.pkg, v)
            return
        call, makes = self._helper_made(b)
        if call is not None and makes:
            c.make, c.origin = call, makes[0]
            caps = {_cap_of(self.pkg, m) for m in makes}
            c.cap = caps.pop() if len(caps) == 1 else UNKNOWN_CAP
        else:
            c.escapes = True  # a parameter, a copy of another channel, a call result: partners unknown

    def _helper_made(self, b: Binding) -> tuple[Node | None, list[Node]]:
        """``ch := newChan()`` where the same-package function's every return is a fresh
        ``make(chan ...)``: (the call, those makes); the channel is as local as a make."""
        v = strip_parens(b.values[0]) if b.kind in ("short", "var") and len(b.values) == 1 and b.index == 0 else None
        fn = strip_parens(v.child_by_field_name("function")) if v is not None and v.type == "call_expression" else None
        if fn is None:
            return None, []
        if fn.type == "selector_expression":
            if self._chan_methods is None:  # resolving a method costs a type: only for names that may fit
                self._chan_methods = {m for ms in self.pkg.methods.values() for m, fd in ms.items()
                                      if (r := fd.node.child_by_field_name("result")) is not None and r.type == "channel_type"}
            if text(fn.child_by_field_name("field")) not in self._chan_methods:
                return None, []
        elif fn.type != "identifier":
            return None, []
        fd = self._callee(v)
        return (v, _returned_makes(fd)) if fd is not None else (None, [])

    def run(self) -> PackageChans:
        pkg = self.pkg
        for f in pkg.files:
            if b"<-" in f.src or b"close(" in f.src:
                self._file(f.root, b"close(" in f.src)
        self._silent_makes()
        # Every other use of a local channel variable makes it escape.
        for c in list(self.out.chans.values()):
            if c.local and not c.escapes:
                self._local_uses(c)
        self._field_makes()
        self._check_elem_aliases()
        return self.out

    def _silent_makes(self) -> None:
        """Local channels the function itself never operates on (``out := make(chan T)``
        only handed to ``go produce(out)`` and returned): track them too, so hand-offs and
        returns are followed."""
        for f in self.pkg.files:
            i = f.src.find(b"make(chan")
            while i >= 0:
                n = f.root.descendant_for_byte_range(i, i + 4)
                mk = n.parent if n is not None else None
                b = _made_binding(self.pkg, mk) if mk is not None and mk.type == "call_expression" else None
                if b is not None and b not in self.out.chans:
                    self.chan(b, b.name)
                i = f.src.find(b"make(chan", i + 9)

    def _check_elem_aliases(self) -> None:
        """``for _, ch := range s.chans``: any use of ``ch`` but an operation lets it escape."""
        for b, k in self._elem_aliases.items():
            c = self.out.chans.get(k)
            loop = b.decl.parent if b.decl is not None else None
            if c is None or c.escapes or loop is None:
                continue
            seen = {o.node.id for o in c.ops}
            for ident in descendants(loop, "identifier"):
                if ident.id == b.ident.id or text(ident) != b.name or self.pkg.resolve(ident) is not b:
                    continue
                if not self._plain_use(c, ident, seen) or (ident.parent is not None and ident.parent.type == "argument_list"
                                                           and (ident.parent.parent is None or ident.parent.parent.id not in seen)):
                    c.escapes = True
                    break

    def _file(self, root: Node, closes: bool) -> None:
        # The operations are found by their tokens in the bytes and checked in the tree:
        # far cheaper than a query over every node of the file.
        for n in _op_nodes(root, closes):
            t = n.type
            if t == "send_statement":
                self._op(SEND, n, n.child_by_field_name("channel"))
            elif t == "unary_expression":
                self._op(RECV, n, n.child_by_field_name("operand"))
            elif t == "range_clause":
                right = n.child_by_field_name("right")
                k = self.key_of(right)
                # A local that is not made here escapes anyway: no need for its type.
                if k is not None and (not isinstance(k[0], Binding) or _made_value(k[0]) is not None
                                      or self._helper_made(k[0])[1]):
                    self._op(RANGE, n, right)
            else:
                self._call(n)

    def _op(self, kind: str, node: Node, chan_expr: Node | None) -> None:
        k = self.key_of(chan_expr)
        if k is None:
            return
        c = self.chan(*k)
        sel, others = select_of(node) if kind in (SEND, RECV) else (None, [])
        c.ops.append(Op(kind, node, node, sel, others))

    def _call(self, call: Node) -> None:
        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None:
            return
        if fn.type == "identifier" and text(fn) == "close":
            args = call_args(call)
            if len(args) == 1:
                k = self.key_of(args[0])
                if k is not None:
                    self.chan(*k).ops.append(Op(CLOSE, call, call))

    def _local_uses(self, c: Chan) -> None:
        b = c.key
        assert isinstance(b, Binding)
        fn = b.func
        if fn is None:
            c.escapes = True
            return
        top = fn
        while top.parent is not None and top.parent.type != "source_file":
            top = top.parent
        seen = {o.node.id for o in c.ops}
        names = self._idents.get(top.id)
        if names is None:
            names = self._idents[top.id] = {}
            for ident in descendants(top, "identifier"):
                names.setdefault(text(ident), []).append(ident)
        returns: list[Node] = []
        for ident in names.get(b.name, ()):
            if ident.id == b.ident.id or self.pkg.resolve(ident) is not b:
                continue
            if self._plain_use(c, ident, seen):
                continue
            ret = _returned_by(ident, fn)
            if ret is None:
                c.escapes = True
                c.returned = []
                return
            returns.append(ret)
        if returns:
            c.escapes = True  # its receivers are the callers: the usual partner checks do not apply
            c.returned = returns

    def _plain_use(self, c: Chan, ident: Node, seen: set[int]) -> bool:
        """Is this use an operation we recorded, len/cap, or a hand-off we can follow?"""
        p = up(ident)
        if p is None:
            return False
        if p.type == "send_statement":
            return (p.child_by_field_name("channel") or p).id == ident.id
        if p.type == "unary_expression":
            return text(p.child_by_field_name("operator")) == "<-"
        if p.type == "range_clause":
            return True
        if p.type == "argument_list" and p.parent is not None and p.parent.type == "call_expression":
            call = p.parent
            if call.id in seen:
                return True  # close(ch)
            fname = text(call.child_by_field_name("function"))
            if fname in ("len", "cap"):
                return True
            return self._handoff(c, call, ident)
        if p.type in ("expression_list", "assignment_statement") and p.parent is not None:
            st = p if p.type == "assignment_statement" else p.parent
            left = st.child_by_field_name("left") if st.type == "assignment_statement" else None
            if left is not None and left.start_byte <= ident.start_byte < left.end_byte:
                return False  # reassigned: another channel under the same name
        return False

    def _handoff(self, c: Chan, call: Node, ident: Node) -> bool:
        """``f(ch)`` with a same-package function: its operations on the parameter count here."""
        callee = self._callee(call)
        if callee is None:
            return False
        args = call_args(call)
        idx = next((i for i, a in enumerate(args) if strip_parens(a) is not None and strip_parens(a).id == ident.id), -1)
        summary = self._summary(callee)
        if idx < 0 or summary is None:
            return False
        ops = summary.get(idx)
        if ops is None:
            return False  # the callee lets the parameter escape, or it is variadic
        for o in ops:
            c.ops.append(Op(o.kind, o.node, call, o.select, o.alternatives))
        c.ops.append(Op("handoff", call, call))
        return True

    def _callee(self, call: Node) -> FuncDecl | None:
        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None:
            return None
        if fn.type == "identifier":
            ref = self.pkg.resolve(fn)
            return ref if isinstance(ref, FuncDecl) else None
        if fn.type == "selector_expression":
            operand = fn.child_by_field_name("operand")
            return self.pkg.method_decl(self.pkg.type_of(operand), text(fn.child_by_field_name("field")))
        return None

    def _summary(self, fd: FuncDecl) -> dict[int, list[Op]] | None:
        """Parameter index -> its channel operations in ``fd`` (absent when it escapes there)."""
        cached = self._summaries.get(fd.node.id)
        if cached is not None:
            return cached
        self._summaries[fd.node.id] = {}  # recursion guard
        out: dict[int, list[Op]] = {}
        body = fd.body
        params = fd.node.child_by_field_name("parameters")
        if body is None or params is None:
            return out
        idx = 0
        for p in params.named_children:
            if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            names = p.children_by_field_name("name") or [None]
            for n in names:
                t = p.child_by_field_name("type")
                if n is not None and t is not None and t.type == "channel_type" and p.type == "parameter_declaration":
                    ops = self._param_ops(body, n)
                    if ops is not None:
                        out[idx] = ops
                idx += 1
        self._summaries[fd.node.id] = out
        return out

    def _param_ops(self, body: Node, name_node: Node) -> list[Op] | None:
        b = self.pkg.resolve(name_node)
        if not isinstance(b, Binding):
            return None
        ops: list[Op] = []
        for ident in own_descendants(body, "identifier"):
            if text(ident) != b.name or self.pkg.resolve(ident) is not b:
                continue
            p = up(ident)
            if p is None:
                return None
            if p.type == "send_statement" and (p.child_by_field_name("channel") or p).id == ident.id:
                sel, others = select_of(p)
                ops.append(Op(SEND, p, p, sel, others))
            elif p.type == "unary_expression" and text(p.child_by_field_name("operator")) == "<-":
                sel, others = select_of(p)
                ops.append(Op(RECV, p, p, sel, others))
            elif p.type == "range_clause":
                ops.append(Op(RANGE, p, p))
            elif p.type == "argument_list" and p.parent is not None and text(p.parent.child_by_field_name("function")) == "close":
                ops.append(Op(CLOSE, p.parent, p.parent))
            elif p.type == "argument_list" and p.parent is not None and text(p.parent.child_by_field_name("function")) in ("len", "cap"):
                continue
            else:
                return None
        return ops

    def _field_makes(self) -> None:
        """Capacity of field channels from their make sites; any use that is not an
        operation or a store of make(...)/nil makes the field escape. Uses are found by
        their text (few) rather than by walking every selector of the package."""
        fields = {k: c for k, c in self.out.chans.items() if not c.local and isinstance(k, tuple)}
        if not fields:
            return
        by_name: dict[str, list[object]] = {}
        for k in fields:
            by_name.setdefault(k[2].removesuffix("[]"), []).append(k)  # type: ignore[index]
        caps: dict[object, set[int]] = {}
        for f in self.pkg.files:
            for fname, keys in by_name.items():
                word = fname.encode()
                i = f.src.find(word)
                while i >= 0:
                    j = i + len(word)
                    if (i == 0 or not _ident_byte(f.src[i - 1])) and (j >= len(f.src) or not _ident_byte(f.src[j])):
                        node = f.root.descendant_for_byte_range(i, j)
                        if node is not None:
                            self._field_use(node, [k for k in keys if not k[2].endswith("[]")], fields, caps)  # type: ignore[index]
                            self._elems_use(node, [k for k in keys if k[2].endswith("[]")], fields, caps)  # type: ignore[index]
                    i = f.src.find(word, j)
        for k, c in fields.items():
            cs = caps.get(k, set())
            c.cap = max(cs) if cs and UNKNOWN_CAP not in cs else (UNKNOWN_CAP if cs else 0)
            if not cs:
                c.escapes = True  # never made here: maybe nil on purpose, or set from outside

    def _elems_use(self, node: Node, keys: list[object], fields: dict[object, Chan], caps: dict[object, set[int]]) -> None:
        """A use of a ``[]chan T`` field: ranged over, measured, or grown by
        ``s.f = append(s.f, make(chan T)...)``; anything else lets its channels escape."""
        p = node.parent
        if not keys or p is None or node.type != "field_identifier" or p.type != "selector_expression":
            return
        k = self.key_of_elems(p)
        if k is None or k not in fields:
            return
        use = p.parent
        if use is None:
            return
        if use.type == "range_clause" or (use.type == "argument_list" and use.parent is not None
                                          and text(use.parent.child_by_field_name("function")) in ("len", "cap", "append")
                                          and use.named_children and use.named_children[0].id == p.id):
            return
        if use.type == "expression_list" and use.parent is not None and use.parent.type == "assignment_statement":
            right = expr_list(use.parent.child_by_field_name("right"))
            if use.id == (use.parent.child_by_field_name("left") or use).id and len(right) == 1 and self._grows(right[0], p, k, caps):
                if fields[k].make is None:
                    fields[k].make = next(a for a in call_args(right[0])[1:])
                return
        fields[k].escapes = True

    def _grows(self, value: Node, sel: Node, k: object, caps: dict[object, set[int]]) -> bool:
        args = call_args(value) if value.type == "call_expression" else []
        if text(value.child_by_field_name("function")) != "append" or len(args) < 2 or text(args[0]) != text(sel):
            return False
        if not all(is_make_chan(a) for a in args[1:]):
            return False
        for a in args[1:]:
            caps.setdefault(k, set()).add(_cap_of(self.pkg, a))
        return True

    def _field_use(self, node: Node, keys: list[object], fields: dict[object, Chan], caps: dict[object, set[int]]) -> None:
        p = node.parent
        if p is None or not keys:
            return
        if p.type == "literal_element" and p.parent is not None and p.parent.type == "keyed_element":
            ke = p.parent
            kids = [c for c in ke.named_children if c.type != "comment"]
            if len(kids) != 2 or kids[0].id != p.id:
                return
            lit = ke.parent.parent if ke.parent is not None else None
            tname = text(lit.child_by_field_name("type")) if lit is not None and lit.type == "composite_literal" else ""
            tname = tname.lstrip("&*")
            for k in keys:
                if not tname or k[1] == tname or tname.endswith("." + k[1]):  # type: ignore[index]
                    self._note_value(fields[k], k, kids[1], caps)
            return
        if node.type != "field_identifier" or p.type != "selector_expression":
            return
        k = self.key_of(p)
        if k is None or k[0] not in fields:
            return
        c = fields[k[0]]
        use = p.parent
        while use is not None and use.type == "parenthesized_expression":
            use = use.parent
        if use is None:
            c.escapes = True
            return
        t = use.type
        if t == "send_statement" and (use.child_by_field_name("channel") or use).id == p.id:
            return
        if t == "unary_expression" and text(use.child_by_field_name("operator")) == "<-":
            return
        if t == "range_clause":
            return
        if t == "argument_list" and use.parent is not None and text(use.parent.child_by_field_name("function")) in ("close", "len", "cap"):
            return
        if t == "selector_expression":
            return  # s.ch.x: not the channel itself (or a method value); nothing to track
        if t == "expression_list" and use.parent is not None and use.parent.type == "assignment_statement":
            st = use.parent
            left = st.child_by_field_name("left")
            if left is not None and left.id == use.id:
                ls, rs = expr_list(left), expr_list(st.child_by_field_name("right"))
                idx = next((i for i, x in enumerate(ls) if x.id == p.id), -1)
                self._note_value(c, k[0], rs[idx] if len(ls) == len(rs) and idx >= 0 else None, caps)
                return
        if t == "binary_expression" and text(use.child_by_field_name("operator")) in ("==", "!="):
            return  # a nil check
        if self._aliased(use, p):
            return  # `ch := s.ch`: the alias's operations are recorded under the field
        if t == "expression_list" and use.parent is not None and use.parent.type == "return_statement" and self._in_getter(use):
            return  # handed out receive-only: recorded as ``exposed``
        c.escapes = True

    def _in_getter(self, n: Node) -> bool:
        cur = n.parent
        while cur is not None and cur.type not in FUNC_KINDS:
            cur = cur.parent
        if cur is None or cur.type != "method_declaration":
            return False
        fd = self.pkg.methods.get(_recv_type(cur), {}).get(text(cur.child_by_field_name("name")))
        return fd is not None and fd.node.id == cur.id and (fd.recv_type, fd.name) in self._getters

    def _note_value(self, c: Chan, key: object, value: Node | None, caps: dict[object, set[int]]) -> None:
        if value is not None and value.type == "literal_element" and value.named_children:
            value = value.named_children[0]
        v = strip_parens(value)
        if v is not None and is_make_chan(v):
            caps.setdefault(key, set()).add(_cap_of(self.pkg, v))
            if c.make is None:
                c.make = v
        elif v is not None and text(v) == "nil":
            return
        else:
            c.escapes = True


def _recv_type(m: Node) -> str:
    recv = m.child_by_field_name("receiver")
    for t in descendants(recv, "type_identifier") if recv is not None else []:
        return text(t)
    return ""


def _getters(pkg: Package, chan_fields: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """(type, method) -> field for methods returning a channel field receive-only
    (``func (s *T) Done() <-chan struct{} { return s.done }``, a nil check allowed)."""
    out: dict[tuple[str, str], str] = {}
    for tname, fields in chan_fields.items():
        for mname, fd in pkg.methods.get(tname, {}).items():
            res = fd.node.child_by_field_name("result")
            if res is None or res.type != "channel_type" or not text(res).startswith("<-") or not fd.recv_name:
                continue
            got = _returned_field(fd.body, fd.recv_name)
            if got in fields:
                out[(tname, mname)] = got
    return out


def _returned_field(body: Node | None, recv: str) -> str | None:
    """The field ``recv.f`` every return of ``body`` gives (``nil`` allowed), else None."""
    found: str | None = None
    for r in own_descendants(body, "return_statement") if body is not None else []:
        vals = [c for c in r.named_children if c.type != "comment"]
        v = strip_parens(vals[0].named_children[0]) if len(vals) == 1 and vals[0].type == "expression_list" and len(vals[0].named_children) == 1 else None
        if v is not None and text(v) == "nil":
            continue
        if v is None or v.type != "selector_expression" or text(v.child_by_field_name("operand")) != recv:
            return None
        f = text(v.child_by_field_name("field"))
        if found is not None and f != found:
            return None
        found = f
    return found


def _returned_by(ident: Node, fn: Node) -> Node | None:
    """The ``return ch`` statement of ``fn`` itself (not of a nested func literal) that
    hands the channel ``ident`` to the caller as a whole result, else None."""
    p = up(ident)
    ret = p.parent if p is not None and p.type == "expression_list" else None
    if ret is None or ret.type != "return_statement":
        return None
    cur = ret.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        cur = cur.parent
    return ret if cur is not None and cur.id == fn.id else None


def _made_binding(pkg: Package, mk: Node) -> Binding | None:
    """The local ``x`` of ``x := make(chan ...)`` (one name, one value)."""
    p = mk.parent
    decl = p.parent if p is not None and p.type == "expression_list" else None
    if decl is None or decl.type != "short_var_declaration":
        return None
    left = expr_list(decl.child_by_field_name("left"))
    b = pkg.resolve(left[0]) if len(left) == 1 and left[0].type == "identifier" else None
    return b if isinstance(b, Binding) and _made_value(b) is not None else None


def _returned_makes(fd: FuncDecl) -> list[Node]:
    """The ``make(chan ...)`` of every return of ``fd`` (one result, no nested literal's
    returns), or [] when some return gives anything else."""
    body, res = fd.body, fd.node.child_by_field_name("result")
    if body is None or res is None or res.type != "channel_type" or b"make(chan" not in (body.text or b""):
        return []
    out: list[Node] = []
    for r in own_descendants(body, "return_statement"):
        vals = expr_list(r.named_children[0]) if r.named_children else []
        v = strip_parens(vals[0]) if len(vals) == 1 else None
        if v is None or not is_make_chan(v):
            return []
        out.append(v)
    return out


def _made_value(b: Binding) -> Node | None:
    """The ``make(chan ...)`` a local channel variable is declared with, else None."""
    v: Node | None = None
    if b.kind in ("short", "var"):
        if b.index < len(b.values) and len(b.values) > 1:
            v = b.values[b.index]
        elif len(b.values) == 1 and b.index == 0:
            v = b.values[0]
    return strip_parens(v) if v is not None and is_make_chan(v) else None


_OP_WORD = re.compile(rb"<-|\brange\b")
_OP_CLOSE_WORD = re.compile(rb"<-|\brange\b|\bclose\b")


def _op_nodes(root: Node, closes: bool) -> list[Node]:
    """Send statements, receive expressions, range clauses (and ``close(...)`` calls when
    ``closes``) of a file, in source order."""
    src = root.text or b""
    base = root.start_byte
    out: list[Node] = []
    for m in (_OP_CLOSE_WORD if closes else _OP_WORD).finditer(src):
        tok = root.descendant_for_byte_range(base + m.start(), base + m.end())
        p = tok.parent if tok is not None else None
        if p is None:
            continue
        if tok.type == "<-":
            if p.type == "send_statement":
                out.append(p)
            elif p.type == "unary_expression":
                op = p.child_by_field_name("operator")
                if op is not None and op.id == tok.id:
                    out.append(p)
        elif tok.type == "range":
            if p.type == "range_clause":
                out.append(p)
        elif tok.type == "identifier" and p.type == "call_expression":
            fn = p.child_by_field_name("function")
            if fn is not None and fn.id == tok.id:
                out.append(p)
    out.sort(key=lambda n: n.start_byte)
    return out


def go_targets(pkg: Package) -> set[str]:
    """Names of the package's functions and methods started with ``go`` somewhere
    (computed once per package, on demand)."""
    cached = pkg.memo.get("chanflow.go_targets")
    if cached is not None:
        return cached
    out: set[str] = set()
    for f in pkg.files:
        if (b"go " not in f.src and b"go\t" not in f.src) or not has_keyword(f.root, f.src, b"go"):
            continue
        for g in descendants(f.root, "go_statement"):
            call = g.named_children[0] if g.named_children else None
            fn = strip_parens(call.child_by_field_name("function")) if call is not None and call.type == "call_expression" else None
            if fn is not None and fn.type in ("identifier", "selector_expression"):
                out.add(text(fn.child_by_field_name("field") if fn.type == "selector_expression" else fn))
    pkg.memo["chanflow.go_targets"] = out
    return out


def never_fed(pkg: Package, c: Chan) -> bool:
    """Does nothing in the package ever send on or close ``c`` (no hand-off to a callee, no
    send or close of a same-named field we could not attribute)?"""
    if c.of(SEND, CLOSE) or any(o.kind == "handoff" for o in c.ops):
        return False
    if isinstance(c.key, tuple):
        return not unattributed_feed(pkg, str(c.key[2]))
    return isinstance(c.key, Binding)


def never_fed_case(pkg: Package, case: Node) -> Chan | None:
    """The channel a select case receives from when it is made in the package, never handed
    out, and never sent on or closed: the case can never fire."""
    comm = case.child_by_field_name("communication") if case.type == "communication_case" else None
    if comm is None or comm.type == "send_statement":
        return None
    recv = next((u for u in descendants(comm, "unary_expression") if text(u.child_by_field_name("operator")) == "<-"), None)
    if recv is None:
        return None
    for c in collect(pkg).chans.values():
        if not c.escapes and c.make is not None and any(o.node.id == recv.id for o in c.of(RECV)):
            return c if never_fed(pkg, c) else None
    return None


def unattributed_feed(pkg: Package, fname: str) -> bool:
    """Is there a ``close(...fname)`` or ``...fname <-`` the channel table did not record?"""
    word = re.escape(fname).encode()
    fed = re.compile(rb"close\([^()]*\b" + word + rb"\)|\b" + word + rb"\s*<-")
    known = {o.node.id for ch in collect(pkg).chans.values() for o in ch.ops}
    for f in pkg.files:
        for m in fed.finditer(f.src):
            n = f.root.descendant_for_byte_range(m.start(), m.end())
            while n is not None and n.type not in ("call_expression", "send_statement", "source_file"):
                n = n.parent
            if n is None or n.id not in known:
                return True
    return False


def _ident_byte(b: int) -> bool:
    return b == 95 or 48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122


def collect(pkg: Package) -> PackageChans:
    cached = pkg.memo.get("chanflow.chans")
    if cached is None:
        cached = Collector(pkg).run()
        pkg.memo["chanflow.chans"] = cached  # shared by GR202 and GR203
    return cached


__all__ = ["CLOSE", "go_targets", "never_fed", "never_fed_case", "RANGE", "RECV", "SEND", "UNKNOWN_CAP", "Chan", "Op", "PackageChans", "VarDecl", "collect"]
