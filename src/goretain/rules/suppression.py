"""GR000: goretain's own diagnostics about suppression comments.

The findings are produced by `goretain.processing.apply_suppressions`, which sees every
other rule's findings; the check function registered here only makes GR000 a known,
documented, selectable rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from goretain.findings import Confidence, Finding, Severity
from goretain.rules.base import RuleContext, RuleMeta, register

if TYPE_CHECKING:
    from goretain.source.package import Package

META = RuleMeta(
    id="GR000",
    name="suppression-comment",
    category="suppression",
    summary="a //goretain:ignore comment without a reason, naming an unknown rule, or suppressing nothing",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    docs="""
`//goretain:ignore GR101 reason` silences the named rules on the comment's own line
(trailing comment) or on the next code line (comment on its own line). Several IDs may
be given comma-separated (`GR101,GR102`). `//goretain:ignore-file GR101 reason` silences
a rule in the whole file. `//nolint`, `//nolint:all` and `//nolint:goretain` (also in a
list such as `//nolint:errcheck,goretain`) silence every goretain rule on that line.

Suppressions rot: the code changes, the finding goes away, and the comment stays to
hide the next real leak. So goretain reports, as GR000:

- an ignore without a reason (it then suppresses nothing): say why this is not a leak;
- an ignore naming a rule that does not exist;
- an ignore that suppressed nothing in this run, for rules that were enabled.

Unused `//nolint` comments are not reported: other linters share them.
""",
    bad="""
package cache

//goretain:ignore GR101
var sessions = map[*Session]bool{}

func track(s *Session) {
	sessions[s] = true
}

type Session struct{ id int }
""",
    good="""
package cache

//goretain:ignore GR101 sessions are removed by the janitor in janitor.go
var sessions = map[*Session]bool{}

func track(s *Session) {
	sessions[s] = true
}

type Session struct{ id int }
""",
    fix="give the suppression a reason, or remove it if nothing needs suppressing",
)


@register(META)
def check(pkg: Package, ctx: RuleContext) -> Iterable[Finding]:
    """Nothing to do per package: apply_suppressions reports GR000."""
    return ()
