"""Text and JSON renderings of top / diff results (pure functions of the results)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from goretain import __version__
from goretain.profile.diff import DiffResult, DiffRow
from goretain.profile.model import Site
from goretain.profile.top import TopResult
from goretain.profile.trend import VERDICTS, SiteTrend, TrendResult
from goretain.profile.types import Frame, Profile
from goretain.profile.units import fmt, pct

SCHEMA_VERSION = 1


def _iso(nanos: int) -> str | None:
    if not nanos:
        return None
    return _dt.datetime.fromtimestamp(nanos / 1e9, tz=_dt.timezone.utc).isoformat(timespec="seconds")


def profile_json(p: Profile) -> dict[str, Any]:
    main = p.main_binary()
    return {
        "path": p.source,
        "kind": p.kind,
        "sample_types": [{"type": t, "unit": u} for t, u in p.sample_types],
        "samples": p.n_samples,
        "time": _iso(p.time_nanos),
        "time_nanos": p.time_nanos,
        "duration_nanos": p.duration_nanos,
        "period": p.period,
        "binary": main.filename if main else None,
        "build_id": main.build_id if main else None,
    }


def frame_json(f: Frame) -> dict[str, Any]:
    return {"function": f.function, "file": f.file, "line": f.line}


def site_json(site: Site, mode: str) -> dict[str, Any]:
    d = frame_json(site.frame)
    if mode == "stack":
        d["stack"] = [frame_json(f) for f in site.stack]
    return d


def header(tool: str) -> dict[str, Any]:
    return {"version": SCHEMA_VERSION, "tool": "goretain", "tool_version": __version__, "command": tool}


# ---- top -------------------------------------------------------------------


def top_json(r: TopResult) -> dict[str, Any]:
    total = r.table.total
    sites = []
    for rank, row in enumerate(r.rows, 1):
        d = {"rank": rank, **site_json(row.site, r.mode)}
        d.update(
            flat=row.flat,
            flat_pct=round(pct(row.flat, total), 3),
            cum=row.cum,
            cum_pct=round(pct(row.cum, total), 3),
        )
        sites.append(d)
    return {
        **header("top"),
        "profile": profile_json(r.profile),
        "sample_type": r.table.sample_type,
        "unit": r.table.unit,
        "site_mode": r.mode,
        "sort": r.sort,
        "total": total,
        "samples_shown": r.shown_samples,
        "sites": sites,
    }


def _site_text(site: Site, mode: str) -> str:
    if mode == "stack" and len(site.stack) > 1:
        return f"{site.frame.short()}  (+{len(site.stack) - 1} frames)"
    return site.frame.short()


def top_text(r: TopResult) -> str:
    t, u, total = r.table.sample_type, r.table.unit, r.table.total
    lines = [
        f"{r.profile.source}: {r.profile.kind} profile, {r.profile.n_samples} samples"
        + (f", taken {_iso(r.profile.time_nanos)}" if r.profile.time_nanos else ""),
        f"Type: {t}; total {fmt(total, u)}; sites by {r.mode}, sorted by {r.sort}",
        f"{'flat':>10} {'flat%':>6} {'sum%':>6} {'cum':>10} {'cum%':>6}  site",
    ]
    running = 0
    for row in r.rows:
        running += row.flat
        lines.append(
            f"{fmt(row.flat, u):>10} {pct(row.flat, total):5.1f}% {pct(running, total):5.1f}% "
            f"{fmt(row.cum, u):>10} {pct(row.cum, total):5.1f}%  {_site_text(row.site, r.mode)}"
        )
    if not r.rows:
        lines.append("(no samples)")
    return "\n".join(lines) + "\n"


# ---- diff ------------------------------------------------------------------


def _rel_text(row: DiffRow) -> str:
    rel = row.rel
    if rel is None:
        return "new"
    return f"{rel * 100:+.0f}%"


def diff_rows(r: DiffResult, limit: int) -> list[DiffRow]:
    rows = [x for x in r.rows if x.delta != 0]
    return rows[:limit] if limit > 0 else rows


def diff_json(r: DiffResult, limit: int) -> dict[str, Any]:
    sites = []
    for rank, row in enumerate(diff_rows(r, limit), 1):
        d = {"rank": rank, **site_json(row.site, r.mode)}
        rel = row.rel
        d.update(
            status=row.status,
            base=row.base,
            new=row.new,
            delta=row.delta,
            delta_pct=None if rel is None else round(rel * 100, 3),
        )
        sites.append(d)
    return {
        **header("diff"),
        "base": profile_json(r.base),
        "new": profile_json(r.new),
        "sample_type": r.sample_type,
        "unit": r.unit,
        "site_mode": r.mode,
        "normalized": r.scale != 1.0,
        "scale": r.scale,
        "total": {"base": r.base_total, "new": r.new_total, "delta": r.new_total - r.base_total},
        "counts": r.counts,
        "sites": sites,
    }


def diff_text(r: DiffResult, limit: int) -> str:
    u = r.unit
    d = r.new_total - r.base_total
    lines = [
        f"base {r.base.source}  ->  new {r.new.source}",
        f"Type: {r.sample_type}; total {fmt(r.base_total, u)} -> {fmt(r.new_total, u)} "
        f"({fmt(d, u, signed=True)})" + (f"; base scaled x{r.scale:.3f}" if r.scale != 1.0 else ""),
        f"sites: {r.counts['grown']} grown, {r.counts['new']} new, {r.counts['shrunk']} shrunk, "
        f"{r.counts['vanished']} vanished, {r.counts['unchanged']} unchanged",
        f"{'delta':>11} {'rel':>7} {'base':>10} {'new':>10}  site",
    ]
    rows = diff_rows(r, limit)
    for row in rows:
        tag = "" if row.status in ("grown", "shrunk") else f"  [{row.status}]"
        lines.append(
            f"{fmt(row.delta, u, signed=True):>11} {_rel_text(row):>7} {fmt(row.base, u):>10} "
            f"{fmt(row.new, u):>10}  {_site_text(row.site, r.mode)}{tag}"
        )
    if not rows:
        lines.append("(no differences)")
    return "\n".join(lines) + "\n"


# ---- trend -----------------------------------------------------------------


def _conf_label(c: float) -> str:
    return "certain" if c >= 0.999 else "high" if c >= 0.9 else "medium" if c >= 0.7 else "low"


def trend_site_json(s: SiteTrend, r: TrendResult) -> dict[str, Any]:
    d: dict[str, Any] = frame_json(s.frame) if s.frame else {"function": None, "file": None, "line": None}
    if r.mode == "stack" and s.stack:
        d["stack"] = [frame_json(f) for f in s.stack]
    if s.state is not None:
        d["state"] = s.state
        d["created_by"] = frame_json(s.created_by) if s.created_by else None
    d.update(
        verdict=s.verdict,
        confidence=round(s.confidence, 4),
        confidence_label=_conf_label(s.confidence),
        slope_per_min=round(s.slope, 3),
        r2=round(s.r2, 4),
        mann_kendall={"s": s.mk_s, "p": round(s.mk_p, 6)},
        growth=s.growth,
        share=round(s.share, 4),
        values=s.values,
    )
    if s.objects is not None:
        d["objects"] = s.objects
        d["objects_per_min"] = round(s.objects_slope or 0.0, 3)
    if s.alloc is not None:
        d["alloc"] = s.alloc
        d["alloc_per_min"] = round(s.alloc_slope or 0.0, 3)
    d["notes"] = s.notes
    return d


def trend_json(r: TrendResult, limit: int) -> dict[str, Any]:
    summary = {v: 0 for v in VERDICTS}
    for s in r.sites:
        summary[s.verdict] += 1
    sites = r.sites[:limit] if limit > 0 else r.sites
    return {
        **header("trend"),
        "kind": r.kind,
        "sample_type": r.sample_type,
        "unit": r.unit,
        "site_mode": r.mode,
        "floor": r.floor,
        "snapshots": [
            {**profile_json(p), "minutes": round(m, 4), "total": t}
            for p, m, t in zip(r.snapshots, r.minutes, r.totals, strict=True)
        ],
        "summary": summary,
        "sites": [{"rank": i, **trend_site_json(s, r)} for i, s in enumerate(sites, 1)],
    }


def _series_text(values: list[int], unit: str) -> str:
    if len(values) > 8:
        shown = [fmt(v, unit) for v in values[:3]] + ["..."] + [fmt(v, unit) for v in values[-4:]]
    else:
        shown = [fmt(v, unit) for v in values]
    return " -> ".join(shown)


def trend_text(r: TrendResult, limit: int, color: bool = False) -> str:
    u = r.unit
    span = r.minutes[-1] - r.minutes[0] if r.minutes else 0.0
    summary = {v: 0 for v in VERDICTS}
    for s in r.sites:
        summary[s.verdict] += 1
    when = f"{span:.2f} min" if span >= 1 else f"{span * 60:.1f} s"
    lines = [
        f"{len(r.snapshots)} {r.kind} snapshot(s) over {when}; {r.sample_type}, sites by {r.mode}",
        f"total {_series_text(r.totals, u)}",
        ", ".join(f"{summary[v]} {v}" for v in VERDICTS),
        "",
    ]
    shown = [s for s in r.sites if s.verdict in ("leaking", "growing")]
    rest = [s for s in r.sites if s.verdict not in ("leaking", "growing")]
    if limit > 0:
        shown = (shown + rest)[: max(limit, len(shown))]
    else:
        shown += rest
    for s in shown:
        verdict = s.verdict.upper()
        if color and s.verdict == "leaking":
            verdict = f"\033[1;31m{verdict}\033[0m"
        where = s.frame.short() if s.frame else "?"
        lines.append(f"{verdict:<8} {_conf_label(s.confidence)} ({s.confidence:.2f})  {where}")
        if s.state is not None:
            made = s.created_by.short() if s.created_by else "?"
            lines.append(f"    goroutines [{s.state}], created by {made}")
        lines.append(
            f"    {fmt(s.slope, u, signed=True)}/min"
            + (f", {s.objects_slope:+.1f} objects/min" if s.objects_slope is not None else "")
            + f", r2={s.r2:.2f}, Mann-Kendall S={s.mk_s} p={s.mk_p:.3g}, {s.share * 100:.0f}% of growth"
        )
        lines.append(f"    values: {_series_text(s.values, u)}")
        if s.alloc is not None and s.alloc_slope:
            lines.append(f"    allocates {fmt(s.alloc_slope, 'bytes')}/min")
        for note in s.notes:
            lines.append(f"    note: {note}")
    if not r.sites:
        lines.append("(no sites)")
    return "\n".join(lines) + "\n"
