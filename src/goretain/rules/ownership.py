"""Who owns a resource after it is acquired: the lifetime model shared by GR302-GR304.

A *resource* is a value that must be released (a body or file closed, a cancel func
called, a ticker stopped). After its acquisition in a function, every use of the local
variable that holds it is classified:

- release: the release itself (``f.Close()``, ``resp.Body.Close()``, ``cancel()``), also
  as a method value (``t.Cleanup(f.Close)``) or inside a closure (deferred or not);
- handoff: ownership leaves the function: returned, stored (field, map, slice, global,
  channel, composite literal, another variable), its address taken, passed to a function
  that releases or keeps it (same-package callees are read; unresolved callees count as
  handoffs, standard-library reader/writer helpers do not);
- assign: the variable is overwritten (the old value is lost unless released before);
- a goroutine's closure using the value takes it over; when a ``go func() {...}()`` is the
  only user of the value, the path check below runs on the goroutine's body instead (it
  must release the value on each of its own ways out);
- neutral: everything else (``f.Read``, ``rows.Next()``, ``resp.StatusCode``, ``f != nil``).

A light path model then asks, for every *exit* reached after the acquisition (a return,
the end of the variable's block, a continue/break leaving it, an overwrite), whether a
release or handoff happens before it on every path. Exits inside the error check right
after the acquisition (``if err != nil { return }``, where the value is nil) and inside
``if x == nil`` are exempt. Nested function literals are their own functions: their
returns are not exits of the acquiring function. A use in the channel operation of a
select case (``case <-t.C:``, ``case out <- f:``) belongs to that case only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from goretain.findings import Related
from goretain.rules.flow import terminates
from goretain.source.package import FuncDecl, Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    FUNC_KINDS,
    call_args,
    callee_name,
    descendants,
    enclosing_func,
    expr_list,
    strip_parens,
    text,
    up,
    word_nodes,
    word_offsets,
)
from goretain.source.types import GoType

RELEASE, HANDOFF, ASSIGN, NEUTRAL = "release", "handoff", "assign", "neutral"
WRAP = "wrap"  # passed to a standard-library constructor that wraps it

# Standard-library packages whose functions read from / write to / wrap a value without
# taking ownership of it (they never close what they are given).
NON_OWNING_PKGS = frozenset({
    "io", "io/ioutil", "bufio", "fmt", "bytes", "strings", "strconv", "errors", "log",
    "encoding/json", "encoding/xml", "encoding/csv", "encoding/binary", "encoding/gob",
    "encoding/hex", "encoding/base64", "encoding/pem", "compress/gzip", "compress/zlib",
    "compress/flate", "compress/bzip2", "archive/tar", "archive/zip", "hash/crc32",
    "crypto/sha256", "crypto/sha1", "crypto/md5", "mime/multipart", "net/http/httputil",
    "image", "image/png", "image/jpeg", "image/gif", "debug/elf", "debug/macho", "debug/pe",
    "text/template", "html/template", "reflect", "sort", "slices", "maps", "math",
    "unicode/utf8",
})
# Of those, calls that do keep their argument alive past the call.
_KEEPING_CALLS = frozenset({("runtime", "SetFinalizer"), ("runtime", "AddCleanup"), ("runtime", "KeepAlive")})
_NEUTRAL_BUILTINS = frozenset({"len", "cap", "print", "println", "panic", "string"})
_BLOCKISH = frozenset({"block", "statement_list", "source_file"})
_BRANCHING = frozenset({
    "if_statement", "expression_switch_statement", "type_switch_statement", "select_statement",
})
MAX_DEPTH = 3


@dataclass(frozen=True)
class Spec:
    """How a kind of resource is released."""

    methods: frozenset[str] = frozenset({"Close"})  # release methods on the value
    via_field: str = ""  # the value's field that owns the resource ("Body" for a response)
    call_releases: bool = False  # the value is a func; calling it releases (cancel funcs)
    handoff_methods: frozenset[str] = frozenset()  # methods that pass ownership on (f.Fd())
    # Calls that consume the owned part to EOF, which releases it too: an HTTP client
    # returns the connection once the body hits EOF. "pkgpath.Func" -> reader argument.
    drains: tuple[tuple[str, int], ...] = ()
    # Methods of the value itself that release the owned part ((*http.Response).Write
    # sends the body and closes it).
    owner_releases: frozenset[str] = frozenset()
    # A field whose receive means the resource expired by itself (a timer's C).
    fired_channel: str = ""


@dataclass
class Use:
    node: Node  # the identifier (or the ``resp.Body`` selector)
    kind: str
    anchor: Node  # the statement of the acquiring function the use belongs to
    closure: Node | None = None  # the outermost function literal it sits in, if any
    deferred: bool = False  # inside a defer statement
    field_store: str = ""  # handoff into a struct field: its name
    detail: str = ""


@dataclass
class Lifetime:
    """The analysis of one acquisition."""

    uses: list[Use] = field(default_factory=list)
    leaks: list[Node] = field(default_factory=list)  # exits not covered by a release/handoff
    reassigned_after_closure: list[Node] = field(default_factory=list)  # see GR304's docs
    goroutine: Node | None = None  # set when the leaks are exits of the goroutine owning the value

    @property
    def released(self) -> bool:
        return any(u.kind in (RELEASE, HANDOFF) for u in self.uses)


# --- small syntax helpers -------------------------------------------------------------


def same_node(a: Node | None, b: Node | None) -> bool:
    return a is not None and b is not None and a.id == b.id


def stmt_of(node: Node) -> Node:
    """The statement holding ``node``: climb until the parent is a block."""
    cur = node
    while cur.parent is not None and cur.parent.type not in _BLOCKISH and cur.parent.type not in FUNC_KINDS:
        cur = cur.parent
    return cur


def following(stmt: Node) -> list[Node]:
    p = stmt.parent
    if p is None or p.type not in ("statement_list", "block"):
        return []
    out: list[Node] = []
    seen = False
    for c in p.named_children:
        if seen and c.type != "comment":
            out.append(c)
        elif c.id == stmt.id:
            seen = True
    return out


def preceding(stmt: Node) -> list[Node]:
    p = stmt.parent
    if p is None or p.type not in ("statement_list", "block"):
        return []
    out: list[Node] = []
    for c in p.named_children:
        if c.id == stmt.id:
            break
        if c.type != "comment":
            out.append(c)
    return out


def block_stmts(node: Node | None) -> list[Node]:
    from goretain.source.syntax import statements

    return statements(node)


def is_left_of_assignment(ident: Node) -> Node | None:
    """The assignment / short var declaration whose left side is ``ident``, if any."""
    p = ident.parent
    if p is None or p.type != "expression_list":
        return None
    g = p.parent
    if g is not None and g.type in ("assignment_statement", "short_var_declaration") and same_node(g.child_by_field_name("left"), p):
        return g
    return None


def ident_uses(root: Node, b: Binding, pkg: Package) -> list[Node]:
    """Identifiers under ``root`` that refer to binding ``b`` (closures included), found
    from the name's bytes: identifiers are the densest node kind, a query over them costs
    far more than a substring search."""
    out: list[Node] = []
    word = b.name.encode()
    base = root.start_byte
    for i, _ in word_offsets(root.text or b"", [word]):
        n = root.named_descendant_for_byte_range(base + i, base + i + len(word))
        if n is not None and n.type == "identifier" and n.start_byte == base + i and n.end_byte == base + i + len(word) \
                and pkg.resolve(n) is b:
            out.append(n)
    return out


def outer_closure(node: Node, func: Node) -> Node | None:
    """The outermost function literal between ``node`` and ``func`` (None if none)."""
    found: Node | None = None
    cur = node.parent
    while cur is not None and cur.id != func.id:
        if cur.type == "func_literal":
            found = cur
        cur = cur.parent
    return found


def within(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


# --- classification -------------------------------------------------------------------

class Classifier:
    """Classifies uses of resource variables; caches what same-package callees do."""

    def __init__(self, pkg: Package, spec: Spec) -> None:
        self.pkg = pkg
        self.spec = spec
        self._callee_cache: dict[tuple[int, int], bool] = {}

    def classify(self, ident: Node, depth: int = 0) -> tuple[str, Node, str]:
        """(kind, value node, field name for a field store)."""
        if is_left_of_assignment(ident) is not None:
            return ASSIGN, ident, ""
        v = ident
        p = up(v)
        if p is None:
            return NEUTRAL, v, ""
        spec = self.spec
        if p.type == "selector_expression" and same_node(strip_parens(p.child_by_field_name("operand")), v):
            fname = text(p.child_by_field_name("field"))
            if spec.via_field and fname == spec.via_field:
                v = p  # resp.Body: the owned part
                p = up(v)
                if p is None:
                    return NEUTRAL, v, ""
                if p.type == "selector_expression" and same_node(strip_parens(p.child_by_field_name("operand")), v):
                    return (RELEASE if text(p.child_by_field_name("field")) in spec.methods else NEUTRAL), v, ""
                if is_left_of_assignment(v) is not None:
                    return NEUTRAL, v, ""
                if spec.drains and p.type == "argument_list" and self._drains(p, v):
                    return RELEASE, v, ""
            elif fname in spec.methods and not spec.via_field:
                return RELEASE, v, ""  # f.Close() or the method value f.Close
            elif fname in spec.owner_releases:
                return RELEASE, v, ""
            elif fname in spec.handoff_methods:
                return HANDOFF, v, ""
            elif fname == spec.fired_channel and _received(p):
                return RELEASE, v, ""  # `<-t.C`: the timer fired, nothing left to stop
            else:
                return NEUTRAL, v, ""
        if spec.call_releases and p.type == "call_expression" and same_node(strip_parens(p.child_by_field_name("function")), v):
            return RELEASE, v, ""
        return self.flow_of(v, depth)

    def _drains(self, args: Node, v: Node) -> bool:
        """Is ``v`` the reader argument of a call that reads it to EOF (``io.ReadAll(v)``)?"""
        call = args.parent
        fn = strip_parens(call.child_by_field_name("function")) if call is not None else None
        if fn is None or fn.type != "selector_expression":
            return False
        op = strip_parens(fn.child_by_field_name("operand"))
        if op is None or op.type != "identifier":
            return False
        name = f"{self.pkg.is_package_name(op)}.{text(fn.child_by_field_name('field'))}"
        argv = call_args(call)
        return any(name == f and i < len(argv) and same_node(argv[i], v) for f, i in self.spec.drains)

    def flow_of(self, v: Node, depth: int, wrapped: bool = False) -> tuple[str, Node, str]:
        """Where the value ``v`` goes: a handoff, or nowhere (neutral). ``wrapped``: v is a
        wrapper around the resource (``bufio.NewReader(f)``): only its escape counts."""
        p = up(v)
        if p is None:
            return NEUTRAL, v, ""
        t = p.type
        if t == "argument_list":
            call = p.parent
            if call is None:
                return NEUTRAL, v, ""
            idx = next((i for i, a in enumerate(call_args(call)) if within(a, v)), 0)
            if up(call) is not None and up(call).type == "go_statement":
                return HANDOFF, v, ""  # `go serve(l)`: the new goroutine owns it
            kind = self.arg_flow(call, idx, depth)
            if kind == WRAP:
                kind = self.flow_of(call, depth, True)[0]
            return kind, v, ""
        if t == "literal_element":
            fname, is_key = struct_key(self.pkg, p)
            return (NEUTRAL, v, "") if is_key else (HANDOFF, v, fname)
        if t in ("return_statement", "send_statement", "literal_value", "composite_literal"):
            return HANDOFF, v, ""
        if t == "keyed_element":
            key = p.named_children[0] if p.named_children else None
            if key is not None and not within(key, v):
                return HANDOFF, v, text(key)
            return HANDOFF, v, ""
        if t == "unary_expression" and text(p.child_by_field_name("operator")) == "&":
            return HANDOFF, v, ""
        if t == "expression_list":
            g = p.parent
            if g is None:
                return NEUTRAL, v, ""
            if g.type == "return_statement":
                return HANDOFF, v, ""
            if g.type in ("assignment_statement", "short_var_declaration", "var_spec") and same_node(g.child_by_field_name("right"), p):
                return self._assigned(g, p, v, wrapped)
            return NEUTRAL, v, ""
        if t in ("assignment_statement", "short_var_declaration", "var_spec") and same_node(p.child_by_field_name("right"), v):
            return self._assigned(p, None, v, wrapped)
        if t in ("type_conversion_expression", "type_assertion_expression"):
            return self.flow_of(p, depth, wrapped)
        return NEUTRAL, v, ""

    def _assigned(self, stmt: Node, right_list: Node | None, v: Node, wrapped: bool) -> tuple[str, Node, str]:
        """``x = v``: a store into a field/index/global is a handoff; so is an alias to a
        local (we do not follow aliases), except for a wrapper kept in a local."""
        target = _target(stmt, right_list, v)
        if target is not None and target.type == "identifier" and text(target) == "_":
            return NEUTRAL, v, ""  # `_ = v` only silences the compiler
        fname = ""
        if target is not None and target.type == "selector_expression":
            fname = text(target.child_by_field_name("field"))
        if wrapped and target is not None and target.type == "identifier":
            ref = self.pkg.resolve(target)
            if isinstance(ref, Binding) and ref.kind in ("short", "var"):
                return NEUTRAL, v, ""
        return HANDOFF, v, fname

    def arg_flow(self, call: Node, idx: int, depth: int) -> str:
        fn = strip_parens(call.child_by_field_name("function"))
        if fn is None:
            return HANDOFF
        if fn.type == "identifier":
            name = text(fn)
            ref = self.pkg.resolve(fn)
            if ref is None:
                if name in _NEUTRAL_BUILTINS:
                    return NEUTRAL
                return HANDOFF  # append, unknown
            if isinstance(ref, FuncDecl):
                return self.callee_flow(ref.node, idx, depth)
            return HANDOFF  # a func value: unknown code
        if fn.type == "func_literal":
            return self.callee_flow(fn, idx, depth)
        if fn.type == "selector_expression":
            operand = strip_parens(fn.child_by_field_name("operand"))
            mname = text(fn.child_by_field_name("field"))
            if operand is not None and operand.type == "identifier":
                path = self.pkg.is_package_name(operand)
                if path:
                    if (text(operand), mname) in _KEEPING_CALLS:
                        return HANDOFF
                    if path in NON_OWNING_PKGS:
                        return WRAP if mname.startswith("New") else NEUTRAL
                    other = self.pkg.sibling(path)
                    if other is not None and mname in other.funcs:
                        sub = Classifier(other, self.spec)
                        return sub.callee_flow(other.funcs[mname].node, idx, depth)
                    return HANDOFF
            recv = self.pkg.type_of(operand)
            base = recv.deref()
            if base.kind == "named" and base.pkg in NON_OWNING_PKGS:
                return NEUTRAL  # a method of a reader/writer/encoder: does not own its argument
            fd = self.pkg.method_decl(recv, mname)
            if fd is not None and (not base.pkg or base.pkg == self.pkg.import_path):
                return self.callee_flow(fd.node, idx, depth)
        return HANDOFF

    def callee_flow(self, func: Node, idx: int, depth: int) -> str:
        """Does a same-package function release or keep its parameter ``idx``?"""
        key = (func.id, idx)
        if key in self._callee_cache:
            return HANDOFF if self._callee_cache[key] else NEUTRAL
        if depth >= MAX_DEPTH:
            return HANDOFF
        self._callee_cache[key] = True  # recursion: assume it keeps
        b = _param_binding(self.pkg, func, idx)
        body = func.child_by_field_name("body")
        keeps = True
        if b is not None and body is not None:
            if b.variadic:
                keeps = True
            else:
                kinds = {self.classify(u, depth + 1)[0] for u in ident_uses(body, b, self.pkg)}
                keeps = bool(kinds & {RELEASE, HANDOFF})
        self._callee_cache[key] = keeps
        return HANDOFF if keeps else NEUTRAL


def struct_key(pkg: Package, elem: Node) -> tuple[str, bool]:
    """For a ``literal_element`` of ``T{name: v}`` where T is a struct type: (the field
    name when ``elem`` is the value, whether ``elem`` is the key - a name, not a use)."""
    kv = elem.parent
    if kv is None or kv.type != "keyed_element" or kv.named_child_count != 2:
        return "", False
    key_elem = kv.named_children[0]
    key = key_elem.named_children[0] if key_elem.named_child_count == 1 else None
    lit = kv.parent.parent if kv.parent is not None else None
    if key is None or key.type != "identifier" or lit is None or lit.type != "composite_literal":
        return "", False
    if pkg.underlying(pkg.type_of(lit)).kind != "struct":
        return "", False
    return ("", True) if same_node(key_elem, elem) else (text(key), False)


_SHUTDOWN_METHODS = ("Close", "Stop", "Shutdown", "Release", "Cancel", "close", "stop", "shutdown", "release")


def field_related(pkg: Package, fname: str, what: str) -> list[Related]:
    """Related locations for a resource kept in field ``fname`` and never released: the
    field's declaration and, when its struct has one, the shutdown method that should
    release it (the first struct of the package declaring such a field)."""
    for td in pkg.types.values():
        tn = td.type_node
        if tn is None or tn.type != "struct_type":
            continue
        for fd in descendants(tn, "field_declaration"):
            if any(text(n) == fname for n in fd.children_by_field_name("name")):
                out = [Related(pkg.location(fd), f"field {fname}: {what}")]
                methods = pkg.methods.get(td.name, {})
                m = next((methods[n] for n in _SHUTDOWN_METHODS if n in methods), None)
                if m is not None:
                    out.append(Related(pkg.location(m.node), f"{td.name}.{m.name} does not release {fname}"))
                return out
    return []


def _received(expr: Node) -> bool:
    p = up(expr)
    return p is not None and p.type == "unary_expression" and text(p.child_by_field_name("operator")) == "<-"


def _anchor(ident: Node, closure: Node | None) -> Node:
    """The statement a use belongs to; for the channel operation of a select case, that
    case (it runs only when the case wins)."""
    if closure is not None:
        return stmt_of(closure)
    cur = ident.parent
    while cur is not None and cur.type not in _BLOCKISH and cur.type not in FUNC_KINDS:
        if cur.type == "communication_case":
            comm = cur.child_by_field_name("communication")
            if comm is not None and within(comm, ident):
                return cur
            break
        cur = cur.parent
    return stmt_of(ident)


def _target(stmt: Node, right_list: Node | None, v: Node) -> Node | None:
    """For ``a, x.f = ..., v``: the left-hand expression receiving ``v``."""
    left = stmt.child_by_field_name("left") or stmt.child_by_field_name("name")
    if left is None:
        return None
    lefts = [c for c in left.named_children if c.type != "comment"] if left.type == "expression_list" else [left]
    idx = 0
    if right_list is not None:
        rights = [c for c in right_list.named_children if c.type != "comment"]
        idx = next((i for i, r in enumerate(rights) if within(r, v)), 0)
    return strip_parens(lefts[idx]) if idx < len(lefts) else None


def _param_binding(pkg: Package, func: Node, idx: int) -> Binding | None:
    params = func.child_by_field_name("parameters")
    if params is None:
        return None
    i = 0
    for p in params.named_children:
        if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        names = p.children_by_field_name("name")
        if not names:
            i += 1
            continue
        for n in names:
            if i == idx:
                ref = pkg.resolve(n) if text(n) != "_" else None
                return ref if isinstance(ref, Binding) else None
            i += 1
    return None


# --- the path model ---------------------------------------------------------------------

def analyse(pkg: Package, cls: Classifier, b: Binding, acq: Node, err_name: str = "",
            expired: tuple[Node, ...] = ()) -> Lifetime:
    """The lifetime of the value acquired by statement ``acq`` into local ``b``.
    ``expired``: nodes (``<-ctx.Done()`` receives) after which the resource has released
    itself, as if released there."""
    func = b.func
    body = func.child_by_field_name("body") if func is not None else None
    life = Lifetime()
    if func is None or body is None:
        return life
    idents = [i for i in ident_uses(body, b, pkg) if not within(acq, i)]
    lit = _sole_goroutine(idents, func, acq)
    if lit is not None:
        return _goroutine_life(cls, b, lit, idents, expired)
    for node in expired:
        closure = outer_closure(node, func)
        if closure is None and node.start_byte > acq.end_byte:  # a goroutine's wait says nothing here
            anchor = _anchor(node, None)
            life.uses.append(Use(node, RELEASE, anchor, None, anchor.type == "defer_statement"))
    for ident in idents:
        kind, v, fstore = cls.classify(ident)
        closure = outer_closure(ident, func)
        anchor = _anchor(ident, closure)
        deferred = anchor.type == "defer_statement"
        if closure is not None and anchor.type == "go_statement" and kind == NEUTRAL:
            kind = HANDOFF  # a goroutine using the value owns it from now on (GR2xx judge it)
        life.uses.append(Use(v, kind, anchor, closure, deferred, fstore))
    releases = [u for u in life.uses if u.kind in (RELEASE, HANDOFF)]
    # `defer func() { if f != nil { f.Close() } }()` registered before the acquisition
    # reads f when the function returns: it closes whatever f holds then.
    early_defer = any(u.kind == RELEASE and u.deferred and u.closure is not None
                      and u.anchor.end_byte <= acq.start_byte for u in releases)
    exempt = _exempt_regions(acq, b, err_name)
    for x in _exits(pkg, b, acq, body, life):
        if any(within(r, x) for r in exempt) or not _reachable(acq, x):
            continue
        if x.type == "identifier":  # an overwrite
            # A deferred closure reads the variable when it runs, so it closes the new
            # value, not this one: it does not cover an overwrite.
            by_ref = [u for u in releases if u.closure is not None and u.deferred]
            direct = [u for u in releases if u not in by_ref]
            if _covered(x, direct, body, b, err_name, acq):
                continue
            if any(u.kind == RELEASE and u.anchor.start_byte < x.start_byte for u in by_ref):
                life.reassigned_after_closure.append(x)
            else:
                life.leaks.append(x)
        elif early_defer and x.type == "return_statement":
            continue
        elif not _covered(x, releases, body, b, err_name, acq):
            life.leaks.append(x)
    return life


def _sole_goroutine(idents: list[Node], func: Node, acq: Node) -> Node | None:
    """The ``go func() {...}()`` literal holding every use of the value, if there is one:
    the goroutine then owns the value and must release it on every way out."""
    lit: Node | None = None
    for i in idents:
        c = outer_closure(i, func)
        if c is None or (lit is not None and c.id != lit.id):
            return None
        lit = c
    if lit is None or within(lit, acq):
        return None
    call = up(lit)
    if call is None or call.type != "call_expression" or call.parent is None or call.parent.type != "go_statement":
        return None
    return lit if same_node(strip_parens(call.child_by_field_name("function")), lit) else None


def _goroutine_life(cls: Classifier, b: Binding, lit: Node, idents: list[Node], expired: tuple[Node, ...]) -> Lifetime:
    """The all-paths check run on the goroutine's body: its returns, the end of its body
    and overwrites must each come after a release or handoff."""
    from goretain.rules.flow import own_descendants

    life = Lifetime(goroutine=lit)
    body = lit.child_by_field_name("body")
    if body is None:
        return life
    for ident in idents:
        kind, v, fstore = cls.classify(ident)
        closure = outer_closure(ident, lit)
        anchor = _anchor(ident, closure)
        if closure is not None and anchor.type == "go_statement" and kind == NEUTRAL:
            kind = HANDOFF
        life.uses.append(Use(v, kind, anchor, closure, anchor.type == "defer_statement", fstore))
    for node in expired:
        if within(body, node) and outer_closure(node, lit) is None:
            life.uses.append(Use(node, RELEASE, _anchor(node, None)))
    releases = [u for u in life.uses if u.kind in (RELEASE, HANDOFF)]
    exits = list(own_descendants(body, "return_statement"))
    exits += [u.node for u in life.uses if u.kind == ASSIGN and u.closure is None]
    stmts = block_stmts(body)
    last = body.child(body.child_count - 1) if body.child_count else None
    if last is not None and last.type == "}" and not (stmts and (terminates(stmts[-1]) or _endless(stmts[-1])
                                                                 or _ranges_own_channel(stmts[-1], b))):
        exits.append(last)
    life.leaks = [x for x in exits if not _covered(x, releases, body, b, "", None)]
    return life


def _ranges_own_channel(stmt: Node, b: Binding) -> bool:
    """``for range t.C`` without a break: a channel of the value itself is not closed
    while the value lives, so the loop only ends with the program."""
    if stmt.type != "for_statement":
        return False
    head = next((c for c in stmt.named_children if c.type == "range_clause"), None)
    over = strip_parens(head.child_by_field_name("right")) if head is not None else None
    if over is None or over.type != "selector_expression" or text(over.child_by_field_name("operand")) != b.name:
        return False
    from goretain.rules.flow import own_descendants

    body = stmt.child_by_field_name("body")
    return body is not None and not any(_leaves(n, body) for n in own_descendants(body, "break_statement"))


def _exits(pkg: Package, b: Binding, acq: Node, body: Node, life: Lifetime) -> list[Node]:
    """Points where the value is lost after ``acq``: returns, jumps leaving the variable's
    block, the end of that block, overwrites of the variable."""
    from goretain.rules.flow import own_descendants

    scope = _scope_node(b.decl if b.kind in ("short", "var") else acq, body)
    if b.kind not in ("short", "var") or not within(scope, acq):
        scope = _scope_node(acq, body)
    out: list[Node] = []
    for n in own_descendants(scope, "return_statement", "continue_statement", "break_statement"):
        if n.start_byte < acq.end_byte:
            continue
        if n.type == "return_statement" or _leaves(n, scope):
            out.append(n)
    for u in life.uses:
        if u.kind == ASSIGN and u.closure is None and u.node.start_byte > acq.end_byte:
            out.append(u.node)
    blocks = [scope] if scope.type == "block" else [c for c in scope.named_children if c.type == "block"]
    for blk in blocks:
        stmts = block_stmts(blk)
        if stmts and (terminates(stmts[-1]) or _endless(stmts[-1])):
            continue
        last = blk.child(blk.child_count - 1)
        if last is not None and last.type == "}" and last.start_byte > acq.end_byte:
            out.append(last)  # falling off the end of the block
    return out


def _endless(stmt: Node) -> bool:
    """A trailing ``for {}`` / ``select {}`` never falls through to the block's end."""
    if stmt.type == "select_statement":
        return not any(c.type in ("communication_case", "default_case") for c in stmt.named_children)
    if stmt.type != "for_statement":
        return False
    head = [c for c in stmt.named_children if c.type not in ("block", "comment")]
    if head:
        return False
    from goretain.rules.flow import own_descendants

    body = stmt.child_by_field_name("body")
    return body is not None and not any(_leaves(n, body) for n in own_descendants(body, "break_statement"))


