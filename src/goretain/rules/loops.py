"""GR203 for-select-missing-exit.

A goroutine running ``for { select { ... } }`` (or ``for { v := <-ch ... }``) with no
way out - no ``return``, no ``break`` that leaves the loop, no case on ``ctx.Done()`` or
a done/quit/stop channel, no ``v, ok := <-ch`` closed-channel check - can never end:
when its producers go away it blocks forever, holding its stack and captures.
Program-lifetime goroutines started from ``init`` or ``main``, or at most once (inside
``once.Do``, or behind an ``if started { return }`` guard on a package-level var the
function sets) are left alone. A case on a
done/quit channel is no way out when the channel is made in the package, never handed out,
and nothing in the package ever closes or sends on it: then that case can never fire.

A stop case (``case <-ctx.Done():``, a quit channel) is a way out only when an exit (return,
break out of the loop, goto, ``continue`` of an outer loop, panic/os.Exit/runtime.Goexit) is
reachable from it: in the case, or outside the select. A loop with no exit at all, or one whose
stop case on ``ctx.Done()`` / a channel the package closes only logs (and neither turns itself
off nor starts a shutdown), is reported at that case.

Also reported: a goroutine ranging over ``time.Tick(...)``, a Ticker's or Timer's ``C``, or an
unexported package-level channel nothing closes or lets out, with no way out of the loop,
when its starter has a lifecycle the loop ignores (it or a same-package caller takes a
context or stop channel, it is an HTTP handler, or its receiver has Close/Stop).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.chanflow import (
    Chan,
    exits,
    go_statement_of,
    go_targets,
    is_make_chan,
    never_fed_case,
)
from goretain.rules.flow import breaks_out_of, loop_body, loop_header, own_descendants
from goretain.source.package import Package, SourceFile, VarDecl
from goretain.source.syntax import (
    FUNC_KINDS,
    contains,
    descendants,
    expr_list,
    statements,
    strip_parens,
    text,
    up,
)

META = RuleMeta(
    id="GR203",
    name="for-select-missing-exit",
    category="for-select-missing-exit",
    summary="a goroutine's for-select loop has no way out",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    docs=(
        "A goroutine that loops over `select` (or over a bare receive) with no `return`, no "
        "`break` out of the loop, no case on `ctx.Done()` or a done/quit channel and no "
        "`v, ok := <-ch` check can never finish. When the code feeding its channels stops, the "
        "goroutine stays blocked forever together with everything it references. A case on a "
        "quit channel counts only when something in the package closes or sends on it: an "
        "unexported quit channel that no Stop/Close ever closes leaves the loop without an exit. "
        "Daemons meant to live as long as the process are left alone: goroutines started from "
        "`main` or `init`, inside `once.Do`, or behind a guard on a package-level var "
        "(`if started != nil { return }`) that the starting function sets. "
        "A `case <-ctx.Done():` (or a quit case) that only logs or resets a ticker is no way out: "
        "once the context ends the loop spins on it forever; the case counts only when a return, "
        "a break out of the loop, goto or panic is reachable from it (in the case, or after the "
        "select, e.g. a flag tested there). Also flagged: a goroutine ranging over `time.Tick(d)`, "
        "a Ticker's `C` or a package channel nothing closes, with no return or break, started where "
        "a context, stop channel or Close method exists that the loop ignores (or per HTTP request). "
        "Add a case on `ctx.Done()` (or a done channel closed on shutdown) that returns."
    ),
    bad=(
        "package p\n\n"
        "func watch(events chan string, out chan string) {\n"
        "\tgo func() {\n"
        "\t\tfor {\n"
        "\t\t\tselect {\n"
        "\t\t\tcase e := <-events:\n"
        "\t\t\t\tout <- e\n"
        "\t\t\t}\n"
        "\t\t}\n"
        "\t}()\n"
        "}\n"
    ),
    good=(
        "package p\n\n"
        "import \"context\"\n\n"
        "func watch(ctx context.Context, events chan string, out chan string) {\n"
        "\tgo func() {\n"
        "\t\tfor {\n"
        "\t\t\tselect {\n"
        "\t\t\tcase e := <-events:\n"
        "\t\t\t\tout <- e\n"
        "\t\t\tcase <-ctx.Done():\n"
        "\t\t\t\treturn\n"
        "\t\t\t}\n"
        "\t\t}\n"
        "\t}()\n"
        "}\n"
    ),
    fix="add a case on ctx.Done() (or a done channel closed on shutdown) that returns",
)

_STOP_NAME = re.compile(r"(?i)(done|quit|stop|clos|exit|shutdown|cancel|die|dying|kill|term|finish|abort)")
_LIFETIME_FUNCS = frozenset({"init", "main"})


@register(META)
def check(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    targets: set[str] | None = None
    for f in pkg.files:
        if b"for {" not in f.src or b"<-" not in f.src:
            continue
        if targets is None:
            targets = go_targets(pkg)
        for loop in descendants(f.root, "for_statement"):
            if loop_header(loop) is not None:
                continue
            g = _goroutine(pkg, loop, targets)
            if g is None:
                continue
            found = _stuck(pkg, loop)
            if found is not None:
                yield _finding(pkg, ctx, loop, g, found)
    yield from _endless_ranges(pkg, ctx)


def _finding(pkg: Package, ctx: RuleContext, loop: Node, g: Node, found: Stuck) -> Finding:
    what, dead, idle = found
    related = [Related(pkg.location(g), "goroutine started here")]
    if idle is not None:
        stop = _stop_operand(idle)
        related.insert(0, Related(pkg.location(loop), "the loop that never ends"))
        return ctx.finding(
            META, pkg, idle,
            f"goroutine loops forever over {what}: the case on {stop} exists but does not leave the loop (no return, "
            "break, goto or panic is reachable from it), so once it fires the goroutine keeps looping - spinning on "
            "the closed channel or waiting again - and never ends",
            symbol=f"{_func_name(loop)}:{stop}",
            related=related,
            fix=f"return (or break out of the loop) in the case on {stop}",
        )
    if dead is None:
        why = "no case returns, breaks out, or watches ctx.Done() / a done channel"
    else:
        case, chan = dead
        why = (f"its only way out is the case on {chan.name} (line {case.start_point[0] + 1}), but nothing in "
               f"the package ever closes or sends on {chan.name}")
        related.append(Related(pkg.location(case), f"the exit waits for {chan.name}, which never fires"))
        if chan.made is not None:
            related.append(Related(pkg.location(chan.made), f"{chan.name} made here"))
    return ctx.finding(
        META, pkg, loop,
        f"goroutine loops forever over {what}: {why}, so it never ends",
        symbol=_func_name(loop),
        related=related,
        fix=None if dead is None else f"close {dead[1].name} when the owner stops (in a Stop/Close method), "
                                      "or select on ctx.Done()",
    )


# --- ranging over a channel nothing closes ------------------------------------------------

def _endless_ranges(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    """``for range time.Tick(d)`` / ``for range ticker.C`` / ``for v := range ch`` over an
    unexported package channel nothing closes, in a goroutine, with no way out of the loop."""
    chans: dict[str, VarDecl] | None = None
    targets: set[str] | None = None
    for f in pkg.files:
        if b"range" not in f.src:
            continue
        if chans is None:
            chans = _package_chans(pkg)
        for clause in _range_clauses(f, chans):
            loop = clause.parent
            what = _endless_source(pkg, clause.child_by_field_name("right"), chans)
            if not what or loop is None or loop.type != "for_statement":
                continue
            if any(_way_out(n, loop) for n in own_descendants(loop, "return_statement", "break_statement", "goto_statement",
                                                              "call_expression", "continue_statement")):
                continue
            if targets is None:
                targets = go_targets(pkg)
            g = _goroutine(pkg, loop, targets)
            if g is None or not _could_stop(pkg, g):
                continue
            over = text(clause.child_by_field_name("right"))
            yield ctx.finding(
                META, pkg, loop,
                f"goroutine ranges over {over}, {what}, and nothing in the loop returns or breaks out: the loop never "
                "ends, so the goroutine and everything it references stay alive for the life of the process",
                symbol=f"{_func_name(loop)}:range {over}",
                related=[Related(pkg.location(g), "goroutine started here")],
                fix="use a time.NewTicker in a for-select with a case on ctx.Done() (or a done channel) that returns, "
                    "and Stop the ticker" if "tick" in what else f"close {over} when the owner stops, or select on "
                    "ctx.Done() next to the receive",
            )


def _range_clauses(f: SourceFile, chans: dict[str, VarDecl]) -> Iterator[Node]:
    """Range clauses of the file over a tick channel or a package channel, found by their
    bytes (far cheaper than a query over the file)."""
    src = f.src
    i = src.find(b"range ")
    while i >= 0:
        end = min((j for j in (src.find(b"{", i), src.find(b"\n", i)) if j >= 0), default=len(src))
        seg = src[i + 6:end].rstrip()
        if b"Tick(" in seg or seg.endswith(b".C") or (chans and seg.decode("utf-8", "replace") in chans):
            tok = f.root.descendant_for_byte_range(i, i + 5)
            if tok is not None and tok.type == "range" and tok.parent is not None and tok.parent.type == "range_clause":
                yield tok.parent
        i = src.find(b"range ", i + 6)


def _could_stop(pkg: Package, g: Node) -> bool:
    """Is there a lifecycle the endless goroutine ignores: the function that starts it (or a
    same-package caller of that function) takes a context or a stop channel, or its receiver
    type has a Close/Stop method? A goroutine started where nothing can ever be stopped is a
    deliberate process-lifetime daemon, not a leak of this shape."""
    decl = g
    while decl is not None and decl.type not in ("function_declaration", "method_declaration"):
        decl = decl.parent
    if decl is None:
        return False
    if _takes_stop(decl) or _handler(decl):
        return True
    name = text(decl.child_by_field_name("name"))
    if decl.type == "method_declaration" and any(m in pkg.methods.get(_recv_type_name(decl), {}) for m in _LIFECYCLE):
        return True
    call = re.compile((rb"\." if decl.type == "method_declaration" else rb"(?<![\w.])") + re.escape(name.encode()) + rb"\(")
    for f in pkg.files:
        for m in call.finditer(f.src):
            caller = f.root.descendant_for_byte_range(m.start(), m.end())
            while caller is not None and caller.type not in ("function_declaration", "method_declaration"):
                caller = caller.parent
            if caller is not None and caller.id != decl.id and _takes_stop(caller):
                return True
    return False


_LIFECYCLE = ("Close", "Stop", "Shutdown", "Cancel")


def _takes_stop(decl: Node) -> bool:
    """Does the function take a ``context.Context`` or a stop/done channel?"""
    params = decl.child_by_field_name("parameters")
    for p in params.named_children if params is not None else []:
        t = p.child_by_field_name("type")
        if t is None:
            continue
        if text(t).endswith("context.Context"):
            return True
        if t.type == "channel_type" and any(_STOP_NAME.search(text(n)) for n in p.children_by_field_name("name")):
            return True
    return False


def _handler(decl: Node) -> bool:
    """An HTTP handler (``w http.ResponseWriter, r *http.Request``): it runs once per request."""
    params = decl.child_by_field_name("parameters")
    return params is not None and b"http.ResponseWriter" in (params.text or b"") and b"http.Request" in (params.text or b"")


def _recv_type_name(decl: Node) -> str:
    recv = decl.child_by_field_name("receiver")
    return next((text(t) for t in descendants(recv, "type_identifier")), "") if recv is not None else ""


def _endless_source(pkg: Package, e: Node | None, chans: dict[str, VarDecl]) -> str:
    """How a ranged channel is known never to be closed ("" when it may be)."""
    e = strip_parens(e)
    if e is None:
        return ""
    if e.type == "call_expression":
        fn = strip_parens(e.child_by_field_name("function"))
        if fn is not None and fn.type == "selector_expression" and text(fn.child_by_field_name("field")) == "Tick":
            pkg_ident = fn.child_by_field_name("operand")
            if pkg_ident is not None and pkg_ident.type == "identifier" and pkg.is_package_name(pkg_ident) == "time":
                return "whose ticker channel is never closed (time.Tick cannot be stopped)"
        return ""
    if e.type == "selector_expression" and text(e.child_by_field_name("field")) == "C":
        t = pkg.type_of(e.child_by_field_name("operand")).deref()
        if t.is_named("time", "Ticker"):
            return "the ticker's channel, which Stop never closes"
        if t.is_named("time", "Timer"):
            return "the timer's channel, which is never closed"
        return ""
    if e.type == "identifier" and text(e) in chans and pkg.resolve(e) is chans[text(e)] and _kept_in(pkg, chans[text(e)]):
        return "an unexported package-level channel that nothing in the package closes or hands out"
    return ""


def _package_chans(pkg: Package) -> dict[str, VarDecl]:
    """Unexported package-level channel variables (whether one is ever closed or let out is
    checked only when a goroutine ranges over it)."""
    return {name: v for name, v in pkg.vars.items()
            if name[:1].islower() and ((v.type_node is not None and v.type_node.type == "channel_type")
                                       or (v.type_node is None and v.index < len(v.values) and is_make_chan(v.values[v.index])))}


def _kept_in(pkg: Package, v: VarDecl) -> bool:
    """Is the package channel ``v`` never closed and never let out: every use is a send, a
    receive, a range, len/cap, a nil check, or storing a fresh make?"""
    word = re.compile(rb"\b" + re.escape(v.name.encode()) + rb"\b")
    return all(_plain_chan_use(pkg, f, m.start(), m.end(), v) for f in pkg.files for m in word.finditer(f.src))


def _plain_chan_use(pkg: Package, f: SourceFile, start: int, end: int, v: VarDecl) -> bool:
    node = f.root.descendant_for_byte_range(start, end)
    if node is None or node.type != "identifier":
        return True  # a comment, a string, a field name: not this variable
    if node.id == v.name_node.id:
        return True
    if pkg.resolve(node) is not v:
        return True  # a local of the same name
    p = up(node)
    if p is None:
        return False
    if p.type == "send_statement":
        return (p.child_by_field_name("channel") or p).id == node.id
    if p.type == "unary_expression":
        return text(p.child_by_field_name("operator")) == "<-"
    if p.type == "range_clause":
        return True
    if p.type == "argument_list" and p.parent is not None:
        return text(p.parent.child_by_field_name("function")) in ("len", "cap")
    if p.type == "expression_list" and p.parent is not None and p.parent.type == "assignment_statement":
        st = p.parent
        left, right = expr_list(st.child_by_field_name("left")), expr_list(st.child_by_field_name("right"))
        i = next((i for i, x in enumerate(left) if x.id == node.id), -1)
        return 0 <= i < len(right) and len(left) == len(right) and is_make_chan(right[i])
    if p.type == "binary_expression":
        return text(p.child_by_field_name("operator")) in ("==", "!=")
    return False


def _goroutine(pkg: Package, loop: Node, targets: set[str]) -> Node | None:
    """The go statement (or go-started function) whose goroutine runs the loop."""
    cur = loop.parent
    while cur is not None:
        if cur.type == "func_literal":
            g = go_statement_of(cur)
            if g is not None:
                return None if _in_lifetime_func(g) or _started_once(pkg, g) else g
            return None  # a callback: who runs it is unknown
        if cur.type in ("function_declaration", "method_declaration"):
            name = text(cur.child_by_field_name("name"))
            return cur if name in targets and name not in _LIFETIME_FUNCS else None
        cur = cur.parent
    return None


def _started_once(pkg: Package, g: Node) -> bool:
    """The go statement runs at most once per process: inside ``once.Do(func() {...})``, or
    in a function guarded by ``if v != nil { return }`` (or ``if v { return }``) on a
    package-level var it then sets - a lazily started singleton daemon, not a leak."""
    cur = g.parent
    while cur is not None and cur.type not in ("function_declaration", "method_declaration", "source_file"):
        if cur.type == "func_literal":
            args = cur.parent
            call = args.parent if args is not None and args.type == "argument_list" else None
            fn = call.child_by_field_name("function") if call is not None else None
            return fn is not None and fn.type == "selector_expression" and text(fn.child_by_field_name("field")) == "Do" \
                and pkg.type_of(fn.child_by_field_name("operand")).deref().is_named("sync", "Once")
        cur = cur.parent
    body = cur.child_by_field_name("body") if cur is not None and cur.type != "source_file" else None
    if body is None:
        return False
    for stmt in statements(body):
        if stmt.start_byte >= g.start_byte:
            break
        if stmt.type != "if_statement":
            continue
        cons = stmt.child_by_field_name("consequence")
        stmts = [c for c in statements(cons) if c.type != "comment"] if cons is not None else []
        if len(stmts) != 1 or stmts[0].type != "return_statement":
            continue
        cond = stmt.child_by_field_name("condition")
        for ident in descendants(cond, "identifier") if cond is not None else []:
            v = pkg.vars.get(text(ident))
            if v is not None and pkg.resolve(ident) is v and _assigns(body, text(ident)):
                return True
    return False


def _assigns(body: Node, name: str) -> bool:
    for a in descendants(body, "assignment_statement"):
        if any(text(x) == name for x in expr_list(a.child_by_field_name("left"))):
            return True
    return False


def _in_lifetime_func(g: Node) -> bool:
    cur = g.parent
    while cur is not None and cur.type != "source_file":
        if cur.type == "function_declaration" and text(cur.child_by_field_name("name")) in _LIFETIME_FUNCS:
            return True
        cur = cur.parent
    return False


# What an exit-less loop waits on ("a select on jobs"); the case on a channel nothing feeds
# that holds its only exits; the stop case (ctx.Done(), a quit channel) that does not leave.
Stuck = tuple[str, "tuple[Node, Chan] | None", "Node | None"]


def _stuck(pkg: Package, loop: Node) -> Stuck | None:
    """Why the ``for {}`` loop of a goroutine never ends, or None if it can end."""
    body = loop_body(loop)
    stmts = statements(body)
    if not stmts:
        return None
    waits = [s for s in stmts if s.type == "select_statement"]
    recv = [s for s in stmts if _bare_receive(s)]
    if not waits and not recv:
        return None
    what = "a receive"
    if waits:
        chans = [text(strip_parens(u.child_by_field_name("operand"))) for u in own_descendants(waits[0], "unary_expression")
                 if text(u.child_by_field_name("operator")) == "<-"]
        what = "a select on " + ", ".join(dict.fromkeys(chans)) if chans else "a select"
    dead: tuple[Node, Chan] | None = None
    outs: list[Node] = []
    for n in own_descendants(loop, "return_statement", "break_statement", "goto_statement", "call_expression",
                             "continue_statement"):
        if not _way_out(n, loop):
            continue
        d = _dead_case(pkg, n, loop)  # an exit in a case on a channel nothing ever feeds is no exit at all
        if d is None:
            outs.append(n)
        dead = dead or d
    stops = [c for w in waits for c in w.named_children if _stop_case(c)]
    if not outs:
        # A stop case or a closed check cannot lead out of a loop that has no exit.
        for case in stops if dead is None else ():
            chan = never_fed_case(pkg, case)
            if chan is not None:
                return what, (case, chan), None
        return what, dead, (stops[0] if stops and dead is None else None)
    for case in stops:
        if (not any(_reaches(case, n) for n in outs) and _stays_ready(pkg, case) and not _disables(pkg, case)
                and not _shuts_down(case)):
            return what, None, case
    return None


def _shuts_down(case: Node) -> bool:
    """Does the stop case start a shutdown (``close(x)``, ``cancel()``, ``conn.Close()``)
    that can make another case leave the loop soon after?"""
    comm = case.child_by_field_name("communication")
    for call in descendants(case, "call_expression"):
        if comm is not None and contains(comm, call):
            continue  # ctx.Done() itself
        fn = strip_parens(call.child_by_field_name("function"))
        name = text(fn.child_by_field_name("field")) if fn is not None and fn.type == "selector_expression" else text(fn)
        if _STOP_NAME.search(name):
            return True
    return False


def _stays_ready(pkg: Package, case: Node) -> bool:
    """Once it fires, does the stop case fire on every pass: ``ctx.Done()``, or a channel the
    package closes (a channel that is only sent on may carry results, not a stop signal)?"""
    operand = _stop_operand(case)
    if operand.endswith(".Done()"):
        return True
    if never_fed_case(pkg, case) is not None:
        return False  # it never fires at all
    name = operand.rsplit(".", 1)[-1]
    closed = re.compile(rb"close\([^()]*\b" + re.escape(name.encode()) + rb"\)")
    return any(closed.search(f.src) for f in pkg.files)


def _way_out(n: Node, loop: Node) -> bool:
    """Can ``n`` end the loop: a return, a goto, a break out of it, a ``continue`` of an outer
    loop, a call that never returns (panic, os.Exit, runtime.Goexit, log.Fatal)?"""
    t = n.type
    if t in ("return_statement", "goto_statement"):
        return True
    if t == "break_statement":
        return breaks_out_of(n, loop)
    if t == "continue_statement":
        return _continues_outer(n, loop)
    return t == "call_expression" and exits(n)


def _stop_case(case: Node) -> bool:
    """A select case ``case <-ctx.Done():`` / ``case <-quit:`` (a bare receive on a stop signal)."""
    if case.type != "communication_case":
        return False
    comm = case.child_by_field_name("communication")
    if comm is not None and comm.type == "receive_statement":
        if comm.child_by_field_name("left") is not None:
            return False  # `case v := <-ch:` takes a value: a work case
        comm = comm.child_by_field_name("right")
    elif comm is not None and comm.type == "expression_statement" and comm.named_children:
        comm = comm.named_children[0]
    comm = strip_parens(comm)
    if comm is None or comm.type != "unary_expression" or text(comm.child_by_field_name("operator")) != "<-":
        return False
    operand = strip_parens(comm.child_by_field_name("operand"))
    name = text(operand)
    return operand is not None and (name.endswith(".Done()") or bool(_STOP_NAME.search(name.rsplit(".", 1)[-1])))


def _stop_operand(case: Node) -> str:
    comm = case.child_by_field_name("communication")
    u = next((u for u in descendants(comm, "unary_expression")), None) if comm is not None else None
    return text(strip_parens(u.child_by_field_name("operand"))) if u is not None else "the stop channel"


def _reaches(case: Node, out: Node) -> bool:
    """Can the loop reach the exit ``out`` after the stop ``case`` fires: it is in the case,
    or outside the select (after it, or before it on the next pass)?"""
    sel = case.parent
    return contains(case, out) or sel is None or not contains(sel, out)


def _disables(pkg: Package, case: Node) -> bool:
    """Does the case turn itself off (``quit = nil``) or replace what it waits on
    (``ctx = ...``)? Then it fires once and the loop goes on with its other work."""
    operand = _stop_operand(case)
    root = operand.split(".", 1)[0].split("(", 1)[0]
    for a in descendants(case, "assignment_statement", "short_var_declaration"):
        if a.type == "assignment_statement" and any(text(x) in (operand, root)
                                                    for x in expr_list(a.child_by_field_name("left"))):
            return True
    return False


def _continues_outer(cont: Node, loop: Node) -> bool:
    """``continue L`` where ``L`` labels a loop around ``loop``: it leaves ``loop``."""
    label = next((c for c in cont.named_children if c.type == "label_name"), None)
    if label is None:
        return False
    name = text(label)
    cur = loop.parent
    while cur is not None and cur.type not in FUNC_KINDS:
        if cur.type == "labeled_statement" and text(cur.child_by_field_name("label")) == name:
            return True
        cur = cur.parent
    return False


def _dead_case(pkg: Package, n: Node, loop: Node) -> tuple[Node, Chan] | None:
    """The select case holding ``n`` when it waits on a channel nothing ever feeds."""
    case = n if n.type == "communication_case" else n.parent
    while case is not None and case.id != loop.id and case.type != "communication_case":
        case = case.parent
    c = never_fed_case(pkg, case) if case is not None and case.id != loop.id else None
    return (case, c) if case is not None and c is not None else None


def _bare_receive(stmt: Node) -> bool:
    n = stmt
    if n.type == "expression_statement" and n.named_children:
        n = n.named_children[0]
    elif n.type in ("short_var_declaration", "assignment_statement"):
        right = n.child_by_field_name("right")
        n = right.named_children[0] if right is not None and right.named_children else n
    n = strip_parens(n)
    return n is not None and n.type == "unary_expression" and text(n.child_by_field_name("operator")) == "<-"




def _func_name(n: Node) -> str:
    cur = n.parent
    while cur is not None and cur.type not in ("function_declaration", "method_declaration"):
        cur = cur.parent
    return text(cur.child_by_field_name("name")) if cur is not None else ""


__all__ = ["META", "check"]
