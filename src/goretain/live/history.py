"""Reports from what is stored: ``goretain trend --store`` and the end of a watch."""

from __future__ import annotations

import time

from goretain.errors import UserError
from goretain.live.report import TargetReport
from goretain.live.schedule import ProblemCount
from goretain.live.verdict import UNKNOWN, Options, Verdict, analyse, load_series
from goretain.store import SeriesInfo, Store


def series_report(store: Store, series: SeriesInfo | None, opts: Options, since_ns: int = 0) -> Verdict:
    if series is None:
        return Verdict(UNKNOWN, {})
    return analyse(load_series(store, series, since_ns, opts.max_points), opts)


def stored_reports(
    store: Store,
    target: str | None,
    series_id: int | None,
    since_seconds: float | None,
    opts: Options,
) -> list[TargetReport]:
    names = [n for n, _ in store.targets()]
    if not names:
        raise UserError(f"{store.path}: no targets stored yet (run goretain watch first)")
    if target is not None:
        if target not in names:
            raise UserError(f"{store.path}: no target {target!r} (has: {', '.join(names)})")
        names = [target]
    since_ns = time.time_ns() - int(since_seconds * 1e9) if since_seconds else 0
    out = []
    for name in names:
        row = store.target_row(name)
        assert row is not None
        tid, url = row
        all_series = store.series_of(name)
        if series_id is not None:
            chosen = next((s for s in all_series if s.id == series_id), None)
            if chosen is None:
                raise UserError(
                    f"{store.path}: target {name!r} has no series {series_id} "
                    f"(has: {', '.join(str(s.id) for s in all_series) or 'none'})"
                )
        else:
            chosen = all_series[-1] if all_series else None
        verdict = series_report(store, chosen, opts, since_ns)
        problems = []
        if chosen is not None:
            lo = max(since_ns, chosen.started_ns)
            problems = [
                ProblemCount(ep, kind, msg, n, active=False)
                for ep, kind, n, msg in store.problem_counts(tid, lo, chosen.last_ns or None)
            ]
        out.append(TargetReport(name, url, verdict, chosen, [s.id for s in all_series], problems))
    return out