_HEADER_SCOPES = frozenset({"if_statement", "for_statement", "expression_switch_statement", "type_switch_statement"})


def _scope_node(decl: Node, body: Node) -> Node:
    """The node bounding the variable's life: its block, or the statement whose header
    declares it (``if f, err := os.Open(p); err == nil { ... }``)."""
    cur = decl.parent
    if cur is not None and cur.type == "for_clause":
        cur = cur.parent
    if cur is not None and cur.type in _HEADER_SCOPES:
        return cur
    while cur is not None and cur.id != body.id and cur.type != "block":
        cur = cur.parent
    return cur if cur is not None else body


def _leaves(jump: Node, scope: Node) -> bool:
    """Does a continue/break leave ``scope`` (its loop/switch lies outside it)?"""
    label = next((c for c in jump.named_children if c.type == "label_name"), None)
    if label is not None:
        # `break loop` lands right after the labelled statement: inside scope if it is.
        cur = jump.parent
        while cur is not None and cur.id != scope.id:
            if cur.type == "labeled_statement" and text(cur.child_by_field_name("label")) == text(label):
                return False
            cur = cur.parent
        return True
    kinds = {"for_statement"} if jump.type == "continue_statement" else {
        "for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"}
    cur = jump.parent
    while cur is not None and cur.id != scope.id:
        if cur.type in kinds:
            return False
        cur = cur.parent
    return True


