"""GR302: a cancel func from context.With* that is never called on some path.

The cancel func's lifetime is read by ``ownership.analyse`` (calling it releases; passing
it on, returning or storing it hands it off). Stores into struct fields are followed one
step further: a field that nothing in the package ever reads (calls, passes on) is as
good as a discarded cancel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from goretain.findings import Confidence, Finding, Related, Severity
from goretain.rules.base import RuleContext, RuleMeta, register
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
    within,
)
from goretain.source.package import Package, VarDecl
from goretain.source.scope import Binding
from goretain.source.syntax import (
    ancestors_until,
    call_args,
    enclosing_func,
    expr_list,
    strip_parens,
    text,
    up,
)
from goretain.source.types import GoType

GR302 = RuleMeta(
    id="GR302",
    name="context-cancel-not-called",
    category="context-cancel-not-called",
    summary="the cancel func of context.WithCancel/WithTimeout/WithDeadline is not called on some path",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs="""
`context.WithCancel`, `WithTimeout`, `WithDeadline` (and their `Cause` variants) register
the new context with its parent: until the cancel func is called (or the parent is
cancelled) the parent keeps a reference to the child, its values and its timer. With a
long-lived parent (a server's base context, `context.Background()`), every call that
forgets to cancel leaks one context, and a `WithTimeout` also keeps its timer until it
fires. (`defer cancel()` inside a loop, where cancels pile up until the function returns,
is GR301's pattern: defers in loops.)

The rule reports a cancel func that is discarded (`ctx, _ := context.WithTimeout(...)`),
overwritten before it is called, not called on some path out of the function, or stored
in an unexported struct field (`s.cancel = cancel`, `&W{cancel: cancel}`) that nothing in
the package ever calls. Calling the func in a defer or a closure counts, and so do
handoffs: returning the cancel func, storing it in a field that is called elsewhere, or
passing it to a function. When a `go func() {...}()` is the only user of the cancel func,
the goroutine owns it and must call it on every way out (`defer cancel()` as its first
statement); calling it only on the error path leaks the context on success. A path that
has received from the new context's `Done()` needs no call: a done context has already
left its parent.

It also reports `s.cancel = cancel` in a method that derives the context from a
long-lived parent (a field of the receiver, a package variable) and neither calls nor
reads the old `s.cancel` first: each call drops the previous cancel func uncalled;
`delete(m, id)` on a map of cancel funcs in a function that never reads the entry (and
whose callers did not either) before dropping it; and `stop := context.AfterFunc(s.ctx, f)`
whose stop func is never called while `s.ctx` outlives the call, so each call leaves `f`
and its captures registered with the long-lived context.
""",
    bad="""package p

import (
	"context"
	"errors"
	"time"
)

func Work(parent context.Context, fail bool) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	if fail {
		return errors.New("bad input")
	}
	defer cancel()
	<-ctx.Done()
	return nil
}
""",
    good="""package p

import (
	"context"
	"errors"
	"time"
)

func Work(parent context.Context, fail bool) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	if fail {
		return errors.New("bad input")
	}
	<-ctx.Done()
	return nil
}
""",
    fix="call `defer cancel()` right after creating the context, before any early return",
)

_WITH = frozenset({
    "WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause", "WithTimeoutCause", "WithDeadlineCause",
})
_WITH_OR_AFTER = _WITH | {"AfterFunc"}
_SPEC = Spec(methods=frozenset(), call_releases=True)
MAX_RELATED = 3


def _may_derive(src: bytes) -> bool:
    return b"context" in src and (b".With" in src or b".AfterFunc(" in src)




@register(GR302)
def check(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    files = [f for f in pkg.files if _may_derive(f.src)]
    if not files:
        return []
    out: list[Finding] = _dropped_entries(pkg, ctx)  # the map's cancel funcs come from a With* here
    cls = Classifier(pkg, _SPEC)
    reads = FieldReads(pkg)
    for f in files:
        for call, name in pkg.file_package_calls(f, "context", _WITH_OR_AFTER):
            if name == "AfterFunc":
                finding = _check_after_func(pkg, ctx, cls, call)
            else:
                finding = _check_call(pkg, ctx, cls, call, f"context.{name}", reads)
            if finding is not None:
                out.append(finding)
    return out


def _check_call(pkg: Package, ctx: RuleContext, cls: Classifier, call: Node, callee: str, reads: FieldReads) -> Finding | None:
    p = up(call)
    if p is not None and p.type == "expression_statement":
        return ctx.finding(GR302, pkg, call, f"the context and cancel func returned by {callee} are discarded: "
                           "the parent context keeps the child until the parent is cancelled",
                           symbol=f"{pkg.name}.{callee}")
    if p is None or p.type != "expression_list":
        return None
    stmt = p.parent
    if stmt is None or stmt.type not in ("short_var_declaration", "assignment_statement", "var_spec"):
        return None
    lefts = stmt.children_by_field_name("name") if stmt.type == "var_spec" else expr_list(stmt.child_by_field_name("left"))
    if len(lefts) != 2:
        return None
    target = strip_parens(lefts[1])
    if target is None:
        return None
    if target.type == "identifier" and text(target) == "_":
        return ctx.finding(GR302, pkg, call, f"the cancel func returned by {callee} is discarded: the parent context "
                           "keeps the new context (and its timer) until the parent itself is cancelled",
                           symbol=f"{pkg.name}.{callee}")
    if target.type == "selector_expression":
        fname = text(target.child_by_field_name("field"))
        if fname and not fname[0].isupper() and fname not in reads:
            return _unread_field(pkg, ctx, call, callee, fname, [target])
        return None
    if target.type != "identifier":
        return None
    b = pkg.resolve(target)
    if not isinstance(b, Binding) or b.kind in ("result", "receiver"):
        return None
    life = analyse(pkg, cls, b, stmt, expired=_done_waits(pkg, lefts[0]))
    name = text(target)
    handoffs = [u for u in life.uses if u.kind == HANDOFF]
    if handoffs and all(u.field_store for u in handoffs) and not any(u.kind == RELEASE for u in life.uses):
        # Stored only in fields (`s.cancel = cancel`, `&W{cancel: cancel}`) that nothing calls.
        dead = [u for u in handoffs if not u.field_store[0].isupper() and u.field_store not in reads]
        if len(dead) == len(handoffs):
            return _unread_field(pkg, ctx, call, callee, dead[0].field_store, [u.node for u in dead])
        if len(handoffs) == 1:
            over = _overwritten_field(pkg, ctx, call, callee, handoffs[0].node)
            if over is not None:
                return over
    if not life.leaks:
        return None
    first = life.leaks[0]
    line = pkg.location(first).line
    rel = [Related(pkg.location(x), "returns without calling " + name if x.type == "return_statement" else
                   (f"{name} overwritten here" if x.type == "identifier" else f"{name} goes out of scope here"))
           for x in life.leaks[:MAX_RELATED]]
    if life.goroutine is not None:
        start = pkg.location(life.goroutine).line
        how = "never calls it" if not life.released else f"can end at line {line} without calling it"
        msg = f"the cancel func {name} from {callee} is used only by the goroutine started at line {start}, which {how}"
        rel = [Related(pkg.location(x), f"the goroutine {'returns' if x.type == 'return_statement' else 'ends'} "
                       f"here without calling {name}") for x in life.leaks[:MAX_RELATED]]
    elif not life.released:
        msg = f"the cancel func {name} from {callee} is never called"
    elif first.type == "identifier":
        msg = f"the cancel func {name} from {callee} is overwritten at line {line} before it is called"
    else:
        msg = f"the cancel func {name} from {callee} is not called on the path that leaves at line {line}"
    msg += ": the parent context keeps the new context (and its timer, values and goroutines) until the parent is cancelled"
    conf = Confidence.MEDIUM if pkg.file_of(call).is_test else Confidence.HIGH
    fix = f"`defer {name}()` as the goroutine's first statement" if life.goroutine is not None else None
    return ctx.finding(GR302, pkg, call, msg, symbol=f"{pkg.name}.{name}", related=rel, confidence=conf, fix=fix)


_CANCEL_ELEM = re.compile(rb"context\.Cancel(?:Cause)?Func\b")


def _is_cancel_func(t: GoType) -> bool:
    return t.kind == "named" and t.pkg == "context" and t.name in ("CancelFunc", "CancelCauseFunc")


def _dropped_entries(pkg: Package, ctx: RuleContext) -> list[Finding]:
    """``delete(m.cancels, id)`` without calling the entry's cancel func first."""
    if not any(b"delete(" in f.src for f in pkg.files) or not any(b"CancelFunc" in f.src or b"CancelCauseFunc" in f.src
                                                                  for f in pkg.files):
        return []
    names = map_names(pkg, _CANCEL_ELEM)
    out: list[Finding] = []
    for call, m, elem in map_deletes(pkg, _is_cancel_func, names) if names else ():
        ms = text(m)
        msg = (f"delete({ms}, ...) drops a {elem} without calling it (nothing here reads the entry first): "
               f"that context is never cancelled, so its parent keeps it, with its values and timer")
        rel = [Related(pkg.location(n), "cancel funcs stored here") for n in map_stores(pkg, m)[:MAX_RELATED]]
        out.append(ctx.finding(GR302, pkg, call, msg, symbol=f"{pkg.name}.{text(m)}", related=rel,
                               fix=f"`if c, ok := {ms}[id]; ok {{ c() }}` before the delete"))
    return out


