"""The verdict per target, as text or JSON (pure functions of the results).

Used by ``goretain watch`` when it ends and by ``goretain trend --store``.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any, TextIO

from goretain.live.schedule import ProblemCount
from goretain.live.verdict import KINDS, RANK, UNKNOWN, Verdict
from goretain.profile import report as preport
from goretain.profile.units import fmt
from goretain.store import SeriesInfo

SPARK = "▁▂▃▄▅▆▇█"
_TITLES = {"heap": "heap (in use after GC)", "goroutine": "goroutines", "goroutineleak": "goroutineleak (proven leaks)"}


@dataclass
class TargetReport:
    name: str
    url: str
    verdict: Verdict
    series: SeriesInfo | None
    series_seen: list[int] = field(default_factory=list)
    problems: list[ProblemCount] = field(default_factory=list)
    rounds: int | None = None
    stored: int | None = None


def sparkline(values: list[int] | list[float], width: int = 24) -> str:
    if not values:
        return ""
    if len(values) > width:
        step = len(values) / width
        values = [values[min(len(values) - 1, int(i * step))] for i in range(width - 1)] + [values[-1]]
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(7, int((v - lo) / (hi - lo) * 8))] for v in values)


def _iso(ns: int) -> str | None:
    if not ns:
        return None
    return _dt.datetime.fromtimestamp(ns / 1e9, tz=_dt.timezone.utc).isoformat(timespec="seconds")


def series_json(s: SeriesInfo | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "id": s.id, "started": _iso(s.started_ns), "reason": s.reason, "snapshots": s.snapshots,
        "first": _iso(s.first_ns), "last": _iso(s.last_ns),
        "cmdline": s.mark.get("cmdline"), "binary": s.mark.get("binary"),
    }


def target_json(r: TargetReport, limit: int) -> dict[str, Any]:
    d: dict[str, Any] = {
        "name": r.name, "url": r.url, "verdict": r.verdict.verdict,
        "series": series_json(r.series), "series_seen": r.series_seen,
        "rounds": r.rounds, "stored": r.stored,
        "problems": [
            {"endpoint": p.endpoint, "problem": p.kind, "count": p.count, "message": p.message}
            for p in r.problems
        ],
        "heap_inuse": r.verdict.heap_inuse,
        "goroutines": r.verdict.goroutines,
    }
    for kind in KINDS:
        kr = r.verdict.kinds.get(kind)
        if kr is None:
            continue
        d[kind] = {
            "snapshots": kr.snapshots,
            "note": kr.note,
            "trend": preport.trend_json(kr.result, limit) if kr.result else None,
        }
    return d


def watch_json(reports: list[TargetReport], command: str, store: str, limit: int) -> dict[str, Any]:
    summary = {v: 0 for v in RANK}
    for r in reports:
        summary[r.verdict.verdict] = summary.get(r.verdict.verdict, 0) + 1
    return {
        **preport.header(command), "store": store, "summary": summary,
        "targets": [target_json(r, limit) for r in reports],
    }


def _verdict_word(v: str, color: bool) -> str:
    word = v.upper()
    if not color:
        return word
    code = {"leaking": "1;31", "growing": "33", "stable": "32", UNKNOWN: "2"}.get(v, "0")
    return f"\033[{code}m{word}\033[0m"


def target_text(r: TargetReport, limit: int, color: bool = False) -> str:
    v = r.verdict
    lines = [f"== {r.name}  {r.url}  {_verdict_word(v.verdict, color)}"]
    if r.series is not None:
        s = r.series
        span = (s.last_ns - s.first_ns) / 60e9
        lines.append(
            f"   series {s.id} ({s.reason}), {s.snapshots} snapshot(s) over {span:.1f} min"
            + (f"; process {' '.join(s.mark['cmdline'])}" if s.mark.get("cmdline") else "")
        )
    if len(r.series_seen) > 1:
        lines.append(f"   {len(r.series_seen) - 1} restart(s) during this watch: series {', '.join(map(str, r.series_seen))}")
    if r.rounds is not None:
        lines.append(f"   {r.rounds} scrape round(s), {r.stored} stored")
    if v.heap_inuse:
        lines.append(
            f"   heap in use {fmt(v.heap_inuse[0], 'bytes')} -> {fmt(v.heap_inuse[-1], 'bytes')}  {sparkline(v.heap_inuse)}"
        )
    if v.goroutines:
        lines.append(f"   goroutines {v.goroutines[0]} -> {v.goroutines[-1]}  {sparkline(v.goroutines)}")
    for p in r.problems:
        lines.append(f"   problem: {p.endpoint}: {p.kind} x{p.count} ({p.message})")
    for kind in KINDS:
        kr = v.kinds.get(kind)
        if kr is None:
            continue
        lines.append(f"-- {_TITLES[kind]}")
        if kr.result is None:
            lines.append(f"   ({kr.note or 'no snapshots'})")
            continue
        body = preport.trend_text(kr.result, limit, color)
        lines.extend("   " + ln if ln else "" for ln in body.rstrip("\n").splitlines())
    return "\n".join(lines) + "\n"


def write_watch(out: TextIO, reports: list[TargetReport], command: str, store: str, limit: int,
                fmt_name: str, color: bool) -> None:
    """The report of `watch` and `trend --store`, as JSON or text."""
    if fmt_name == "json":
        json.dump(watch_json(reports, command, store, limit), out, indent=2)
        out.write("\n")
    else:
        out.write(watch_text(reports, limit, color))


def watch_text(reports: list[TargetReport], limit: int, color: bool = False) -> str:
    parts = [target_text(r, limit, color) for r in reports]
    verdicts = ", ".join(f"{r.name}: {r.verdict.verdict}" for r in reports)
    return "\n".join(parts) + f"\nverdict: {verdicts}\n"
