"""GR104: a small sub-slice of a big buffer stored somewhere long-lived keeps all of it.

A sub-slice ``b[i:j]`` (or substring ``s[i:j]``, ``bytes.TrimSpace(b)`` and friends, or an
element of ``strings.Split(s, sep)``)
shares its operand's backing array: storing it keeps the whole buffer reachable. The rule
looks for sub-slices of buffers that are big or of unknown size (a whole file or body
read with ``io.ReadAll``/``os.ReadFile``, a large ``make([]byte, N)``, a parameter named
like a buffer, a ``string(...)`` of one of those) that reach a long-lived place: a
package-level variable, map or slice, a field of a struct a package-level variable
holds, a field of the method's pointer receiver (for buffers made in the method), or a
channel. ``bufio.Scanner.Bytes()`` (and ``Reader.ReadSlice``/``ReadLine``)
results are reported when stored at all: the next call overwrites them.

The value is followed one step: directly at the store (also inside a composite literal)
or through one local variable bound to it; elements of a split, also through a range
variable over one. Any call in between (``bytes.Clone``,
``strings.Clone``, ``string(b[i:j])``, ``append([]byte(nil), ...)``) copies it and ends
the search.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.longlived import (
    Model,
    _build,
    _init_text,
    _init_time,
    _reachable_structs,
    _shapes,
)
from goretain.source.package import Package, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    FUNC_KINDS,
    call_args,
    call_name,
    callee_name,
    descendants,
    expr_list,
    method_calls,
    strip_parens,
    text,
    up,
    word_nodes,
    word_offsets,
)
from goretain.source.types import UNKNOWN, GoType, const_int

GR104 = RuleMeta(
    id="GR104",
    name="subslice-retention",
    category="subslice-retention",
    summary="a sub-slice of a big buffer is stored somewhere long-lived and keeps the whole buffer",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    docs="""
A sub-slice `b[i:j]` shares the backing array of `b`, and a substring `s[i:j]` shares
the bytes of `s`: as long as the small piece is reachable, so is the whole buffer. Keeping
a 16-byte token cut out of a 1 MiB request body in a package-level cache keeps the
megabyte alive for as long as the cache entry.

The rule reports sub-slices (also `bytes.TrimSpace`, `strings.TrimPrefix` and the other
trim functions, which return sub-slices, and elements of `strings.Split`/`Fields`) of buffers that are large or of unknown size - a
whole file or body (`io.ReadAll`, `os.ReadFile`), a `make([]byte, N)` of at least the
large-object size, a parameter named like a buffer (`buf`, `data`, `body`, `payload`,
`raw`, `b`), or `string(...)` of one of those - when the piece is stored in a package-level
variable, map or slice, in a field of a struct a package-level variable holds, or sent on
a channel. A field of the method's pointer receiver (also its map, or a composite literal
stored there) outlives the call too: pieces of a buffer the method allocated or read
whole are reported there, pieces of the caller's buffer (a parser keeping its input) are
not. Split elements are followed through a range variable
(`for _, line := range strings.Split(s, sep)`) and a second split of such an element.
Results of `bufio.Scanner.Bytes()` and `bufio.Reader.ReadSlice`/`ReadLine` are
reported whenever they are stored: the next `Scan` overwrites them.

Copies are fine: `bytes.Clone`, `strings.Clone`, `string(b[i:j])` (a conversion copies),
`append([]byte(nil), b[i:j]...)`, `copy`. Stores made only at initialisation are not
reported.
""",
    bad="""package p

import "io"

var tokens = map[string][]byte{}

func Remember(name string, r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	tokens[name] = body[:16]
	return nil
}
""",
    good="""package p

import (
	"bytes"
	"io"
)

var tokens = map[string][]byte{}

