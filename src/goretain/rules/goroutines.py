"""GR201 goroutine-captures-large-object.

A long-running goroutine keeps everything its closure captured reachable until it
exits. When it captures a large object (a struct with big inline arrays, a struct whose
slice field holds a large buffer, an *http.Request) but only reads a few small fields,
the whole object is pinned for nothing: passing those fields as arguments frees it.

The finding points at the ``go`` statement; related locations show the first use of
the captured variable and the construct that keeps the goroutine running.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.flow import LongRun, const_int, long_running, might_run_long
from goretain.source.package import FuncDecl, Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    call_name,
    contains,
    descendants,
    expr_list,
    has_keyword,
    strip_parens,
    text,
)
from goretain.source.types import STDLIB_SIZES, UNKNOWN, GoType, basic, named, ptr

META = RuleMeta(
    id="GR201",
    name="goroutine-captures-large-object",
    category="goroutine-captures-large-object",
    summary="a long-running goroutine captures a large object but only uses a few of its fields",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    docs=(
        "A goroutine keeps every variable its closure captured reachable until the goroutine "
        "exits. When a long-running goroutine (an unbounded `for`, a `for range` over a channel, "
        "a `select` loop, `http.ListenAndServe`) captures a large object - a struct with big "
        "inline arrays, a struct whose slice field holds a large buffer (a big `make`, or a whole "
        "file or body from `os.ReadFile`/`io.ReadAll` set in a literal or constructor, also through "
        "a local variable), an `*http.Request` with "
        "its headers, body and form data - but only reads a few small fields of it, the whole "
        "object stays in memory for the goroutine's lifetime. Copy the fields the goroutine "
        "needs into parameters of the goroutine's function so the object can be collected. "
        "The same applies to a named function started with `go worker(big)` whose long-running "
        "body only reads fields of its parameter. The finding points at the `go` statement."
    ),
    bad=(
        "package p\n\n"
        "type Upload struct {\n"
        "\tID     string\n"
        "\tEvents chan string\n"
        "\tData   [1 << 20]byte\n"
        "}\n\n"
        "func track(u *Upload) {\n"
        "\tgo func() {\n"
        "\t\tfor ev := range u.Events {\n"
        "\t\t\tprintln(u.ID, ev)\n"
        "\t\t}\n"
        "\t}()\n"
        "}\n"
    ),
    good=(
        "package p\n\n"
        "type Upload struct {\n"
        "\tID     string\n"
        "\tEvents chan string\n"
        "\tData   [1 << 20]byte\n"
        "}\n\n"
        "func track(u *Upload) {\n"
        "\tgo func(id string, events chan string) {\n"
        "\t\tfor ev := range events {\n"
        "\t\t\tprintln(id, ev)\n"
        "\t\t}\n"
        "\t}(u.ID, u.Events)\n"
        "}\n"
    ),
    fix="pass the fields the goroutine uses as arguments instead of capturing the whole object",
)


@dataclass(frozen=True)
class Heavy:
    """Why a type counts as large, and which of its fields carry the bulk."""

    what: str  # "~1.0 MiB", "net/http.Request: headers, body, form data"
    bulk: frozenset[str]  # fields whose use means the goroutine needs the big part anyway
    fields: dict[str, GoType] | None = None  # field table for standard-library types


_HTTP = "net/http"
_REQUEST_FIELDS: dict[str, GoType] = {
    "Method": basic("string"), "URL": ptr(named("net/url", "URL")), "Proto": basic("string"),
    "ProtoMajor": basic("int"), "ProtoMinor": basic("int"), "Header": named(_HTTP, "Header"),
    "Body": named("io", "ReadCloser"), "GetBody": GoType("func"), "ContentLength": basic("int64"),
    "TransferEncoding": GoType("slice", elem=basic("string")), "Close": basic("bool"),
    "Host": basic("string"), "Form": named("net/url", "Values"), "PostForm": named("net/url", "Values"),
    "MultipartForm": ptr(named("mime/multipart", "Form")), "Trailer": named(_HTTP, "Header"),
    "RemoteAddr": basic("string"), "RequestURI": basic("string"),
    "TLS": ptr(named("crypto/tls", "ConnectionState")), "Cancel": GoType("chan", elem=GoType("struct")),
    "Response": ptr(named(_HTTP, "Response")), "Pattern": basic("string"),
}
_RESPONSE_FIELDS: dict[str, GoType] = {
    "Status": basic("string"), "StatusCode": basic("int"), "Proto": basic("string"),
    "ProtoMajor": basic("int"), "ProtoMinor": basic("int"), "Header": named(_HTTP, "Header"),
    "Body": named("io", "ReadCloser"), "ContentLength": basic("int64"),
    "TransferEncoding": GoType("slice", elem=basic("string")), "Close": basic("bool"),
    "Uncompressed": basic("bool"), "Trailer": named(_HTTP, "Header"),
    "Request": ptr(named(_HTTP, "Request")), "TLS": ptr(named("crypto/tls", "ConnectionState")),
}
# Standard-library types whose values reference much more memory than their header.
_HEAVY_STDLIB: dict[str, Heavy] = {
    f"{_HTTP}.Request": Heavy(
        "headers, body, form data, TLS state and context",
        frozenset({"Header", "Body", "GetBody", "Form", "PostForm", "MultipartForm", "Trailer", "TLS", "Response"}),
        _REQUEST_FIELDS,
    ),
    f"{_HTTP}.Response": Heavy(
        "headers, body, TLS state and its request",
        frozenset({"Header", "Body", "Trailer", "TLS", "Request"}),
        _RESPONSE_FIELDS,
    ),
}
_COPYABLE_KINDS = frozenset({"pointer", "chan", "map", "slice", "basic", "func", "interface"})
_COPYABLE_STDLIB = frozenset({"context.Context", "time.Duration", "time.Time", "net/url.Values", f"{_HTTP}.Header", "io.ReadCloser", "io.Reader", "io.Writer"})
# Calls whose []byte result is a whole file or stream: a field holding one is a big buffer.
_WHOLE_READS = frozenset({("os", "ReadFile"), ("io", "ReadAll"), ("ioutil", "ReadAll"), ("ioutil", "ReadFile")})




@dataclass
class _PkgInfo:
    """Per-package facts computed on demand and reused across go statements."""

    buffers: dict[str, dict[str, tuple[Node, str]]] = field(default_factory=dict)  # type -> field -> (alloc, what)


@dataclass
class _Use:
    binding: Binding
    idents: list[Node] = field(default_factory=list)


@register(META)
def check(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    info = _PkgInfo()
    for f in pkg.files:
        if not has_keyword(f.root, f.src, b"go"):
            continue  # no go statement: skip the file-wide query (a full traversal)
        for g in descendants(f.root, "go_statement"):
            call = next((c for c in g.named_children if c.type == "call_expression"), None)
            fn = strip_parens(call.child_by_field_name("function")) if call is not None else None
            if fn is None:
                continue
            if fn.type == "func_literal":
                yield from _check_literal(pkg, ctx, info, g, fn)
            elif fn.type == "identifier":
                yield from _check_named(pkg, ctx, info, g, call, fn)


# --- go func(){...}() -----------------------------------------------------------------

def _check_literal(pkg: Package, ctx: RuleContext, info: _PkgInfo, g: Node, lit: Node) -> Iterator[Finding]:
    body = lit.child_by_field_name("body")
    if body is None or not might_run_long(body):
        return
    long: LongRun | None = None
    # Cheapest tests first: syntax, then types, then whether the body runs long.
    for use in _captured(pkg, lit, body):
        b = use.binding
        if b.kind == "receiver" or not _field_reads(use.idents):
            continue
        found = _only_fields(pkg, ctx, info, pkg.binding_type(b), use.idents)
        if found is None or _assigned_after(pkg, b, g):
            continue
        long = long or long_running(pkg, body, waits=False)
        if long is None:
            return
        t, heavy, fields = found
        yield _finding(pkg, ctx, g, long, b.name, t, heavy, fields, use.idents[0], None)


def _field_reads(uses: list[Node]) -> bool:
    """Is every use a read of ``x.f`` (syntax only)?"""
    for u in uses:
        sel = u.parent
        if sel is None or sel.type != "selector_expression" or (sel.child_by_field_name("operand") or sel).id != u.id:
            return False
        if _is_write(sel):
            return False
    return True


def _captured(pkg: Package, lit: Node, body: Node) -> list[_Use]:
    """Variables of enclosing functions that the literal's body refers to."""
    uses: dict[int, _Use] = {}
    for ident in descendants(body, "identifier"):
        ref = pkg.resolve(ident)
        if not isinstance(ref, Binding) or contains(lit, ref.ident):
            continue
        uses.setdefault(id(ref), _Use(ref)).idents.append(ident)
    return list(uses.values())


