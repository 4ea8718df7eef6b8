"""Control-flow questions several rules ask about one function body.

- ``long_running(pkg, root)``: does this code keep its function alive for a long time
  (an unbounded loop, a loop over a channel, an empty select, a blocking server call,
  or - when ``waits`` is set - a blocking wait such as a receive or ``wg.Wait()``)?
- ``runs_long_after(pkg, node)``: the same question for what runs after ``node`` in
  its function (the following statements at every nesting level, and enclosing loops).
- ``statements_after(node)``: those following statements.
- ``trip_bound(pkg, loop)``: a constant upper bound on a loop's iterations, if any.
- ``exits_loop_after(node, loop)``: does every path from ``node`` leave ``loop`` before
  the next iteration (a later ``return``, ``break`` or ``panic`` in the same body)?

All searches stay inside one function: nested function literals are skipped, because
their bodies run at some other time (or never).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from goretain.source.syntax import FUNC_KINDS, call_args, call_name, descendants, strip_parens, text

if TYPE_CHECKING:
    from goretain.source.package import Package

# LongRun kinds, from "certainly for the program's lifetime" to "until someone else acts".
FOREVER = "forever"  # select {} / for {} without an exit
LOOP = "loop"  # an unbounded loop, a loop over a channel
SERVE = "serve"  # a call that serves until shutdown (http.ListenAndServe, srv.Serve)
WAIT = "wait"  # a blocking wait: receive, select without default, wg.Wait, time.Sleep

SMALL_TRIP_COUNT = 64  # loops known to run at most this often count as bounded

_BREAKABLE = frozenset({"for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"})
_TERMINATING_FUNCS = frozenset({
    ("", "panic"), ("os", "Exit"), ("runtime", "Goexit"),
    ("log", "Fatal"), ("log", "Fatalf"), ("log", "Fatalln"),
    ("log", "Panic"), ("log", "Panicf"), ("log", "Panicln"),
})
# Methods of testing.T/B/F (and loggers) that never return.
_TERMINATING_METHODS = frozenset({"Fatal", "Fatalf", "Fatalln", "FailNow", "Skip", "Skipf", "SkipNow", "Panic", "Panicf"})
# Package functions that serve until shutdown.
_SERVE_FUNCS = frozenset({
    "net/http.ListenAndServe", "net/http.ListenAndServeTLS", "net/http.Serve", "net/http.ServeTLS",
    "net/rpc.Accept", "net/http/fcgi.Serve",
})
# Methods (receiver "pkg.Type") that serve until shutdown or block until others act.
_SERVE_METHODS = frozenset({
    "net/http.Server.ListenAndServe", "net/http.Server.ListenAndServeTLS",
    "net/http.Server.Serve", "net/http.Server.ServeTLS", "net/rpc.Server.Accept",
})
_WAIT_METHODS = frozenset({"sync.WaitGroup.Wait", "sync.Cond.Wait"})


@dataclass(frozen=True)
class LongRun:
    node: Node  # the construct that keeps the function running
    kind: str  # FOREVER, LOOP, SERVE or WAIT
    what: str  # "an unbounded for loop", "a for range over channel jobs", ...


def own_descendants(root: Node, *kinds: str) -> list[Node]:
    """descendants(root, *kinds) minus those inside function literals nested in root."""
    found = descendants(root, *kinds, "func_literal")
    out: list[Node] = []
    skip_end = -1
    for n in found:
        if n.start_byte < skip_end:
            continue
        if n.type == "func_literal" and n.id != root.id:
            skip_end = n.end_byte
        if n.type in kinds:
            out.append(n)
    return out


def enclosing_in_func(node: Node, kinds: frozenset[str] | set[str]) -> list[Node]:
    """Ancestors of ``node`` of the given kinds, innermost first, stopping at its function."""
    out: list[Node] = []
    cur = node.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        if cur.type in kinds:
            out.append(cur)
        cur = cur.parent
    return out


# --- loops ------------------------------------------------------------------------------

def loop_header(loop: Node) -> Node | None:
    """The for_clause, range_clause or condition of a for statement (None for ``for {}``)."""
    body = loop.child_by_field_name("body")
    for c in loop.named_children:
        if c.type != "comment" and (body is None or c.id != body.id):
            return c
    return None


def loop_body(loop: Node) -> Node | None:
    return loop.child_by_field_name("body")


def unbounded_loop(pkg: Package, loop: Node) -> LongRun | None:
    """A loop that only ends when something else happens: ``for {}`` (unless its body
    always leaves after one pass) or ``for range ch``."""
    head = loop_header(loop)
    cond: Node | None = None
    if head is not None and head.type == "for_clause":
        cond = head.child_by_field_name("condition")
    elif head is not None and head.type == "range_clause":
        over = head.child_by_field_name("right")
        if pkg.underlying(pkg.type_of(over)).kind == "chan":
            return LongRun(loop, LOOP, f"a for range over channel {text(over)}")
        return None
    else:
        cond = head
    if cond is not None and text(cond) != "true":
        return None
    body = loop_body(loop)
    stmts = _stmts(body)
    if stmts and terminates(stmts[-1], loop):
        return None  # a one-pass or retry loop, not a long-running one
    return LongRun(loop, LOOP, "an unbounded for loop")


def trip_bound(pkg: Package, loop: Node) -> int | None:
    """A constant upper bound on the number of iterations, when the source fixes one."""
    head = loop_header(loop)
    if head is None:
        return None
    if head.type == "range_clause":
        return _range_bound(pkg, strip_parens(head.child_by_field_name("right")))
    if head.type != "for_clause":
        return None
    return _counted_bound(pkg, head)


def _range_bound(pkg: Package, over: Node | None) -> int | None:
    if over is None:
        return None
    if over.type == "composite_literal":
        return _literal_len(over)
    if over.type in ("int_literal", "binary_expression"):
        return _const_int(pkg, over)
    if over.type == "identifier" and pkg.resolve(over) is None:
        return _const_int(pkg, over)  # a package or local constant (range over an int)
    t = pkg.underlying(pkg.type_of(over))
    if t.kind == "pointer":
        t = pkg.underlying(t.deref())
    if t.kind == "array" and t.length is not None:
        return t.length
    if over.type == "identifier":
        # A variable initialised from a literal table (test tables, fixed lists).
        from goretain.source.package import VarDecl
        from goretain.source.scope import Binding

        ref = pkg.resolve(over)
        values: list[Node] = []
        if isinstance(ref, Binding) and ref.kind in ("short", "var"):
            values = ref.values
            idx = ref.index
        elif isinstance(ref, VarDecl):
            values, idx = ref.values, ref.index
        if values and idx < len(values):
            v = strip_parens(values[idx])
            if v is not None and v.type == "composite_literal":
                return _literal_len(v)
            if v is not None and v.type == "call_expression" and call_name(v) == ("", "make"):
                args = call_args(v)
                return _const_int(pkg, args[1]) if len(args) >= 2 else None
    return None


def _literal_len(lit: Node) -> int | None:
    body = lit.child_by_field_name("body")
    if body is None:
        return None
    return sum(1 for c in body.named_children if c.type != "comment")


def _const_int(pkg: Package, node: Node | None) -> int | None:
    node = strip_parens(node)
    if node is None:
        return None
    if node.type == "int_literal":
        try:
            return int(text(node).replace("_", ""), 0)
        except ValueError:
            return None
    if node.type == "identifier":
        name = text(node)
        return pkg.int_consts[name] if name in pkg.int_consts else _local_const(pkg, node, name)
    if node.type == "call_expression" and call_name(node) == ("", "len"):
        args = call_args(node)
        return _range_bound(pkg, strip_parens(args[0])) if len(args) == 1 else None
    if node.type == "binary_expression":
        left = _const_int(pkg, node.child_by_field_name("left"))
        right = _const_int(pkg, node.child_by_field_name("right"))
        op = text(node.child_by_field_name("operator"))
        if left is None or right is None:
            return None
        ops = {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
               "<<": lambda: left << right if 0 <= right < 64 else None,
               "/": lambda: left // right if right else None}
        fn = ops.get(op)
        return fn() if fn is not None else None
    return None


def _local_const(pkg: Package, ident: Node, name: str) -> int | None:
    """A constant declared in an enclosing function (``const n = 10``), innermost first."""
    cur = ident.parent
    while cur is not None and cur.type != "source_file":
        if cur.type in FUNC_KINDS:
            for spec in descendants(cur, "const_spec"):
                names = [text(n) for n in spec.children_by_field_name("name")]
                value = spec.child_by_field_name("value")
                if name in names and value is not None and spec.start_byte < ident.start_byte:
                    values = [c for c in value.named_children if c.type != "comment"] if value.type == "expression_list" else [value]
                    idx = names.index(name)
                    return _const_int(pkg, values[idx]) if idx < len(values) else None
        cur = cur.parent
    return None


def const_int(pkg: Package, node: Node | None) -> int | None:
    """The value of a constant integer expression built from literals and package consts."""
    return _const_int(pkg, node)


def _counted_bound(pkg: Package, clause: Node) -> int | None:
    """``for i := A; i < B; i++`` (or ``<=``) with constant A and B."""
    cond = clause.child_by_field_name("condition")
    init = clause.child_by_field_name("initializer")
    if cond is None or cond.type != "binary_expression":
        return None
    op = text(cond.child_by_field_name("operator"))
    if op not in ("<", "<="):
        return None
    var = text(cond.child_by_field_name("left"))
    hi = _const_int(pkg, cond.child_by_field_name("right"))
    lo: int | None = 0
    if init is not None and init.type in ("short_var_declaration", "assignment_statement"):
        lefts = init.child_by_field_name("left")
        rights = init.child_by_field_name("right")
        if text(lefts) == var and rights is not None and len(rights.named_children) == 1:
            lo = _const_int(pkg, rights.named_children[0])
    if hi is None or lo is None:
        return None
    return max(0, hi - lo + (1 if op == "<=" else 0))


def one_shot_channel(pkg: Package, ch: Node | None) -> bool:
    """A channel that delivers at most one value: ``time.After(d)`` or a ``*time.Timer``'s C."""
    ch = strip_parens(ch)
    if ch is None:
        return False
    if ch.type == "call_expression":
        return call_name(ch) == ("time", "After")
    if ch.type == "selector_expression" and text(ch.child_by_field_name("field")) == "C":
        return pkg.type_of(ch.child_by_field_name("operand")).deref().is_named("time", "Timer")
    if ch.type == "identifier":
        from goretain.source.scope import Binding

        b = pkg.resolve(ch)
        if isinstance(b, Binding) and len(b.values) == 1 and b.values[0].id != ch.id:
            v = strip_parens(b.values[0])
            return v is not None and v.type != "identifier" and one_shot_channel(pkg, v)
    return False