func Remember(name string, r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	tokens[name] = bytes.Clone(body[:16])
	return nil
}
""",
    fix="store a copy: bytes.Clone(b[i:j]), strings.Clone(s[i:j]) or append([]byte(nil), b[i:j]...)",
)

_BUFFER_NAME = re.compile(r"^(b|buf|buffer|data|body|payload|raw)$|(Buf|Buffer|Data|Body|Payload|Raw)$")
_WHOLE_READS = frozenset({("io", "ReadAll"), ("ioutil", "ReadAll"), ("os", "ReadFile"), ("ioutil", "ReadFile")})
# Functions returning a sub-slice of their first argument.
_TRIMS = frozenset({"TrimSpace", "TrimPrefix", "TrimSuffix", "Trim", "TrimLeft", "TrimRight", "TrimFunc",
                    "TrimLeftFunc", "TrimRightFunc"})
_OVERWRITTEN = frozenset({"Bytes", "ReadSlice", "ReadLine"})  # of bufio.Scanner / bufio.Reader
# Functions whose result elements are sub-slices of their first argument.
_SPLITS = frozenset({"Split", "SplitN", "SplitAfter", "SplitAfterN", "Fields", "FieldsFunc"})
_WRAPPERS = frozenset({"parenthesized_expression", "literal_element", "keyed_element", "literal_value",
                       "composite_literal"})
SCANNER = "scanner"
PARAM = "param"  # a buffer handed in by the caller: often meant to be referenced
RECEIVER = "of the receiver"


class _Source:
    """Where a big buffer comes from."""

    def __init__(self, node: Node, what: str, kind: str = "") -> None:
        self.node, self.what, self.kind = node, what, kind


# --- sources ------------------------------------------------------------------------------

def _buffer_source(pkg: Package, ctx: RuleContext, expr: Node | None, depth: int = 0) -> _Source | None:
    """The big (or unknown-size) buffer expr denotes, if any."""
    expr = strip_parens(expr)
    if expr is None or depth > 4:
        return None
    if expr.type == "call_expression":
        inner = _sub_slice_operand(pkg, expr)
        if inner is not None:
            return _buffer_source(pkg, ctx, inner, depth + 1)
        return _call_source(pkg, ctx, expr, depth)
    if expr.type == "slice_expression":
        return _buffer_source(pkg, ctx, expr.child_by_field_name("operand"), depth + 1)
    if expr.type != "identifier":
        return None
    b = pkg.resolve(expr)
    if not isinstance(b, Binding) or isinstance(b, VarDecl):
        return None
    if b.kind == "param":
        t = pkg.underlying(pkg.binding_type(b))
        if _bytes_or_string(t) and _BUFFER_NAME.search(b.name):
            return _Source(b.ident, f"the buffer passed in as {b.name}", PARAM)
        return None
    if b.kind in ("short", "var") and b.values:
        v = b.values[b.index] if b.index < len(b.values) else b.values[0]
        if len(b.values) == 1 and b.index > 0:
            v = b.values[0]  # x, err := io.ReadAll(r)
        if v.start_byte <= expr.start_byte < v.end_byte:
            return None
        return _buffer_source(pkg, ctx, v, depth + 1)
    if b.kind == "range" and b.index == 1 and b.values:
        # for _, line := range strings.Split(s, "\n"): each line shares s's bytes
        over = _split_operand(pkg, b.values[0])
        return _buffer_source(pkg, ctx, over, depth + 1) if over is not None else None
    return None


def _bytes_or_string(t: GoType) -> bool:
    if t.kind == "basic" and t.name == "string":
        return True
    return t.kind == "slice" and t.elem is not None and t.elem.kind == "basic" and t.elem.name in ("byte", "uint8")


def _call_source(pkg: Package, ctx: RuleContext, call: Node, depth: int) -> _Source | None:
    q, name = call_name(call)
    args = call_args(call)
    if (q, name) in _WHOLE_READS and pkg.imports_of(call).get(q, "").endswith(q):
        return _Source(call, f"the whole input read by {q}.{name} here")
    if name in _OVERWRITTEN and q:
        fn = strip_parens(call.child_by_field_name("function"))
        t = pkg.type_of(fn.child_by_field_name("operand")).deref() if fn is not None else None
        if t is not None and (t.is_named("bufio", "Scanner") or t.is_named("bufio", "Reader")):
            return _Source(call, f"the internal buffer returned by {text(call)[:40]} here", SCANNER)
        return None
    if not q and name == "make" and len(args) >= 2 and _bytes_or_string(pkg.type_of(call)):
        n = const_int(args[1], pkg.int_consts)
        if n is not None and n >= ctx.large_object_bytes:
            return _Source(call, f"the {n}-byte buffer allocated here")
        return None
    if not q and name == "string" and len(args) == 1:
        inner = _buffer_source(pkg, ctx, args[0], depth + 1)
        if inner is not None and inner.kind != SCANNER:
            return _Source(inner.node, inner.what.replace("the ", "a string copy of the ", 1), inner.kind)
    return None


def _sub_slice_operand(pkg: Package, node: Node) -> Node | None:
    """The operand whose backing array node shares (b in b[i:j], TrimSpace(b)), or None."""
    if node.type == "slice_expression":
        if _whole(node):
            return None
        return node.child_by_field_name("operand")
    if node.type == "call_expression":
        q, name = call_name(node)
        if name in _TRIMS and pkg.imports_of(node).get(q) in ("bytes", "strings"):
            args = call_args(node)
            return args[0] if args else None
    if node.type == "index_expression":  # parts[i] of parts := strings.Split(s, sep)
        return _split_operand(pkg, node.child_by_field_name("operand"))
    return None


def _split_operand(pkg: Package, expr: Node | None) -> Node | None:
    """The split string/slice when ``expr`` is ``strings.Split(s, ...)`` (or a local bound
    to one): each element of the result shares s's bytes."""
    expr = strip_parens(expr)
    if expr is not None and expr.type == "identifier":
        b = pkg.resolve(expr)
        if not isinstance(b, Binding) or b.kind not in ("short", "var") or len(b.values) != 1:
            return None
        expr = strip_parens(b.values[0])
    if expr is None or expr.type != "call_expression":
        return None
    q, name = call_name(expr)
    if name not in _SPLITS or pkg.imports_of(expr).get(q) not in ("bytes", "strings"):
        return None
    args = call_args(expr)
    return args[0] if args else None