def _reachable(acq: Node, x: Node) -> bool:
    """False when ``x`` sits in another branch of an if/switch than the acquisition."""
    cur = acq.parent
    while cur is not None and not within(cur, x):
        cur = cur.parent
    if cur is None:
        return True
    if cur.type == "if_statement":
        cons, alt = cur.child_by_field_name("consequence"), cur.child_by_field_name("alternative")
        for a, bb in ((cons, alt), (alt, cons)):
            if a is not None and bb is not None and within(a, acq) and within(bb, x):
                return False
    return cur.type not in ("expression_switch_statement", "type_switch_statement", "select_statement")


def _cond_is(cond: Node | None, name: str, op: str) -> bool:
    """``name op nil`` (possibly inside ``||``/``&&``)."""
    cond = strip_parens(cond)
    if cond is None or cond.type != "binary_expression" or not name:
        return False
    o = text(cond.child_by_field_name("operator"))
    left, right = strip_parens(cond.child_by_field_name("left")), strip_parens(cond.child_by_field_name("right"))
    if o == op:
        return (text(left) == name and text(right) == "nil") or (text(right) == name and text(left) == "nil")
    if o in ("||", "&&"):
        return _cond_is(left, name, op) or _cond_is(right, name, op)
    return False


def _err_test(cond: Node | None, err: str) -> bool:
    """Is ``cond`` true only when ``err`` is non-nil (``err != nil``, ``errors.Is(err, X)``,
    ``os.IsNotExist(err)``, ``err == io.EOF``, ``err != nil && ...``)?"""
    cond = strip_parens(cond)
    if cond is None or not err:
        return False
    if cond.type == "binary_expression":
        o = text(cond.child_by_field_name("operator"))
        left, right = strip_parens(cond.child_by_field_name("left")), strip_parens(cond.child_by_field_name("right"))
        if o == "&&":
            return _err_test(left, err) or _err_test(right, err)
        if o == "||":
            return _err_test(left, err) and _err_test(right, err)
        names = (text(left), text(right))
        if o == "!=":
            return err in names and "nil" in names
        if o == "==":
            return err in names and "nil" not in names
        return False
    if cond.type == "call_expression":
        return any(text(a) == err for a in call_args(cond))
    return False


