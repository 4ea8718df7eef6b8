"""GR303: tickers and timers kept alive: time.Tick, unstopped NewTicker, time.After in a
loop's select, AfterFunc closures pinning large objects.

Go 1.23 changed the rules: timers and tickers nobody references any more are collected
even when not stopped. The module's go directive decides which rule applies (``go 1.23``
or later in go.mod, or no go.mod: the new one), and each message says which.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
from goretain.rules.flow import (
    SMALL_TRIP_COUNT,
    enclosing_in_func,
    own_descendants,
    terminates,
    trip_bound,
    unbounded_loop,
)
from goretain.rules.ownership import (
    HANDOFF,
    RELEASE,
    Classifier,
    Spec,
    analyse,
    field_related,
    ident_uses,
    map_deletes,
    map_names,
    map_stores,
    struct_key,
)
from goretain.source.package import Package, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    FUNC_KINDS,
    call_args,
    descendants,
    enclosing_func,
    expr_list,
    strip_parens,
    text,
    up,
    word_nodes,
)
from goretain.source.types import GoType

GR303 = RuleMeta(
    id="GR303",
    name="timer-not-stopped",
    category="timer-not-stopped",
    summary="a ticker or timer stays referenced (or, before Go 1.23, unstopped) and keeps its memory",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs="""
Before Go 1.23 the runtime kept every started timer and ticker until it fired or was
stopped: `time.Tick` outside a forever-running function leaked its ticker for good, a
`time.NewTicker` that was never stopped kept ticking after its owner returned, and each
`time.After` evaluated in a loop's `select` left a timer (and its channel) behind until the
duration elapsed - thousands per second in a busy loop. From Go 1.23 on, timers and
tickers that nothing references any more are garbage collected even when not stopped, so
these only leak when the value stays referenced.

The rule reads the `go` directive of go.mod. For modules before 1.23 it reports
`time.Tick` outside `main`/`init` and functions that never return, `time.NewTicker`
values not stopped on some path (same ownership model as GR304: returning or storing the
ticker hands it off), and `time.After` inside a `select` in a loop when another case of
that select can win and go round the loop again (or a `time.NewTimer` made in each
iteration, read only by the `select` and never stopped); when every other case leaves the
loop (`case <-ctx.Done(): return`), at most one timer is pending at a time. It also
reports a ticker kept in an unexported struct field that nothing in the package stops, a
ticker used only by a goroutine that does not stop it on every way out, and a per-call
`time.NewTimer` raced against another case of a select and not stopped when that case
wins (a timer waited out with `<-t.C` fires and needs no Stop). For any version it
reports `time.AfterFunc` calls whose timer is dropped while its callback captures a
large object (the runtime holds the callback, and everything it captures, until the timer
fires, and nobody can stop it early), and an AfterFunc timer stopped on some paths but
not on another. Finally, `delete(m, k)` on a map of `*time.Timer`/`*time.Ticker` in a
function that never reads the entry first (`if t, ok := m[k]; ok { t.Stop() }`), nor is
called after a caller did: the dropped timer still fires (an AfterFunc one runs, and may
re-arm itself; before 1.23 any timer or ticker stays with the runtime).
""",
    bad="""package p

import "time"

func Consume(in <-chan string, handle func(string)) {
	for {
		select {
		case msg := <-in:
			handle(msg)
		case <-time.After(time.Minute):
			return // idle for a minute
		}
	}
}
""",
    good="""package p

import "time"