def _whole(sl: Node) -> bool:
    """b[:] and b[0:len(b)]: the same slice, not a piece of it."""
    start, end = sl.child_by_field_name("start"), sl.child_by_field_name("end")
    operand = text(sl.child_by_field_name("operand"))
    no_start = start is None or text(start) == "0"
    cap = sl.child_by_field_name("capacity")
    if no_start and (end is not None and text(end) == "0" or cap is not None and text(cap) in (f"len({operand})", f"cap({operand})")):
        return True  # b[:0], b[0:0:len(b)]: the whole buffer, reused to write into
    return no_start and (end is None or text(end) == f"len({operand})") and cap is None


# --- sinks ---------------------------------------------------------------------------------

class _Sinks:
    """Is this place long-lived? (memoised per package)"""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self._structs: set[str] | None = None
        self._model: Model | None = None

    def structs(self) -> set[str]:
        if self._structs is None:
            out: set[str] = set()
            for sh in _shapes(self.pkg):
                if sh.structs is None:
                    sh.structs = {}
                    _reachable_structs(self.pkg, sh.gotype, sh.structs, _init_text(self.pkg, sh.var))
                out.update(sh.structs)
            self._structs = out
        return self._structs

    def model(self) -> Model:
        if self._model is None:
            self._model = _build(self.pkg, lambda _p, _t: None, set())
        return self._model

    def place(self, x: Node | None, depth: int = 0) -> str:
        """A description of x when it denotes a long-lived place, else ""."""
        x = strip_parens(x)
        if x is None or depth > 3:
            return ""
        if x.type == "identifier":
            ref = self.pkg.resolve(x)
            return f"package-level {text(x)}" if isinstance(ref, VarDecl) and not ref.file.is_test else ""
        if x.type == "index_expression":
            return self.place(x.child_by_field_name("operand"), depth + 1)
        if x.type == "selector_expression":
            operand = strip_parens(x.child_by_field_name("operand"))
            if operand is not None and operand.type == "identifier" and self.pkg.is_package_name(operand):
                return ""
            if self.place(operand, depth + 1).startswith("package-level"):
                return f"field {text(x.child_by_field_name('field'))} of {self.place(operand, depth + 1)}"
            t = self.pkg.type_of(operand).deref()
            if t.kind == "named" and not t.pkg and t.name in self.structs():
                return f"field {text(x.child_by_field_name('field'))} of {t.name} (held by a package-level variable)"
            if t.kind == "named" and not t.pkg and self._pointer_receiver(operand):
                return f"field {text(x.child_by_field_name('field'))} {RECEIVER} {text(operand)} (*{t.name})"
        return ""

    def _pointer_receiver(self, x: Node | None) -> bool:
        """x is the pointer receiver of the enclosing method: what is stored in its fields
        outlives the call."""
        if x is None or x.type != "identifier":
            return False
        b = self.pkg.resolve(x)
        if not isinstance(b, Binding) or b.kind != "receiver" or b.type_node is None:
            return False
        return b.type_node.type == "pointer_type"


