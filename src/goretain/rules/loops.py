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
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.chanflow import Chan, exits, go_statement_of, go_targets, never_fed_case
from goretain.rules.flow import loop_body, loop_header, own_descendants
from goretain.source.package import Package
from goretain.source.syntax import (
    FUNC_KINDS,
    contains,
    descendants,
    expr_list,
    statements,
    strip_parens,
    text,
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
            if found is None:
                continue
            what, dead = found
            related = [Related(pkg.location(g), "goroutine started here")]
            if dead is None:
                why = "no case returns, breaks out, or watches ctx.Done() / a done channel"
            else:
                case, chan = dead
                why = (f"its only way out is the case on {chan.name} (line {case.start_point[0] + 1}), but nothing in "
                       f"the package ever closes or sends on {chan.name}")
                related.append(Related(pkg.location(case), f"the exit waits for {chan.name}, which never fires"))
                if chan.make is not None:
                    related.append(Related(pkg.location(chan.make), f"{chan.name} made here"))
            yield ctx.finding(
                META, pkg, loop,
                f"goroutine loops forever over {what}: {why}, so it never ends",
                symbol=_func_name(loop),
                related=related,
                fix=None if dead is None else f"close {dead[1].name} when the owner stops (in a Stop/Close method), "
                                              "or select on ctx.Done()",
            )


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


def _stuck(pkg: Package, loop: Node) -> tuple[str, tuple[Node, Chan] | None] | None:
    """What the exit-less loop waits on ("a select on jobs"), or None if it can end; with
    the select case its only exits sit in when that case waits on a channel nothing feeds."""
    body = loop_body(loop)
    stmts = statements(body)
    if not stmts:
        return None
    waits = [s for s in stmts if s.type == "select_statement"]
    recv = [s for s in stmts if _bare_receive(s)]
    if not waits and not recv:
        return None
    dead: tuple[Node, Chan] | None = None
    for n in own_descendants(loop, "return_statement", "break_statement", "goto_statement", "call_expression",
                             "receive_statement", "unary_expression"):
        if not _way_out(n, loop):
            continue
        # An exit in a case on a channel nothing ever feeds is no exit at all.
        d = _dead_case(pkg, n, loop)
        if d is None:
            return None
        dead = dead or d
    if waits:
        chans = [text(strip_parens(u.child_by_field_name("operand"))) for u in own_descendants(waits[0], "unary_expression")
                 if text(u.child_by_field_name("operator")) == "<-"]
        return ("a select on " + ", ".join(dict.fromkeys(chans)) if chans else "a select"), dead
    return "a receive", dead


def _way_out(n: Node, loop: Node) -> bool:
    """Can ``n`` end the loop (a return, a break out of it, a closed check, a stop receive)?"""
    t = n.type
    if t in ("return_statement", "goto_statement"):
        return True
    if t == "break_statement":
        return _leaves(n, loop)
    if t == "call_expression":
        return exits(n)
    if t == "receive_statement":
        return len(_left(n)) == 2  # v, ok := <-ch: the closed check usually leads out
    if t == "unary_expression" and text(n.child_by_field_name("operator")) == "<-":
        operand = strip_parens(n.child_by_field_name("operand"))
        return operand is not None and bool(_STOP_NAME.search(text(operand)) or text(operand).endswith("Done()"))
    return False


def _dead_case(pkg: Package, n: Node, loop: Node) -> tuple[Node, Chan] | None:
    """The select case holding ``n`` when it waits on a channel nothing ever feeds."""
    case = n if n.type == "communication_case" else n.parent
    while case is not None and case.id != loop.id and case.type != "communication_case":
        case = case.parent
    c = never_fed_case(pkg, case) if case is not None and case.id != loop.id else None
    return (case, c) if case is not None and c is not None else None


def _left(recv: Node) -> list[Node]:
    left = recv.child_by_field_name("left")
    return [c for c in left.named_children] if left is not None else []


def _bare_receive(stmt: Node) -> bool:
    n = stmt
    if n.type == "expression_statement" and n.named_children:
        n = n.named_children[0]
    elif n.type in ("short_var_declaration", "assignment_statement"):
        right = n.child_by_field_name("right")
        n = right.named_children[0] if right is not None and right.named_children else n
    n = strip_parens(n)
    return n is not None and n.type == "unary_expression" and text(n.child_by_field_name("operator")) == "<-"


def _leaves(brk: Node, loop: Node) -> bool:
    label = next((c for c in brk.named_children if c.type == "label_name"), None)
    cur = brk.parent
    if label is not None:
        name = text(label)
        while cur is not None and cur.type not in FUNC_KINDS:
            if cur.type == "labeled_statement" and text(cur.child_by_field_name("label")) == name:
                return contains(cur, loop)
            cur = cur.parent
        return False
    while cur is not None and cur.type not in FUNC_KINDS:
        if cur.type in ("for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"):
            return cur.id == loop.id
        cur = cur.parent
    return False


def _func_name(n: Node) -> str:
    cur = n.parent
    while cur is not None and cur.type not in ("function_declaration", "method_declaration"):
        cur = cur.parent
    return text(cur.child_by_field_name("name")) if cur is not None else ""


__all__ = ["META", "check"]