def _exempt_regions(acq: Node, b: Binding, err_name: str) -> list[Node]:
    """Branches where the acquired value is nil: the error checks right after the
    acquisition, and ``if v == nil`` anywhere."""
    out: list[Node] = []
    cands: list[Node] = []
    parent = acq.parent
    if parent is not None and parent.type == "if_statement":
        cands.append(parent)
    cur = acq
    word = re.compile(rf"\b(?:{re.escape(err_name or b.name)}|{re.escape(b.name)})\b")
    failed = False  # after `if err == nil { break }`, err is known non-nil
    for _ in range(4):  # when the acquisition ends its block, the check follows the block
        nxt = following(cur)
        for s in nxt:
            if s.type != "if_statement":
                if word.search(text(s)):
                    break
                continue  # unrelated work between the call and its error check
            init = s.child_by_field_name("initializer")
            cond = s.child_by_field_name("condition")
            if init is not None:  # `if _, err := w.Write(b); err != nil`: another err
                if not cands:
                    cands.append(s)
                break
            cons = s.child_by_field_name("consequence")
            if failed and cons is not None:
                out.append(cons)
                continue
            if _err_test(cond, err_name):
                cands.append(s)
                continue
            if _cond_is(cond, err_name, "==") and s.child_by_field_name("alternative") is None \
                    and cons is not None and block_stmts(cons) and terminates_any(block_stmts(cons)[-1]):
                failed = True
                continue
            if cond is not None and not word.search(text(cond)):
                continue  # `if tc.wantErr { ... }`: a branch on something else; the check may follow
            if not cands:
                cands.append(s)
            break
        if nxt or cur.parent is None or cur.parent.type not in ("statement_list", "block"):
            break
        blk = cur.parent if cur.parent.type == "block" else cur.parent.parent
        cur = blk.parent if blk is not None and blk.parent is not None else cur
        if cur.type == "if_statement" and cur.parent is not None and cur.parent.type == "if_statement":
            cur = cur.parent  # else-if chains
        if cur.type not in ("if_statement", "block"):
            break
    for s in cands:
        cond = s.child_by_field_name("condition")
        cons = s.child_by_field_name("consequence")
        alt = s.child_by_field_name("alternative")
        if cons is not None and _err_test(cond, err_name):
            out.append(cons)
        if alt is not None and _cond_is(cond, err_name, "=="):
            out.append(alt)
    func = b.func
    if func is not None:
        for s in descendants(func, "if_statement"):
            cond = s.child_by_field_name("condition")
            cons = s.child_by_field_name("consequence")
            if cons is not None and _cond_is(cond, b.name, "=="):
                out.append(cons)
    return out