_LAST: list[tuple[Package, _Sinks]] = []


def long_lived_place(pkg: Package, x: Node) -> str:
    """A description of expression x when it denotes a long-lived place (a package var, an
    element of one, a field of a struct a package var holds), else ""."""
    if not _LAST or _LAST[0][0] is not pkg:
        _LAST[:] = [(pkg, _Sinks(pkg))]
    return _LAST[0][1].place(x)


def _value_position(node: Node) -> Node:
    """Climb through parentheses and composite literals: the value that gets stored."""
    x = node
    while x.parent is not None and x.parent.type in _WRAPPERS:
        x = x.parent
    p = x.parent
    if x.type == "literal_value" or (p is not None and p.type == "unary_expression"
                                     and text(p.child_by_field_name("operator")) == "&"):
        x = p if p is not None else x
    return x


def _store(sinks: _Sinks, value: Node, worth: Callable[[], bool] = lambda: True) -> tuple[Node, str] | None:
    """(the store statement, where) when value is stored in a long-lived place; ``worth``
    is asked before the costly question whether the place is long-lived."""
    x = _value_position(value)
    p = x.parent
    if p is None:
        return None
    if p.type == "send_statement" and p.child_by_field_name("value") is not None \
            and p.child_by_field_name("value").id == x.id:
        return p, f"channel {text(p.child_by_field_name('channel'))}"
    if p.type == "index_expression" and p.child_by_field_name("index") is not None \
            and p.child_by_field_name("index").id == x.id:
        left = _assigned_left(p)
        where = sinks.place(p.child_by_field_name("operand")) if left and worth() else ""
        return (left, f"{where} (as a map key)") if left and where else None
    if p.type == "argument_list" and p.parent is not None and p.parent.type == "call_expression" \
            and call_name(p.parent) == ("", "append"):
        args = call_args(p.parent)
        if not args or args[0].id == x.id:
            return None
        target = strip_parens(args[0])
        assign = up(p.parent)
        if assign is None or assign.type != "expression_list" or assign.parent is None \
                or assign.parent.type != "assignment_statement":
            return None
        lefts = expr_list(assign.parent.child_by_field_name("left"))
        if len(lefts) == 1 and target is not None and text(lefts[0]) == text(target):
            where = sinks.place(target) if worth() else ""
            return (assign.parent, where) if where else None
        return None
    if p.type == "expression_list" and p.parent is not None and p.parent.type == "assignment_statement":
        stmt = p.parent
        rights = expr_list(stmt.child_by_field_name("right"))
        lefts = expr_list(stmt.child_by_field_name("left"))
        if p.id != (stmt.child_by_field_name("right") or p).id or len(lefts) != len(rights):
            return None
        i = next((k for k, r in enumerate(rights) if r.id == x.id), -1)
        where = sinks.place(lefts[i]) if i >= 0 and worth() else ""
        return (stmt, where) if where else None
    return None


def _assigned_left(index: Node) -> Node | None:
    """The assignment when index (m[k]) is on its left side."""
    p = up(index)
    if p is not None and p.type == "expression_list" and p.parent is not None \
            and p.parent.type == "assignment_statement":
        left = p.parent.child_by_field_name("left")
        if left is not None and left.id == p.id:
            return p.parent
    return None


def _bound_local(pkg: Package, value: Node) -> tuple[Node, Binding] | None:
    """(identifier, binding) of the local variable value initialises (``v := b[i:j]``)."""
    x = _value_position(value)
    p = x.parent
    if p is None or p.type != "expression_list" or p.parent is None:
        return None
    stmt = p.parent
    if stmt.type == "assignment_statement":  # data = data[:512]: the local now holds the piece
        # only explicit bounds: v = TrimSpace(v) keeps nearly all of v, nothing is cut off
        return _reassigned_local(pkg, stmt, p, x) if x.type == "slice_expression" else None
    if stmt.type not in ("short_var_declaration", "var_spec"):
        return None
    rights = expr_list(stmt.child_by_field_name("right") if stmt.type == "short_var_declaration"
                       else stmt.child_by_field_name("value"))
    lefts = expr_list(stmt.child_by_field_name("left")) if stmt.type == "short_var_declaration" \
        else stmt.children_by_field_name("name")
    if len(lefts) != len(rights):
        return None
    i = next((k for k, r in enumerate(rights) if r.id == x.id), -1)
    if i < 0 or lefts[i].type != "identifier":
        return None
    b = pkg.resolve(lefts[i])
    return (lefts[i], b) if isinstance(b, Binding) and not isinstance(b, VarDecl) else None