# --- termination ------------------------------------------------------------------------

def _stmts(block: Node | None) -> list[Node]:
    from goretain.source.syntax import statements

    return statements(block)


def terminates(stmt: Node, loop: Node | None = None) -> bool:
    """Does executing ``stmt`` always leave the function, or ``loop`` when given?"""
    t = stmt.type
    if t == "return_statement":
        return True
    if t == "break_statement":
        return loop is not None and breaks_out_of(stmt, loop)
    if t == "expression_statement":
        call = strip_parens(stmt.named_children[0]) if stmt.named_children else None
        return call is not None and call.type == "call_expression" and _never_returns(call)
    if t == "block":
        stmts = _stmts(stmt)
        return bool(stmts) and terminates(stmts[-1], loop)
    if t == "labeled_statement":
        inner = [c for c in stmt.named_children if c.type not in ("label_name", "comment")]
        return bool(inner) and terminates(inner[-1], loop)
    if t == "if_statement":
        cons = stmt.child_by_field_name("consequence")
        alt = stmt.child_by_field_name("alternative")
        return cons is not None and alt is not None and terminates(cons, loop) and terminates(alt, loop)
    return False


def _never_returns(call: Node) -> bool:
    qual, name = call_name(call)
    if (qual, name) in _TERMINATING_FUNCS:
        return True
    return bool(qual) and "." not in qual and name in _TERMINATING_METHODS and qual not in ("fmt", "errors")