func Consume(in <-chan string, handle func(string)) {
	idle := time.NewTimer(time.Minute)
	defer idle.Stop()
	for {
		select {
		case msg := <-in:
			handle(msg)
			if !idle.Stop() {
				<-idle.C
			}
			idle.Reset(time.Minute)
		case <-idle.C:
			return // idle for a minute
		}
	}
}
""",
    fix="create one time.NewTicker/NewTimer outside the loop and `defer t.Stop()`",
    example_go="1.21",
)

_SPEC = Spec(methods=frozenset({"Stop"}))
_TIMER_SPEC = Spec(methods=frozenset({"Stop"}), fired_channel="C")  # `<-t.C`: it fired, nothing to stop
MAX_RELATED = 3


def _version_note(pkg: Package) -> tuple[bool, str]:
    """(new rules apply, message prefix)."""
    mod = pkg.module
    if mod is None or mod.go_version is None:
        return True, "no go directive (Go 1.23+ assumed)"
    major, minor = mod.go_version
    new = mod.at_least(23)
    return new, f"go.mod says go {major}.{minor}"


_TIMER_WORDS = (b".Tick", b"NewTicker", b".After", b"NewTimer")


def _may_time(src: bytes) -> bool:
    # Four substring searches (memmem) beat one alternation regex over the whole file.
    return b"time." in src and any(w in src for w in _TIMER_WORDS)




@register(GR303)
def check(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    files = [f for f in pkg.files if _may_time(f.src)]
    if not files:
        return []
    new, note = _version_note(pkg)
    out: list[Finding] = _dropped_timers(pkg, ctx, new, note)
    cls = Classifier(pkg, _SPEC)
    for f in files:
        for call, name in pkg.file_package_calls(f, "time", ("Tick", "NewTicker", "NewTimer", "After", "AfterFunc")):
            found: Finding | None = None
            if name == "AfterFunc":
                found = _after_func(pkg, ctx, call, note) or _after_func_unstopped(pkg, ctx, cls, call, note)
            elif new:
                if name in ("NewTicker", "NewTimer") and not pkg.file_of(call).is_test:
                    found = referenced_timer(pkg, ctx, call, name, note)
            elif name == "NewTimer":
                found = _timer_in_loop(pkg, ctx, call, note) or _timer_in_select(pkg, ctx, call, note)
            elif name == "Tick":
                found = _tick(pkg, ctx, call, note)
            elif name == "After":
                found = _after_in_loop(pkg, ctx, call, note)
            else:
                found = _ticker(pkg, ctx, cls, call, note)
            if found is not None:
                out.append(found)
    return out


_TIMER_ELEM = re.compile(rb"\*time\.(?:Timer|Ticker)\b")


def _dropped_timers(pkg: Package, ctx: RuleContext, new: bool, note: str) -> list[Finding]:
    """``delete(s.pending, seq)`` of a map of timers without stopping the entry first."""
    if not any(b"delete(" in f.src and b"time.T" in f.src for f in pkg.files):
        return []
    # Since Go 1.23 an unreferenced timer is collected, unless it is an AfterFunc's: that
    # one still fires (and may re-arm itself), keeping its func and captures until then.
    after_func = any(b"AfterFunc(" in f.src for f in pkg.files)
    if new and not after_func:
        return []

    def is_timer(t: GoType) -> bool:
        base = t.deref() if t.kind == "pointer" else None
        return base is not None and base.kind == "named" and base.pkg == "time" and base.name in ("Timer", "Ticker")

    names = map_names(pkg, _TIMER_ELEM)
    out: list[Finding] = []
    for call, m, elem in map_deletes(pkg, is_timer, names) if names else ():
        ms = text(m)
        why = ("its func still runs when it fires, keeping what it captures until then" if new else
               f"{note}: the runtime keeps an unstopped timer until it fires (a ticker forever)")
        msg = f"delete({ms}, ...) drops a {elem} without stopping it (nothing here reads the entry first): {why}"
        rel = [Related(pkg.location(n), "timers stored here") for n in map_stores(pkg, m)[:MAX_RELATED]]
        out.append(ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.{ms}", related=rel,
                               fix=f"`if t, ok := {ms}[key]; ok {{ t.Stop() }}` before the delete"))
    return out


def _func_name(fn: Node | None) -> str:
    if fn is None or fn.type == "func_literal":
        return ""
    return text(fn.child_by_field_name("name"))


def _never_returns(pkg: Package, call: Node) -> bool:
    """The function holding ``call`` runs forever: an endless loop around or after it and
    no return after it."""
    fn = enclosing_func(call)
    body = fn.child_by_field_name("body") if fn is not None else None
    if body is None:
        return False
    if any(r.start_byte > call.start_byte for r in own_descendants(body, "return_statement")):
        return False
    loops = [n for n in own_descendants(body, "for_statement") if n.end_byte > call.start_byte]
    return any(unbounded_loop(pkg, lp) is not None or _ranges_over(lp, call) for lp in loops)


def _ranges_over(loop: Node, call: Node) -> bool:
    """``for range time.Tick(d)`` without a break: ends only with the program."""
    head = next((c for c in loop.named_children if c.type == "range_clause"), None)
    if head is None or not (head.start_byte <= call.start_byte < head.end_byte):
        return False
    body = loop.child_by_field_name("body")
    return body is not None and not own_descendants(body, "break_statement")


def _tick(pkg: Package, ctx: RuleContext, call: Node, note: str) -> Finding | None:
    fn = enclosing_func(call)
    top = call
    while top.parent is not None and top.parent.type != "source_file":
        top = top.parent
    if _func_name(top) in ("main", "init") and (fn is None or fn.type != "func_literal"):
        return None
    if _never_returns(pkg, call) or pkg.file_of(call).is_test:
        return None
    msg = (f"{note}: before Go 1.23 the ticker behind time.Tick is never stopped or collected; once this "
           "function returns it keeps firing into a channel nobody reads, for the life of the process")
    return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.{_func_name(top)}.Tick",
                       fix="use time.NewTicker and defer its Stop, or raise the go directive to 1.23+")


def _after_in_loop(pkg: Package, ctx: RuleContext, call: Node, note: str) -> Finding | None:
    p = up(call)
    if p is None or p.type != "unary_expression":
        return None
    recv = up(p)
    if recv is not None and recv.type == "receive_statement":
        recv = recv.parent
    if recv is None or recv.type != "communication_case":
        return None
    loops = enclosing_in_func(call, {"for_statement"})
    if not loops:
        return None
    other = _looping_case(recv, loops[0])
    if other is None:
        return None  # every other case leaves the loop: at most one timer is ever pending
    bound = trip_bound(pkg, loops[0])
    if bound is not None and bound <= SMALL_TRIP_COUNT:
        return None  # a handful of timers at most, not a pile-up
    args = call_args(call)
    d = text(args[0]) if args else "d"
    msg = (f"{note}: before Go 1.23 each time.After({d}) evaluated by this select in a loop starts a timer the "
           f"runtime keeps (with its channel) until {d} has passed, even after another case won; a busy loop piles them up")
    return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.time.After",
                       related=[Related(pkg.location(other), "this case wins and loops again, leaving the timer behind"),
                                Related(pkg.location(loops[0]), "the loop that re-evaluates it")],
                       confidence=Confidence.HIGH if not pkg.file_of(call).is_test else Confidence.MEDIUM)


def _looping_case(case: Node, loop: Node) -> Node | None:
    """Another case of ``case``'s select that can win and go round ``loop`` again (a
    pile-up needs one); None when every other case leaves the loop."""
    sel = case.parent
    if sel is None or sel.type != "select_statement":
        return None
    for c in sel.named_children:
        if c.type not in ("communication_case", "default_case") or c.id == case.id:
            continue
        body = [s for s in c.named_children if s.type == "statement_list"]
        stmts = [s for s in body[0].named_children if s.type != "comment"] if body else []
        if not stmts or not terminates(stmts[-1], loop):
            return c
    return None


def _timer_in_loop(pkg: Package, ctx: RuleContext, call: Node, note: str) -> Finding | None:
    """``t := time.NewTimer(d)`` in a loop body, read only as ``case <-t.C`` of a select
    and never stopped: time.After in a loop spelled out, with the same pile-up."""
    p = up(call)
    stmt = p.parent if p is not None and p.type == "expression_list" else None
    if stmt is None or stmt.type != "short_var_declaration":
        return None
    lefts = expr_list(stmt.child_by_field_name("left"))
    if len(lefts) != 1 or lefts[0].type != "identifier":
        return None
    loops = enclosing_in_func(call, {"for_statement"})
    body = loops[0].child_by_field_name("body") if loops else None
    b = pkg.resolve(lefts[0])
    if body is None or not isinstance(b, Binding) or isinstance(b, VarDecl):
        return None
    uses = [u for u in ident_uses(body, b, pkg) if u.id != lefts[0].id]
    in_select = False
    for u in uses:
        sel = up(u)
        if sel is None or sel.type != "selector_expression" or text(sel.child_by_field_name("field")) != "C":
            return None  # stopped, reset, passed on or stored: not a bare per-iteration timer
        recv = up(sel)
        case = up(recv) if recv is not None and recv.type == "unary_expression" else None
        if case is not None and case.type == "receive_statement":
            case = case.parent
        in_select = in_select or (case is not None and case.type == "communication_case")
    if not in_select:
        return None
    name = text(lefts[0])
    args = call_args(call)
    d = text(args[0]) if args else "d"
    msg = (f"{note}: timer {name} is made anew in each iteration and never stopped; before Go 1.23 a timer the "
           f"select does not fire stays in the runtime (with its channel) until {d} has passed, so a busy loop piles them up")
    return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.{name}",
                       related=[Related(pkg.location(loops[0]), "the loop that makes a timer per iteration")],
                       fix=f"stop it when another case wins ({name}.Stop()), or create one timer before the loop and Reset it")


def _timer_in_select(pkg: Package, ctx: RuleContext, call: Node, note: str) -> Finding | None:
    """``t := time.NewTimer(d)`` outside a loop, waited on by a select whose other case can
    win: every way out must Stop it, or pass a case that received from ``t.C``."""
    if enclosing_in_func(call, {"for_statement"}):
        return None  # per-iteration timers: _timer_in_loop
    b, stmt = _assigned_local(pkg, call)
    if b is None or stmt is None or b.func is None:
        return None
    body = b.func.child_by_field_name("body")
    uses = ident_uses(body, b, pkg) if body is not None else []
    if not any(_select_case_on_c(u) for u in uses):
        return None  # waited out with `<-t.C`, reset or passed on: it fires or someone else stops it
    life = analyse(pkg, Classifier(pkg, _TIMER_SPEC), b, stmt)
    if not life.leaks or _never_returns(pkg, call):
        return None
    name = b.name
    args = call_args(call)
    d = text(args[0]) if args else "d"
    first = life.leaks[0]
    what = "is never stopped" if not life.released else f"is not stopped on the path that leaves at line {pkg.location(first).line}"
    msg = (f"{note}: timer {name} from time.NewTimer {what}, where a select case other than <-{name}.C won; before Go "
           f"1.23 the runtime keeps a pending timer (with its channel and everything it references) until {d} has "
           "passed, so each call that takes this path leaves one behind")
    rel = [Related(pkg.location(x), "timer still pending here") for x in life.leaks[:MAX_RELATED]]
    return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.{name}", related=rel,
                       confidence=Confidence.MEDIUM if pkg.file_of(call).is_test else Confidence.HIGH,
                       fix=f"defer {name}.Stop() right after creating it")


def _select_case_on_c(ident: Node) -> bool:
    """``case <-t.C:`` (or ``case v := <-t.C:``) of a blocking select (one with a default
    case only polls whether the timer fired)."""
    sel = up(ident)
    if sel is None or sel.type != "selector_expression" or text(sel.child_by_field_name("field")) != "C":
        return False
    recv = up(sel)
    case = up(recv) if recv is not None and recv.type == "unary_expression" else None
    if case is not None and case.type == "receive_statement":
        case = case.parent
    if case is None or case.type != "communication_case" or case.parent is None:
        return False
    return not any(c.type == "default_case" for c in case.parent.named_children)


def _assigned_local(pkg: Package, call: Node) -> tuple[Binding | None, Node | None]:
    """``x := call`` / ``x = call`` / ``var x = call`` into one local variable."""
    p = up(call)
    stmt = p.parent if p is not None and p.type == "expression_list" else None
    if stmt is None or stmt.type not in ("short_var_declaration", "assignment_statement", "var_spec"):
        return None, None
    lefts = stmt.children_by_field_name("name") if stmt.type == "var_spec" else expr_list(stmt.child_by_field_name("left"))
    if len(lefts) != 1 or lefts[0].type != "identifier":
        return None, None
    b = pkg.resolve(lefts[0])
    if not isinstance(b, Binding) or isinstance(b, VarDecl) or b.kind in ("result", "receiver"):
        return None, None
    return b, stmt


def _ticker(pkg: Package, ctx: RuleContext, cls: Classifier, call: Node, note: str) -> Finding | None:
    p = up(call)
    if p is None:
        return None
    if p.type == "expression_statement":
        return ctx.finding(GR303, pkg, call, f"{note}: the ticker from time.NewTicker is discarded and, before Go "
                           "1.23, never stopped or collected", symbol=f"{pkg.name}.NewTicker")
    if p.type == "literal_element":  # &S{t: time.NewTicker(d)}
        return _unstopped_field(pkg, ctx, call, note, struct_key(pkg, p)[0], [call])
    if p.type != "expression_list" or p.parent is None:
        return None
    stmt = p.parent
    if stmt.type not in ("short_var_declaration", "assignment_statement", "var_spec"):
        return None
    lefts = stmt.children_by_field_name("name") if stmt.type == "var_spec" else expr_list(stmt.child_by_field_name("left"))
    if len(lefts) != 1:
        return None
    left = strip_parens(lefts[0])
    if left is not None and left.type == "selector_expression" and stmt.type == "assignment_statement":
        return _unstopped_field(pkg, ctx, call, note, text(left.child_by_field_name("field")), [left])
    if left is None or left.type != "identifier":
        return None
    b = pkg.resolve(left)
    if not isinstance(b, Binding) or isinstance(b, VarDecl) or b.kind in ("result", "receiver"):
        return None
    life = analyse(pkg, cls, b, stmt)
    handoffs = [u for u in life.uses if u.kind == HANDOFF]
    if handoffs and all(u.field_store for u in handoffs) and not any(u.kind == RELEASE for u in life.uses):
        # Handed only to struct fields: the question becomes whether anything stops them.
        found = [_unstopped_field(pkg, ctx, call, note, u.field_store, [u.node]) for u in handoffs]
        return found[0] if all(found) else None
    if not life.leaks or _never_returns(pkg, call):
        return None
    name = text(lefts[0])
    first = life.leaks[0]
    what = "is never stopped" if not life.released else f"is not stopped on the path that leaves at line {pkg.location(first).line}"
    if life.goroutine is not None:
        what = (f"is used only by the goroutine started at line {pkg.location(life.goroutine).line}, which "
                + ("never stops it" if not life.released else f"can end at line {pkg.location(first).line} without stopping it"))
    msg = (f"{note}: ticker {name} from time.NewTicker {what}; before Go 1.23 an unstopped ticker is never collected "
           "and keeps firing after its owner is gone")
    rel = [Related(pkg.location(x), "ticker still running here") for x in life.leaks[:MAX_RELATED]]
    fix = f"defer {name}.Stop() right after creating it"
    if life.goroutine is not None:
        fix = f"`defer {name}.Stop()` as the goroutine's first statement"
    return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.{name}", related=rel, fix=fix)


def _unstopped_field(pkg: Package, ctx: RuleContext, call: Node, note: str, fname: str, stores: list[Node]) -> Finding | None:
    """A ticker kept in an unexported struct field that nothing in the package stops (or
    hands on): its owner can only drop it, still running."""
    top = call
    while top.parent is not None and top.parent.type != "source_file":
        top = top.parent
    if _func_name(top) in ("main", "init"):
        return None  # made once, for the life of the process
    if not fname or fname[0].isupper() or _stopped_or_handed_off(pkg, fname, True):
        return None
    msg = (f"{note}: the ticker from time.NewTicker is kept in field {fname}, but nothing in package {pkg.name} "
           f"ever stops it; before Go 1.23 an unstopped ticker is never collected, so it "
           "keeps firing after its owner is done with it")
    rel = [Related(pkg.location(n), f"stored in {fname} here") for n in stores[:MAX_RELATED]]
    rel += field_related(pkg, fname, "never stopped")
    return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.{fname}", related=rel, confidence=Confidence.MEDIUM,
                       fix=f"call {fname}.Stop() where the owner shuts down (its Close/Stop method)")


def _after_func(pkg: Package, ctx: RuleContext, call: Node, note: str) -> Finding | None:
    p = up(call)
    dropped = p is not None and (p.type == "expression_statement" or (
        p.type == "expression_list" and p.parent is not None and p.parent.type == "assignment_statement"
        and text(p.parent.child_by_field_name("left")) == "_"))
    args = call_args(call)
    if not dropped or len(args) != 2:
        return None
    cb = strip_parens(args[1])
    if cb is None or cb.type != "func_literal":
        return None
    big = _large_capture(pkg, ctx, cb)
    if big is None:
        return None
    ident, t, size = big
    msg = (f"the time.AfterFunc({text(args[0])}, ...) timer is dropped, and its callback captures {text(ident)} "
           f"({t}, about {size} bytes): the runtime holds the callback and {text(ident)} until the timer fires, "
           f"and nothing can stop it earlier (AfterFunc timers are kept until they fire in every Go version; {note})")
    return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.AfterFunc.{text(ident)}",
                       confidence=Confidence.MEDIUM,
                       fix="keep the *Timer and Stop it when the object is done with, or capture only the small fields the callback needs")


def _after_func_unstopped(pkg: Package, ctx: RuleContext, cls: Classifier, call: Node, note: str) -> Finding | None:
    """``t := time.AfterFunc(d, f)`` stopped on some paths but not on another: there the
    callback (and what it captures) stays queued until d passes, then runs anyway."""
    b, stmt = _assigned_local(pkg, call)
    if b is None or stmt is None:
        return None
    life = analyse(pkg, cls, b, stmt)
    if not life.leaks or not any(u.kind == RELEASE for u in life.uses) or _never_returns(pkg, call):
        return None  # never stopped anywhere: a fire-and-forget timer, by design
    first = life.leaks[0]
    args = call_args(call)
    d = text(args[0]) if args else "d"
    msg = (f"timer {b.name} from time.AfterFunc is stopped on some paths but not on the one that leaves at line "
           f"{pkg.location(first).line}: there the runtime keeps the timer and its callback (with everything it "
           f"captures) until {d} has passed, and then runs the callback anyway (in every Go version; {note})")
    rel = [Related(pkg.location(x), "timer still pending here") for x in life.leaks[:MAX_RELATED]]
    return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.{b.name}", related=rel,
                       confidence=Confidence.MEDIUM, fix=f"defer {b.name}.Stop() right after creating it")


def _large_capture(pkg: Package, ctx: RuleContext, lit: Node) -> tuple[Node, object, int] | None:
    seen: set[int] = set()
    for ident in descendants(lit, "identifier"):
        ref = pkg.resolve(ident)
        if not isinstance(ref, Binding) or id(ref) in seen:
            continue
        seen.add(id(ref))
        owner = ref.func
        if owner is None or owner.start_byte >= lit.start_byte and owner.end_byte <= lit.end_byte:
            continue  # declared inside the callback
        if owner.type not in FUNC_KINDS:
            continue
        t = pkg.binding_type(ref)
        base = t.deref()
        size = pkg.size_of(base).bytes
        if size >= ctx.large_object_bytes:
            return ident, t, size
    return None


# --- Go 1.23+: only timers that stay referenced -----------------------------------------------

def referenced_timer(pkg: Package, ctx: RuleContext, call: Node, name: str, note: str) -> Finding | None:
    """From Go 1.23 an unstopped ticker/timer is collected once unreferenced, so report one
    only when something long-lived keeps it: a package var or a field of a struct a
    package var holds (and nothing in the package stops it), or a goroutine that loops
    forever without stopping it."""
    kind = "ticker" if name == "NewTicker" else "timer"
    rule = (f"{note}, so the Go 1.23+ rule applies: an unstopped {kind} is only collected once nothing "
            f"references it")
    stored = _stored_long_lived(pkg, call)
    if stored is not None:
        place, label, word = stored
        if _stopped_or_handed_off(pkg, word, label != word):
            return None
        msg = (f"{rule}; this time.{name} is kept by {place} and nothing in package {pkg.name} calls Stop on "
               f"it, so it stays referenced and keeps firing for the life of the process")
        return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.{label}",
                           fix=f"call {label}.Stop() when its owner shuts down, or do not keep the {kind}")
    if name != "NewTicker":
        return None
    local = _local_name(pkg, call)
    fn = enclosing_func(call)
    if local is None or fn is None or not _in_goroutine(pkg, fn) or not _never_returns(pkg, call):
        return None
    body = fn.child_by_field_name("body")
    if body is None or re.search(rf"\b{re.escape(local)}\s*\.\s*Stop\s*\(", text(body)):
        return None
    msg = (f"{rule}; ticker {local} from time.NewTicker is used by a goroutine whose loop never ends and "
           f"never calls Stop, so the goroutine keeps it referenced and ticking for the life of the process")
    return ctx.finding(GR303, pkg, call, msg, symbol=f"{pkg.name}.{local}", confidence=Confidence.MEDIUM,
                       fix=f"give the loop an exit (a done channel or context) and defer {local}.Stop()")


def _stored_long_lived(pkg: Package, call: Node) -> tuple[str, str, str] | None:
    """(where, label, name) when the new timer goes straight into a long-lived place."""
    from goretain.rules.subslice import long_lived_place

    p = up(call)
    if p is not None and p.type == "literal_element":
        return _package_literal_field(pkg, p)
    if p is None or p.type != "expression_list" or p.parent is None:
        return None
    stmt = p.parent
    if stmt.type == "var_spec" and stmt.parent is not None and stmt.parent.type in ("var_declaration", "source_file") \
            and (stmt.parent.parent is None or stmt.parent.parent.type == "source_file"):
        names = stmt.children_by_field_name("name")
        if len(names) == 1:
            return f"package-level {text(names[0])}", text(names[0]), text(names[0])
        return None
    if stmt.type != "assignment_statement" or stmt.child_by_field_name("right") is None \
            or stmt.child_by_field_name("right").id != p.id:
        return None
    lefts = expr_list(stmt.child_by_field_name("left"))
    if len(lefts) != 1:
        return None
    place = long_lived_place(pkg, lefts[0])
    if not place:
        return None
    left = strip_parens(lefts[0])
    word = text(left.child_by_field_name("field")) if left is not None and left.type == "selector_expression" \
        else text(left)
    return place, text(lefts[0]), word


def _package_literal_field(pkg: Package, elem: Node) -> tuple[str, str, str] | None:
    """``var x = &S{t: time.NewTicker(d)}`` at package level: (where, label, field)."""
    fname = struct_key(pkg, elem)[0]
    lit = elem.parent.parent.parent if elem.parent is not None and elem.parent.parent is not None else None
    if not fname or lit is None or lit.type != "composite_literal":
        return None
    v = up(lit)
    if v is not None and v.type == "unary_expression":
        v = up(v)
    spec = v.parent if v is not None and v.type == "expression_list" else None
    top = spec.parent if spec is not None else None
    if spec is None or spec.type != "var_spec" or top is None or top.type != "var_declaration" \
            or top.parent is None or top.parent.type != "source_file":
        return None
    names = spec.children_by_field_name("name")
    if len(names) != 1:
        return None
    return f"field {fname} of package-level {text(names[0])}", f"{text(names[0])}.{fname}", fname


def _stopped_or_handed_off(pkg: Package, word: str, is_field: bool) -> bool:
    """Any mention of the var/field other than reading .C, Reset or (re)assigning it: a Stop,
    or a hand-off (argument, return, alias) to code that may stop it."""
    w = word.encode()
    for f in pkg.files:
        for node in word_nodes(f.root, f.src, [w]) if w in f.src else ():
            if node.type != ("field_identifier" if is_field else "identifier"):
                continue
            if not is_field and pkg.resolve(node) is not pkg.vars.get(word):
                continue  # another variable of the same name
            if is_field and (node.parent is None or node.parent.type != "selector_expression"):
                continue  # the field's declaration, a composite literal key
            x = node.parent if is_field and node.parent is not None else node
            p = up(x)
            if p is None or p.type in ("var_spec", "field_declaration", "parameter_declaration", "keyed_element"):
                continue
            if p.type == "selector_expression" and text(p.child_by_field_name("operand")) == text(x):
                member = text(p.child_by_field_name("field"))
                if member == "Stop":
                    return True
                if member in ("C", "Reset"):
                    continue
                return True
            if p.type == "expression_list" and p.parent is not None and p.parent.type == "assignment_statement" \
                    and p.parent.child_by_field_name("left") is not None \
                    and p.parent.child_by_field_name("left").id == p.id:
                continue  # (re)assigned: the old value may leak, but that is another question
            return True
    return False


def _local_name(pkg: Package, call: Node) -> str | None:
    p = up(call)
    if p is None or p.type != "expression_list" or p.parent is None \
            or p.parent.type not in ("short_var_declaration", "var_spec", "assignment_statement"):
        return None
    stmt = p.parent
    lefts = stmt.children_by_field_name("name") if stmt.type == "var_spec" else expr_list(stmt.child_by_field_name("left"))
    if len(lefts) != 1 or lefts[0].type != "identifier":
        return None
    b = pkg.resolve(lefts[0])
    return text(lefts[0]) if isinstance(b, Binding) and not isinstance(b, VarDecl) else None


def _in_goroutine(pkg: Package, fn: Node) -> bool:
    """fn is ``go func() {...}()`` or a function started with ``go f(...)`` / ``go x.m(...)``."""
    if fn.type == "func_literal":
        call = up(fn)
        return call is not None and call.type == "call_expression" and call.parent is not None \
            and call.parent.type == "go_statement"
    name = text(fn.child_by_field_name("name"))
    if not name:
        return False
    pat = re.compile(rf"\bgo\s+[\w.]*\b{re.escape(name)}\s*\(")
    return any(b"go " in f.src and pat.search(f.src.decode("utf-8", "replace")) for f in pkg.files)