def _reassigned_local(pkg: Package, stmt: Node, right: Node, x: Node) -> tuple[Node, Binding] | None:
    """(identifier, binding) for ``v = piece`` with v a local variable (plain ``=`` only)."""
    op = stmt.child_by_field_name("operator")
    if op is None or text(op) != "=" or (stmt.child_by_field_name("right") or right).id != right.id:
        return None
    lefts, rights = expr_list(stmt.child_by_field_name("left")), expr_list(right)
    i = next((k for k, r in enumerate(rights) if r.id == x.id), -1)
    if len(lefts) != len(rights) or i < 0 or lefts[i].type != "identifier":
        return None
    b = pkg.resolve(lefts[i])
    if not isinstance(b, Binding) or isinstance(b, VarDecl) or b.kind not in ("short", "var"):
        return None
    return lefts[i], b


def _local_uses(pkg: Package, ident: Node, b: Binding) -> list[Node]:
    """Uses of local b after its declaration, if it is never reassigned (a reassignment may
    be the copy)."""
    fn = b.func
    if fn is None:
        return []
    out: list[Node] = []
    for use in descendants(fn, "identifier"):
        if use.start_byte <= ident.start_byte or text(use) != b.name or pkg.resolve(use) is not b:
            continue
        u = up(use)
        if u is not None and u.type == "expression_list" and u.parent is not None \
                and u.parent.type == "assignment_statement" and _on_left(u):
            return []
        out.append(use)
    return out


def _on_left(lst: Node) -> bool:
    left = lst.parent.child_by_field_name("left") if lst.parent is not None else None
    return left is not None and left.id == lst.id


# --- the rule ----------------------------------------------------------------------------

_CALL_WORDS = sorted(w.encode() for w in _TRIMS | _OVERWRITTEN)


_SOURCE_WORDS = (b"ReadAll", b"ReadFile", b"make([]byte", b"Bytes()", b"ReadSlice", b"ReadLine")
_NAME_BEFORE_TYPE = re.compile(rb"(?:\b(?:b|buf|buffer|data|body|payload|raw)|[a-z0-9](?:Buf|Buffer|Data|Body|Payload|Raw))"
                               rb"(?:\s*,\s*\w+)*\s+$")


_SPACE = frozenset(b" \t\n\r\f\v")  # the look-behind ends in \s+: a type right after a name's space

_SOURCE_WORD = re.compile(b"|".join(re.escape(w) for w in _SOURCE_WORDS))  # one pass, not six


def _may_hold_buffer(src: bytes) -> bool:
    """Cheap pre-filter: the file reads a whole input, makes a byte buffer or has a
    parameter named like a buffer (bytes.find and a short look-behind, no full-file regex)."""
    if _SOURCE_WORD.search(src) is not None:
        return True
    for typ in (b"[]byte", b"string"):
        i = src.find(typ)
        while i >= 0:
            if i > 0 and src[i - 1] in _SPACE and _NAME_BEFORE_TYPE.search(src, max(0, i - 40), i):
                return True
            i = src.find(typ, i + len(typ))
    return False


def _buffer_hits(src: bytes) -> list[int]:
    """Offsets where a function may get a big buffer: a whole read, a byte-buffer make, or
    a declaration of a []byte/string named like a buffer."""
    hits: list[int] = []
    for w in _SOURCE_WORDS:  # substring search per word beats one alternation regex
        i = src.find(w)
        while i >= 0:
            hits.append(i)
            i = src.find(w, i + len(w))
    for typ in (b"[]byte", b"string"):
        i = src.find(typ)
        while i >= 0:
            if i > 0 and src[i - 1] in _SPACE and _NAME_BEFORE_TYPE.search(src, max(0, i - 40), i):
                hits.append(i)
            i = src.find(typ, i + len(typ))
    return hits