def _assigned_after(pkg: Package, b: Binding, g: Node) -> bool:
    """Is the variable written after the go statement? Then the goroutine sees the new
    value, and copying fields at the go statement would change what the code does."""
    fn = b.func
    if fn is None:
        return True
    for a in descendants(fn, "assignment_statement", "short_var_declaration", "inc_statement", "dec_statement"):
        if a.start_byte < g.end_byte:
            continue
        targets = expr_list(a.child_by_field_name("left")) if a.type != "inc_statement" and a.type != "dec_statement" else a.named_children[:1]
        for t in targets:
            t = strip_parens(t)
            if t is not None and t.type == "identifier" and t.id != b.ident.id and pkg.resolve(t) is b:
                return True
    return False


# --- go worker(x) ------------------------------------------------------------------------

def _check_named(pkg: Package, ctx: RuleContext, info: _PkgInfo, g: Node, call: Node, fn: Node) -> Iterator[Finding]:
    decl = pkg.resolve(fn)
    if not isinstance(decl, FuncDecl) or decl.node.type != "function_declaration":
        return
    body = decl.body
    if body is None or not might_run_long(body):
        return
    params = _param_idents(decl.node)
    args = call_args(call)
    if len(params) != len(args) or not params:
        return
    long: LongRun | None = None
    for arg, pid in zip(args, params, strict=True):
        if pid is None:
            continue
        b = pkg.resolve(pid)
        if not isinstance(b, Binding):
            continue
        uses = [i for i in descendants(body, "identifier") if text(i) == b.name and pkg.resolve(i) is b]
        if not uses or not _field_reads(uses):
            continue
        found = _only_fields(pkg, ctx, info, pkg.binding_type(b), uses)
        if found is None:
            continue
        long = long or long_running(pkg, body, waits=False)
        if long is None:
            return
        t, heavy, fields = found
        yield _finding(pkg, ctx, g, long, text(arg), t, heavy, fields, uses[0], decl.name)