def _covered(x: Node, releases: list[Use], body: Node, b: Binding, err_name: str, acq: Node | None) -> bool:
    """Does a release/handoff happen before exit ``x`` on every path to it?"""
    anchors = {u.anchor.id for u in releases}
    for u in releases:
        if within(u.anchor, x) and (u.node.start_byte <= x.end_byte or x.type == "identifier") \
                and u.anchor.type != "for_statement":  # an overwrite's right side runs first
            return True  # `return f`, `if err := f.Close(); ...{ return }`
    cur = x
    while cur.parent is not None and cur.id != body.id:
        for s in reversed(preceding(cur)):
            if acq is not None and within(s, acq):  # earlier statements run before the acquisition
                return _released_after(acq, s, anchors, b, err_name)
            if _covers(s, anchors, b, err_name):
                return True
        cur = cur.parent
    return False


def _released_after(acq: Node, outer: Node, anchors: set[int], b: Binding, err_name: str) -> bool:
    """Do all paths from ``acq`` to the end of statement ``outer`` pass a release?"""
    cur = acq
    while cur.id != outer.id and cur.parent is not None:
        if any(_covers(s, anchors, b, err_name) for s in following(cur)):
            return True
        cur = cur.parent
    return False


def _covers(s: Node, anchors: set[int], b: Binding, err_name: str, depth: int = 0) -> bool:
    if s.id in anchors:
        return True
    if depth > 6:
        return False
    t = s.type
    if t in ("block", "statement_list"):
        stmts = block_stmts(s) if t == "block" else [c for c in s.named_children if c.type != "comment"]
        return any(_covers(c, anchors, b, err_name, depth + 1) for c in stmts) or bool(stmts and terminates(stmts[-1]))
    if t == "labeled_statement":
        return any(_covers(c, anchors, b, err_name, depth + 1) for c in s.named_children)
    if t == "if_statement":
        cons, alt = s.child_by_field_name("consequence"), s.child_by_field_name("alternative")
        if cons is None:
            return False
        cond = s.child_by_field_name("condition")
        if s.child_by_field_name("initializer") is None and _err_test(cond, err_name):
            return alt is not None and _covers(alt, anchors, b, err_name, depth + 1)  # cons: nil value
        # `if err == nil`, `if f != nil`, or a local flag set together with the value
        # (`if !isStdout { f.Close() }`): the other path holds no value.
        valid_in_cons = _cond_is(cond, err_name, "==") or _cond_is(cond, b.name, "!=")
        success = valid_in_cons or _is_flag(cond)
        if alt is None:
            return success and any(_covers(c, anchors, b, err_name, depth + 1) for c in block_stmts(cons))
        if valid_in_cons and s.child_by_field_name("initializer") is None:
            return _covers(cons, anchors, b, err_name, depth + 1)  # alt: the value is nil
        if _cond_is(cond, b.name, "=="):
            return _covers(alt, anchors, b, err_name, depth + 1)  # cons: the value is nil
        return _covers(cons, anchors, b, err_name, depth + 1) and _covers(alt, anchors, b, err_name, depth + 1)
    if t in ("expression_switch_statement", "type_switch_statement", "select_statement"):
        cases = [c for c in s.named_children if c.type in ("expression_case", "type_case", "communication_case", "default_case")]
        if not any(c.type == "default_case" for c in cases) and t != "select_statement":
            return False
        return bool(cases) and all(_case_covers(c, anchors, b, err_name, depth) for c in cases)
    if t == "for_statement":
        return _drains_rows(s, b)
    return False