def _buffer_slices(src: bytes, root: Node) -> list[Node]:
    """Slice expressions of the top-level declarations that hold a buffer hit: a source
    is always local to the function (or a parameter of it), so slices elsewhere in the
    file cannot be pieces of one."""
    hits = _buffer_hits(src)
    if not hits:
        return []
    decls = [d for d in root.named_children if d.type not in ("package_clause", "import_declaration", "comment")]
    starts = [d.start_byte for d in decls]
    chosen: dict[int, Node] = {}
    for i in hits:
        k = bisect_right(starts, i) - 1
        if k >= 0 and i < decls[k].end_byte:
            chosen[decls[k].id] = decls[k]
    if len(chosen) * 3 > len(decls):  # most of the file: one file-wide query is cheaper
        return [n for d in chosen.values() for n in descendants(d, "slice_expression", file_wide=True)]
    return [n for d in chosen.values() for n in descendants(d, "slice_expression")]


def _candidates(src: bytes, root: Node) -> Iterable[Node]:
    """Slice expressions, and calls of the trim / overwritten-buffer methods (found by
    name in the source: a query over every call is much slower)."""
    yield from _buffer_slices(src, root)
    if b"Split" in src or b"Fields" in src:
        yield from _split_indexes(root, src)
        for clause in _range_clauses(root, src):
            right = clause.child_by_field_name("right")
            if right is not None and _may_split(src, right):
                yield clause  # type: ignore[misc]
    trims = b"Trim" in src  # one search rules out most of the words
    # No `w in src` test: method_calls' own search of an absent word costs the same scan.
    yield from method_calls(root, src, [w for w in _CALL_WORDS if trims or not w.startswith(b"Trim")])


def _range_clauses(root: Node, src: bytes) -> list[Node]:
    """The range clauses of the file's for loops, in loop order: found from the ``range``
    keyword every clause holds (no traversal of the whole tree)."""
    found: list[Node] = []
    for i, _ in word_offsets(src, (b"range",)):
        clause = root.named_descendant_for_byte_range(i, i + 5)
        loop = clause.parent if clause is not None and clause.type == "range_clause" else None
        if loop is not None and loop.type == "for_statement":
            found.append(clause)  # type: ignore[arg-type]
    found.sort(key=lambda c: (c.parent.start_byte, -c.parent.end_byte))  # type: ignore[union-attr]
    return found


_SPLIT_BOUND = re.compile(rb"(\w+)\s*(?:,\s*\w+\s*)*:?=\s*(?:strings|bytes)\.$")


def _split_indexes(root: Node, src: bytes) -> Iterator[Node]:
    """``parts[i]`` where parts is a local this file binds to a Split/Fields call, and
    ``strings.Split(s, sep)[i]``: found from the bytes (an index_expression query over
    every file that mentions a split is much slower)."""
    names: set[bytes] = set()
    for word in (b"s.Split", b"s.Fields"):  # strings.X / bytes.X; look back on the line only
        i = src.find(word)
        while i >= 0:
            line = src.rfind(b"\n", 0, i) + 1
            m = _SPLIT_BOUND.search(src, line, i + 2)
            if m is not None:
                names.add(m.group(1))
            i = src.find(word, i + len(word))
    for node in word_nodes(root, src, names):
        ix = node.parent
        if ix is not None and ix.type == "index_expression" and _is_operand(ix, node):
            yield ix
    for call in method_calls(root, src, [w.encode() for w in _SPLITS]):
        ix = call.parent
        if ix is not None and ix.type == "index_expression" and _is_operand(ix, call):
            yield ix


def _is_operand(ix: Node, node: Node) -> bool:
    op = ix.child_by_field_name("operand")
    return op is not None and op.id == node.id


def _range_element(pkg: Package, clause: Node) -> tuple[Node, Binding] | None:
    """(identifier, binding) of ``x`` in ``for _, x := range strings.Split(s, sep)`` (or a
    local bound to such a call): every x shares s's bytes."""
    left = expr_list(clause.child_by_field_name("left"))
    if len(left) != 2 or left[1].type != "identifier" or _split_operand(pkg, clause.child_by_field_name("right")) is None:
        return None
    b = pkg.resolve(left[1])
    return (left[1], b) if isinstance(b, Binding) and b.kind == "range" else None


