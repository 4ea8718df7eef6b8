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
    up,
)
from goretain.source.package import Package
from goretain.source.scope import Binding
from goretain.source.syntax import (
    expr_list,
    prefetch_when,
    strip_parens,
    text,
)

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
_SPEC = Spec(methods=frozenset(), call_releases=True)
MAX_RELATED = 3


def _may_derive(src: bytes) -> bool:
    return b"context" in src and b".With" in src


prefetch_when("call_expression", lambda head, src: b'"context"' in head and _may_derive(src))  # check() walks every call


@register(GR302)
def check(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    files = [f for f in pkg.files if _may_derive(f.src)]
    if not files:
        return []
    cls = Classifier(pkg, _SPEC)
    reads = FieldReads(pkg)
    out: list[Finding] = []
    for f in files:
        for call, name in pkg.package_calls(f.root, "context", _WITH):
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