def _case_covers(case: Node, anchors: set[int], b: Binding, err_name: str, depth: int) -> bool:
    if case.id in anchors:
        return True  # the case's own channel operation releases (`case <-t.C:`, `case out <- f:`)
    stmts = [c for c in case.named_children if c.type not in ("comment",) and c.parent is not None]
    body = [c for c in stmts if c.type.endswith("statement") or c.type in ("block", "statement_list")]
    flat: list[Node] = []
    for c in body:
        flat.extend(c.named_children if c.type == "statement_list" else [c])
    return any(_covers(c, anchors, b, err_name, depth + 1) for c in flat) or bool(flat and terminates(flat[-1]))


def _drains_rows(loop: Node, b: Binding) -> bool:
    """``for rows.Next() { ... }`` without a break: Next returning false closes the rows."""
    cond = next((c for c in loop.named_children if c.type == "call_expression"), None)
    if cond is None or text(cond.child_by_field_name("function")) != f"{b.name}.Next":
        return False
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    from goretain.rules.flow import own_descendants

    return not any(_leaves(brk, body) for brk in own_descendants(body, "break_statement"))


def _is_flag(cond: Node | None) -> bool:
    cond = strip_parens(cond)
    if cond is not None and cond.type == "unary_expression" and text(cond.child_by_field_name("operator")) == "!":
        cond = strip_parens(cond.child_by_field_name("operand"))
    return cond is not None and cond.type == "identifier" and text(cond) not in ("true", "false")