def breaks_out_of(brk: Node, loop: Node) -> bool:
    """Does the (possibly labelled) ``break`` leave ``loop``?"""
    label = next((c for c in brk.named_children if c.type == "label_name"), None)
    if label is None:
        cur = brk.parent
        while cur is not None and cur.type not in FUNC_KINDS:
            if cur.type in _BREAKABLE:
                return cur.id == loop.id
            cur = cur.parent
        return False
    # A labelled break leaves the labelled statement: it leaves `loop` when it is
    # `loop` itself or encloses it.
    name = text(label)
    cur = brk.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        if cur.type == "labeled_statement" and text(cur.child_by_field_name("label")) == name:
            return cur.start_byte <= loop.start_byte and loop.end_byte <= cur.end_byte
        cur = cur.parent
    return False


def enclosing_loop(n: Node) -> Node | None:
    """The innermost for loop around ``n`` in its function (what ``continue`` goes on)."""
    cur = n.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        if cur.type == "for_statement":
            return cur
        cur = cur.parent
    return None


def broken_loop(brk: Node) -> Node | None:
    """The for loop an unlabelled ``break`` leaves (None when it leaves a switch/select)."""
    cur = brk.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        if cur.type in ("expression_switch_statement", "type_switch_statement", "select_statement"):
            return None
        if cur.type == "for_statement":
            return cur
        cur = cur.parent
    return None