def _may_split(src: bytes, over: Node) -> bool:
    """Can a range over ``over`` be a range over split pieces (syntax only)? A call named
    like a split, or a local whose function mentions one before the loop."""
    if over.type == "call_expression":
        return callee_name(over) in _SPLITS
    if over.type != "identifier":
        return False
    top = over
    while top.parent is not None and top.parent.type != "source_file":
        top = top.parent
    return any(src.find(w, top.start_byte, over.start_byte) >= 0 for w in (b"Split", b"Fields"))


def _analyse_range(pkg: Package, ctx: RuleContext, sinks: _Sinks, clause: Node) -> tuple[Node, str, _Source, Node, Node] | None:
    """A stored element of a split big buffer, reached through the range variable."""
    elem = _range_element(pkg, clause)
    src = _buffer_source(pkg, ctx, elem[0]) if elem is not None else None
    if elem is None or src is None:
        return None
    for v in _local_uses(pkg, *elem):
        got = _store(sinks, v)
        if got is not None and _kept(got[1], src):
            return got[0], got[1], src, v, elem[0]
    return None


def _kept(where: str, src: _Source) -> bool:
    """Does storing a piece of src there retain src for long?"""
    if where.startswith("channel") and src.kind != SCANNER and not src.what.startswith("the whole input"):
        return False  # a channel of pieces of a reused buffer is a pipeline, not retention
    # A receiver's field outlives the call: a buffer made here and kept through a piece is
    # retention; pieces of the caller's buffer or of a reader's window are the design.
    return not (RECEIVER in where and src.kind in (PARAM, SCANNER))


def _analyse_piece(pkg: Package, ctx: RuleContext, sinks: _Sinks, piece: Node) -> tuple[Node, str, _Source, Node, Node] | None:
    """(store, where, source, stored expression, piece) for a piece of a big buffer that is stored."""
    if piece.type == "range_clause":
        return _analyse_range(pkg, ctx, sinks, piece)
    operand = _sub_slice_operand(pkg, piece)
    direct_scan = operand is None and piece.type == "call_expression" and call_name(piece)[1] in _OVERWRITTEN
    if operand is None and not direct_scan:
        return None
    memo: list[_Source | None] = []

    def source() -> _Source | None:
        if not memo:
            memo.append(_buffer_source(pkg, ctx, piece if direct_scan else operand))
        return memo[0]

    got = _store(sinks, piece, lambda: source() is not None)
    values = [piece]
    if got is None:
        local = _bound_local(pkg, piece)  # cheap syntax first; uses only for big sources
        if local is None or source() is None:
            return None
        values = _local_uses(pkg, *local)
    for v in values:
        got = _store(sinks, v, lambda: source() is not None)
        if got is None:
            continue
        src = source()
        if src is None:
            return None
        if _kept(got[1], src):
            return got[0], got[1], src, v, piece
    return None