def terminates_any(stmt: Node) -> bool:
    """A return, break, continue, goto or a call that never returns."""
    return stmt.type in ("break_statement", "continue_statement", "goto_statement") or terminates(stmt)


# --- map entries dropped without releasing their value ----------------------------------

_MAP_OPEN = re.compile(rb"map\[")
_NAME_BEFORE = re.compile(rb"(\w+)[ \t]*(?:=[ \t]*)?$")


def map_names(pkg: Package, elem: re.Pattern[bytes]) -> set[str]:
    """Names declared (or assigned) with a map type whose value type ``elem`` matches, read
    from the bytes (``cancels map[string]context.CancelFunc``): a cheap pre-filter."""
    out: set[str] = set()
    for f in pkg.files:
        src = f.src
        for m in _MAP_OPEN.finditer(src):
            close = src.find(b"]", m.end(), m.end() + 80)
            if close < 0 or elem.match(src, close + 1) is None:
                continue
            start = src.rfind(b"\n", 0, m.start()) + 1
            name = _NAME_BEFORE.search(src, start, m.start())
            if name is not None:
                out.add(name.group(1).decode())
    return out


def map_deletes(pkg: Package, elem_ok: Callable[[GoType], bool], names: set[str]) -> Iterator[tuple[Node, Node, GoType]]:
    """``delete(m, k)`` calls, ``m`` one of ``names``, whose map value (a cancel func, a
    timer) is released by a call on it, but where nothing in the function - nor in a caller
    of it - reads the entry's value first: the dropped value is never released. Yields
    (call, map expression, value type)."""
    for f in pkg.files:
        if b"delete(" not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [b"delete"]):
            call = up(node)
            if node.type != "identifier" or call is None or call.type != "call_expression" \
                    or not same_node(strip_parens(call.child_by_field_name("function")), node) or pkg.resolve(node) is not None:
                continue
            args = call_args(call)
            m = strip_parens(args[0]) if len(args) == 2 else None
            key = _map_word(m)
            if m is None or key not in names:
                continue
            t = pkg.underlying(pkg.type_of(m))
            if t.kind != "map" or t.elem is None or not elem_ok(t.elem):
                continue
            func = enclosing_func(call)
            if func is None or _reads_value(pkg, func, key, call) or _callers_read(pkg, func, key):
                continue
            yield call, m, t.elem


