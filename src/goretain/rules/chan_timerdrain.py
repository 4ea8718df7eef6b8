"""GR202: the timer drain idiom ``if !t.Stop() { <-t.C }`` in a loop whose ``select`` also
receives ``<-t.C`` without re-arming the timer. Once that case has taken the value, the
timer has fired and its channel is empty: the next ``Stop()`` returns false and the drain
waits for a value that never comes, so the goroutine blocks forever."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_meta import META
from goretain.rules.flow import enclosing_in_func, own_descendants
from goretain.source.package import Package
from goretain.source.syntax import call_args, method_calls, strip_parens, text

_LOOP = frozenset({"for_statement"})
# Statements in the consuming case that leave the loop or re-arm the timer: the drain is then safe.
_SAFE_KINDS = ("return_statement", "goto_statement", "labeled_statement")


def stranded_drains(pkg: Package, ctx: RuleContext) -> Iterator[Finding]:
    for f in pkg.files:
        if b".Stop()" not in f.src or b".C" not in f.src or b"select" not in f.src:
            continue
        for stop in method_calls(f.root, f.src, [b"Stop"]):
            hit = _drain_of(pkg, stop)
            if hit is None:
                continue
            drain, timer = hit
            case = _consuming_case(drain, timer)
            if case is None:
                continue
            yield ctx.finding(
                META, pkg, drain,
                f"<-{timer}.C blocks forever: the `case <-{timer}.C` at line {case.start_point[0] + 1} of the same loop "
                f"takes the value of the *time.Timer without resetting {timer}, so on a later pass {timer}.Stop() returns false and this drain waits on an empty channel; the "
                f"goroutine and everything it references stay in memory",
                symbol=f"{timer}.C:drain",
                related=[Related(pkg.location(case), "the timer's value is already received here")],
                fix=f"drain without blocking (`select {{ case <-{timer}.C: default: }}`), or remember that the "
                    f"value was received and skip the drain then",
            )


def _drain_of(pkg: Package, stop: Node) -> tuple[Node, str] | None:
    """``if !t.Stop() { <-t.C }``: (the bare receive, "t") when ``t`` is a *time.Timer."""
    if call_args(stop):
        return None
    sel = strip_parens(stop.child_by_field_name("function"))
    operand = sel.child_by_field_name("operand") if sel is not None else None
    neg = stop.parent
    while neg is not None and neg.type == "parenthesized_expression":
        neg = neg.parent
    if operand is None or neg is None or neg.type != "unary_expression" or text(neg.child_by_field_name("operator")) != "!":
        return None
    cond = neg.parent
    while cond is not None and cond.type == "parenthesized_expression":
        cond = cond.parent
    if cond is None or cond.type != "if_statement" or (c := strip_parens(cond.child_by_field_name("condition"))) is None \
            or c.id != neg.id:
        return None  # `if !t.Stop() && ...`: other conditions may guard the drain
    t = pkg.type_of(operand).deref()
    if not (t.kind == "named" and t.pkg == "time" and t.name == "Timer"):
        return None
    timer = text(operand)
    body = cond.child_by_field_name("consequence")
    for stmt in own_descendants(body, "expression_statement") if body is not None else []:
        e = strip_parens(stmt.named_children[0]) if stmt.named_children else None
        if e is not None and _is_recv_of(e, timer) and stmt.parent is not None and stmt.parent.parent is not None \
                and stmt.parent.parent.id == body.id:
            return e, timer
    return None


def _contains_node(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def _is_recv_of(e: Node, timer: str) -> bool:
    if e.type != "unary_expression" or text(e.child_by_field_name("operator")) != "<-":
        return False
    op = strip_parens(e.child_by_field_name("operand"))
    return op is not None and op.type == "selector_expression" and text(op) == timer + ".C"


def _consuming_case(drain: Node, timer: str) -> Node | None:
    """A ``case <-t.C`` of a select in the innermost loop around ``drain`` (not the case
    holding the drain) that neither re-arms ``t`` nor can leave the loop."""
    loops = enclosing_in_func(drain, _LOOP)
    if not loops:
        return None
    body = loops[0].child_by_field_name("body")
    if body is None:
        return None
    for case in own_descendants(body, "communication_case"):
        if _contains_node(case, drain):
            continue
        comm = case.child_by_field_name("communication")
        right = comm.child_by_field_name("right") if comm is not None and comm.type == "receive_statement" else None
        if comm is not None and comm.type == "expression_statement" and comm.named_children:
            right = comm.named_children[0]
        if right is None or not _is_recv_of(strip_parens(right), timer):
            continue
        if not _rearms_or_leaves(case, timer):
            return case
    return None


def _rearms_or_leaves(case: Node, timer: str) -> bool:
    """The case resets/replaces the timer or can leave the loop (return, goto, labelled
    break, panic): conservative, any such statement anywhere in the case counts."""
    if own_descendants(case, *_SAFE_KINDS):
        return True
    for brk in own_descendants(case, "break_statement", "continue_statement"):
        if brk.named_children:  # labelled: may leave the loop
            return True
    for call in own_descendants(case, "call_expression"):
        fn = strip_parens(call.child_by_field_name("function"))
        name = text(fn)
        if name in (timer + ".Reset", "panic", "os.Exit") or name.endswith(".Fatal") or name.endswith(".Fatalf"):
            return True
    for asg in own_descendants(case, "assignment_statement", "short_var_declaration"):
        left = asg.child_by_field_name("left")
        if left is not None and any(text(x) == timer for x in left.named_children):
            return True
    return False
