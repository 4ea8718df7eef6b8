"""GR401: WaitGroup counting mistakes visible in the code that starts the goroutines
(``Add`` inside the counted goroutine, ``Done`` skipped by a return, ``Wait`` in the spawn loop)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.flow import broken_loop, enclosing_loop, loop_header, own_descendants
from goretain.rules.lock_meta import META
from goretain.rules.lock_ops import func_of
from goretain.rules.sync_summary import callee, dominates
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    FUNC_KINDS,
    call_args,
    contains,
    descendants,
    method_calls,
    strip_parens,
    text,
)


def wait_in_spawn_loop(pkg: Package, ctx: RuleContext, root: Node) -> Iterator[Finding]:
    """``wg.Add(n)`` before a loop whose body starts one counted goroutine and then calls
    ``wg.Wait()``: the first pass waits for n Dones with one goroutine started."""
    for loop in descendants(root, "for_statement"):
        body = loop.child_by_field_name("body")
        raw = body.text if body is not None else None
        if body is None or raw is None or b".Wait()" not in raw or b"go " not in raw:
            continue
        waits = [c for c in own_descendants(body, "call_expression") if _wg_call(pkg, c) == "Wait"]
        if not waits:
            continue
        fn = func_of(loop)
        if fn is None:
            continue
        for w in waits:
            key = text(w.child_by_field_name("function").child_by_field_name("operand"))
            adds = [c for c in own_descendants(fn, "call_expression") if _wg_call(pkg, c) == "Add" and _wg_key(c) == key]
            if not adds or any(contains(loop, c) for c in adds):
                continue
            before = [c for c in adds if c.end_byte <= loop.start_byte]
            if not before or any(text(a) == "1" for c in before for a in call_args(c)):
                continue
            spawns = [g for g in own_descendants(body, "go_statement") if g.end_byte <= w.start_byte
                      and any(_wg_call(pkg, c) == "Done" and _wg_key(c) == key for c in descendants(g, "call_expression"))]
            if not spawns:
                continue
            yield ctx.finding(
                META, pkg, w,
                f"{key}.Wait() runs inside the loop that starts the goroutines {key}.Add counted before it: "
                f"the first pass waits for every Done with only one goroutine started, and blocks forever",
                symbol=f"{key}.Wait",
                related=[Related(pkg.location(before[-1]), "the count is added here"),
                         Related(pkg.location(spawns[0]), "one goroutine per pass")],
                fix=f"move {key}.Wait() after the loop",
            )


def _wg_key(call: Node) -> str:
    fn = strip_parens(call.child_by_field_name("function"))
    return text(fn.child_by_field_name("operand")) if fn is not None and fn.type == "selector_expression" else ""


def waitgroups(pkg: Package, ctx: RuleContext, root: Node, *, literals: bool = True) -> Iterator[Finding]:
    """Goroutines (func literals, or same-package functions given the WaitGroup) that can
    skip their ``Done``, or ``Add`` inside the goroutine; ``literals`` is False when the
    file has no ``.Done()`` (only named workers elsewhere can be judged)."""
    for g in descendants(root, "go_statement"):
        call = g.named_children[0] if g.named_children else None
        lit = strip_parens(call.child_by_field_name("function")) if call is not None and call.type == "call_expression" else None
        if lit is None:
            continue
        if lit.type != "func_literal":
            if call is not None and call_args(call):
                found = _worker_skips_done(pkg, ctx, g, call)
                if found is not None:
                    yield found
            continue
        if not literals:
            continue
        body = lit.child_by_field_name("body")
        parent_fn = lit.parent
        while parent_fn is not None and parent_fn.type not in FUNC_KINDS:
            parent_fn = parent_fn.parent
        if body is None or parent_fn is None:
            continue
        waits = [c for c in own_descendants(parent_fn, "call_expression") if _wg_call(pkg, c) == "Wait" and c.start_byte > g.end_byte]
        if not waits:
            continue
        wait_keys = {text(c.child_by_field_name("function").child_by_field_name("operand")) for c in waits}
        calls = own_descendants(body, "call_expression")
        # An Add followed by a go statement counts a goroutine this one starts: fine.
        spawns = [n.start_byte for n in own_descendants(body, "go_statement")]
        for c in calls:
            kind = _wg_call(pkg, c)
            key = text(c.child_by_field_name("function").child_by_field_name("operand")) if kind else ""
            if key not in wait_keys:
                continue
            if kind == "Add" and not any(b > c.start_byte for b in spawns):
                yield ctx.finding(
                    META, pkg, c,
                    f"{key}.Add runs inside the goroutine it counts: {key}.Wait() can return before it, "
                    "or panic when the counter goes negative",
                    symbol=f"{key}.Add", related=[Related(pkg.location(waits[0]), "the Wait")],
                    fix=f"call {key}.Add before the go statement",
                )
            elif kind == "Done" and (c.parent is None or c.parent.type != "defer_statement"):
                early = _skipping_return(body, [d for d in calls if _wg_call(pkg, d) == "Done" and _wg_key(d) == key], c)
                if early is not None:
                    yield ctx.finding(
                        META, pkg, waits[0],
                        f"{key}.Wait() blocks forever when the goroutine returns at line {early.start_point[0] + 1} "
                        f"without calling {key}.Done()",
                        symbol=f"{key}.Done", related=[Related(pkg.location(early), "Done is skipped here"),
                                                       Related(pkg.location(c), "the only Done")],
                        fix=f"`defer {key}.Done()` as the goroutine's first statement",
                    )


def _wg_call(pkg: Package, call: Node) -> str:
    fn = strip_parens(call.child_by_field_name("function"))
    if fn is None or fn.type != "selector_expression":
        return ""
    name = text(fn.child_by_field_name("field"))
    if name not in ("Add", "Done", "Wait"):
        return ""
    t = pkg.type_of(fn.child_by_field_name("operand")).deref()
    return name if t.kind == "named" and t.pkg == "sync" and t.name == "WaitGroup" else ""


def _skipping_return(body: Node, dones: list[Node], done: Node) -> Node | None:
    """A return before ``done`` that no other Done runs ahead of on its path."""
    for r in own_descendants(body, "return_statement"):
        if r.start_byte < done.start_byte and not any(dominates(d, r) for d in dones if d.id != done.id):
            return r
    return None


# --- a named goroutine function that can return before its wg.Done() -----------------------------

def _worker_skips_done(pkg: Package, ctx: RuleContext, g: Node, call: Node) -> Finding | None:
    """``go worker(&wg, ...)`` then ``wg.Wait()``, where the same-package ``worker`` can
    return before its (not deferred) ``Done`` on the WaitGroup parameter."""
    parent_fn = func_of(g)
    if parent_fn is None or pkg.file_of(g).src.find(b".Wait()", g.end_byte, parent_fn.end_byte) < 0:
        return None
    target = callee(pkg, call)
    body = target.body if target is not None else None
    if target is None or body is None or target.file.src.find(b".Done()", body.start_byte, body.end_byte) < 0:
        return None
    keys = [_arg_key(pkg, a) for a in call_args(call)]
    if not any(keys):
        return None
    waits = [c for c in own_descendants(parent_fn, "call_expression")
             if c.start_byte > g.end_byte and _wg_call(pkg, c) == "Wait" and _wg_key(c) in keys]
    if not waits:
        return None
    key = _wg_key(waits[0])
    param = _param_name(target.node, keys.index(key))
    if not param or param == "_":
        return None
    dones = _param_dones(pkg, body, param)
    if not dones:
        return None
    early = next((r for d in dones for r in [_skipping_return(body, dones, d)] if r is not None), None)
    if early is None:
        return None
    reported: set[int] = pkg.memo.setdefault("lock_waitgroups.wg_workers", set())
    if early.id in reported:
        return None
    reported.add(early.id)
    name = text(target.node.child_by_field_name("name"))
    return ctx.finding(
        META, pkg, early,
        f"{name} returns here without calling {param}.Done(), but it runs as the goroutine started at line "
        f"{g.start_point[0] + 1} (go {pkg.text(call.child_by_field_name('function'))}(...)) that {key}.Wait() "
        f"(line {waits[0].start_point[0] + 1}) waits for: the counter never reaches zero and Wait blocks forever",
        symbol=f"{name}:{param}.Done",
        related=[Related(pkg.location(g), "the goroutine is started here"),
                 Related(pkg.location(waits[0]), f"{key}.Wait() blocks here"),
                 Related(pkg.location(dones[0]), "the only Done")],
        fix=f"`defer {param}.Done()` as the first statement of {name}",
    )


def _arg_key(pkg: Package, arg: Node) -> str:
    """``wg`` for an argument ``&wg`` or ``wg`` of type (*)sync.WaitGroup, else ""."""
    a = strip_parens(arg)
    if a is not None and a.type == "unary_expression" and text(a.child_by_field_name("operator")) == "&":
        a = strip_parens(a.child_by_field_name("operand"))
    if a is None or a.type not in ("identifier", "selector_expression"):
        return ""
    t = pkg.type_of(a).deref()
    return text(a) if t.kind == "named" and t.pkg == "sync" and t.name == "WaitGroup" else ""


def _param_name(fn: Node, idx: int) -> str:
    params = fn.child_by_field_name("parameters")
    i = 0
    for p in params.named_children if params is not None else []:
        if p.type == "variadic_parameter_declaration":
            return ""
        if p.type != "parameter_declaration":
            continue
        for n in p.children_by_field_name("name"):
            if i == idx:
                return text(n)
            i += 1
    return ""


def _param_dones(pkg: Package, body: Node, param: str) -> list[Node]:
    """The plain ``param.Done()`` calls of the worker; [] when it uses the WaitGroup any
    other way (passes it on, defers Done, calls Done in a closure)."""
    out: list[Node] = []
    owner = body.parent
    for ident in descendants(body, "identifier"):
        if text(ident) != param:
            continue
        b = pkg.resolve(ident)
        if not isinstance(b, Binding) or b.kind != "param":
            continue
        sel = ident.parent
        c = sel.parent if sel is not None and sel.type == "selector_expression" else None
        if c is None or c.type != "call_expression" or text(sel.child_by_field_name("field")) != "Done":
            return []
        p = c.parent
        fn = func_of(c)
        if p is None or p.type != "expression_statement" or fn is None or owner is None or fn.id != owner.id:
            return []
        out.append(c)
    return out


# --- Add(len(xs)) before a loop that can skip the go statement ------------------------------------

_ADD_COUNT = re.compile(rb"\.Add\(\s*[A-Za-z_]")


def add_count_skipped(pkg: Package, ctx: RuleContext, root: Node, src: bytes) -> Iterator[Finding]:
    """``wg.Add(len(xs))`` then ``for _, x := range xs { if ... { continue }; go ...Done... }``
    and ``wg.Wait()``: every pass that skips the go statement leaves one count that no Done
    removes, so Wait blocks forever."""
    if _ADD_COUNT.search(src) is None:
        return  # only literal counts (Add(1)): nothing counts a whole loop
    for add in method_calls(root, src, [b"Add"]):
        args = call_args(add)
        if len(args) != 1 or args[0].type == "int_literal" or _wg_call(pkg, add) != "Add":
            continue
        key = _wg_key(add)
        st = add.parent
        if st is None or st.type != "expression_statement":
            continue
        loop = next((n for n in _following_stmts(st) if n.type == "for_statement"), None)
        if loop is None or not _counts_passes(text(args[0]), loop):
            continue
        found = _skipped_spawn(pkg, ctx, add, key, loop)
        if found is not None:
            yield found


def _following_stmts(st: Node) -> list[Node]:
    p = st.parent
    if p is None:
        return []
    kids = [c for c in p.named_children if c.type != "comment"]
    return [c for c in kids if c.start_byte > st.start_byte]


def _counts_passes(count: str, loop: Node) -> bool:
    """Does the Add argument equal the loop's number of passes (``len(xs)`` for a range over
    ``xs``, ``n`` for ``range n`` or ``i := 0; i < n; i++``)?"""
    count = "".join(count.split())
    head = loop_header(loop)
    if head is None:
        return False
    if head.type == "range_clause":
        over = "".join(text(head.child_by_field_name("right")).split())
        return count in (f"len({over})", over)
    if head.type == "for_clause":
        cond = head.child_by_field_name("condition")
        upd = text(head.child_by_field_name("update")).replace(" ", "")
        if cond is None or cond.type != "binary_expression" or text(cond.child_by_field_name("operator")) != "<":
            return False
        i = text(cond.child_by_field_name("left"))
        return "".join(text(cond.child_by_field_name("right")).split()) == count and upd in (f"{i}++", f"{i}+=1")
    return False


def _skipped_spawn(pkg: Package, ctx: RuleContext, add: Node, key: str, loop: Node) -> Finding | None:
    body = loop.child_by_field_name("body")
    fn = func_of(loop)
    if body is None or fn is None:
        return None
    spawns = [g for g in own_descendants(body, "go_statement") if enclosing_loop(g) is not None and enclosing_loop(g).id == loop.id
              and _counted(pkg, g, key)]
    waits = [c for c in own_descendants(fn, "call_expression")
             if c.start_byte >= loop.end_byte and _wg_call(pkg, c) == "Wait" and _wg_key(c) == key]
    if len(spawns) != 1 or not waits:
        return None
    if any(c.id != add.id and _wg_key(c) == key and _wg_call(pkg, c) in ("Add", "Done")
           for c in own_descendants(fn, "call_expression") if not contains(body, c)):
        return None  # the count is adjusted elsewhere in the function (skips given back after the loop)
    g = spawns[0]
    for skip in own_descendants(body, "continue_statement", "break_statement"):
        if skip.start_byte >= g.start_byte or any(c.type == "label_name" for c in skip.named_children):
            continue
        if enclosing_loop(skip) is None or enclosing_loop(skip).id != loop.id or (skip.type == "break_statement" and broken_loop(skip) is None):
            continue
        if _released_before(pkg, body, skip, key):
            continue
        verb = "continues with the next element" if skip.type == "continue_statement" else "leaves the loop"
        return ctx.finding(
            META, pkg, skip,
            f"{key}.Add({text(call_args(add)[0])}) (line {add.start_point[0] + 1}) counts one goroutine per pass, but this "
            f"pass {verb} without starting the goroutine (line {g.start_point[0] + 1}) whose Done would balance it: "
            f"{key}.Wait() (line {waits[0].start_point[0] + 1}) waits for a Done that never comes and blocks forever",
            symbol=f"{key}.Add",
            related=[Related(pkg.location(add), "the count is added here"),
                     Related(pkg.location(g), "the goroutine this pass skips"),
                     Related(pkg.location(waits[0]), f"{key}.Wait() blocks here")],
            fix=f"call {key}.Add(1) right before each go statement instead of {key}.Add for the whole loop",
        )
    return None






def _counted(pkg: Package, g: Node, key: str) -> bool:
    """Does the goroutine ``g`` starts call ``key.Done()`` (in its literal or through a
    ``&key`` argument)?"""
    raw = g.text or b""
    if (key + ".Done()").encode() in raw:
        return True
    call = g.named_children[0] if g.named_children else None
    return call is not None and call.type == "call_expression" and any(_arg_key(pkg, a) == key for a in call_args(call))


def _released_before(pkg: Package, body: Node, skip: Node, key: str) -> bool:
    """Does the pass release its count before ``skip`` (a Done or Add, another goroutine)?"""
    for n in own_descendants(body, "go_statement", "call_expression"):
        if n.start_byte >= skip.start_byte:
            continue
        if n.type == "go_statement" or (_wg_key(n) == key and _wg_call(pkg, n) in ("Done", "Add")):
            return True
    return False