def _map_word(m: Node | None) -> str:
    """The name a map is spelled by: its field (``s.pending``) or variable name."""
    if m is None:
        return ""
    if m.type == "selector_expression":
        return text(m.child_by_field_name("field"))
    return text(m) if m.type == "identifier" else ""


def _reads_value(pkg: Package, func: Node, key: str, skip: Node | None) -> bool:
    """Does ``func`` read a value of the map spelled ``key`` (``m[k]`` used, ``range`` with
    a value, the map handed elsewhere)?"""
    f = pkg.file_of(func)
    for node in word_nodes(func, f.src, [key.encode()]):
        if skip is not None and within(skip, node):
            continue
        m = node.parent if node.type == "field_identifier" else node
        if m is None or (node.type == "identifier" and m.parent is not None and m.parent.type == "selector_expression"
                         and not same_node(m.parent.child_by_field_name("operand"), m)):
            continue
        if node.type not in ("identifier", "field_identifier"):
            continue
        p = up(m)
        if p is None:
            continue
        if p.type == "index_expression" and same_node(strip_parens(p.child_by_field_name("operand")), m):
            if is_left_of_assignment(p) is not None or _discarded_lookup(p):
                continue
            return True
        if p.type == "range_clause":
            left = p.child_by_field_name("left")
            vals = expr_list(left) if left is not None else []
            if len(vals) == 2 and text(vals[1]) != "_":
                return True
            continue
        if p.type == "argument_list" and p.parent is not None and callee_name(p.parent) in ("len", "delete"):
            continue
        if p.type == "expression_list" and is_left_of_assignment(m) is not None:
            continue  # m = make(...): a new map
        if p.type in ("selector_expression", "expression_list", "argument_list", "return_statement", "keyed_element",
                      "literal_element", "assignment_statement", "short_var_declaration"):
            if p.type == "selector_expression" and not same_node(p.child_by_field_name("operand"), m):
                continue
            return True  # the map itself goes somewhere: not followed
    return False


def _discarded_lookup(idx: Node) -> bool:
    """``_, ok := m[k]``: only the presence is read."""
    p = up(idx)
    if p is None or p.type != "expression_list" or p.parent is None:
        return False
    stmt = p.parent
    if stmt.type not in ("short_var_declaration", "assignment_statement") or not same_node(stmt.child_by_field_name("right"), p):
        return False
    lefts = expr_list(stmt.child_by_field_name("left"))
    return len(lefts) == 2 and text(lefts[0]) == "_"


def _callers_read(pkg: Package, func: Node, key: str) -> bool:
    """A helper that only deletes: does a function calling it read the value first?"""
    name = text(func.child_by_field_name("name")) if func.type in ("function_declaration", "method_declaration") else ""
    if not name:
        return True  # a closure: its callers are not followed
    word = name.encode()
    for f in pkg.files:
        if word not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [word]):
            if not node.type.endswith("identifier") or within(func, node):
                continue
            caller = enclosing_func(node)
            if caller is not None and _reads_value(pkg, caller, key, None):
                return True
    return False


def map_stores(pkg: Package, m: Node) -> list[Node]:
    """``m[k] = v`` statements storing into the map spelled like ``m`` (by its name)."""
    key = _map_word(m)
    out: list[Node] = []
    for f in pkg.files:
        if key.encode() + b"[" not in f.src:
            continue
        for node in word_nodes(f.root, f.src, [key.encode()]):
            mm = node.parent if node.type == "field_identifier" else node
            p = up(mm) if mm is not None else None
            if p is not None and p.type == "index_expression" and is_left_of_assignment(p) is not None:
                out.append(is_left_of_assignment(p))  # type: ignore[arg-type]
    return out
