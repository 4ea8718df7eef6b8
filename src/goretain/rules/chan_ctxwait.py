"""GR202's findings for the ``<-ctx.Done()`` waits ``ctxwait`` proves stuck: a WithCancel
context whose cancel func is called only after the wait, never, or only by an object every
caller drops."""

from __future__ import annotations

from goretain.findings import Finding, Related
from goretain.rules.base import RuleContext
from goretain.rules.chan_meta import META
from goretain.rules.ctxwait import StuckWait
from goretain.source.package import Package


def stuck_wait_finding(pkg: Package, ctx: RuleContext, w: StuckWait) -> Finding:
    done = pkg.text(w.wait.child_by_field_name("operand"))
    if w.dropped is not None:
        why = (f"its cancel func is only kept in {w.cancel}, and the caller drops that object "
               f"(line {w.dropped.start_point[0] + 1}), so nothing can ever call it")
        rel = [Related(pkg.location(w.dropped), "the owner of the cancel func is discarded here")]
    elif w.called is None:
        why = f"its cancel func {w.cancel} is never called"
        rel = []
    else:
        why = f"its cancel func {w.cancel} is only called after this wait returns (line {w.called.start_point[0] + 1})"
        rel = [Related(pkg.location(w.called), "the only cancel, reached after the wait")]
    return ctx.finding(
        META, pkg, w.wait,
        f"goroutine blocks forever on <-{done}: the context comes from context.WithCancel over a context that is "
        f"never cancelled, and {why}",
        symbol=f"{done}:recv",
        related=[Related(pkg.location(w.make), "context made here"), *rel],
        fix=f"call {w.cancel}() when the owner is closed (or in a defer), or derive the context from one that ends",
    )