def exits_loop_after(node: Node, loop: Node) -> bool:
    """Does every path that runs ``node`` leave ``loop`` before its next iteration?"""
    cur = node
    while cur.parent is not None and cur.id != loop.id:
        for s in _following(cur):
            if terminates(s, loop):
                return True
        cur = cur.parent
    return False


# --- what runs after a node ---------------------------------------------------------------

def _following(stmt: Node) -> list[Node]:
    """Statements after ``stmt`` in the same block (empty when stmt is not in a block)."""
    parent = stmt.parent
    if parent is None or parent.type not in ("statement_list", "block"):
        return []
    out: list[Node] = []
    seen = False
    for c in parent.named_children:
        if seen and c.type != "comment":
            out.append(c)
        elif c.id == stmt.id:
            seen = True
    return out


def statements_after(node: Node) -> Iterator[Node]:
    """Statements that run after ``node`` in its function, innermost block first.

    Only straight-line successors: enclosing loops (which also run their bodies again)
    are reported separately by ``enclosing_in_func(node, {"for_statement"})``.
    """
    cur = node
    while cur.parent is not None and cur.type not in FUNC_KINDS:
        yield from _following(cur)
        cur = cur.parent


def runs_long_after(pkg: Package, node: Node, *, waits: bool = True) -> LongRun | None:
    """The first long-running construct that executes after ``node`` in its function."""
    for s in statements_after(node):
        found = long_running(pkg, s, waits=waits)
        if found is not None:
            return found
    for loop in enclosing_in_func(node, {"for_statement"}):
        found = long_running(pkg, loop, waits=waits)
        if found is not None:
            return found
    return None


def might_run_long(root: Node) -> bool:
    """A syntax-only pre-check for ``long_running(..., waits=False)``: is there a loop, a
    select or a call named like a serve call at all?"""
    if own_descendants(root, "for_statement", "select_statement"):
        return True
    raw = root.text or b""
    return b"Serve" in raw or b"Accept(" in raw


def long_running(pkg: Package, root: Node, *, waits: bool = True) -> LongRun | None:
    """The first construct in ``root`` (a statement or body; nested func literals excluded)
    that keeps the function running for long: see the module docstring."""
    for n in own_descendants(root, "for_statement", "select_statement", "call_expression", "unary_expression"):
        found = _long_node(pkg, n, waits)
        if found is not None:
            return found
    return None


def _long_node(pkg: Package, n: Node, waits: bool) -> LongRun | None:
    t = n.type
    if t == "for_statement":
        found = unbounded_loop(pkg, n)
        if found is None and waits and any(call_name(c) == ("time", "Sleep") for c in own_descendants(n, "call_expression")):
            return LongRun(n, WAIT, "a loop that sleeps on every iteration")
        return found
    if t == "select_statement":
        cases = [c for c in n.named_children if c.type in ("communication_case", "default_case")]
        if not cases:
            return LongRun(n, FOREVER, "an empty select that blocks forever")
        if waits and not any(c.type == "default_case" for c in cases):
            return LongRun(n, WAIT, "a select that blocks until one of its channels is ready")
        return None
    if t == "call_expression":
        return _long_call(pkg, n, waits)
    if t == "unary_expression" and waits and text(n.child_by_field_name("operator")) == "<-":
        parent = n.parent
        if parent is not None and parent.type == "receive_statement":
            return None  # a select case: judged with its select
        return LongRun(n, WAIT, f"a receive from {text(n.child_by_field_name('operand'))}")
    return None


def _long_call(pkg: Package, call: Node, waits: bool) -> LongRun | None:
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None or fn.type != "selector_expression":
        return None
    operand = strip_parens(fn.child_by_field_name("operand"))
    name = text(fn.child_by_field_name("field"))
    if operand is None:
        return None
    if operand.type == "identifier":
        path = pkg.is_package_name(operand)
        if path:
            full = f"{path}.{name}"
            if full in _SERVE_FUNCS:
                return LongRun(call, SERVE, f"{text(operand)}.{name}, which serves until shutdown")
            if waits and full == "time.Sleep":
                return LongRun(call, WAIT, "time.Sleep")
            return None
    if name not in ("Wait", "Serve", "ServeTLS", "ListenAndServe", "ListenAndServeTLS", "Accept"):
        return None  # cheap filter before resolving the receiver's type
    base = pkg.type_of(operand).deref()
    if base.kind != "named" or not base.pkg:
        return None
    key = f"{base.pkg}.{base.name}.{name}"
    if key in _SERVE_METHODS:
        return LongRun(call, SERVE, f"{text(fn)}, which serves until shutdown")
    if waits and key in _WAIT_METHODS:
        return LongRun(call, WAIT, f"{text(fn)}()")
    return None