def _check_after_func(pkg: Package, ctx: RuleContext, cls: Classifier, call: Node) -> Finding | None:
    """``stop := context.AfterFunc(p.ctx, f)`` never calling stop: the long-lived context
    keeps f (and all it captures) registered until it is done, one per call."""
    p = up(call)
    stmt = p.parent if p is not None and p.type == "expression_list" else None
    if stmt is None or stmt.type not in ("short_var_declaration", "assignment_statement", "var_spec"):
        return None
    lefts = stmt.children_by_field_name("name") if stmt.type == "var_spec" else expr_list(stmt.child_by_field_name("left"))
    target = strip_parens(lefts[0]) if len(lefts) == 1 else None
    b = pkg.resolve(target) if target is not None and target.type == "identifier" else None
    if not isinstance(b, Binding) or b.kind not in ("short", "var") or b.func is None:
        return None
    recv = _receiver_binding(pkg, b.func)
    if recv is None or not _long_lived_parent(pkg, call, recv):
        return None
    life = analyse(pkg, cls, b, stmt)
    if not life.leaks:
        return None
    name = text(target)
    parent = text(call_args(call)[0])
    first = life.leaks[0]
    how = "never called" if not life.released else f"not called on the path that leaves at line {pkg.location(first).line}"
    msg = (f"the stop func {name} from context.AfterFunc({parent}, ...) is {how}: {parent} outlives this call, so it "
           f"keeps the registered func and everything it captures until {parent} is done, one more per call")
    rel = [Related(pkg.location(x), f"leaves here without calling {name}") for x in life.leaks[:MAX_RELATED]
           if x.type != "identifier"]
    return ctx.finding(GR302, pkg, call, msg, symbol=f"{pkg.name}.{name}", related=rel,
                       fix=f"`defer {name}()` once the work the func guards is done")


