"""GR301 defer-retains-pointer.

Go evaluates a deferred call's function value, receiver and arguments when the ``defer``
statement runs, and keeps them until the surrounding function returns. Two leaks follow:

(a) ``defer p.Close()`` (or ``defer cleanup(p)``) and later ``p = nil`` before a long
    loop or wait: the pending call still holds the original object, so "releasing" the
    variable frees nothing until the function returns;
(b) ``defer`` directly inside a loop: every iteration adds a pending call (and pins its
    arguments: files, bodies, contexts) until the function returns.

A deferred closure that reads the variable when it runs (``defer func() { p.Close() }()``)
does not pin the old object in case (a) and is not flagged. A deferred ``Unlock`` of a
per-iteration mutex (``a.mu`` of the range variable) in a loop keeps every one locked
until the function returns; the same mutex on every pass deadlocks, which is GR401's.
Findings point at the ``defer`` statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.flow import (
    SMALL_TRIP_COUNT,
    LongRun,
    enclosing_in_func,
    exits_loop_after,
    loop_header,
    one_shot_channel,
    own_descendants,
    runs_long_after,
    statements_after,
    trip_bound,
    unbounded_loop,
)
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    call_args,
    call_name,
    contains,
    descendants,
    enclosing_func,
    expr_list,
    has_keyword,
    strip_parens,
    text,
)
from goretain.source.types import GoType

META = RuleMeta(
    id="GR301",
    name="defer-retains-pointer",
    category="defer-retains-pointer",
    summary="a deferred call pins its arguments until the function returns, or defers pile up in a loop",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    docs=(
        "Go evaluates a deferred call's receiver and arguments at the `defer` statement and keeps "
        "them until the surrounding function returns. (a) `defer p.Close()` followed later by "
        "`p = nil` (or a reassignment) and then a long-running loop or blocking wait does not "
        "release anything: the pending deferred call still references the original object. "
        "Release it explicitly instead (close it now and guard the deferred call with a flag or "
        "`sync.Once`), or defer a closure, which reads the variable only when it runs. "
        "(b) A `defer` directly inside a loop runs only when the function returns, so every "
        "iteration adds a pending call and keeps its arguments (open files, response bodies, "
        "contexts) alive for the whole loop; a deferred `Unlock` of each element's mutex keeps "
        "every one locked until the return. Move the loop body into its own function or close "
        "explicitly at the end of each iteration. Loops with a small constant trip count and "
        "loops that always return or break after the defer are not reported."
    ),
    bad=(
        "package p\n\n"
        "import \"os\"\n\n"
        "func sizes(paths []string) (total int64) {\n"
        "\tfor _, path := range paths {\n"
        "\t\tf, err := os.Open(path)\n"
        "\t\tif err != nil {\n"
        "\t\t\tcontinue\n"
        "\t\t}\n"
        "\t\tdefer f.Close()\n"
        "\t\tif st, err := f.Stat(); err == nil {\n"
        "\t\t\ttotal += st.Size()\n"
        "\t\t}\n"
        "\t}\n"
        "\treturn total\n"
        "}\n"
    ),
    good=(
        "package p\n\n"
        "import \"os\"\n\n"
        "func size(path string) int64 {\n"
        "\tf, err := os.Open(path)\n"
        "\tif err != nil {\n"
        "\t\treturn 0\n"
        "\t}\n"
        "\tdefer f.Close()\n"
        "\tst, err := f.Stat()\n"
        "\tif err != nil {\n"
        "\t\treturn 0\n"
        "\t}\n"
        "\treturn st.Size()\n"
        "}\n\n"
        "func sizes(paths []string) (total int64) {\n"
        "\tfor _, path := range paths {\n"
        "\t\ttotal += size(path)\n"
        "\t}\n"
        "\treturn total\n"
        "}\n"
    ),
    fix="release explicitly instead of relying on the deferred call, or give each iteration its own function",
)

_LOCK_RELEASES = frozenset({"Unlock", "RUnlock"})


@register(META)
def check(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    for f in pkg.files:
        if not has_keyword(f.root, f.src, b"defer"):
            continue  # no defer statement: skip the file-wide query (a full traversal)
        for d in descendants(f.root, "defer_statement"):
            call = strip_parens(next((c for c in d.named_children if c.type != "comment"), None))
            if call is None or call.type != "call_expression":
                continue
            func = enclosing_func(d)
            if func is None:
                continue
            found = _pile_up(pkg, ctx, d, call, func) or _pinned_after_release(pkg, ctx, d, call, func)
            if found is not None:
                yield found


# --- shared --------------------------------------------------------------------------------

def _root_ident(e: Node | None) -> Node | None:
    """The variable at the root of ``x`` / ``x.f.g`` (None for calls, indexes, literals)."""
    e = strip_parens(e)
    while e is not None and e.type == "selector_expression":
        e = strip_parens(e.child_by_field_name("operand"))
    return e if e is not None and e.type == "identifier" else None


@dataclass(frozen=True)
class _Held:
    expr: Node  # what the defer evaluated: p, p.Body, cancel
    root: Node  # the variable it comes from
    binding: Binding
    receiver: bool  # the receiver of a deferred method call (defer p.Close())


def _evaluated(pkg: Package, call: Node, keep: Callable[[Node], bool] | None = None) -> list[_Held]:
    """The local variables whose values the defer evaluates now: the function value, the
    receiver and the arguments (constants, package names and globals left out). ``keep``
    filters the root identifiers before the (costlier) name resolution."""
    out: list[_Held] = []
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is not None and fn.type == "identifier":
        _add_held(pkg, out, fn, False, keep)  # a func value held in a variable (a context's cancel)
    if fn is not None and fn.type == "selector_expression":
        _add_held(pkg, out, strip_parens(fn.child_by_field_name("operand")), True, keep)
    for a in call_args(call):
        a = strip_parens(a)
        if a is not None and a.type == "unary_expression" and text(a.child_by_field_name("operator")) == "&":
            a = strip_parens(a.child_by_field_name("operand"))
        _add_held(pkg, out, a, False, keep)
    return out


def _add_held(pkg: Package, out: list[_Held], expr: Node | None, receiver: bool, keep: Callable[[Node], bool] | None) -> None:
    root = _root_ident(expr)
    if expr is None or root is None or (keep is not None and not keep(root)):
        return
    b = pkg.resolve(root)
    if isinstance(b, Binding):
        out.append(_Held(expr, root, b, receiver))


def _shown(call: Node) -> str:
    """The deferred call as one short line (a func literal's body elided)."""
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is not None and fn.type == "func_literal":
        params = text(fn.child_by_field_name("parameters"))
        shown = f"func{params} {{ ... }}{text(call.child_by_field_name('arguments'))}"
    else:
        shown = text(call)
    shown = " ".join(shown.split())
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _func_label(func: Node) -> str:
    if func.type == "func_literal":
        return "the enclosing function literal"
    return f"{text(func.child_by_field_name('name'))}"


def _describe(pkg: Package, held: list[_Held]) -> str:
    parts = []
    for h in held:
        t = pkg.type_of(h.expr)
        parts.append(f"{text(h.expr)} ({t})" if t.kind != "unknown" else text(h.expr))
    return ", ".join(parts)


# --- (b) defers piling up in a loop ----------------------------------------------------------

def _pile_up(pkg: Package, ctx: RuleContext, d: Node, call: Node, func: Node) -> Finding | None:
    loops = enclosing_in_func(d, {"for_statement"})
    if not loops:
        return None
    unlock = call_name(call)[1] in _LOCK_RELEASES
    for loop in loops:
        if exits_loop_after(d, loop) or _one_shot_case(pkg, d, loop):
            continue
        bound = trip_bound(pkg, loop)
        if bound is not None and bound <= SMALL_TRIP_COUNT:
            continue
        held = _per_iteration(pkg, call, loop)
        if unlock:
            if loop.id != loops[0].id or not _locks_all_for_nothing(loop):
                return None
            held = [h for h in held if h.receiver]
        if not held:
            continue  # nothing new is pinned per iteration (e.g. a lazily initialised global)
        unbounded = unbounded_loop(pkg, loop)
        fname = _func_label(func)
        kind = unbounded.what if unbounded is not None else f"a loop ({_loop_desc(loop)})"
        if unlock:
            msg = (
                f"defer {_shown(call)} inside {kind}: each iteration locks another {_describe(pkg, held)} and keeps "
                f"it locked until {fname} returns, though nothing after the loop needs it: every goroutine that needs "
                "one of them blocks until then, and the locks pile up with the elements"
            )
        else:
            msg = (
                f"defer {_shown(call)} inside {kind}: each iteration adds a pending call holding "
                f"{_describe(pkg, held)} that only runs when {fname} returns, so they pile up for the whole loop"
            )
        fix = (
            "move the loop body into its own function (or a func literal called per iteration) so the "
            f"deferred call runs at the end of each iteration, or call {_shown(call)} explicitly there"
        ) if not unlock else f"call {_shown(call)} at the end of each iteration instead of deferring it"
        conf = Confidence.HIGH if unbounded is not None else Confidence.MEDIUM
        related = [Related(pkg.location(loop), "loop whose iterations each add a deferred call")]
        return ctx.finding(META, pkg, d, msg, symbol=f"{fname}:defer {_shown(call)}", related=related, confidence=conf, fix=fix)
    return None


_PURE_BUILTINS = frozenset({"len", "cap", "min", "max"})


def _locks_all_for_nothing(loop: Node) -> bool:
    """A range loop that visits every element (no return, break or goto in it) and after
    which the function only computes its result: the locks kept until the return guard
    nothing (a loop that stops at a found element, or work done after the loop with every
    element locked, is a deliberate lock-all or hand-over-hand walk)."""
    head = loop_header(loop)
    body = loop.child_by_field_name("body")
    if head is None or head.type != "range_clause" or body is None:
        return False
    if own_descendants(body, "return_statement", "goto_statement") or any(
            _leaves(b, loop) for b in own_descendants(body, "break_statement")):
        return False
    for st in statements_after(loop):
        for c in own_descendants(st, "call_expression"):
            fn = strip_parens(c.child_by_field_name("function"))
            if fn is None or fn.type != "identifier" or text(fn) not in _PURE_BUILTINS:
                return False
        if own_descendants(st, "go_statement", "send_statement", "for_statement"):
            return False
    return True


def _leaves(brk: Node, loop: Node) -> bool:
    """Does the (possibly labelled) ``break`` leave ``loop``?"""
    if any(c.type == "label_name" for c in brk.named_children):
        return True
    cur = brk.parent
    while cur is not None and cur.id != loop.id:
        if cur.type in ("for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"):
            return False
        cur = cur.parent
    return True


def _per_iteration(pkg: Package, call: Node, loop: Node) -> list[_Held]:
    """Values the deferred call keeps that belong to one iteration of ``loop``: variables
    declared in the loop, evaluated by the defer or captured by a deferred closure."""
    held = [h for h in _evaluated(pkg, call) if contains(loop, h.binding.ident) and _worth_holding(pkg, h, False)]
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is not None and fn.type == "func_literal":
        seen: set[int] = {id(h.binding) for h in held}
        for ident in descendants(fn, "identifier"):
            b = pkg.resolve(ident)
            if isinstance(b, Binding) and id(b) not in seen and contains(loop, b.ident) and not contains(fn, b.ident):
                h = _Held(ident, ident, b, False)
                if _worth_holding(pkg, h, True):
                    seen.add(id(b))
                    held.append(h)
    return [h for h in held if not _handed_off(pkg, h.binding, loop)]


def _handed_off(pkg: Package, b: Binding, loop: Node) -> bool:
    """Is the per-iteration value stored somewhere that outlives the iteration (an outer
    slice, map, field or variable) or given to a goroutine? Then it is kept alive anyway,
    and closing everything when the function returns is the intent."""
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    for ident in descendants(body, "identifier"):
        if text(ident) != b.name or ident.id == b.ident.id or pkg.resolve(ident) is not b:
            continue
        cur = ident.parent
        while cur is not None and cur.id != body.id:
            if cur.type == "go_statement":
                return True
            if cur.type == "assignment_statement":
                right = cur.child_by_field_name("right")
                if right is not None and contains(right, ident) and _stored_whole(ident, right) and _outer_target(pkg, cur, loop):
                    return True
                break
            cur = cur.parent
    return False


_VALUE_WRAPPERS = frozenset({
    "unary_expression", "literal_element", "keyed_element", "literal_value", "composite_literal",
    "parenthesized_expression", "argument_list", "expression_list",
})


def _stored_whole(ident: Node, right: Node) -> bool:
    """Is the variable itself (not a field or a call result) part of the stored value?"""
    cur = ident
    while cur.id != right.id and cur.parent is not None:
        p = cur.parent
        if p.type == "call_expression":
            if call_name(p) != ("", "append"):
                return False
        elif p.type not in _VALUE_WRAPPERS:
            return False
        cur = p
    return True


def _outer_target(pkg: Package, assign: Node, loop: Node) -> bool:
    for left in expr_list(assign.child_by_field_name("left")):
        root = _root_ident(_index_base(left))
        if root is None:
            continue
        ref = pkg.resolve(root)
        if not isinstance(ref, Binding) or not contains(loop, ref.ident):
            return True
    return False


def _index_base(e: Node | None) -> Node | None:
    e = strip_parens(e)
    while e is not None and e.type in ("index_expression", "selector_expression"):
        e = strip_parens(e.child_by_field_name("operand"))
    return e


def _worth_holding(pkg: Package, h: _Held, captured: bool) -> bool:
    """Plain numbers and flags pin nothing; a captured variable of unknown type counts only
    when the closure calls a method on it (a resource being released)."""
    t = pkg.type_of(h.expr)
    if t.kind == "basic":
        return t.name in ("string", "error", "any")
    if t.kind == "unknown" and captured:
        sel = h.expr.parent
        return sel is not None and sel.type == "selector_expression" and sel.parent is not None and sel.parent.type == "call_expression"
    return True


def _one_shot_case(pkg: Package, d: Node, loop: Node) -> bool:
    """A defer in a select case of a channel that delivers once (a timer): the case, and
    so the defer, runs at most once however long the loop runs."""
    for case in enclosing_in_func(d, {"communication_case"}):
        if not contains(loop, case):
            break
        comm = case.child_by_field_name("communication")
        recv = comm.child_by_field_name("right") if comm is not None and comm.type == "receive_statement" else None
        recv = strip_parens(recv)
        if recv is not None and recv.type == "unary_expression" and one_shot_channel(pkg, recv.child_by_field_name("operand")):
            return True
    return False


def _loop_desc(loop: Node) -> str:
    head = loop_header(loop)
    s = " ".join(text(head).split()) if head is not None else ""
    return f"for {s[:60]}" if s else "for"


# --- (a) the deferred call still holds what the function "released" ---------------------------

def _pinned_after_release(pkg: Package, ctx: RuleContext, d: Node, call: Node, func: Node) -> Finding | None:
    assigns: list[Node] | None = None
    src = pkg.file_of(d).src

    def assigned_later(root: Node) -> bool:
        return _maybe_assigned(src, text(root), d.end_byte, func.end_byte)

    for h in _evaluated(pkg, call, assigned_later):
        expr, b = h.expr, h.binding
        if assigns is None:
            assigns = [a for a in own_descendants(func, "assignment_statement", "short_var_declaration") if a.start_byte > d.end_byte]
        for a, value in _stores(pkg, assigns, expr, b):
            if not h.receiver and (value is None or value.type != "nil"):
                continue  # defer restore(old) then x = new: a saved value, not a release
            long = runs_long_after(pkg, a)
            if long is None:
                continue
            t = pkg.type_of(expr)  # last: typing may load other packages
            if t.kind == "basic" and t.name not in ("string", "error", "any"):
                break
            return _release_finding(pkg, ctx, d, call, func, expr, t, a, value, long)
    return None


def _maybe_assigned(src: bytes, name: str, start: int, end: int) -> bool:
    """Cheap text test before any tree query: does ``name`` appear on the left of an ``=``?
    Same answer as searching ``_assign_pattern(name)`` in src[start:end], without compiling
    a pattern per name: find the name, check the word boundaries, match the rest."""
    word = name.encode()
    if not word:
        return _assign_pattern(name).search(src, start, end) is not None
    first, last = word[0] in _WORD, word[-1] in _WORD
    i = src.find(word, start, end)
    while i >= 0:
        j = i + len(word)
        if (i > 0 and src[i - 1] in _WORD) != first and (j < end and src[j] in _WORD) != last \
                and _ASSIGN_TAIL.match(src, j, end) is not None:
            return True
        i = src.find(word, i + 1, end)
    return False


_WORD = frozenset(b"_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ASSIGN_TAIL = re.compile(rb"[\w\s.,]*:?=(?!=)")


@lru_cache(maxsize=512)
def _assign_pattern(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"\b" + re.escape(name.encode()) + rb"\b[\w\s.,]*:?=(?!=)")


def _stores(pkg: Package, assigns: list[Node], expr: Node, b: Binding) -> Iterator[tuple[Node, Node | None]]:
    """Assignments (after the defer) that overwrite ``expr``, with the value stored."""
    want = text(expr)
    for a in assigns:
        if a.type == "assignment_statement" and text(a.child_by_field_name("operator")) != "=":
            continue
        lefts = expr_list(a.child_by_field_name("left"))
        rights = expr_list(a.child_by_field_name("right"))
        for i, left in enumerate(lefts):
            left = strip_parens(left)
            if left is None or text(left) != want:
                continue
            root = _root_ident(left)
            if root is None or root.id == b.ident.id or pkg.resolve(root) is not b:
                continue
            yield a, (rights[i] if len(rights) == len(lefts) else None)


def _release_finding(
    pkg: Package, ctx: RuleContext, d: Node, call: Node, func: Node, expr: Node, t: GoType,
    a: Node, value: Node | None, long: LongRun,
) -> Finding:
    name = text(expr)
    is_nil = value is not None and value.type == "nil"
    did = f"sets {name} to nil" if is_nil else f"reassigns {name}"
    tdesc = f" ({t})" if t.kind != "unknown" else ""
    what = long.what
    msg = (
        f"defer {_shown(call)} evaluated {name}{tdesc} when the defer ran; {_func_label(func)} later {did} "
        f"and then runs {what}, but the pending deferred call still holds the original object "
        "until the function returns"
    )
    fix = (
        f"release it explicitly before the long-running part ({_shown(call)} now, guarded so the defer "
        "does not repeat it: a flag or sync.Once), or defer a closure that reads the variable when it "
        f"runs: defer func() {{ if {name} != nil {{ ... }} }}()"
    )
    related = [
        Related(pkg.location(a), f"{name} {'set to nil' if is_nil else 'reassigned'} here"),
        Related(pkg.location(long.node), f"runs long: {what}"),
    ]
    conf = Confidence.HIGH if is_nil else Confidence.MEDIUM
    return ctx.finding(META, pkg, d, msg, symbol=f"{_func_label(func)}:{name}", related=related, confidence=conf, fix=fix)