def _param_idents(fn: Node) -> list[Node | None]:
    """One entry per parameter (None for unnamed, blank or variadic ones)."""
    plist = fn.child_by_field_name("parameters")
    out: list[Node | None] = []
    for p in plist.named_children if plist is not None else []:
        if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        names = p.children_by_field_name("name")
        if p.type == "variadic_parameter_declaration" or not names:
            out.extend([None] * max(1, len(names)))
            continue
        out.extend(n if text(n) != "_" else None for n in names)
    return out


# --- the shared test: a large object of which only small fields are read --------------------

def _only_fields(
    pkg: Package, ctx: RuleContext, info: _PkgInfo, t: GoType, uses: list[Node]
) -> tuple[GoType, Heavy, list[tuple[str, GoType]]] | None:
    """(type, why it is heavy, fields read) when every use is a read of a small field."""
    if t.kind not in ("pointer", "named"):
        return None
    heavy = _heaviness(pkg, ctx, info, t.deref())
    if heavy is None:
        return None
    fields: dict[str, GoType] = {}
    for u in uses:
        sel = u.parent
        if sel is None or sel.type != "selector_expression" or (sel.child_by_field_name("operand") or sel).id != u.id:
            return None  # the object itself is used (passed, compared, copied, called)
        fname = text(sel.child_by_field_name("field"))
        if fname in heavy.bulk or _is_write(sel):
            return None
        ftype = heavy.fields.get(fname, UNKNOWN) if heavy.fields is not None else _own_field(pkg, t, fname)
        if ftype is UNKNOWN or not _copyable(pkg, ftype):
            return None
        fields[fname] = ftype
    return t, heavy, list(fields.items())


def _own_field(pkg: Package, t: GoType, fname: str) -> GoType:
    if pkg.method_decl(t, fname) is not None:
        return UNKNOWN  # a method: it may use the whole object
    return pkg.field_type(t, fname)


def _is_write(node: Node) -> bool:
    """Is ``node`` assigned, incremented or address-taken (so a copy would behave differently)?"""
    p = node.parent
    while p is not None and p.type == "parenthesized_expression":
        node, p = p, p.parent
    if p is None:
        return False
    if p.type == "unary_expression" and text(p.child_by_field_name("operator")) == "&":
        return True
    if p.type in ("inc_statement", "dec_statement"):
        return True
    if p.type == "expression_list" and p.parent is not None and p.parent.type in ("assignment_statement", "short_var_declaration"):
        left = p.parent.child_by_field_name("left")
        return left is not None and left.id == p.id and p.parent.type == "assignment_statement"
    return False