def _receiver_binding(pkg: Package, func: Node) -> Binding | None:
    """The receiver of the method holding ``func`` (itself or a closure inside it)."""
    top = func
    while top.parent is not None and top.type != "method_declaration":
        top = top.parent
    if top.type != "method_declaration":
        return None
    recv = top.child_by_field_name("receiver")
    names = [n for p in (recv.named_children if recv is not None else []) for n in p.children_by_field_name("name")]
    ref = pkg.resolve(names[0]) if names else None
    return ref if isinstance(ref, Binding) else None


def _long_lived_parent(pkg: Package, call: Node, recv: Binding) -> bool:
    """The parent context outlives the call: the receiver's field or a package variable."""
    args = call_args(call)
    arg = strip_parens(args[0]) if args else None
    if arg is not None and arg.type == "selector_expression":
        op = strip_parens(arg.child_by_field_name("operand"))
        return op is not None and op.type == "identifier" and pkg.resolve(op) is recv
    return arg is not None and arg.type == "identifier" and isinstance(pkg.resolve(arg), VarDecl)


def _overwritten_field(pkg: Package, ctx: RuleContext, call: Node, callee: str, value: Node) -> Finding | None:
    """``w.cancel = cancel`` in a method that neither calls nor reads the old ``w.cancel``
    first, deriving from a long-lived parent: each call overwrites the previous cancel
    func, so that context is never cancelled and its parent keeps it."""
    stmt = up(value)
    if stmt is not None and stmt.type == "expression_list":
        stmt = stmt.parent
    if stmt is None or stmt.type != "assignment_statement" or text(stmt.child_by_field_name("operator")) != "=":
        return None
    lefts = expr_list(stmt.child_by_field_name("left"))
    target = strip_parens(lefts[0]) if len(lefts) == 1 else None
    if target is None or target.type != "selector_expression":
        return None
    op = strip_parens(target.child_by_field_name("operand"))
    fname = text(target.child_by_field_name("field"))
    func = enclosing_func(stmt)
    recv = pkg.resolve(op) if op is not None and op.type == "identifier" else None
    if func is None or func.type != "method_declaration" or not isinstance(recv, Binding) or recv.kind != "receiver" \
            or not _long_lived_parent(pkg, call, recv):
        return None
    body = func.child_by_field_name("body")
    if body is None or not within(body, call):
        return None  # inside a closure (once.Do, a goroutine): not every call of the method
    word = re.compile(rb"\." + re.escape(fname.encode()) + rb"\b")
    src = pkg.file_of(stmt).src
    if word.search(src, body.start_byte, target.start_byte) or word.search(src, target.end_byte, body.end_byte):
        return None  # the old value is read/called/guarded in this method
    if any(c.type == "func_literal" for c in ancestors_until(stmt, body)):
        return None
    others = [s for s in pkg.field_selectors(_recv_type(pkg, recv), fname) if not within(stmt, s)]
    rel = [Related(pkg.location(s), f"{fname} also set or called here") for s in others[:MAX_RELATED]]
    rname = text(op)
    msg = (f"{rname}.{fname} = {text(value)} overwrites the cancel func of the previous call without calling it: "
           f"each call of this method derives a new context from {text(call_args(call)[0])}, and the one replaced "
           f"is never cancelled, so the parent keeps it (and any goroutine watching it keeps running)")
    return ctx.finding(GR302, pkg, stmt, msg, symbol=f"{pkg.name}.{fname}", related=rel, confidence=Confidence.MEDIUM,
                       fix=f"call the old {rname}.{fname}() (if not nil) before storing the new one")