@register(GR104)
def check(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    out: list[Finding] = []
    sinks: _Sinks | None = None
    stores: set[int] = set()  # one finding per store (m[f[1]] = f[0] stores two pieces)
    for f in pkg.files:
        if f.is_test:
            continue
        for cand in _candidates(f.src, f.root):
            sinks = sinks or _Sinks(pkg)
            got = _analyse_piece(pkg, ctx, sinks, cand)
            if got is None:
                continue
            store, where, src, value, piece = got
            if store.id in stores or _init_time(sinks.model(), store) or _in_func(store) is None \
                    or _released_later(store) or _whole_kept(pkg, src, store):
                continue
            stores.add(store.id)
            out.append(_finding(pkg, ctx, store, where, src, piece, value))
    return out


def _split_piece_type(pkg: Package, piece: Node | None, depth: int = 0) -> GoType:
    """An element of strings.Split(s, ...) has s's type (parts[i], or a range variable)."""
    piece = strip_parens(piece)
    if piece is None or depth > 3:
        return UNKNOWN
    if piece.type == "index_expression":
        operand = _split_operand(pkg, piece.child_by_field_name("operand"))
    elif piece.type == "identifier":
        b = pkg.resolve(piece)
        clause = b.decl if isinstance(b, Binding) and b.kind == "range" else None
        operand = _split_operand(pkg, clause.child_by_field_name("right")) if clause is not None else None
    else:
        return UNKNOWN
    t = pkg.type_of(operand) if operand is not None else UNKNOWN
    return _split_piece_type(pkg, operand, depth + 1) if t.kind == "unknown" else t


def _whole_kept(pkg: Package, src: _Source, store: Node) -> bool:
    """The function also keeps the whole buffer (``p.data = data`` next to
    ``p.head = data[:16]``): the piece pins nothing that is not kept anyway."""
    fn = _in_func(store)
    stmt = src.node.parent.parent if src.node.parent is not None else None
    if fn is None or stmt is None or stmt.type not in ("short_var_declaration", "assignment_statement"):
        return False
    lefts = expr_list(stmt.child_by_field_name("left"))
    name = text(lefts[0]) if lefts and lefts[0].type == "identifier" else ""
    if not name or name.encode() not in (fn.text or b""):
        return False
    for n in descendants(fn, "assignment_statement", "keyed_element"):
        if n.type == "keyed_element":
            kids = [c for c in n.named_children if c.type != "comment"]
            value = kids[-1].named_children[0] if kids and kids[-1].named_children else None
            if len(kids) == 2 and value is not None and text(value) == name:
                return True
            continue
        pairs = zip(expr_list(n.child_by_field_name("left")), expr_list(n.child_by_field_name("right")), strict=False)
        if any(strip_parens(left) is not None and strip_parens(left).type in ("selector_expression", "identifier")  # type: ignore[union-attr]
               and text(right) == name and long_lived_place(pkg, left) for left, right in pairs):
            return True
    return False


def _released_later(store: Node) -> bool:
    """``x = piece ... x = nil`` in the same function: held only while the function runs."""
    if store.type != "assignment_statement":
        return False
    left = expr_list(store.child_by_field_name("left"))
    fn = _in_func(store)
    if len(left) != 1 or fn is None:
        return False
    want = text(left[0])
    for a in descendants(fn, "assignment_statement"):
        if a.start_byte > store.end_byte and text(a.child_by_field_name("left")) == want \
                and text(a.child_by_field_name("right")) == "nil":
            return True
    return False


def _in_func(node: Node) -> Node | None:
    n = node.parent
    while n is not None and n.type not in FUNC_KINDS:
        n = n.parent
    return n


def _finding(pkg: Package, ctx: RuleContext, store: Node, where: str, src: _Source, piece: Node,
             value: Node) -> Finding:
    t = pkg.type_of(piece)
    if t.kind == "unknown" and piece.type == "call_expression" and call_args(piece):
        t = pkg.type_of(call_args(piece)[0])  # TrimPrefix(s, ...) has s's type
    elif t.kind == "unknown" and piece.type in ("index_expression", "identifier"):
        t = _split_piece_type(pkg, piece)
    is_string = t.kind == "basic" and t.name == "string"
    shown = text(piece) if len(text(piece)) <= 40 else text(piece)[:37] + "..."
    via = "" if value.id == piece.id or text(value) == text(piece) else f" (through {text(value)})"
    clause = piece.parent.parent if piece.parent is not None else None
    if clause is not None and clause.type == "range_clause":
        split = text(clause.child_by_field_name("right"))
        shown += f" (an element of {split if len(split) <= 40 else split[:37] + '...'})"
    if src.kind == SCANNER:
        msg = (f"{where} keeps {shown}{via}, which points into {src.what}: the next read overwrites it, and "
               f"the reader's whole buffer stays reachable as long as it is held there")
        fix = f"store a copy: bytes.Clone({text(piece)}) or string({text(piece)})"
        conf = Confidence.HIGH
    else:
        kind = "substring" if is_string else "sub-slice"
        msg = (f"{where} keeps {shown}{via}, a {kind} of {src.what}: it shares the backing "
               f"{'string' if is_string else 'array'}, so all of it stays reachable as long as the {kind} is "
               f"held there")
        fix = (f"store a copy: {'strings' if is_string else 'bytes'}.Clone({text(piece)})")
        conf = Confidence.MEDIUM if not where.startswith("channel") else Confidence.LOW
    related = [Related(pkg.location(src.node), f"{src.what.removeprefix('the ')}")]
    if value.id != piece.id:
        related.append(Related(pkg.location(piece), "the sub-slice is taken here"))
    return ctx.finding(GR104, pkg, store, msg, symbol=f"{pkg.name}.{where.split()[-1]}", related=related,
                       confidence=conf, fix=fix)


__all__ = ["GR104", "check"]