def _copyable(pkg: Package, t: GoType) -> bool:
    """Can the field be passed by value without changing behaviour (no locks, no big copies)?"""
    if t.kind in _COPYABLE_KINDS:
        return True
    if t.kind != "named":
        return False
    if t.pkg:
        return f"{t.pkg}.{t.name}" in _COPYABLE_STDLIB or (
            not pkg.in_module(t.pkg) and pkg.underlying(t).kind in _COPYABLE_KINDS
        )
    return pkg.underlying(t).kind in _COPYABLE_KINDS


def _heaviness(pkg: Package, ctx: RuleContext, info: _PkgInfo, base: GoType) -> Heavy | None:
    if base.kind != "named":
        return None
    key = f"{base.pkg}.{base.name}"
    if key in _HEAVY_STDLIB:
        return _HEAVY_STDLIB[key]
    if key in STDLIB_SIZES or (base.pkg and not pkg.in_module(base.pkg)):
        return None
    u = pkg.underlying(base)
    if u.kind != "struct":
        return None
    size = pkg.size_of(u).bytes
    if size >= ctx.large_object_bytes:
        cut = max(256, size // 8)
        bulk = frozenset(n for n, ft in u.fields if pkg.size_of(ft).bytes >= cut)
        return Heavy(f"~{_human(size)} inline", bulk)
    if base.pkg:
        return None  # buffer allocations are only searched in this package
    slice_fields = frozenset(n for n, ft in u.fields if ft.kind == "slice")
    bufs = _buffer_fields(pkg, ctx, info, base.name, slice_fields) if slice_fields else {}
    if bufs:
        name, (_, what) = next(iter(bufs.items()))
        return Heavy(f"its {name} field holds {what}", frozenset(bufs))
    return None


def _human(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KiB"
    return f"{n} bytes"


# --- slice fields that hold large buffers ----------------------------------------------------

def _buffer_fields(
    pkg: Package, ctx: RuleContext, info: _PkgInfo, tname: str, slice_fields: frozenset[str]
) -> dict[str, tuple[Node, str]]:
    """field -> (allocation, description) for slice fields of package type ``tname`` that
    are given a large buffer: ``T{buf: make([]byte, 1<<20)}``, ``x.buf = make(...)``, or
    a whole file or stream (``os.ReadFile``, ``io.ReadAll``)."""
    if tname in info.buffers:
        return info.buffers[tname]
    out: dict[str, tuple[Node, str]] = {}
    info.buffers[tname] = out
    for f in pkg.files:
        if b"make(" not in f.src and b"ReadFile(" not in f.src and b"ReadAll(" not in f.src:
            continue
        for n in descendants(f.root, "keyed_element", "assignment_statement"):
            for fname, value, owner in _field_stores(n, slice_fields):
                if value.type == "identifier" and not _alloc_before(f.src, value):
                    continue
                what = _big_alloc(pkg, ctx, _through_local(pkg, value))
                if what and fname not in out and _owner_is(pkg, owner, tname):
                    out[fname] = (value, what)
    return out


def _owner_is(pkg: Package, owner: Node, tname: str) -> bool:
    """Is ``owner`` (a composite literal's type, or the operand of ``x.f``) of type tname?"""
    if owner.type in ("type_identifier", "generic_type"):
        return text(owner).split("[", 1)[0] == tname
    base = pkg.type_of(owner).deref()
    return base.kind == "named" and not base.pkg and base.name == tname


_ALLOC_WORDS = (b"make(", b"ReadFile(", b"ReadAll(")


def _alloc_before(src: bytes, ident: Node) -> bool:
    """Syntax-only pre-check for _through_local: does the function holding ident allocate
    or read a buffer before it?"""
    top = ident
    while top.parent is not None and top.parent.type != "source_file":
        top = top.parent
    return any(src.find(w, top.start_byte, ident.start_byte) >= 0 for w in _ALLOC_WORDS)


def _through_local(pkg: Package, value: Node) -> Node:
    """The call a local variable was bound to (``b, err := os.ReadFile(p)``; ``T{Data: b}``):
    the field then holds what that call returned. Anything else is returned as is."""
    if value.type != "identifier":
        return value
    b = pkg.resolve(value)
    if not isinstance(b, Binding) or b.kind not in ("short", "var") or not b.values:
        return value
    v = strip_parens(b.values[0] if len(b.values) == 1 else (b.values[b.index] if b.index < len(b.values) else None))
    if v is None or v.type != "call_expression" or (len(b.values) == 1 and b.index > 0):
        return value  # only the first result of a call is the buffer
    return v if not _reassigned(pkg, b, value) else value


def _reassigned(pkg: Package, b: Binding, use: Node) -> bool:
    """Is the local assigned again before ``use`` (then it may hold something else)?"""
    fn = b.func
    if fn is None:
        return True
    for a in descendants(fn, "assignment_statement"):
        if a.start_byte >= use.start_byte:
            break
        for t in expr_list(a.child_by_field_name("left")):
            t = strip_parens(t)
            if t is not None and t.type == "identifier" and text(t) == b.name and pkg.resolve(t) is b:
                return True
    return False


def _field_stores(n: Node, fields: frozenset[str]) -> Iterable[tuple[str, Node, Node]]:
    """(field, value, owner) for ``T{f: v}`` elements and ``x.f = v`` assignments whose
    field is one of ``fields`` and whose value is a call or a local variable (syntax only)."""
    if n.type == "keyed_element":
        kids = [c for c in n.named_children if c.type != "comment"]
        lit = n.parent.parent if n.parent is not None else None
        if len(kids) != 2 or lit is None or lit.type != "composite_literal" or text(kids[0]) not in fields:
            return
        value = _unwrap(kids[1])
        owner = lit.child_by_field_name("type")
        if value.type in ("call_expression", "identifier") and owner is not None:
            yield text(kids[0]), value, owner
        return
    lefts = expr_list(n.child_by_field_name("left"))
    rights = expr_list(n.child_by_field_name("right"))
    for i, left in enumerate(lefts):
        left = strip_parens(left)
        if left is None or left.type != "selector_expression" or text(left.child_by_field_name("field")) not in fields:
            continue
        value = rights[i] if len(rights) == len(lefts) else (rights[0] if len(rights) == 1 and i == 0 else None)
        owner = left.child_by_field_name("operand")
        if value is not None and value.type in ("call_expression", "identifier") and owner is not None:
            yield text(left.child_by_field_name("field")), value, owner


def _unwrap(n: Node) -> Node:
    # keyed_element values are wrapped in literal_element
    if n.type == "literal_element" and n.named_children:
        return n.named_children[0]
    return n


def _big_alloc(pkg: Package, ctx: RuleContext, value: Node) -> str:
    v = strip_parens(value)
    if v is None or v.type != "call_expression":
        return ""
    qual, name = call_name(v)
    if (qual, name) in _WHOLE_READS:
        return f"the whole result of {qual}.{name}"
    if (qual, name) != ("", "make"):
        return ""
    args = call_args(v)
    if len(args) < 2:
        return ""
    t = pkg.type_of_node(args[0])
    if t.kind != "slice":
        return ""
    n = const_int(pkg, args[-1])
    elem = pkg.size_of(t.elem or UNKNOWN).bytes or 1
    if n is None or n * elem < ctx.large_object_bytes:
        return ""
    return f"a {_human(n * elem)} buffer ({text(v)})"


# --- the finding ---------------------------------------------------------------------------

def _finding(
    pkg: Package, ctx: RuleContext, g: Node, long: LongRun, var: str, t: GoType, heavy: Heavy,
    fields: list[tuple[str, GoType]], first_use: Node, callee: str | None,
) -> Finding:
    names = ", ".join(f"{var}.{n}" for n, _ in fields)
    params = ", ".join(f"{_param_name(n)} {ft}" for n, ft in fields)
    args = ", ".join(f"{var}.{n}" for n, _ in fields)
    who = f"{callee}, started here," if callee else "this goroutine"
    msg = (
        f"{who} runs {long.what} and keeps {var} ({t}, {heavy.what}) reachable for as long as it runs, "
        f"but only reads {names}; the whole object cannot be collected"
    )
    if callee:
        fix = f"make {callee} take only what it needs and start it as go {callee}({args})"
    else:
        fix = f"pass the fields as arguments: go func({params}) {{ ... }}({args})"
    related = [
        Related(pkg.location(first_use), f"{var} used here"),
        Related(pkg.location(long.node), f"keeps running: {long.what}"),
    ]
    return ctx.finding(META, pkg, g, msg, symbol=f"{var}:{t}", related=related, fix=fix)


def _param_name(field_name: str) -> str:
    low = field_name[:1].lower() + field_name[1:]
    return low if low not in ("type", "func", "chan", "map", "range", "go", "select", "default") else low + "_"