def _recv_type(pkg: Package, recv: Binding) -> str:
    t = pkg.binding_type(recv).deref()
    return t.name if t.kind == "named" else ""



def _done_waits(pkg: Package, ctx_ident: Node) -> tuple[Node, ...]:
    """Receives from the new context's Done channel (``<-ctx.Done()``, ``case <-ctx.Done():``):
    once it is closed the context has already left its parent, so nothing is left to cancel."""
    ctx_ident = strip_parens(ctx_ident)
    if ctx_ident is None or ctx_ident.type != "identifier":
        return ()
    b = pkg.resolve(ctx_ident)
    body = b.func.child_by_field_name("body") if isinstance(b, Binding) and b.func is not None else None
    if body is None:
        return ()
    out: list[Node] = []
    for u in ident_uses(body, b, pkg):
        sel = up(u)
        call = up(sel) if sel is not None and sel.type == "selector_expression" else None
        recv = up(call) if call is not None and call.type == "call_expression" else None
        if recv is not None and recv.type == "unary_expression" and text(sel.child_by_field_name("field")) == "Done" \
                and text(recv.child_by_field_name("operator")) == "<-":
            out.append(recv)
    return tuple(out)


def _unread_field(pkg: Package, ctx: RuleContext, call: Node, callee: str, fname: str, stores: list[Node]) -> Finding:
    msg = (f"the cancel func from {callee} is stored in field {fname}, but nothing in package {pkg.name} ever calls "
           f"or reads {fname}: the context is never cancelled and its parent keeps it")
    rel = [Related(pkg.location(n), f"stored in {fname} here") for n in stores[:MAX_RELATED]]
    rel += field_related(pkg, fname, "nothing in the package calls it")
    return ctx.finding(GR302, pkg, call, msg, symbol=f"{pkg.name}.{fname}", confidence=Confidence.MEDIUM,
                       related=rel, fix=f"call the stored {fname}() when the owner shuts down (Close/Stop)")


class FieldReads:
    """Is a field name read anywhere in the package (not only assigned)? A byte-level
    scan per asked name: ``.name`` not followed by ``=`` (nor ``,`` of a multi-assign)."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self._memo: dict[str, bool] = {}

    def __contains__(self, name: str) -> bool:
        hit = self._memo.get(name)
        if hit is None:
            pat = re.compile(rb"\." + re.escape(name.encode()) + rb"\b(?!\s*(?:=[^=]|,[^\n]*[^=!<>:]=[^=]))")
            hit = self._memo[name] = any(pat.search(f.src) for f in self.pkg.files)
        return hit
